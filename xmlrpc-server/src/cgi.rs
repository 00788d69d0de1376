//! CGI mode: one request from the environment and standard input, its response on
//! standard output with the `Status:` line CGI uses (Python's `CGIXMLRPCRequestHandler`).
//!
//! ```no_run
//! # use xmlrpc_core::Fault;
//! let server = xmlrpc_server::Server::builder()
//!     .method("add", |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) })
//!     .build()
//!     .unwrap();
//! xmlrpc_server::cgi::run(&server).unwrap();
//! ```
//!
//! Every request rule applies except the path check (the web server routed the request);
//! the overload policy `Close` answers 503 here.

use std::{collections::HashMap, io};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request};
use http_body_util::{BodyExt, Full};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::{
    auth::PeerAddr,
    http::{handle, malformed},
    Server,
};

/// Answers the one request described by the process environment and standard input.
/// Builds a small single-threaded runtime of its own.
pub fn run(server: &Server) -> io::Result<()> {
    let env: HashMap<String, String> = std::env::vars().collect();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(respond(
            server,
            &env,
            tokio::io::stdin(),
            tokio::io::stdout(),
        ))
}

/// Answers one CGI request: `env` holds the CGI variables (`REQUEST_METHOD`,
/// `CONTENT_LENGTH`, `CONTENT_TYPE`, `HTTP_*`, `REMOTE_ADDR`), `input` the body, `output` receives the
/// `Status:` and header lines, a blank line, and the body.
pub async fn respond<R, W>(
    server: &Server,
    env: &HashMap<String, String>,
    mut input: R,
    mut output: W,
) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let inner = &server.inner;
    let mut request = Request::builder().method(
        env.get("REQUEST_METHOD")
            .map(String::as_str)
            .unwrap_or("GET"),
    );
    if let Some(path) = env.get("SCRIPT_NAME") {
        if let Ok(uri) =
            format!("{path}{}", env.get("PATH_INFO").map_or("", |p| p)).parse::<http::Uri>()
        {
            request = request.uri(uri);
        }
    }
    // The client's address, for request hooks (`REMOTE_ADDR` and `REMOTE_PORT`).
    let peer = env.get("REMOTE_ADDR").and_then(|ip| {
        let ip: std::net::IpAddr = ip.parse().ok()?;
        let port = env
            .get("REMOTE_PORT")
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        Some(PeerAddr(std::net::SocketAddr::new(ip, port)))
    });
    if let Some(peer) = peer {
        request = request.extension(peer);
    }
    for (name, value) in env {
        let header = match name.as_str() {
            "CONTENT_LENGTH" => "content-length".to_string(),
            "CONTENT_TYPE" => "content-type".to_string(),
            other => match other.strip_prefix("HTTP_") {
                Some(rest) => rest.replace('_', "-").to_ascii_lowercase(),
                None => continue,
            },
        };
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(header.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            request = request.header(name, value);
        }
    }
    // Read the body only when its declared length is valid and within the limit; otherwise
    // the request rules answer from the headers alone.
    let declared = env
        .get("CONTENT_LENGTH")
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&n| n <= inner.config.max_request_size as u64);
    let mut body = Vec::new();
    if let Some(length) = declared {
        (&mut input).take(length).read_to_end(&mut body).await?;
    }
    let response = match request.body(Full::new(Bytes::from(body))) {
        Ok(request) => handle(inner, request, false).await.for_host(),
        // A method or path the environment spells wrongly makes no request.
        Err(_) => malformed(inner),
    };
    let (parts, body) = response.into_parts();
    let (status, headers) = (parts.status, parts.headers);
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let mut head = format!(
        "Status: {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    for (name, value) in &headers {
        if name == http::header::CONNECTION {
            continue;
        }
        if let Ok(value) = value.to_str() {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    output.write_all(head.as_bytes()).await?;
    output.write_all(&body).await?;
    output.flush().await
}
