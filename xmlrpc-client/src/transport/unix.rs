//! HTTP/1.1 over a Unix domain socket (supervisord's `unix:///run/supervisor.sock`), with
//! the keep-alive pool of [`super::pool`] over `tokio::net::UnixStream`.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use http::{header, HeaderMap, HeaderValue, Method, Uri};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;

use super::{
    pool::{Connect, Pool},
    RawResponse, Request,
};
use crate::{builder::Settings, Error};

/// Connects every new pooled connection to the same socket path.
#[derive(Debug)]
struct UnixConnector {
    socket: PathBuf,
    connect_timeout: Duration,
}

impl Connect for UnixConnector {
    type Io = TokioIo<UnixStream>;

    async fn connect(&self) -> std::io::Result<Self::Io> {
        connect(&self.socket, self.connect_timeout)
            .await
            .map(TokioIo::new)
    }

    fn describe(&self) -> String {
        format!("unix socket {}", self.socket.display())
    }
}

/// Connects to a Unix socket, waiting while its listen backlog is full.
///
/// Unlike TCP, where the kernel retransmits the SYN, a Unix-socket connect to a full backlog
/// fails at once with `EAGAIN`. Nothing has been sent then, so trying the connect again is
/// safe (the call itself is never repeated); it is tried again, with a pause growing to
/// 50 ms, until `budget` (the connect timeout) is spent.
pub(crate) async fn connect(socket: &Path, budget: Duration) -> std::io::Result<UnixStream> {
    let deadline = tokio::time::Instant::now() + budget;
    let mut pause = Duration::from_millis(1);
    loop {
        match UnixStream::connect(socket).await {
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    && tokio::time::Instant::now() + pause < deadline =>
            {
                tracing::debug!(socket = %socket.display(), "backlog full, connecting again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// The pool and the request path (the `Host` header says `localhost`).
#[derive(Debug)]
pub(crate) struct UnixTransport {
    pool: Pool<UnixConnector>,
    uri: Uri,
    headers: HeaderMap,
}

impl UnixTransport {
    pub(crate) fn new(
        socket: PathBuf,
        path: &str,
        headers: HeaderMap,
        settings: &Settings,
    ) -> Result<UnixTransport, Error> {
        let uri: Uri = path
            .parse()
            .map_err(|e| Error::Config(format!("invalid HTTP path {path:?}: {e}")))?;
        let connector = UnixConnector {
            socket,
            connect_timeout: settings.connect_timeout,
        };
        Ok(UnixTransport {
            pool: Pool::new(connector, settings.pool_idle_timeout),
            uri,
            headers,
        })
    }

    pub(crate) async fn send(&self, request: Request, max: usize) -> Result<RawResponse, Error> {
        let mut builder = http::Request::builder()
            .method(Method::POST)
            .uri(self.uri.clone())
            .header(header::HOST, HeaderValue::from_static("localhost"))
            .header(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"))
            .header(header::CONTENT_LENGTH, request.body.len());
        if request.gzipped {
            builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if let Some(headers) = builder.headers_mut() {
            headers.extend(self.headers.clone());
        }
        let http_request = builder
            .body(Full::new(request.body))
            .map_err(|e| Error::transport_from("cannot build the HTTP request", e))?;
        Ok(self.pool.exchange(http_request, max).await?.into())
    }
}
