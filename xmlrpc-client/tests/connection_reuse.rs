//! Sequential calls use one connection every time, over TCP and over a Unix socket, and
//! concurrent calls stay concurrent. Connections are counted by a proxy between the
//! client and a bare hyper server.

mod common;

use std::{
    convert::Infallible,
    path::PathBuf,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::{
    net::{TcpListener, TcpStream, UnixListener},
    sync::Barrier,
};
use xmlrpc_client::Client;

use common::{ok_body, TempDir};

const SEQUENTIAL: usize = 100;
const CONCURRENT: usize = 8;
const BOUND: Duration = Duration::from_secs(10);

/// A server answering `5`; a call whose body mentions `together` first waits until
/// [`CONCURRENT`] such calls are in the server at once.
async fn upstream() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let barrier = Arc::new(Barrier::new(CONCURRENT));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let barrier = barrier.clone();
                    async move {
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        if body.windows(8).any(|w| w == b"together") {
                            barrier.wait().await;
                        }
                        let answer = Full::new(Bytes::from(ok_body("<int>5</int>")));
                        Ok::<_, Infallible>(Response::new(answer))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// Forwards every connection it accepts to `upstream`, counting them.
fn count_into<S>(accepted: S, upstream: std::net::SocketAddr, count: &AtomicUsize)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    count.fetch_add(1, Ordering::SeqCst);
    tokio::spawn(async move {
        let mut accepted = accepted;
        let mut server = TcpStream::connect(upstream).await.unwrap();
        let _ = tokio::io::copy_bidirectional(&mut accepted, &mut server).await;
    });
}

/// A counting proxy on a TCP port: its URL and the counter.
async fn tcp_proxy(upstream: std::net::SocketAddr) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/RPC2", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count_into(stream, upstream, &counter);
        }
    });
    (url, count)
}

/// A counting proxy on a Unix socket in `dir`.
fn unix_proxy(upstream: std::net::SocketAddr, dir: &TempDir) -> (String, Arc<AtomicUsize>) {
    let path: PathBuf = dir.0.join("proxy.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count_into(stream, upstream, &counter);
        }
    });
    (format!("unix://{}", path.display()), count)
}

async fn sequential(client: &Client) {
    for _ in 0..SEQUENTIAL {
        let five: i32 = tokio::time::timeout(BOUND, client.call("add", (2, 3)))
            .await
            .expect("answered within 10 s")
            .unwrap();
        assert_eq!(five, 5);
    }
}

/// [`CONCURRENT`] calls that the server answers only once all of them are in: they finish
/// only if the client sends them at once, on as many connections.
async fn concurrent(client: &Client) {
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENT {
        let client = client.clone();
        calls.spawn(async move { client.call::<i32, _>("together", ()).await });
    }
    let all = async {
        while let Some(result) = calls.join_next().await {
            assert_eq!(result.unwrap().unwrap(), 5);
        }
    };
    tokio::time::timeout(BOUND, all)
        .await
        .expect("the concurrent calls were in the server together");
}

async fn reuse_and_concurrency(url: &str, count: &AtomicUsize) {
    let client = Client::new(url).unwrap();
    sequential(&client).await;
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "{SEQUENTIAL} sequential calls on one connection"
    );
    concurrent(&client).await;
    let opened = count.load(Ordering::SeqCst);
    assert_eq!(opened, CONCURRENT, "one connection per concurrent call");
    // Afterwards the pooled connections serve sequential calls again: none is opened.
    sequential(&client).await;
    assert_eq!(count.load(Ordering::SeqCst), opened);
    eprintln!(
        "{url}: {SEQUENTIAL} sequential calls used 1 connection, {CONCURRENT} concurrent {opened}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tcp() {
    let (url, count) = tcp_proxy(upstream().await).await;
    reuse_and_concurrency(&url, &count).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_unix_socket() {
    let dir = TempDir::new("reuse");
    let (url, count) = unix_proxy(upstream().await, &dir);
    reuse_and_concurrency(&url, &count).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_the_server_closed_while_idle_is_replaced() {
    // The server closes every connection after one answer, as HTTP/1.0-style peers do.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = service_fn(|request: Request<Incoming>| async move {
                    let _ = request.into_body().collect().await;
                    let answer = Full::new(Bytes::from(ok_body("<int>5</int>")));
                    Ok::<_, Infallible>(Response::new(answer))
                });
                let _ = http1::Builder::new()
                    .keep_alive(false)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let (url, count) = tcp_proxy(addr).await;
    let client = Client::new(&url).unwrap();
    for _ in 0..5 {
        assert_eq!(client.call::<i32, _>("add", (2, 3)).await.unwrap(), 5);
        // Also when the close reaches the client only after the answer was read.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(count.load(Ordering::SeqCst), 5);
}
