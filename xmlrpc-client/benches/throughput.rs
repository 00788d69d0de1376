//! Calls per second of `add` against a bare hyper server that answers a fixed response:
//! one keep-alive connection (sequential calls) and 16 concurrent tasks, over TCP and over a
//! Unix socket. Not a test: it prints figures.
//!
//! Run: `cargo bench -p xmlrpc-client --bench throughput` (optimized), or
//! `cargo test -p xmlrpc-client --bench throughput` for a quick unoptimized run.

use std::{
    convert::Infallible,
    time::{Duration, Instant},
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, UnixListener};
use xmlrpc_client::Client;

const ANSWER: &[u8] = b"<?xml version=\"1.0\"?><methodResponse><params><param>\
    <value><int>5</int></value></param></params></methodResponse>";
/// At most this many calls per measurement, and at most this long.
const MAX_CALLS: usize = 20_000;
const MAX_TIME: Duration = Duration::from_secs(3);

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the request like a real server would before answering.
    let _ = request.into_body().collect().await;
    Ok(Response::builder()
        .header("Content-Type", "text/xml")
        .body(Full::new(Bytes::from_static(ANSWER)))
        .unwrap_or_default())
}

fn serve<S>(stream: S)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let _ = http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service_fn(answer))
            .await;
    });
}

async fn measure(label: &str, client: &Client, tasks: usize) {
    let per_task = MAX_CALLS / tasks;
    let start = Instant::now();
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut done = 0usize;
                while done < per_task && start.elapsed() < MAX_TIME {
                    let sum: i32 = client.call("add", (2, 3)).await.expect("call");
                    assert_eq!(sum, 5);
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut calls = 0;
    for worker in workers {
        calls += worker.await.expect("worker");
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{label:<28} {tasks:>2} task(s): {calls:>6} calls in {secs:5.2} s = {:>8.0} calls/s",
        calls as f64 / secs
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = tcp.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = tcp.accept().await {
            let _ = stream.set_nodelay(true);
            serve(stream);
        }
    });
    let dir = std::env::temp_dir().join(format!("xmlrpc-client-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let socket = dir.join("bench.sock");
    let unix = UnixListener::bind(&socket).expect("bind unix");
    tokio::spawn(async move {
        while let Ok((stream, _)) = unix.accept().await {
            serve(stream);
        }
    });

    let http = Client::new(&format!("http://{addr}/RPC2")).expect("client");
    let over_unix = Client::new(&format!("unix://{}", socket.display())).expect("client");
    measure("http, keep-alive", &http, 1).await;
    measure("http, keep-alive", &http, 16).await;
    measure("unix socket, keep-alive", &over_unix, 1).await;
    measure("unix socket, keep-alive", &over_unix, 16).await;
    let _ = std::fs::remove_dir_all(&dir);
}
