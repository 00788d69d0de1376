//! Graceful shutdown under load: every admitted call completes and is answered, new
//! connections are refused, and the server stops within its deadline.

use std::time::Duration;

use tokio::net::TcpStream;
use xmlrpc_server::Server;

use crate::common::{call, eventually, exchange, local, post, NO_HANG};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_answers_every_admitted_call() {
    const CALLS: usize = 16;
    let running = local(Server::builder().max_workers(4).max_pending(CALLS - 4)).await;
    let addr = running.local_addr().unwrap();
    let handle = running.handle();
    let body = call(
        "interop.sleep",
        "<param><value><int>400</int></value></param>",
    );
    let mut callers = Vec::new();
    for _ in 0..CALLS {
        let request = post(&body, "");
        callers.push(tokio::spawn(async move { exchange(addr, &request).await }));
    }
    assert!(
        eventually(|| {
            let s = handle.stats();
            s.active + s.queued == CALLS
        })
        .await,
        "all calls admitted: {:?}",
        handle.stats()
    );
    handle.shutdown_within(NO_HANG);
    // The listener closes at once: new connections are refused while calls finish.
    assert!(eventually_refused(addr).await, "new connections refused");
    let stopped = tokio::time::timeout(NO_HANG + Duration::from_secs(1), running.wait()).await;
    assert!(stopped.is_ok(), "the server stopped within its deadline");
    for caller in callers {
        let reply = caller
            .await
            .unwrap()
            .expect("every admitted call was answered");
        assert_eq!(reply.status, 200);
        assert!(reply.text().contains("<int>400</int>"), "{}", reply.text());
    }
    let stats = handle.stats();
    assert_eq!(stats.completed, CALLS as u64, "{stats:?}");
    assert_eq!(stats.connections_open, 0, "{stats:?}");
}

async fn eventually_refused(addr: std::net::SocketAddr) -> bool {
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_still_running_at_the_deadline_are_ended() {
    let running = local(Server::builder()).await;
    let addr = running.local_addr().unwrap();
    let body = call(
        "interop.sleep",
        "<param><value><int>60000</int></value></param>",
    );
    let caller = tokio::spawn(async move { exchange(addr, &post(&body, "")).await });
    let handle = running.handle();
    assert!(eventually(|| handle.stats().active == 1).await);
    let stopped =
        tokio::time::timeout(NO_HANG, running.shutdown_within(Duration::from_millis(300))).await;
    assert!(stopped.is_ok(), "the server stopped at its deadline");
    // The connection was ended without an answer.
    assert!(caller.await.unwrap().is_none());
}
