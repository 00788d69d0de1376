//! HTTP/1.1 over a Unix domain socket (supervisord's `unix:///run/supervisor.sock`), with
//! hyper's client and its keep-alive pool over `tokio::net::UnixStream`.

use std::{
    future::Future,
    path::{Path, PathBuf},
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, Method, Uri};
use http_body_util::Full;
use hyper_util::{
    client::legacy::Client as HyperClient,
    rt::{TokioExecutor, TokioIo, TokioTimer},
};
use tokio::net::UnixStream;

use super::{body, RawResponse, Request};
use crate::{builder::Settings, Error};

/// Connects every new pooled connection to the same socket path, whatever the URI says.
#[derive(Debug, Clone)]
struct UnixConnector {
    socket: Arc<PathBuf>,
    connect_timeout: Duration,
}

impl tower::Service<Uri> for UnixConnector {
    type Response = TokioIo<UnixStream>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let socket = Arc::clone(&self.socket);
        let budget = self.connect_timeout;
        Box::pin(async move { connect(socket.as_path(), budget).await.map(TokioIo::new) })
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

/// The hyper client and the request URI (`http://localhost/RPC2`: the host is only the
/// `Host` header and the pool key).
#[derive(Debug)]
pub(crate) struct UnixTransport {
    client: HyperClient<UnixConnector, Full<Bytes>>,
    socket: Arc<PathBuf>,
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
        let uri: Uri = format!("http://localhost{path}")
            .parse()
            .map_err(|e| Error::Config(format!("invalid HTTP path {path:?}: {e}")))?;
        let socket = Arc::new(socket);
        let client = HyperClient::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(settings.pool_idle_timeout)
            .build(UnixConnector {
                socket: Arc::clone(&socket),
                connect_timeout: settings.connect_timeout,
            });
        Ok(UnixTransport {
            client,
            socket,
            uri,
            headers,
        })
    }

    pub(crate) async fn send(&self, request: Request, max: usize) -> Result<RawResponse, Error> {
        let mut builder = http::Request::builder()
            .method(Method::POST)
            .uri(self.uri.clone())
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
        let response = self.client.request(http_request).await.map_err(|e| {
            if e.is_connect() {
                Error::connect(format!("unix socket {}", self.socket.display()), e)
            } else {
                Error::transport_from("the HTTP exchange over the Unix socket failed", e)
            }
        })?;
        let (parts, incoming) = response.into_parts();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        body::check_declared_length(declared, max)?;
        let bytes = body::collect_limited(incoming, max).await?;
        Ok(RawResponse {
            status: parts.status.as_u16(),
            content_encoding: parts.headers.get(header::CONTENT_ENCODING).cloned(),
            body: bytes,
            retry_after: parts
                .headers
                .get(header::RETRY_AFTER)
                .and_then(|v| crate::retry::parse_retry_after(v.as_bytes())),
        })
    }
}
