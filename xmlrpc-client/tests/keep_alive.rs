//! Sequential calls reuse one pooled connection, over TCP and over a Unix socket; clones
//! share the pool. Counted with a bare hyper server that numbers its connections.

mod common;

use std::{
    convert::Infallible,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, UnixListener};
use xmlrpc_client::Client;

use common::{ok_body, TempDir};

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let _ = request.into_body().collect().await;
    Ok(Response::new(Full::new(Bytes::from(ok_body(
        "<int>5</int>",
    )))))
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

async fn twenty_calls(client: &Client) {
    for _ in 0..10 {
        assert_eq!(client.call::<i32, _>("add", (2, 3)).await.unwrap(), 5);
    }
    let clone = client.clone();
    for _ in 0..10 {
        assert_eq!(clone.call::<i32, _>("add", (2, 3)).await.unwrap(), 5);
    }
}

#[tokio::test]
async fn one_connection_over_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            serve(stream);
        }
    });
    twenty_calls(&Client::new(&format!("http://{addr}/RPC2")).unwrap()).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn one_connection_over_a_unix_socket() {
    let dir = TempDir::new("keepalive");
    let path = dir.0.join("rpc.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            serve(stream);
        }
    });
    twenty_calls(&Client::new(&format!("unix://{}", path.display())).unwrap()).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}
