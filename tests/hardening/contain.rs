//! Faults inside handlers stay contained: a panic, a call that never returns (per-call
//! timeout) and a huge result (response size limit) each become a fault, and the server
//! goes on serving.

use std::time::Duration;

use xmlrpc_core::Fault;
use xmlrpc_server::Server;

use crate::common::{assert_served, call, exchange, local, post};

async fn contained_server() -> xmlrpc_server::RunningServer {
    local(
        Server::builder()
            .call_timeout(Some(Duration::from_millis(500)))
            .max_response_size(Some(1 << 20))
            .method("boom", |(): ()| async move {
                if true {
                    panic!("handler bug");
                }
                Ok::<i32, Fault>(0)
            })
            .method("forever", |(): ()| async move {
                std::future::pending::<()>().await;
                Ok::<i32, Fault>(0)
            })
            .method_sync("huge", |(): ()| Ok::<_, Fault>("x".repeat(8 << 20))),
    )
    .await
}

async fn fault_of(addr: std::net::SocketAddr, name: &str) -> String {
    let reply = exchange(addr, &post(&call(name, ""), ""))
        .await
        .expect("an answer");
    assert_eq!(reply.status, 200, "{reply:?}");
    let text = reply.text();
    assert!(text.contains("<fault>"), "{name}: {text}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panics_timeouts_and_huge_results_are_faults() {
    let running = contained_server().await;
    let addr = running.local_addr().unwrap();
    for name in ["boom", "forever", "huge"] {
        for _ in 0..3 {
            let text = fault_of(addr, name).await;
            assert!(text.contains("-32603"), "{name}: {text}");
        }
        assert_served(addr).await;
    }
    let stats = running.stats();
    assert_eq!(stats.errored, 9, "{stats:?}");
    assert_eq!((stats.active, stats.queued), (0, 0), "{stats:?}");
    running.shutdown().await;
}
