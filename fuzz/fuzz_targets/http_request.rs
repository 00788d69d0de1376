//! Raw bytes as an HTTP/1.1 connection to the server (hyper in front of the server's
//! request rules, authentication, decoding and dispatch, as in production): never a panic,
//! never a hang, never a 5xx other than 501, and every answer is a well-formed response.
#![no_main]

use std::{sync::OnceLock, time::Duration};

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use xmlrpc_core::{Fault, Value};
use xmlrpc_server::{BasicAuth, Server};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    })
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        Server::builder()
            .max_request_size(64 << 10)
            .max_response_size(Some(256 << 10))
            .call_timeout(Some(Duration::from_secs(1)))
            .basic_auth(BasicAuth::credentials("fuzz", [("user", "pass")]).methods(["secret.*"]))
            .method("add", |(a, b): (i32, i32)| async move {
                a.checked_add(b)
                    .ok_or_else(|| Fault::new(Fault::INVALID_PARAMS, "overflow"))
            })
            .method("echo", |(v,): (Value,)| async move { Ok::<_, Fault>(v) })
            .method_sync("secret.get", |(): ()| Ok::<_, Fault>("hidden"))
            .build()
            .expect("server")
    })
}

/// The status codes of the responses in `out`, checking each head's shape.
fn statuses(out: &[u8]) -> Vec<u16> {
    let mut found = Vec::new();
    let mut rest = out;
    while !rest.is_empty() {
        assert!(
            rest.starts_with(b"HTTP/1.1 ") || rest.starts_with(b"HTTP/1.0 "),
            "not a response: {:?}",
            String::from_utf8_lossy(&rest[..rest.len().min(64)])
        );
        let end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response head");
        let head = std::str::from_utf8(&rest[..end]).expect("an ASCII head");
        let status: u16 = head[9..12].parse().expect("a status code");
        found.push(status);
        if (100..200).contains(&status) {
            // An interim response (100 Continue) has no body.
            rest = &rest[end + 4..];
            continue;
        }
        let length = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .expect("every response has a Content-Length");
        let next = end + 4 + length;
        assert!(next <= rest.len(), "a truncated body");
        rest = &rest[next..];
    }
    found
}

fuzz_target!(|data: &[u8]| {
    let out = runtime().block_on(async {
        let (client, server_io) = tokio::io::duplex(1 << 16);
        let service = server().tower_service().check_paths(true);
        let connection = http1::Builder::new()
            .keep_alive(true)
            .serve_connection(TokioIo::new(server_io), service);
        let serving = tokio::spawn(connection);
        let (mut read, mut write) = tokio::io::split(client);
        let writer = async {
            let _ = write.write_all(data).await;
            let _ = write.shutdown().await;
        };
        let reader = async {
            let mut out = Vec::new();
            let _ = read.read_to_end(&mut out).await;
            out
        };
        let (_, out) = tokio::time::timeout(Duration::from_secs(10), async {
            tokio::join!(writer, reader)
        })
        .await
        .expect("the connection ended within 10 s");
        let _ = serving.await;
        out
    });
    for status in statuses(&out).into_iter().filter(|s| *s >= 200) {
        assert!(
            status < 500 || status == 501 || status == 505,
            "status {status}"
        );
    }
});
