//! SCGI over TCP and over a Unix socket against a responder written for the test
//! (`tests/peers/scgi_server.py`: netstring headers, then the body).

mod common;

use std::collections::BTreeMap;

use xmlrpc_client::Client;

use common::{python_available, start_peer};

async fn exercise(client: &Client, expected_uri: &str) {
    assert_eq!(client.call::<i32, _>("add", (2, 40)).await.unwrap(), 42);
    let long = "z".repeat(70_000);
    assert_eq!(
        client.call::<String, _>("echo", (&long,)).await.unwrap(),
        long
    );
    let err = client
        .call::<i32, _>("fail", (5, "five"))
        .await
        .unwrap_err();
    assert_eq!(err.fault_code(), Some(5));

    let env: BTreeMap<String, String> = client.call("environ", ()).await.unwrap();
    assert_eq!(env["SCGI"], "1");
    assert_eq!(env["REQUEST_METHOD"], "POST");
    assert_eq!(env["REQUEST_URI"], expected_uri);
    assert_eq!(env["HTTP_X_CLIENT_TEST"], "scgi");
    assert!(env["HTTP_USER_AGENT"].starts_with("xmlrpc-client/"));
    assert!(env["CONTENT_LENGTH"].parse::<usize>().unwrap() > 0);

    let mut batch = client.multicall();
    let a = batch.add::<i32, _>("add", (1, 2)).unwrap();
    let b = batch.add::<i32, _>("fail", (6, "six")).unwrap();
    let c = batch.add::<String, _>("echo", ("c",)).unwrap();
    let results = batch.send().await.unwrap();
    assert_eq!(results.get(&a).unwrap(), 3);
    assert_eq!(results.get(&b).unwrap_err().fault_code(), Some(6));
    assert_eq!(results.get(&c).unwrap(), "c");

    let methods: Vec<String> = client.call("system.listMethods", ()).await.unwrap();
    assert!(methods.iter().any(|m| m == "environ"));
}

#[tokio::test]
async fn scgi_over_tcp() {
    if !python_available("scgi_over_tcp") {
        return;
    }
    let peer = start_peer("scgi_server.py", &[], false);
    let client = Client::builder(&format!("scgi://127.0.0.1:{}/RPC2", peer.at))
        .header("X-Client-Test", "scgi")
        .build()
        .unwrap();
    exercise(&client, "/RPC2").await;
}

#[tokio::test]
async fn scgi_over_a_unix_socket() {
    if !python_available("scgi_over_a_unix_socket") {
        return;
    }
    let peer = start_peer("scgi_server.py", &[], true);
    let client = Client::builder(&format!("scgi+unix://{}?path=/rtorrent", peer.at))
        .header("X-Client-Test", "scgi")
        .build()
        .unwrap();
    exercise(&client, "/rtorrent").await;
}

#[tokio::test]
async fn scgi_refused_connection() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(&format!("scgi://127.0.0.1:{port}")).unwrap();
    let err = client.call::<i32, _>("add", (1, 2)).await.unwrap_err();
    assert!(err.is_connect(), "{err}");
}

#[tokio::test]
async fn responder_that_keeps_the_connection_open() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let dir = common::TempDir::new("scgi-open");
    let path = dir.0.join("scgi.sock");
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = stream.read(&mut request).await.unwrap();
        let body = common::ok_body("<int>7</int>");
        let head = format!(
            "Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body).await.unwrap();
        // Hold the connection until the client hangs up: the declared length must suffice.
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest).await;
    });
    let client = Client::new(&format!("scgi+unix://{}", path.display())).unwrap();
    assert_eq!(client.call::<i32, _>("seven", ()).await.unwrap(), 7);
    drop(client);
    server.await.unwrap();
}
