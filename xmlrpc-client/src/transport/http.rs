//! `http://` and `https://` (feature `tls`) straight to the server through the pool of
//! [`super::pool`], so sequential calls share one connection; through a proxy named in the
//! environment, reqwest (which applies `NO_PROXY` and the proxy's own rules).

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{header, HeaderMap, HeaderValue, Method, Uri};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use reqwest::Url;
use tokio::net::TcpStream;

use super::{
    body,
    pool::{Connect, Pool},
    RawResponse, Request,
};
use crate::{builder::Settings, Error};

/// The endpoint URL and the way to it (one keep-alive pool, shared by clones).
#[derive(Debug)]
pub(crate) struct HttpTransport {
    route: Route,
    url: Url,
    timeout: Duration,
}

#[derive(Debug)]
enum Route {
    // Boxed: built once per client, and the enum stays a pointer wide.
    Direct(Box<Direct>),
    Reqwest(reqwest::Client),
}

impl HttpTransport {
    pub(crate) fn new(
        url: Url,
        headers: HeaderMap,
        settings: &Settings,
    ) -> Result<HttpTransport, Error> {
        let direct = match url.scheme() {
            "http" => !(settings.env_proxy && proxy_in_env(&["http_proxy", "HTTP_PROXY"])),
            "https" => {
                cfg!(feature = "tls")
                    && !(settings.env_proxy && proxy_in_env(&["https_proxy", "HTTPS_PROXY"]))
            }
            _ => false,
        };
        let route = if direct {
            Route::Direct(Box::new(Direct::new(&url, headers, settings)?))
        } else {
            Route::Reqwest(reqwest_client(headers, settings)?)
        };
        Ok(HttpTransport {
            route,
            url,
            timeout: settings.timeout,
        })
    }

    pub(crate) async fn send(&self, request: Request, max: usize) -> Result<RawResponse, Error> {
        match &self.route {
            Route::Direct(direct) => direct.send(request, max).await,
            Route::Reqwest(client) => self.send_reqwest(client, request, max).await,
        }
    }

    async fn send_reqwest(
        &self,
        client: &reqwest::Client,
        request: Request,
        max: usize,
    ) -> Result<RawResponse, Error> {
        let mut builder = client
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
        if request.gzipped {
            builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        let mut response = builder
            .body(request.body)
            .send()
            .await
            .map_err(|e| self.map_error(e))?;
        let status = response.status().as_u16();
        let content_encoding = response.headers().get(header::CONTENT_ENCODING).cloned();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| crate::retry::parse_retry_after(v.as_bytes()));
        body::check_declared_length(response.content_length(), max)?;
        let mut out = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.map_error(e))? {
            body::push_limited(&mut out, &chunk, max)?;
        }
        Ok(RawResponse {
            status,
            content_encoding,
            body: out.freeze(),
            retry_after,
        })
    }

    fn map_error(&self, e: reqwest::Error) -> Error {
        if e.is_connect() {
            // Also a connect timeout: the request was never sent, which is worth knowing.
            Error::connect(self.url.to_string(), e.without_url())
        } else if e.is_timeout() {
            Error::Timeout(self.timeout)
        } else if e.is_body() || e.is_decode() {
            Error::transport_from("reading the response failed", e.without_url())
        } else {
            Error::transport_from("the HTTP exchange failed", e.without_url())
        }
    }
}

/// Whether the environment names a proxy in one of `names` or in `ALL_PROXY` (reqwest then
/// applies it, with `NO_PROXY`).
fn proxy_in_env(names: &[&str]) -> bool {
    names
        .iter()
        .chain(&["all_proxy", "ALL_PROXY"])
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// The reqwest client of proxied targets.
fn reqwest_client(headers: HeaderMap, settings: &Settings) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .default_headers(headers)
        // The whole-call timeout is applied by the client around every transport alike.
        .connect_timeout(settings.connect_timeout)
        // A redirect would turn the POST into a GET; report the 3xx instead.
        .redirect(reqwest::redirect::Policy::none())
        .http1_only()
        .tcp_nodelay(true)
        .pool_idle_timeout(settings.pool_idle_timeout);
    if !settings.env_proxy {
        builder = builder.no_proxy();
    }
    #[cfg(feature = "tls")]
    let builder = settings
        .root_certificates
        .iter()
        .try_fold(builder, |b, pem| {
            reqwest::Certificate::from_pem(pem)
                .map(|cert| b.add_root_certificate(cert))
                .map_err(|e| Error::Config(format!("invalid root certificate: {e}")))
        })?;
    builder
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

/// Plain HTTP to the server itself: the request target, `Host` and headers of every call.
#[derive(Debug)]
struct Direct {
    pool: Pool<TcpConnector>,
    target: Uri,
    host: HeaderValue,
    headers: HeaderMap,
}

impl Direct {
    fn new(url: &Url, headers: HeaderMap, settings: &Settings) -> Result<Direct, Error> {
        let bad = |e: &dyn std::fmt::Display| Error::Config(format!("invalid URL {url}: {e}"));
        let host = url.host_str().ok_or_else(|| bad(&"no host"))?;
        let port = url.port_or_known_default().ok_or_else(|| bad(&"no port"))?;
        // `Host` names the port only when it is not the default one, as browsers do.
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        // IPv6 literals come bracketed from the URL.
        let bare_host = host.trim_start_matches('[').trim_end_matches(']');
        #[cfg(feature = "tls")]
        let tls = match url.scheme() {
            "https" => Some(super::tls::Tls::new(bare_host, settings)?),
            _ => None,
        };
        Ok(Direct {
            pool: Pool::new(
                TcpConnector {
                    host: bare_host.to_string(),
                    port,
                    connect_timeout: settings.connect_timeout,
                    url: url.to_string(),
                    #[cfg(feature = "tls")]
                    tls,
                },
                settings.pool_idle_timeout,
            ),
            target: target.parse().map_err(|e| bad(&e))?,
            host: HeaderValue::from_str(&authority).map_err(|e| bad(&e))?,
            headers,
        })
    }

    async fn send(&self, request: Request, max: usize) -> Result<RawResponse, Error> {
        let mut builder = http::Request::builder()
            .method(Method::POST)
            .uri(self.target.clone())
            .header(header::HOST, self.host.clone())
            .header(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"))
            .header(header::CONTENT_LENGTH, request.body.len());
        if request.gzipped {
            builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if let Some(headers) = builder.headers_mut() {
            headers.extend(self.headers.clone());
        }
        let http_request = builder
            .body(Full::<Bytes>::new(request.body))
            .map_err(|e| Error::transport_from("cannot build the HTTP request", e))?;
        Ok(self.pool.exchange(http_request, max).await?.into())
    }
}

/// Connects to the URL's host and port (each address it resolves to, in turn), with the
/// TLS handshake for `https://`.
#[derive(Debug)]
struct TcpConnector {
    host: String,
    port: u16,
    connect_timeout: Duration,
    url: String,
    #[cfg(feature = "tls")]
    tls: Option<super::tls::Tls>,
}

/// A plain or a TLS stream.
trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}

impl<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> Stream for S {}

impl TcpConnector {
    async fn connect_and_handshake(&self) -> std::io::Result<Box<dyn Stream>> {
        let stream = TcpStream::connect((self.host.as_str(), self.port)).await?;
        stream.set_nodelay(true)?;
        #[cfg(feature = "tls")]
        if let Some(tls) = &self.tls {
            return Ok(Box::new(tls.handshake(stream).await?));
        }
        Ok(Box::new(stream))
    }
}

impl Connect for TcpConnector {
    type Io = TokioIo<Box<dyn Stream>>;

    /// Connecting and the TLS handshake together take at most the connect timeout.
    async fn connect(&self) -> std::io::Result<Self::Io> {
        tokio::time::timeout(self.connect_timeout, self.connect_and_handshake())
            .await
            .map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("connecting took longer than {:?}", self.connect_timeout),
                )
            })?
            .map(TokioIo::new)
    }

    fn describe(&self) -> String {
        self.url.clone()
    }
}
