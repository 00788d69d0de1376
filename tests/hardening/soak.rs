//! Overload soak: ten times the pool's capacity of concurrent callers under each overload
//! policy, against a server in a child process. Every call gets a result or the policy's
//! rejection (none lost, none hung), the server's counters add up to what was sent, and its
//! memory returns near the idle figure.

use std::time::Duration;

use crate::common::{call, exchange, post, ChildServer, Reply};

const WORKERS: usize = 4;
const PENDING: usize = 4;
const CALLERS: usize = 10 * (WORKERS + PENDING);
const CALLS_EACH: usize = 5;

#[derive(Debug, Default, Clone, Copy)]
struct Outcomes {
    results: u64,
    faults: u64,
    unavailable: u64,
    closed: u64,
}

async fn one_call(addr: std::net::SocketAddr) -> Option<Reply> {
    let body = call(
        "interop.sleep",
        "<param><value><int>20</int></value></param>",
    );
    exchange(addr, &post(&body, "")).await
}

async fn soak(policy: &str) {
    let (workers, pending) = (WORKERS.to_string(), PENDING.to_string());
    let server = ChildServer::spawn(&[
        "--max-workers",
        &workers,
        "--max-pending",
        &pending,
        "--overload",
        policy,
    ]);
    let addr = server.addr;
    assert!(one_call(addr).await.is_some_and(|r| r.status == 200));
    let idle_kib = server.memory_kib("VmRSS");
    let mut callers = Vec::new();
    for _ in 0..CALLERS {
        callers.push(tokio::spawn(async move {
            let mut seen = Outcomes::default();
            for _ in 0..CALLS_EACH {
                match one_call(addr).await {
                    None => seen.closed += 1,
                    Some(r) if r.status == 503 => seen.unavailable += 1,
                    Some(r) if r.status == 200 && r.text().contains("<fault>") => {
                        assert!(r.text().contains("overloaded"), "{}", r.text());
                        seen.faults += 1;
                    }
                    Some(r) if r.status == 200 => seen.results += 1,
                    Some(r) => panic!("unexpected answer {r:?}"),
                }
            }
            seen
        }));
    }
    let mut total = Outcomes::default();
    for caller in callers {
        let seen = caller.await.expect("a caller finished");
        total.results += seen.results;
        total.faults += seen.faults;
        total.unavailable += seen.unavailable;
        total.closed += seen.closed;
    }
    let sent = (CALLERS * CALLS_EACH) as u64;
    assert_eq!(
        total.results + total.faults + total.unavailable + total.closed,
        sent
    );
    // Let the allocator settle, then compare the resident size with the idle one.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (after_kib, peak_kib) = (server.memory_kib("VmRSS"), server.memory_kib("VmHWM"));
    let stats = server.finish();
    eprintln!(
        "overload {policy}: {sent} calls, {total:?}; RSS idle {idle_kib} KiB, peak {peak_kib} \
         KiB, after {after_kib} KiB; server counters {stats:?}"
    );
    // The warm-up call is counted by the server too.
    assert_eq!(stats.completed, total.results + 1, "{stats:?}");
    assert_eq!(stats.errored, 0, "{stats:?}");
    assert_eq!(stats.rejected_fault, total.faults, "{stats:?}");
    assert_eq!(stats.rejected_503, total.unavailable, "{stats:?}");
    assert_eq!(stats.rejected_close, total.closed, "{stats:?}");
    match policy {
        "block" => assert_eq!(total.results, sent, "block rejects nothing"),
        "close" => assert!(total.closed > 0, "the pool overflowed"),
        "fault" => assert!(total.faults > 0, "the pool overflowed"),
        _ => assert!(total.unavailable > 0, "the pool overflowed"),
    }
    assert!(
        after_kib < idle_kib + (64 << 10),
        "RSS went from {idle_kib} KiB idle to {after_kib} KiB after the load"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_block() {
    soak("block").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_close() {
    soak("close").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_fault() {
    soak("fault").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_http503() {
    soak("http503").await;
}
