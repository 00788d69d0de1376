//! Listeners, graceful shutdown, the embedded (tower / hyper) form and CGI mode.

mod common;

use std::{collections::HashMap, time::Duration};

use common::*;
use tokio::{io::AsyncWriteExt, net::TcpStream};
use xmlrpc_core::{Fault, Value};
use xmlrpc_server::{cgi, ListenAddr, Server};

#[tokio::test]
async fn shutdown_lets_calls_in_flight_finish_and_stops_accepting() {
    let (server, addr) = start(Server::builder().max_workers(2).max_pending(2)).await;
    // Two running and two queued when the shutdown starts.
    let calls: Vec<_> = (0..4)
        .map(|_| tokio::spawn(async move { call(addr, "sleep", &(400,)).await }))
        .collect();
    for _ in 0..100 {
        let stats = server.stats();
        if stats.active == 2 && stats.queued == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stopped = tokio::spawn(server.shutdown_within(Duration::from_secs(10)));
    for call in calls {
        assert_eq!(call.await.unwrap(), Ok(Value::Int(400)));
    }
    tokio::time::timeout(WAIT, stopped).await.unwrap().unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

#[tokio::test]
async fn shutdown_closes_idle_keep_alive_connections() {
    let (server, addr) = start(Server::builder()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let reply = send_and_read(&mut stream, &post(&call_body("add", &(1, 2)), "")).await;
    assert_eq!(reply.unwrap().value(), Ok(Value::Int(3)));
    let handle = server.handle();
    handle.shutdown();
    assert!(handle.is_shutting_down());
    tokio::time::timeout(WAIT, server.wait()).await.unwrap();
    assert!(closed_without_response(&mut stream).await);
}

#[tokio::test]
async fn the_shutdown_deadline_ends_calls_that_run_too_long() {
    let (server, addr) = start(Server::builder()).await;
    let slow = tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(&post(&call_body("sleep", &(60_000,)), ""))
            .await
            .unwrap();
        read_reply(&mut stream, &mut Vec::new()).await
    });
    for _ in 0..100 {
        if server.stats().active == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::timeout(WAIT, server.shutdown_within(Duration::from_millis(200)))
        .await
        .expect("shutdown honours its deadline");
    assert!(slow.await.unwrap().is_none(), "the cut call gets no answer");
}

#[tokio::test]
async fn unix_socket() {
    let dir = std::env::temp_dir().join(format!("xmlrpc-server-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rpc.sock");
    let _ = std::fs::remove_file(&path);
    let server = methods(Server::builder()).build().unwrap();
    let running = server.bind_unix(&path).await.unwrap();
    assert_eq!(running.listen_addr(), &ListenAddr::Unix(path.clone()));
    assert_eq!(running.local_addr(), None);

    let mut stream = tokio::net::UnixStream::connect(&path).await.unwrap();
    let mut buf = Vec::new();
    for i in 0..3 {
        stream
            .write_all(&post(&call_body("add", &(i, i)), ""))
            .await
            .unwrap();
        let reply = read_reply(&mut stream, &mut buf).await.unwrap();
        assert_eq!(reply.value(), Ok(Value::Int(2 * i)));
    }
    drop(stream);
    running.shutdown().await;
    assert!(!path.exists(), "socket file removed on shutdown");
    let _ = std::fs::remove_dir(&dir);
}

#[tokio::test]
async fn reuseport_lets_two_servers_share_a_port() {
    let first = Server::builder()
        .method("who", |(): ()| async { Ok::<_, Fault>("first") })
        .build()
        .unwrap()
        .bind_reuseport("127.0.0.1:0")
        .await
        .unwrap();
    let addr = first.local_addr().unwrap();
    let second = Server::builder()
        .method("who", |(): ()| async { Ok::<_, Fault>("second") })
        .build()
        .unwrap()
        .bind_reuseport(addr)
        .await
        .unwrap();
    assert_eq!(second.local_addr(), Some(addr));

    // The kernel spreads new connections over both; within a bounded number of fresh
    // connections both answer.
    let mut seen = std::collections::HashSet::new();
    for _ in 0..200 {
        if let Ok(Value::String(who)) = call(addr, "who", &()).await {
            seen.insert(who);
        }
        if seen.len() == 2 {
            break;
        }
    }
    assert_eq!(seen.len(), 2, "{seen:?}");

    // One of them stops; the other keeps serving the port.
    first.shutdown().await;
    for _ in 0..5 {
        assert_eq!(
            call(addr, "who", &()).await,
            Ok(Value::String("second".into()))
        );
    }
    second.shutdown().await;
}

#[tokio::test]
async fn serves_an_existing_std_listener() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = methods(Server::builder()).build().unwrap();
    let running = server.serve_listener(listener).unwrap();
    assert_eq!(running.local_addr(), Some(addr));
    assert_eq!(call(addr, "add", &(5, 6)).await, Ok(Value::Int(11)));
    running.shutdown().await;
}

#[tokio::test]
async fn the_tower_form_serves_inside_another_hyper_app() {
    use hyper_util::rt::TokioIo;
    let server = methods(Server::builder().rpc_paths(["/never-used"]))
        .build()
        .unwrap();
    let service = server.tower_service();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = service.clone();
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service),
            );
        }
    });
    // Mounted apps route themselves: the server's rpc_paths are not consulted.
    assert_eq!(call(addr, "add", &(7, 8)).await, Ok(Value::Int(15)));
    let reply = raw(addr, b"GET /RPC2 HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(reply.status, 405);
    assert_eq!(server.stats().completed, 1);

    // As a tower::Service, e.g. for a router or middleware stack.
    use tower::ServiceExt;
    let document = call_body("add", &(1, 1));
    let request = http::Request::post("/mounted/rpc")
        .header("content-length", document.len())
        .body(http_body_util::Full::new(bytes::Bytes::from(document)))
        .unwrap();
    let response = server.tower_service().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    use http_body_util::BodyExt;
    let xml = response.into_body().collect().await.unwrap().to_bytes();
    let value = xmlrpc_core::read_response_value(&xml, &Default::default()).unwrap();
    assert_eq!(value, Ok(Value::Int(2)));
}

async fn cgi_exchange(server: &Server, env: &[(&str, &str)], body: &[u8]) -> String {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut output = Vec::new();
    cgi::respond(server, &env, body, &mut output).await.unwrap();
    String::from_utf8(output).unwrap()
}

#[tokio::test]
async fn cgi_mode_answers_one_request_with_status_lines() {
    let server = methods(Server::builder().max_request_size(4096))
        .build()
        .unwrap();
    let body = call_body("add", &(2, 40));
    let length = body.len().to_string();
    let out = cgi_exchange(
        &server,
        &[
            ("REQUEST_METHOD", "POST"),
            ("CONTENT_LENGTH", &length),
            ("CONTENT_TYPE", "text/xml"),
        ],
        &body,
    )
    .await;
    assert!(out.starts_with("Status: 200 OK\r\n"), "{out}");
    assert!(out.contains("content-type: text/xml"), "{out}");
    let (_, xml) = out.split_once("\r\n\r\n").unwrap();
    assert!(out.contains(&format!("Content-Length: {}\r\n", xml.len())));
    let value = xmlrpc_core::read_response_value(xml.as_bytes(), &Default::default()).unwrap();
    assert_eq!(value, Ok(Value::Int(42)));

    let out = cgi_exchange(&server, &[("REQUEST_METHOD", "GET")], b"").await;
    assert!(
        out.starts_with("Status: 405 Method Not Allowed\r\n"),
        "{out}"
    );
    let out = cgi_exchange(
        &server,
        &[("REQUEST_METHOD", "POST"), ("CONTENT_LENGTH", "5000")],
        b"",
    )
    .await;
    assert!(out.starts_with("Status: 413 "), "{out}");
    let out = cgi_exchange(&server, &[("REQUEST_METHOD", "POST")], b"").await;
    assert!(out.starts_with("Status: 411 "), "{out}");
}
