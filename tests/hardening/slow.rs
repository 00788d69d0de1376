//! Slow and idle clients: the header, body and idle timeouts and the connection cap end
//! them, and normal callers keep being served meanwhile.

use std::time::Duration;

use tokio::{io::AsyncWriteExt, net::TcpStream};
use xmlrpc_server::Server;

use crate::common::{
    assert_served, call, closed_by_server, eventually, local, post, read_one, NO_HANG,
};

/// Normal calls on fresh connections, `rounds` times, each answered within the bound.
async fn keep_calling(addr: std::net::SocketAddr, rounds: usize) {
    for _ in 0..rounds {
        assert_served(addr).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_a_byte_per_second_are_cut_off() {
    let running = local(Server::builder().header_read_timeout(Duration::from_secs(2))).await;
    let addr = running.local_addr().unwrap();
    let request = post(&call("interop.add", ""), "");
    let mut dribblers = Vec::new();
    for _ in 0..4 {
        let request = request.clone();
        dribblers.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let (mut read, mut write) = stream.split();
            let reader = closed_by_server_half(&mut read);
            let writer = async {
                for (sent, byte) in request.iter().enumerate() {
                    if write.write_all(&[*byte]).await.is_err() {
                        return sent;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                request.len()
            };
            tokio::select! {
                closed = reader => closed,
                sent = writer => panic!("the whole head ({sent} bytes) was accepted"),
            }
        }));
    }
    keep_calling(addr, 10).await;
    for dribbler in dribblers {
        assert!(
            dribbler.await.unwrap(),
            "a dribbling client was cut off within 10 s"
        );
    }
    assert_served(addr).await;
    running.shutdown().await;
}

async fn closed_by_server_half(read: &mut tokio::net::tcp::ReadHalf<'_>) -> bool {
    use tokio::io::AsyncReadExt;
    let drain = async {
        let mut buf = [0u8; 1024];
        while let Ok(n) = read.read(&mut buf).await {
            if n == 0 {
                return;
            }
        }
    };
    tokio::time::timeout(NO_HANG, drain).await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stalls_halfway_gets_408() {
    let running = local(Server::builder().body_read_timeout(Duration::from_secs(1))).await;
    let addr = running.local_addr().unwrap();
    let body = call("interop.echo", "<param><value>stalled</value></param>");
    let request = post(&body, "");
    let mut stalled = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(&request[..request.len() - body.len() / 2])
            .await
            .unwrap();
        stalled.push(stream);
    }
    keep_calling(addr, 5).await;
    for mut stream in stalled {
        let reply = tokio::time::timeout(NO_HANG, read_one(&mut stream))
            .await
            .expect("answered within 10 s")
            .expect("a response");
        assert_eq!(reply.status, 408, "{reply:?}");
        assert!(closed_by_server(&mut stream).await);
    }
    let stats = running.stats();
    assert!(stats.http_errors >= 4, "{stats:?}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_closed_after_the_idle_timeout() {
    let running = local(Server::builder().idle_timeout(Duration::from_secs(1))).await;
    let addr = running.local_addr().unwrap();
    let mut silent = Vec::new();
    for _ in 0..50 {
        silent.push(TcpStream::connect(addr).await.unwrap());
    }
    keep_calling(addr, 5).await;
    for stream in &mut silent {
        assert!(closed_by_server(stream).await, "closed within 10 s");
    }
    let handle = running.handle();
    assert!(eventually(|| handle.stats().connections_open == 0).await);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_idle_keep_alive_connections() {
    const IDLE: usize = 2000;
    let running = local(
        Server::builder()
            .max_connections(IDLE + 100)
            .idle_timeout(Duration::from_secs(2)),
    )
    .await;
    let addr = running.local_addr().unwrap();
    let keep_alive = {
        let body = call(
            "interop.add",
            "<param><value><int>1</int></value></param><param><value><int>1</int></value></param>",
        );
        let mut request = format!(
            "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        request
    };
    let mut idle = Vec::with_capacity(IDLE);
    for i in 0..IDLE {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        // One in ten has made a call and stays open, the others never said anything.
        if i % 10 == 0 {
            stream.write_all(&keep_alive).await.unwrap();
            let reply = read_one(&mut stream).await.expect("an answer");
            assert_eq!(reply.status, 200);
        }
        idle.push(stream);
    }
    let handle = running.handle();
    let open = handle.stats().connections_open;
    keep_calling(addr, 5).await;
    for stream in &mut idle {
        assert!(
            closed_by_server(stream).await,
            "idle connection closed within 10 s"
        );
    }
    assert!(eventually(|| handle.stats().connections_open == 0).await);
    eprintln!("{open} connections were open at once; all closed by the idle timeout");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_a_silent_connection_makes_room() {
    let running = local(
        Server::builder()
            .max_connections(8)
            .idle_timeout(Duration::from_secs(60)),
    )
    .await;
    let addr = running.local_addr().unwrap();
    let handle = running.handle();
    let mut silent = Vec::new();
    for _ in 0..8 {
        silent.push(TcpStream::connect(addr).await.unwrap());
    }
    assert!(eventually(|| handle.stats().connections_open == 8).await);
    // A ninth connection is served at once: the oldest silent one is closed for it.
    let caller = tokio::spawn(assert_served(addr));
    tokio::time::timeout(Duration::from_secs(1), caller)
        .await
        .expect("the new caller was served within a second")
        .unwrap();
    assert!(closed_by_server(&mut silent[0]).await);
    let stats = handle.stats();
    assert!(stats.connections_open <= 8, "{stats:?}");
    assert_eq!(stats.connections_evicted, 1, "{stats:?}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_never_read_their_answer_do_not_block_others() {
    let running = local(
        Server::builder()
            .max_workers(8)
            .idle_timeout(Duration::from_secs(1))
            .gzip_threshold(None),
    )
    .await;
    let addr = running.local_addr().unwrap();
    let big = call(
        "interop.echo",
        &format!("<param><value>{}</value></param>", "x".repeat(900_000)),
    );
    let mut deaf = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        for _ in 0..4 {
            // Pipelined large calls whose answers fill the socket buffers.
            let _ = stream.write_all(&post(&big, "").replace_close()).await;
        }
        deaf.push(stream);
    }
    keep_calling(addr, 5).await;
    let handle = running.handle();
    // The server gives up on them after the idle timeout, while they still do not read.
    assert!(eventually(|| handle.stats().connections_open == 0).await);
    drop(deaf);
    running.shutdown().await;
}

trait KeepAlive {
    fn replace_close(self) -> Vec<u8>;
}

impl KeepAlive for Vec<u8> {
    /// The same request without `Connection: close`, so several can be pipelined.
    fn replace_close(self) -> Vec<u8> {
        let text_end = self.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&self[..text_end]).replace("\r\nConnection: close", "");
        let mut out = head.into_bytes();
        out.extend_from_slice(&self[text_end..]);
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_reset_mid_request_leave_nothing_behind() {
    let running = local(Server::builder()).await;
    let addr = running.local_addr().unwrap();
    let body = call(
        "interop.sleep",
        "<param><value><int>300</int></value></param>",
    );
    let request = post(&body, "");
    for round in 0..20 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        // Half the requests reset mid-body, the others while their call runs.
        let cut = if round % 2 == 0 {
            request.len() - body.len() / 2
        } else {
            request.len()
        };
        stream.write_all(&request[..cut]).await.unwrap();
        if round % 2 == 1 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Linger 0: closing sends a reset instead of a FIN.
        stream.set_zero_linger().unwrap();
        drop(stream);
    }
    keep_calling(addr, 3).await;
    let handle = running.handle();
    assert!(
        eventually(|| {
            let s = handle.stats();
            s.connections_open == 0 && s.active == 0 && s.queued == 0
        })
        .await,
        "{:?}",
        handle.stats()
    );
    running.shutdown().await;
}
