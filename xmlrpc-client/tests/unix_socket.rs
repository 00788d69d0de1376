//! HTTP over a Unix domain socket against a Python `UnixStreamServer` with
//! `SimpleXMLRPCRequestHandler` (`tests/peers/http_server.py --unix PATH`).

mod common;

use std::collections::BTreeMap;

use xmlrpc_client::{Client, Value};

use common::{python_available, start_peer};

#[tokio::test]
async fn calls_over_a_unix_socket() {
    if !python_available("calls_over_a_unix_socket") {
        return;
    }
    let peer = start_peer("http_server.py", &[], true);
    let client = Client::new(&format!("unix://{}", peer.at)).unwrap();
    assert_eq!(client.call::<i32, _>("add", (20, 22)).await.unwrap(), 42);
    let text: String = client.call("echo", ("über die Brücke",)).await.unwrap();
    assert_eq!(text, "über die Brücke");
    assert_eq!(client.call_value("nothing", ()).await.unwrap(), Value::Nil);

    let err = client
        .call::<i32, _>("fail", (3, "three"))
        .await
        .unwrap_err();
    assert_eq!(err.fault_code(), Some(3));

    let mut batch = client.multicall();
    let a = batch.add::<i32, _>("add", (1, 1)).unwrap();
    let b = batch.add::<i32, _>("fail", (9, "nine")).unwrap();
    let results = batch.send().await.unwrap();
    assert_eq!(results.get(&a).unwrap(), 2);
    assert_eq!(results.get(&b).unwrap_err().fault_code(), Some(9));

    // Headers and gzip work as over TCP: Python gzips answers over 1400 bytes.
    let with_headers = Client::builder(&format!("unix://{}", peer.at))
        .header("X-Over", "unix")
        .basic_auth("u", "p")
        .build()
        .unwrap();
    let headers: BTreeMap<String, String> = with_headers.call("headers", ()).await.unwrap();
    assert_eq!(headers.get("x-over").map(String::as_str), Some("unix"));
    assert_eq!(
        headers.get("accept-encoding").map(String::as_str),
        Some("gzip")
    );
    assert_eq!(
        headers.get("authorization").map(String::as_str),
        Some("Basic dTpw")
    );
    assert_eq!(headers.get("host").map(String::as_str), Some("localhost"));
    let big: String = client.call("big", (100_000,)).await.unwrap();
    assert_eq!(big.len(), 100_000);

    // Sequential calls reuse the pooled keep-alive connection; concurrent ones open more.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call::<i32, _>("add", (i, i)).await })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap().unwrap(), 2 * i as i32);
    }
}

#[tokio::test]
async fn explicit_http_path_on_a_unix_socket() {
    if !python_available("explicit_http_path_on_a_unix_socket") {
        return;
    }
    let peer = start_peer("http_server.py", &[], true);
    let root = Client::new(&format!("unix://{}?path=/", peer.at)).unwrap();
    assert_eq!(root.call::<i32, _>("add", (1, 2)).await.unwrap(), 3);
    // The handler serves only / and /RPC2.
    let elsewhere = Client::new(&format!("unix://{}?path=/elsewhere", peer.at)).unwrap();
    let err = elsewhere.call::<i32, _>("add", (1, 2)).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");

    // A plain socket path, and the HTTP path from the builder instead of a query.
    let plain = Client::new(&peer.at).unwrap();
    assert_eq!(plain.call::<i32, _>("add", (2, 2)).await.unwrap(), 4);
    let built = Client::builder(&peer.at)
        .http_path("/elsewhere")
        .build()
        .unwrap();
    let err = built.call::<i32, _>("add", (1, 2)).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn missing_socket_is_a_connect_error() {
    let dir = common::TempDir::new("nosock");
    let client = Client::new(&format!("unix://{}", dir.0.join("absent.sock").display())).unwrap();
    let err = client.call::<i32, _>("add", (1, 2)).await.unwrap_err();
    assert!(err.is_connect(), "{err}");
}
