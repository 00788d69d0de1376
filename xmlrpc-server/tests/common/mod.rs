//! Helpers shared by the end-to-end tests: a test server, raw HTTP over TCP, call bodies.
#![allow(dead_code)]

use std::{net::SocketAddr, time::Duration};

use serde::Serialize;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::TcpStream,
};
use xmlrpc_core::{EncodeOptions, Fault, Limits, Value};
use xmlrpc_server::{RunningServer, ServerBuilder};

/// Upper bound for any single network wait in the tests, so a bug fails instead of hanging.
pub const WAIT: Duration = Duration::from_secs(20);

/// The methods every test server has: `add`, `sleep(ms)`, `echo(value)`, `fail(code, msg)`,
/// `panic()`, `nothing()` (returns nil).
pub fn methods(builder: ServerBuilder) -> ServerBuilder {
    builder
        .method(
            "add",
            |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) },
        )
        .method("sleep", |(ms,): (u64,)| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok::<_, Fault>(ms as i32)
        })
        .method("echo", |(v,): (Value,)| async move { Ok::<_, Fault>(v) })
        .method("fail", |(code, msg): (i32, String)| async move {
            Err::<(), _>(Fault::new(code, msg))
        })
        .method("panic", |(): ()| async move {
            if true {
                panic!("deliberate panic in a test method");
            }
            Ok::<_, Fault>(0)
        })
        .method(
            "nothing",
            |(): ()| async move { Ok::<Option<i32>, Fault>(None) },
        )
}

pub async fn start(builder: ServerBuilder) -> (RunningServer, SocketAddr) {
    let server = methods(builder).build().expect("valid test server");
    let running = server.bind("127.0.0.1:0").await.expect("bind");
    let addr = running.local_addr().expect("tcp address");
    (running, addr)
}

/// A `methodCall` document.
pub fn call_body<P: Serialize + ?Sized>(method: &str, params: &P) -> Vec<u8> {
    let mut out = Vec::new();
    xmlrpc_core::write_call(method, params, &EncodeOptions::default(), &mut out)
        .expect("encodable params");
    out
}

/// A complete POST request for `body` at `/RPC2`, with extra header lines.
pub fn post(body: &[u8], extra: &str) -> Vec<u8> {
    let mut req = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: test\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

/// One parsed HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The XML-RPC answer in the body (gunzipped when needed).
    pub fn value(&self) -> Result<Value, Fault> {
        assert_eq!(self.status, 200, "XML-RPC answers are HTTP 200: {self:?}");
        let body = if self.header("content-encoding") == Some("gzip") {
            gunzip(&self.body)
        } else {
            self.body.clone()
        };
        xmlrpc_core::read_response_value(&body, &Limits::default()).expect("a methodResponse")
    }
}

pub fn gunzip(data: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// Reads one HTTP/1.1 response (Content-Length or chunked framing; a 1xx is skipped).
/// `None` when the connection closes before a full response.
pub async fn read_reply<S: AsyncRead + Unpin>(stream: &mut S, buf: &mut Vec<u8>) -> Option<Reply> {
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout(WAIT, stream.read(&mut chunk))
                .await
                .expect("response within the test wait")
                .ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter(|l| !l.is_empty())
            .filter_map(|l| {
                let (n, v) = l.split_once(':')?;
                Some((n.trim().to_string(), v.trim().to_string()))
            })
            .collect();
        buf.drain(..head_end);
        if (100..200).contains(&status) {
            continue;
        }
        let reply = Reply {
            status,
            headers,
            body: Vec::new(),
        };
        let length: usize = reply
            .header("content-length")
            .map(|v| v.parse().expect("numeric length"))
            .unwrap_or(0);
        while buf.len() < length {
            let mut chunk = [0u8; 65536];
            let n = tokio::time::timeout(WAIT, stream.read(&mut chunk))
                .await
                .expect("body within the test wait")
                .ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = buf.drain(..length).collect();
        return Some(Reply { body, ..reply });
    }
}

/// Sends raw bytes on a new connection and reads one response.
pub async fn raw(addr: SocketAddr, request: &[u8]) -> Option<Reply> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    send_and_read(&mut stream, request).await
}

pub async fn send_and_read<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    request: &[u8],
) -> Option<Reply> {
    stream.write_all(request).await.ok()?;
    read_reply(stream, &mut Vec::new()).await
}

/// Calls `method` over a new connection and returns the XML-RPC answer.
pub async fn call<P: Serialize + ?Sized>(
    addr: SocketAddr,
    method: &str,
    params: &P,
) -> Result<Value, Fault> {
    raw(addr, &post(&call_body(method, params), ""))
        .await
        .expect("a response")
        .value()
}

/// Whether the peer closes the connection (EOF or reset) without sending anything.
pub async fn closed_without_response(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match tokio::time::timeout(WAIT, stream.read(&mut byte)).await {
        Ok(Ok(0)) | Ok(Err(_)) => true,
        Ok(Ok(_)) => false,
        Err(_) => panic!("connection neither answered nor closed"),
    }
}
