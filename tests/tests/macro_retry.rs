//! Retries against a server that sheds load: with one worker busy and no queue, the server
//! refuses further calls (HTTP 503 or the overload fault). A method declared
//! `#[xmlrpc(idempotent)]` is retried until the worker is free and then runs once; any other
//! method fails at once and reaches the server exactly once (counted by the server).

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::sync::Semaphore;
use xmlrpc_client::{Client, RetryPolicy};
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::{Overload, RunningServer, Server, Stats};

#[xmlrpc_service(namespace = "shed")]
pub trait Shed {
    /// Holds the only worker until the test releases it.
    async fn hold(&self) -> i32;
    /// Reads: safe to repeat.
    #[xmlrpc(idempotent)]
    async fn read(&self) -> i32;
    /// Writes: must not be repeated.
    async fn write(&self) -> i32;
}

#[derive(Clone)]
struct Impl {
    release: Arc<Semaphore>,
    reads: Arc<AtomicUsize>,
    writes: Arc<AtomicUsize>,
}

impl Default for Impl {
    fn default() -> Self {
        Impl {
            release: Arc::new(Semaphore::new(0)),
            reads: Arc::default(),
            writes: Arc::default(),
        }
    }
}

impl Shed for Impl {
    async fn hold(&self) -> i32 {
        // Each release lets one hold through.
        if let Ok(permit) = self.release.acquire().await {
            permit.forget();
        }
        0
    }
    async fn read(&self) -> i32 {
        self.reads.fetch_add(1, Ordering::SeqCst) as i32 + 1
    }
    async fn write(&self) -> i32 {
        self.writes.fetch_add(1, Ordering::SeqCst) as i32 + 1
    }
}

/// Polls `stats` until `done` holds, for at most 10 s.
async fn wait_for(running: &RunningServer, done: impl Fn(&Stats) -> bool) {
    for _ in 0..1000 {
        if done(&running.stats()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "the server never reached the expected state: {:?}",
        running.stats()
    );
}

fn refused(stats: &Stats) -> u64 {
    stats.rejected_503 + stats.rejected_fault
}

async fn shed_with(policy: Overload) {
    let service = Impl::default();
    let server = Server::builder()
        .max_workers(1)
        .max_pending(0)
        .overload(policy)
        .service(service.clone().into_service())
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let client = Client::builder(&format!("http://{}/RPC2", running.local_addr().unwrap()))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(1000)
                .backoff(Duration::from_millis(2), Duration::from_millis(20))
                .budget(Duration::from_secs(20)),
        )
        .build()
        .unwrap();
    let shed = ShedClient::new(client.clone());

    let holding = tokio::spawn(shed.hold());
    wait_for(&running, |s| s.active == 1).await;

    // Not idempotent: refused once, not retried, never run.
    let before = refused(&running.stats());
    let err = shed.write().await.unwrap_err();
    assert!(
        err.is_overload() || err.fault_code() == Some(-32400),
        "{err}"
    );
    assert_eq!(refused(&running.stats()), before + 1);
    assert_eq!(service.writes.load(Ordering::SeqCst), 0);
    // A dynamic call is not retried unless it opts in.
    let err = client.call::<i32, _>("shed.read", ()).await.unwrap_err();
    assert!(
        err.is_overload() || err.fault_code() == Some(-32400),
        "{err}"
    );
    assert_eq!(refused(&running.stats()), before + 2);

    // Idempotent: retried while refused, then runs once when the worker is free.
    let reading = tokio::spawn(shed.read());
    wait_for(&running, |s| refused(s) >= before + 4).await;
    assert_eq!(service.reads.load(Ordering::SeqCst), 0);
    service.release.add_permits(1);
    assert_eq!(reading.await.unwrap().unwrap(), 1);
    assert_eq!(service.reads.load(Ordering::SeqCst), 1);
    assert_eq!(holding.await.unwrap().unwrap(), 0);

    // A dynamic call that opts in is retried the same way.
    let holding = tokio::spawn(shed.hold());
    wait_for(&running, |s| s.active == 1).await;
    let before = refused(&running.stats());
    let dynamic = tokio::spawn({
        let client = client.clone();
        async move { client.call_idempotent::<i32, _>("shed.read", ()).await }
    });
    wait_for(&running, |s| refused(s) >= before + 2).await;
    service.release.add_permits(1);
    assert_eq!(dynamic.await.unwrap().unwrap(), 2);
    holding.await.unwrap().unwrap();
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_calls_are_retried_through_http_503() {
    shed_with(Overload::Http503 { retry_after: None }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_calls_are_retried_through_the_overload_fault() {
    shed_with(Overload::fault()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_and_the_budget_bounds_the_retries() {
    let service = Impl::default();
    let server = Server::builder()
        .max_workers(1)
        .max_pending(0)
        .overload(Overload::Http503 {
            retry_after: Some(1),
        })
        .service(service.clone().into_service())
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let client = Client::builder(&format!("http://{}/RPC2", running.local_addr().unwrap()))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(10)
                .backoff(Duration::from_millis(1), Duration::from_millis(1))
                // Less than the one second the server asks for: no retry fits.
                .budget(Duration::from_millis(500)),
        )
        .build()
        .unwrap();
    let shed = ShedClient::new(client);
    let holding = tokio::spawn(shed.hold());
    wait_for(&running, |s| s.active == 1).await;
    let before = running.stats().rejected_503;
    let err = shed.read().await.unwrap_err();
    assert!(err.is_overload(), "{err}");
    assert_eq!(running.stats().rejected_503, before + 1);
    service.release.add_permits(1);
    holding.await.unwrap().unwrap();
    running.shutdown().await;
}
