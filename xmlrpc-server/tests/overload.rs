//! The bounded pool and each overload policy, with simultaneous slow calls.

mod common;

use std::{
    net::SocketAddr,
    sync::{Arc, Condvar, Mutex},
    time::Duration,
};

use common::*;
use tokio::{io::AsyncWriteExt, net::TcpStream};
use xmlrpc_core::{Fault, Value};
use xmlrpc_server::{Overload, Server, Stats};

/// Length of the calls that must overlap: long enough that all requests of a test arrive
/// while the first ones still run, even on a busy machine.
const SLOW: u64 = 1500;

#[derive(Debug, PartialEq)]
enum Outcome {
    Ok,
    Fault(i32),
    Status(u16, Option<String>),
    Closed,
}

/// Sends `n` `sleep(ms)` calls at once, each on its own connection.
async fn simultaneous(addr: SocketAddr, n: usize, ms: u64) -> Vec<Outcome> {
    // Connect first, then send all requests together, so they arrive at the same time.
    let mut streams = Vec::new();
    for _ in 0..n {
        streams.push(TcpStream::connect(addr).await.unwrap());
    }
    let request = post(&call_body("sleep", &(ms,)), "");
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            let request = request.clone();
            tokio::spawn(async move {
                if stream.write_all(&request).await.is_err() {
                    return Outcome::Closed;
                }
                match read_reply(&mut stream, &mut Vec::new()).await {
                    None => Outcome::Closed,
                    Some(reply) if reply.status != 200 => Outcome::Status(
                        reply.status,
                        reply.header("retry-after").map(str::to_string),
                    ),
                    Some(reply) => match reply.value() {
                        Ok(_) => Outcome::Ok,
                        Err(fault) => Outcome::Fault(fault.code),
                    },
                }
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

fn count(outcomes: &[Outcome], f: impl Fn(&Outcome) -> bool) -> usize {
    outcomes.iter().filter(|o| f(o)).count()
}

async fn settled(server: &xmlrpc_server::RunningServer) -> Stats {
    // Counters are updated as the requests end; give the last ones a moment.
    for _ in 0..100 {
        let stats = server.stats();
        if stats.active == 0 && stats.queued == 0 {
            return stats;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.stats()
}

#[tokio::test]
async fn close_policy_drops_the_connection_without_a_response() {
    let (server, addr) = start(
        Server::builder()
            .max_workers(2)
            .max_pending(0)
            .overload(Overload::Close),
    )
    .await;
    let outcomes = simultaneous(addr, 8, SLOW).await;
    let ok = count(&outcomes, |o| *o == Outcome::Ok);
    let closed = count(&outcomes, |o| *o == Outcome::Closed);
    assert!((1..=2).contains(&ok), "{outcomes:?}");
    assert_eq!(ok + closed, 8, "{outcomes:?}");
    let stats = settled(&server).await;
    assert_eq!(stats.rejected_close as usize, closed);
    assert_eq!(stats.completed as usize, ok);
}

#[tokio::test]
async fn fault_policy_answers_the_configured_fault() {
    let (server, addr) = start(Server::builder().max_workers(2).max_pending(0).overload(
        Overload::Fault {
            code: -32099,
            string: "busy".into(),
        },
    ))
    .await;
    let outcomes = simultaneous(addr, 8, SLOW).await;
    let ok = count(&outcomes, |o| *o == Outcome::Ok);
    let faults = count(&outcomes, |o| *o == Outcome::Fault(-32099));
    assert!((1..=2).contains(&ok), "{outcomes:?}");
    assert_eq!(ok + faults, 8, "{outcomes:?}");
    assert_eq!(settled(&server).await.rejected_fault as usize, faults);
}

#[tokio::test]
async fn http503_policy_with_pending_places_admits_exactly_workers_plus_pending() {
    let (server, addr) = start(Server::builder().max_workers(1).max_pending(2).overload(
        Overload::Http503 {
            retry_after: Some(3),
        },
    ))
    .await;
    let outcomes = simultaneous(addr, 6, SLOW).await;
    let ok = count(&outcomes, |o| *o == Outcome::Ok);
    let rejected = count(&outcomes, |o| {
        *o == Outcome::Status(503, Some("3".to_string()))
    });
    assert_eq!((ok, rejected), (3, 3), "{outcomes:?}");
    let stats = settled(&server).await;
    assert_eq!(stats.rejected_503, 3);
    assert_eq!(stats.completed, 3);
}

#[tokio::test]
async fn block_policy_serves_everyone_eventually() {
    let (server, addr) = start(
        Server::builder()
            .max_workers(2)
            .max_pending(0)
            .overload(Overload::Block),
    )
    .await;
    let started = std::time::Instant::now();
    let outcomes = simultaneous(addr, 8, 500).await;
    assert_eq!(count(&outcomes, |o| *o == Outcome::Ok), 8, "{outcomes:?}");
    // Two at a time, four rounds of 500 ms: the bound really held.
    assert!(started.elapsed() >= Duration::from_millis(1800));
    let stats = settled(&server).await;
    assert_eq!(stats.completed, 8);
    assert_eq!(
        stats.rejected_close + stats.rejected_fault + stats.rejected_503,
        0
    );
}

#[tokio::test]
async fn two_calls_with_two_workers_are_never_rejected() {
    let (_server, addr) = start(
        Server::builder()
            .max_workers(2)
            .max_pending(0)
            .overload(Overload::Close),
    )
    .await;
    for _ in 0..3 {
        let outcomes = simultaneous(addr, 2, 100).await;
        assert_eq!(outcomes, vec![Outcome::Ok, Outcome::Ok]);
    }
}

#[tokio::test]
async fn stats_show_active_and_queued_calls() {
    let (server, addr) = start(
        Server::builder()
            .max_workers(1)
            .max_pending(1)
            .overload(Overload::http503()),
    )
    .await;
    let calls = tokio::spawn(simultaneous(addr, 2, SLOW));
    let mut seen = Stats::default();
    for _ in 0..100 {
        seen = server.stats();
        if seen.active == 1 && seen.queued == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!((seen.active, seen.queued), (1, 1), "{seen:?}");
    assert!(seen.connections_open >= 2);
    assert_eq!(calls.await.unwrap(), vec![Outcome::Ok, Outcome::Ok]);
    let stats = settled(&server).await;
    assert_eq!(stats.completed, 2);
}

#[tokio::test]
async fn sync_methods_count_against_the_same_bounds() {
    let server = Server::builder()
        .max_workers(1)
        .max_pending(0)
        .overload(Overload::Fault {
            code: 1,
            string: "full".into(),
        })
        .method_sync("block", |(ms,): (u64,)| {
            std::thread::sleep(Duration::from_millis(ms));
            Ok::<_, Fault>(true)
        })
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();
    let slow = tokio::spawn(async move { call(addr, "block", &(500,)).await });
    for _ in 0..50 {
        if running.stats().active == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(call(addr, "block", &(1,)).await, Err(Fault::new(1, "full")));
    assert_eq!(slow.await.unwrap(), Ok(Value::Bool(true)));
}

#[tokio::test]
async fn async_calls_are_not_starved_by_blocking_ones() {
    // Two blocking threads, both held until released, and two more blocking calls waiting
    // for them: async calls still find slots, and the stats tell the kinds apart.
    let release = Arc::new((Mutex::new(false), Condvar::new()));
    let held = release.clone();
    let server = common::methods(Server::builder().max_blocking(2))
        .method_sync("hold", move |(): ()| {
            let (lock, wake) = &*held;
            let open = lock.lock().unwrap();
            // Bounded, so a failing test cannot hang on it.
            let (open, _) = wake
                .wait_timeout_while(open, Duration::from_secs(20), |open| !*open)
                .unwrap();
            Ok::<_, Fault>(*open)
        })
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();
    let holders: Vec<_> = (0..4)
        .map(|_| tokio::spawn(async move { call(addr, "hold", &()).await }))
        .collect();
    let mut seen = Stats::default();
    for _ in 0..500 {
        seen = running.stats();
        if seen.active_blocking == 2 && seen.queued_blocking == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        (seen.active_blocking, seen.queued_blocking),
        (2, 2),
        "{seen:?}"
    );
    assert_eq!((seen.active, seen.queued), (2, 2), "{seen:?}");
    // Sixteen async sleeps at once, while every blocking thread is taken.
    let sleeps = simultaneous(addr, 16, 100).await;
    assert!(sleeps.iter().all(|o| *o == Outcome::Ok), "{sleeps:?}");
    assert_eq!(running.stats().active_blocking, 2);
    {
        let (lock, wake) = &*release;
        *lock.lock().unwrap() = true;
        wake.notify_all();
    }
    for holder in holders {
        assert_eq!(holder.await.unwrap(), Ok(Value::Bool(true)));
    }
    let stats = settled(&running).await;
    assert_eq!((stats.active_blocking, stats.queued_blocking), (0, 0));
    assert_eq!(stats.completed, 20);
}

#[tokio::test]
async fn max_workers_bounds_blocking_and_async_calls_together() {
    // One slot in all: a blocking call running leaves no room for an async one.
    let server = common::methods(
        Server::builder()
            .max_workers(1)
            .max_blocking(4)
            .max_pending(0)
            .overload(Overload::http503()),
    )
    .method_sync("block", |(ms,): (u64,)| {
        std::thread::sleep(Duration::from_millis(ms));
        Ok::<_, Fault>(true)
    })
    .build()
    .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();
    let slow = tokio::spawn(async move { call(addr, "block", &(800,)).await });
    for _ in 0..100 {
        if running.stats().active == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        simultaneous(addr, 1, 1).await,
        vec![Outcome::Status(503, Some("1".into()))]
    );
    assert_eq!(slow.await.unwrap(), Ok(Value::Bool(true)));
}
