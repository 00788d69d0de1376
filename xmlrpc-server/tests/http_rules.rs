//! The HTTP request rules, checked with raw HTTP over real sockets.

mod common;

use std::time::Duration;

use common::*;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use xmlrpc_core::{Fault, Value};
use xmlrpc_server::Server;

#[tokio::test]
async fn only_post_runs_calls() {
    let (_server, addr) = start(Server::builder()).await;
    for method in ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"] {
        let req = format!("{method} /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(req.as_bytes()).await.unwrap();
        // Only the head: a HEAD answer has no body.
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "{method}");
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 405 "), "{method}: {head}");
        assert!(head.contains("\r\nallow: post\r\n"), "{method}: {head}");
    }
}

#[tokio::test]
async fn paths_match_exactly() {
    let (_server, addr) = start(Server::builder()).await;
    let body = call_body("add", &(1, 2));
    for path in ["/RPC2%00", "/rpc2", "/RPC2/extra", "/other", "/RPC"] {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(&body);
        assert_eq!(raw(addr, &req).await.unwrap().status, 404, "{path}");
    }
    for path in ["/", "/RPC2"] {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(&body);
        assert_eq!(
            raw(addr, &req).await.unwrap().value(),
            Ok(Value::Int(3)),
            "{path}"
        );
    }
}

#[tokio::test]
async fn configured_paths_replace_the_defaults_and_empty_accepts_all() {
    let (_server, addr) = start(Server::builder().rpc_paths(["/api"])).await;
    let body = call_body("add", &(1, 2));
    let at = |path: &str| {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(&body);
        req
    };
    assert_eq!(raw(addr, &at("/RPC2")).await.unwrap().status, 404);
    assert_eq!(raw(addr, &at("/api")).await.unwrap().status, 200);

    let (_server, addr) = start(Server::builder().rpc_paths(Vec::<String>::new())).await;
    assert_eq!(
        raw(addr, &at("/anything/at/all")).await.unwrap().status,
        200
    );
}

#[tokio::test]
async fn missing_length_is_411_and_bad_lengths_are_400() {
    let (_server, addr) = start(Server::builder()).await;
    let reply = raw(addr, b"POST /RPC2 HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert_eq!(reply.unwrap().status, 411);
    for bad in ["-1", "+5", "1_0", "abc", "", "1.5"] {
        let req = format!("POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: {bad}\r\n\r\nhello");
        // hyper may refuse some of these itself; any refusal must be a 400.
        let reply = raw(addr, req.as_bytes()).await.expect("answered");
        assert_eq!(reply.status, 400, "Content-Length: {bad:?}");
    }
    let req =
        "POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!";
    assert_eq!(raw(addr, req.as_bytes()).await.unwrap().status, 400);
}

#[tokio::test]
async fn oversize_is_413_from_the_header_alone_and_the_limit_itself_is_accepted() {
    let body = call_body("echo", &("x".repeat(300),));
    let limit = body.len();
    let (_server, addr) = start(Server::builder().max_request_size(limit)).await;

    // Exactly the limit: served.
    let reply = raw(addr, &post(&body, "")).await.unwrap();
    assert_eq!(reply.value(), Ok(Value::String("x".repeat(300))));

    // One byte more, announced but never sent: answered without waiting for the body.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n",
        limit + 1
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let reply = read_reply(&mut stream, &mut Vec::new()).await.unwrap();
    assert_eq!(reply.status, 413);

    // A huge announced length, with Expect: 100-continue: 413 and no 100.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = "POST /RPC2 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 99999999999\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    let n = stream.read(&mut chunk).await.unwrap();
    buf.extend_from_slice(&chunk[..n]);
    assert!(
        buf.starts_with(b"HTTP/1.1 413"),
        "{:?}",
        String::from_utf8_lossy(&buf)
    );
}

fn chunked(body: &[u8], piece: usize) -> Vec<u8> {
    let mut req = b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for part in body.chunks(piece) {
        req.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        req.extend_from_slice(part);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    req
}

#[tokio::test]
async fn chunked_bodies_are_accepted_under_the_cap_only() {
    let body = call_body("echo", &("y".repeat(500),));
    let (_server, addr) = start(Server::builder().max_request_size(body.len())).await;
    let reply = raw(addr, &chunked(&body, 64)).await.unwrap();
    assert_eq!(reply.value(), Ok(Value::String("y".repeat(500))));

    let bigger = call_body("echo", &("y".repeat(501),));
    // Closing the connection (no reply) is also a refusal.
    if let Some(reply) = raw(addr, &chunked(&bigger, 64)).await {
        assert_eq!(reply.status, 413);
    }
}

#[tokio::test]
async fn chunked_over_the_cap_is_refused_before_the_end() {
    let (_server, addr) = start(Server::builder().max_request_size(1000)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await
        .unwrap();
    // 2000 bytes in chunks, then no terminating chunk: the 413 must come anyway.
    for _ in 0..4 {
        let piece = vec![b'z'; 500];
        stream.write_all(b"1f4\r\n").await.unwrap();
        stream.write_all(&piece).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
    }
    let reply = read_reply(&mut stream, &mut Vec::new()).await;
    assert_eq!(reply.map(|r| r.status), Some(413));
}

#[tokio::test]
async fn a_malformed_chunk_size_is_answered_400_and_closed() {
    let (server, addr) = start(Server::builder()).await;
    // A size that overflows 64 bits, one that is not hex, and a chunk without its CRLF.
    for framing in [
        &b"ffffffffffffffffff\r\nabc\r\n0\r\n\r\n"[..],
        b"zz\r\nabc\r\n0\r\n\r\n",
        b"3\r\nabcdef\r\n0\r\n\r\n",
    ] {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut request =
            b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        request.extend_from_slice(framing);
        stream.write_all(&request).await.unwrap();
        let reply = read_reply(&mut stream, &mut Vec::new()).await;
        let reply = reply.unwrap_or_else(|| panic!("no answer to {framing:?}"));
        assert_eq!(reply.status, 400, "{framing:?}");
        assert_eq!(reply.header("connection"), Some("close"));
        assert!(closed_without_response(&mut stream).await);
    }
    assert!(server.stats().http_errors >= 3);
}

#[tokio::test]
async fn gzip_requests_are_decoded_and_capped() {
    let body = call_body("echo", &("g".repeat(2000),));
    let (_server, addr) = start(Server::builder().max_request_size(body.len())).await;
    let packed = gzip(&body);
    let reply = raw(addr, &post(&packed, "Content-Encoding: gzip\r\n"))
        .await
        .unwrap();
    assert_eq!(reply.value(), Ok(Value::String("g".repeat(2000))));

    // Small on the wire, over the limit once decoded.
    let bomb = gzip(&call_body("echo", &("g".repeat(5000),)));
    assert!(bomb.len() < body.len());
    let reply = raw(addr, &post(&bomb, "Content-Encoding: gzip\r\n"))
        .await
        .unwrap();
    assert_eq!(reply.status, 413);

    let truncated = &packed[..packed.len() / 2];
    let reply = raw(addr, &post(truncated, "Content-Encoding: gzip\r\n"))
        .await
        .unwrap();
    assert_eq!(reply.status, 400);
    let reply = raw(
        addr,
        &post(b"not gzip at all", "Content-Encoding: gzip\r\n"),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 400);

    for coding in ["deflate", "br", "compress"] {
        let extra = format!("Content-Encoding: {coding}\r\n");
        let reply = raw(addr, &post(&body, &extra)).await.unwrap();
        assert_eq!(reply.status, 415, "{coding}");
    }
}

#[tokio::test]
async fn large_responses_are_gzipped_only_for_clients_that_accept_it() {
    let (_server, addr) = start(Server::builder()).await;
    let big = "r".repeat(5000);
    let body = call_body("echo", &(big.as_str(),));

    let reply = raw(addr, &post(&body, "Accept-Encoding: gzip\r\n"))
        .await
        .unwrap();
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/xml"));
    assert_eq!(reply.value(), Ok(Value::String(big.clone())));

    for accept in [
        "",
        "Accept-Encoding: gzip;q=0\r\n",
        "Accept-Encoding: identity\r\n",
    ] {
        let reply = raw(addr, &post(&body, accept)).await.unwrap();
        assert_eq!(reply.header("content-encoding"), None, "{accept:?}");
        assert_eq!(reply.value(), Ok(Value::String(big.clone())));
    }

    // Small answers stay plain even when gzip is accepted.
    let reply = raw(
        addr,
        &post(&call_body("add", &(1, 2)), "Accept-Encoding: gzip\r\n"),
    )
    .await
    .unwrap();
    assert_eq!(reply.header("content-encoding"), None);
}

#[tokio::test]
async fn keep_alive_survives_faults_and_errors() {
    let (_server, addr) = start(Server::builder()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut buf = Vec::new();
    for i in 0..100 {
        let body = if i % 3 == 0 {
            call_body("fail", &(7, "seven"))
        } else {
            call_body("add", &(i, 1))
        };
        stream.write_all(&post(&body, "")).await.unwrap();
        let reply = read_reply(&mut stream, &mut buf).await.expect("still open");
        assert_eq!(reply.status, 200);
        assert!(reply
            .header("content-type")
            .unwrap()
            .starts_with("text/xml"));
        if i % 3 == 0 {
            assert_eq!(reply.value(), Err(Fault::new(7, "seven")));
        } else {
            assert_eq!(reply.value(), Ok(Value::Int(i + 1)));
        }
    }
    // A 404 on the same connection, then a call: it still works (or was told to close).
    stream
        .write_all(b"POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
        .await
        .unwrap();
    let reply = read_reply(&mut stream, &mut buf).await.unwrap();
    assert_eq!(reply.status, 404);
    assert_ne!(reply.header("connection"), Some("close"));
    stream
        .write_all(&post(&call_body("add", &(2, 2)), ""))
        .await
        .unwrap();
    let reply = read_reply(&mut stream, &mut buf).await.unwrap();
    assert_eq!(reply.value(), Ok(Value::Int(4)));
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let (_server, addr) = start(Server::builder()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut all = Vec::new();
    for i in 0..5 {
        all.extend(post(&call_body("add", &(i, 10)), ""));
    }
    stream.write_all(&all).await.unwrap();
    let mut buf = Vec::new();
    for i in 0..5 {
        let reply = read_reply(&mut stream, &mut buf).await.unwrap();
        assert_eq!(reply.value(), Ok(Value::Int(i + 10)));
    }
}

#[tokio::test]
async fn expect_100_continue_works() {
    let (_server, addr) = start(Server::builder()).await;
    let body = call_body("add", &(20, 22));
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).await.unwrap();
    assert!(interim.starts_with(b"HTTP/1.1 100 Continue\r\n\r\n"));
    stream.write_all(&body).await.unwrap();
    let reply = read_reply(&mut stream, &mut Vec::new()).await.unwrap();
    assert_eq!(reply.value(), Ok(Value::Int(42)));
}

#[tokio::test]
async fn connection_close_and_http10_end_the_connection() {
    let (_server, addr) = start(Server::builder()).await;
    let body = call_body("add", &(1, 1));
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(&post(&body, "Connection: close\r\n"))
        .await
        .unwrap();
    let mut buf = Vec::new();
    assert!(read_reply(&mut stream, &mut buf).await.is_some());
    assert!(closed_without_response(&mut stream).await);

    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut req = format!(
        "POST /RPC2 HTTP/1.0\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(&body);
    stream.write_all(&req).await.unwrap();
    let mut buf = Vec::new();
    assert_eq!(
        read_reply(&mut stream, &mut buf).await.unwrap().value(),
        Ok(Value::Int(2))
    );
    assert!(closed_without_response(&mut stream).await);
}

#[tokio::test]
async fn slow_headers_idle_connections_and_slow_bodies_time_out() {
    let (_server, addr) = start(
        Server::builder()
            .header_read_timeout(Duration::from_millis(300))
            .idle_timeout(Duration::from_millis(600))
            .body_read_timeout(Duration::from_millis(300)),
    )
    .await;

    // Headers never finished: closed.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"POST /RPC2 HTTP/1.1\r\nHost")
        .await
        .unwrap();
    assert!(closed_without_response(&mut stream).await);

    // Idle after one call: closed.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let reply = send_and_read(&mut stream, &post(&call_body("add", &(1, 1)), "")).await;
    assert_eq!(reply.unwrap().value(), Ok(Value::Int(2)));
    assert!(closed_without_response(&mut stream).await);

    // A body that never arrives: 408.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n<?xml")
        .await
        .unwrap();
    let reply = read_reply(&mut stream, &mut Vec::new()).await;
    assert_eq!(reply.map(|r| r.status), Some(408));

    // A slow call is not cut by the idle timeout.
    assert_eq!(call(addr, "sleep", &(900,)).await, Ok(Value::Int(900)));
}

#[tokio::test]
async fn slow_clients_do_not_delay_others() {
    let (_server, addr) = start(Server::builder().max_workers(8)).await;
    let mut stalled = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"POST /RPC2 HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n<met")
            .await
            .unwrap();
        stalled.push(stream);
    }
    for i in 0..10 {
        let params = (i, i);
        let answer = tokio::time::timeout(Duration::from_secs(5), call(addr, "add", &params));
        assert_eq!(answer.await.expect("not delayed"), Ok(Value::Int(2 * i)));
    }
    drop(stalled);
}

#[tokio::test]
async fn at_the_connection_cap_the_idle_connection_makes_room_not_the_busy_one() {
    let (server, addr) = start(Server::builder().max_connections(2)).await;
    let mut busy = TcpStream::connect(addr).await.unwrap();
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let body = post(&call_body("add", &(1, 2)), "");
    assert!(send_and_read(&mut idle, &body).await.is_some());
    // The older connection has a call running when the third arrives.
    busy.write_all(&post(&call_body("sleep", &(300,)), ""))
        .await
        .unwrap();
    for _ in 0..100 {
        if server.stats().active == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(server.stats().connections_open, 2);

    // The third is served at once: the idle connection is closed for it.
    let mut third = TcpStream::connect(addr).await.unwrap();
    let reply = tokio::time::timeout(WAIT, send_and_read(&mut third, &body))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reply.value(), Ok(Value::Int(3)));
    let mut byte = [0u8; 1];
    let closed = tokio::time::timeout(WAIT, idle.read(&mut byte))
        .await
        .unwrap();
    assert!(
        matches!(closed, Ok(0) | Err(_)),
        "the idle connection was closed"
    );
    // The busy one finishes its call.
    let reply = read_reply(&mut busy, &mut Vec::new()).await.unwrap();
    assert_eq!(reply.value(), Ok(Value::Int(300)));
    assert_eq!(server.stats().connections_evicted, 1);
}

#[tokio::test]
async fn hostile_heads_get_4xx_or_close_and_the_server_lives_on() {
    let (_server, addr) = start(Server::builder()).await;
    let long_line = format!("POST /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(100_000));
    let many_headers = format!(
        "POST /RPC2 HTTP/1.1\r\n{}Content-Length: 0\r\n\r\n",
        "X-A: b\r\n".repeat(500)
    );
    let huge_header = format!(
        "POST /RPC2 HTTP/1.1\r\nX-Big: {}\r\n\r\n",
        "v".repeat(1 << 20)
    );
    for request in [long_line, many_headers, huge_header] {
        if let Some(reply) = raw(addr, request.as_bytes()).await {
            assert!((400..500).contains(&reply.status), "{}", reply.status);
        }
    }
    assert_eq!(call(addr, "add", &(1, 2)).await, Ok(Value::Int(3)));
}

#[tokio::test]
async fn chunked_with_a_content_length_is_framed_by_the_chunks_or_refused() {
    let (_server, addr) = start(Server::builder()).await;
    let body = call_body("add", &(3, 4));
    let mut request = chunked(&body, 50);
    let at = request.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    request.splice(at..at, b"Content-Length: 3\r\n".iter().copied());
    match raw(addr, &request).await {
        Some(reply) if reply.status == 200 => assert_eq!(reply.value(), Ok(Value::Int(7))),
        Some(reply) => assert!([400, 501].contains(&reply.status), "{}", reply.status),
        None => panic!("no answer"),
    }
    assert_eq!(call(addr, "add", &(1, 2)).await, Ok(Value::Int(3)));
}

#[tokio::test]
async fn stats_count_http_refusals_and_connections() {
    let (server, addr) = start(Server::builder()).await;
    assert_eq!(
        raw(addr, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            .await
            .unwrap()
            .status,
        405
    );
    assert_eq!(call(addr, "add", &(1, 2)).await, Ok(Value::Int(3)));
    assert!(call(addr, "nope", &()).await.is_err());
    let stats = server.stats();
    assert_eq!(stats.http_errors, 1);
    assert_eq!(stats.completed, 1);
    assert_eq!(stats.errored, 1);
    assert_eq!(stats.connections_total, 3);
}

#[tokio::test]
async fn transfer_codings_beyond_chunked_are_not_implemented() {
    let (_server, addr) = start(Server::builder()).await;
    let packed = gzip(&call_body("add", &(1, 2)));
    let mut request = chunked(&packed, 40);
    let te = b"Transfer-Encoding: chunked";
    let at = request.windows(te.len()).position(|w| w == te).unwrap();
    request.splice(
        at..at + te.len(),
        b"Transfer-Encoding: gzip, chunked".iter().copied(),
    );
    if let Some(reply) = raw(addr, &request).await {
        assert_eq!(reply.status, 501);
    }
    assert_eq!(call(addr, "add", &(1, 2)).await, Ok(Value::Int(3)));
}
