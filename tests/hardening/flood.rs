//! Connection floods at the connection cap: silent sockets, idle keep-alive connections and
//! a slowloris wave must not lock a new client out; the per-peer limit; the memory an idle
//! connection costs.
//!
//! The floods hold thousands of sockets, so each test raises the process's open-file limit
//! first. Every loop is bounded in count and time.

use std::{
    net::{IpAddr, SocketAddr},
    time::{Duration, Instant},
};

use tokio::{io::AsyncWriteExt, net::TcpStream};
use xmlrpc_server::Server;

use crate::common::{
    assert_served, call, closed_by_server, eventually, exchange, keep_alive_add, local, post,
    raise_fd_limit, read_one, ChildServer, NO_HANG,
};

/// The default connection cap, which the floods fill.
const CAP: usize = 1024;

/// How long a normal call may take while the cap is full of other connections.
const SERVED_WITHIN: Duration = Duration::from_secs(2);

/// Opens `n` connections that make one keep-alive call each and then stay open, idle.
async fn idle_keep_alive(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let request = keep_alive_add();
    let mut idle = Vec::with_capacity(n);
    for _ in 0..n {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(&request).await.expect("send a call");
        let reply = tokio::time::timeout(NO_HANG, read_one(&mut stream))
            .await
            .expect("answered within 10 s")
            .expect("an answer");
        assert_eq!(reply.status, 200, "{reply:?}");
        idle.push(stream);
    }
    idle
}

/// A normal call on a fresh connection; how long it took to be answered.
async fn timed_call(addr: SocketAddr) -> Duration {
    let started = Instant::now();
    assert_served(addr).await;
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_cap_of_silent_and_idle_sockets_does_not_lock_out_a_new_client() {
    raise_fd_limit(8192);
    let running = local(Server::builder()).await;
    let addr = running.local_addr().unwrap();
    let handle = running.handle();
    let mut silent = Vec::with_capacity(CAP);
    for _ in 0..CAP {
        silent.push(TcpStream::connect(addr).await.expect("connect"));
    }
    let idle = idle_keep_alive(addr, CAP).await;
    assert!(eventually(|| handle.stats().connections_open == CAP).await);
    let mut slowest = Duration::ZERO;
    for _ in 0..5 {
        let took = timed_call(addr).await;
        assert!(took < SERVED_WITHIN, "a new client waited {took:?}");
        slowest = slowest.max(took);
    }
    let stats = handle.stats();
    eprintln!(
        "{CAP} silent + {CAP} idle keep-alive sockets: new calls answered within {slowest:?}; \
         {} connections closed to make room",
        stats.connections_evicted
    );
    assert!(stats.connections_open <= CAP, "{stats:?}");
    // Connections beyond the cap made room for themselves by closing older ones.
    assert!(stats.connections_evicted > 0, "{stats:?}");
    drop((silent, idle));
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_never_sends_is_closed_after_the_header_timeout() {
    let running = local(
        Server::builder()
            .header_read_timeout(Duration::from_secs(1))
            .idle_timeout(Duration::from_secs(60)),
    )
    .await;
    let addr = running.local_addr().unwrap();
    let started = Instant::now();
    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert!(closed_by_server(&mut silent).await, "closed within 10 s");
    let took = started.elapsed();
    // Closed by the header timeout counted from the accept, long before the idle timeout.
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    // A keep-alive connection between calls is bounded by the idle timeout instead: it
    // outlives the header timeout.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(&keep_alive_add()).await.unwrap();
    assert_eq!(read_one(&mut idle).await.expect("an answer").status, 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    idle.write_all(&keep_alive_add()).await.unwrap();
    assert_eq!(read_one(&mut idle).await.expect("an answer").status, 200);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowloris_wave_beyond_the_cap_loses_no_normal_call() {
    const WAVE: usize = 1100;
    const CALLS: usize = 25;
    raise_fd_limit(8192);
    let running = local(Server::builder()).await;
    let addr = running.local_addr().unwrap();
    let handle = running.handle();
    let head = post(&call("interop.add", ""), "");
    let wave_ends = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut dribblers = tokio::task::JoinSet::new();
    for _ in 0..WAVE {
        let head = head.clone();
        dribblers.spawn(async move {
            // Reconnect when cut off, as an attacker would, at a bounded pace.
            while tokio::time::Instant::now() < wave_ends {
                if let Ok(mut stream) = TcpStream::connect(addr).await {
                    for byte in head.iter().take(head.len() - 1) {
                        if stream.write_all(&[*byte]).await.is_err()
                            || tokio::time::Instant::now() >= wave_ends
                        {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
    }
    // The wave fills the cap before the calls begin.
    assert!(eventually(|| handle.stats().connections_open >= CAP).await);
    let mut slowest = Duration::ZERO;
    for _ in 0..CALLS {
        let took = timed_call(addr).await;
        slowest = slowest.max(took);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = handle.stats();
    eprintln!(
        "slowloris wave of {WAVE}: {CALLS} of {CALLS} normal calls answered, the slowest in \
         {slowest:?}; {} connections closed to make room",
        stats.connections_evicted
    );
    assert!(slowest < SERVED_WITHIN, "{slowest:?}");
    dribblers.abort_all();
    while dribblers.join_next().await.is_some() {}
    running.shutdown_within(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_peer_limit_turns_away_one_address_only() {
    let running = local(Server::builder().max_connections_per_peer(Some(4))).await;
    let addr = running.local_addr().unwrap();
    let handle = running.handle();
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(addr).await.unwrap());
    }
    assert!(eventually(|| handle.stats().connections_open == 4).await);
    let refused = exchange(addr, &post(&call("interop.add", ""), ""))
        .await
        .expect("a 503 before the close");
    assert_eq!(refused.status, 503, "{refused:?}");
    assert_eq!(
        crate::common::header(&refused.head, "retry-after"),
        Some("1")
    );
    // Another loopback address is another peer.
    let other = from_address(addr, [127, 0, 0, 2].into()).await;
    assert_eq!(other.status, 200, "{other:?}");
    // Once one of the four closes, the first address is served again.
    drop(held.pop());
    assert!(eventually(|| handle.stats().connections_open == 3).await);
    assert_served(addr).await;
    assert_eq!(handle.stats().connections_refused, 1);
    running.shutdown().await;
}

/// `interop.add(2, 3)` from the local address `from`.
async fn from_address(addr: SocketAddr, from: IpAddr) -> crate::common::Reply {
    use tokio::io::AsyncReadExt;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    let body = call(
        "interop.add",
        "<param><value><int>2</int></value></param><param><value><int>3</int></value></param>",
    );
    stream.write_all(&post(&body, "")).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(NO_HANG, stream.read_to_end(&mut raw))
        .await
        .expect("answered within 10 s")
        .unwrap();
    crate::common::parse(&raw).expect("a response")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_idle_connections_cost_little_memory() {
    const IDLE: usize = 2000;
    raise_fd_limit(8192);
    let server = ChildServer::spawn_with_max_connections(&[], IDLE + 100);
    let addr = server.addr;
    assert_served(addr).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = server.memory_kib("VmRSS");
    // One in ten has made a call and stays open; the others never said anything.
    let mut idle = idle_keep_alive(addr, IDLE / 10).await;
    for _ in IDLE / 10..IDLE {
        idle.push(TcpStream::connect(addr).await.expect("connect"));
    }
    assert_served(addr).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = server.memory_kib("VmRSS");
    let per_connection = (after.saturating_sub(before)) as f64 / IDLE as f64;
    eprintln!(
        "{IDLE} idle connections: RSS {before} KiB before, {after} KiB with them open, \
         {per_connection:.1} KiB each"
    );
    assert!(
        per_connection <= 16.0,
        "{per_connection:.1} KiB per idle connection"
    );
    drop(idle);
    // The closed connections' memory goes back to the allocator, which keeps some of it
    // for reuse: report what is left.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let closed = server.memory_kib("VmRSS");
    eprintln!("after they closed: RSS {closed} KiB");
    server.finish();
}
