//! Configuration of a [`Client`].

use std::{sync::Arc, time::Duration};

use base64::Engine;
use http::{header, HeaderMap, HeaderName, HeaderValue};
use xmlrpc_core::{EncodeOptions, Limits};

use crate::{
    client::{Client, Inner},
    custom::Custom,
    target,
    transport::Wire,
    wire::Observer,
    Error, RetryPolicy, Transport, WireEvent,
};

/// The default whole-call timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default cap on a response body, before and after gzip decoding.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 32 * 1024 * 1024;
/// Request bodies at least this large are gzip-compressed once
/// [`ClientBuilder::gzip_requests`] is on.
pub const DEFAULT_GZIP_REQUEST_THRESHOLD: usize = 8 * 1024;

/// Settings the transports read when they are built.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) pool_idle_timeout: Duration,
    pub(crate) env_proxy: bool,
    #[cfg(feature = "tls")]
    pub(crate) root_certificates: Vec<Vec<u8>>,
}

/// Builds a [`Client`]: `Client::builder(url)...build()`.
///
/// ```
/// use std::time::Duration;
///
/// let client = xmlrpc_client::Client::builder("http://user:secret@127.0.0.1:8000/RPC2")
///     .timeout(Duration::from_secs(5))
///     .header("X-Request-Source", "nightly-report")
///     .user_agent("report/1.0")
///     .gzip_requests(true)
///     .allow_nil(false)
///     .max_response_size(4 << 20)
///     .build()?;
/// # let _ = client;
/// # Ok::<(), xmlrpc_client::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    url: String,
    custom: Option<Custom>,
    settings: Settings,
    connect_timeout: Option<Duration>,
    basic_auth: Option<(String, Option<String>)>,
    http_path: Option<String>,
    headers: Vec<(String, String)>,
    user_agent: String,
    accept_gzip: bool,
    gzip_request_threshold: Option<usize>,
    encode: EncodeOptions,
    limits: Limits,
    max_response_size: usize,
    retry: RetryPolicy,
    observer: Option<Observer>,
}

impl ClientBuilder {
    pub(crate) fn new(url: &str) -> ClientBuilder {
        ClientBuilder {
            url: url.to_string(),
            custom: None,
            settings: Settings {
                timeout: DEFAULT_TIMEOUT,
                connect_timeout: DEFAULT_TIMEOUT,
                pool_idle_timeout: Duration::from_secs(60),
                env_proxy: true,
                #[cfg(feature = "tls")]
                root_certificates: Vec::new(),
            },
            connect_timeout: None,
            basic_auth: None,
            http_path: None,
            headers: Vec::new(),
            user_agent: concat!("xmlrpc-client/", env!("CARGO_PKG_VERSION")).to_string(),
            accept_gzip: true,
            gzip_request_threshold: None,
            encode: EncodeOptions::default(),
            limits: Limits::default(),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            retry: RetryPolicy::default(),
            observer: None,
        }
    }

    pub(crate) fn with_transport(transport: Arc<dyn Transport>) -> ClientBuilder {
        ClientBuilder {
            custom: Some(Custom(transport)),
            ..ClientBuilder::new("custom:")
        }
    }

    /// The longest a whole call may take: connecting, sending and reading the answer
    /// (default 30 s). A call that times out may still have run on the server.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The longest connecting may take (default: the call timeout). A connect failure means
    /// the request was never sent.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long an idle keep-alive connection stays in the pool (default 60 s).
    pub fn pool_idle_timeout(mut self, idle: Duration) -> Self {
        self.settings.pool_idle_timeout = idle;
        self
    }

    /// Whether `http(s)://` targets go through the proxies named by `HTTP_PROXY`,
    /// `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (default on; Unix-socket and SCGI targets
    /// never use a proxy).
    pub fn env_proxy(mut self, on: bool) -> Self {
        self.settings.env_proxy = on;
        self
    }

    /// HTTP Basic credentials; they take precedence over `user:pass@` in the URL.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some((user.into(), Some(password.into())));
        self
    }

    /// The HTTP path of the requests, e.g. `/RPC2` (checked by [`build`](Self::build)): for a
    /// Unix-socket target such as `Client::builder("/run/supervisor.sock")` (default `/RPC2`),
    /// an SCGI target, or instead of the path of an `http(s)://` URL. Spares the
    /// `unix:///path?path=/RPC2` query form.
    pub fn http_path(mut self, path: impl Into<String>) -> Self {
        self.http_path = Some(path.into());
        self
    }

    /// An extra header sent with every request (checked by [`build`](Self::build)). On SCGI
    /// targets it travels as the CGI variable `HTTP_<NAME>`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The `User-Agent` header (default `xmlrpc-client/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Whether to send `Accept-Encoding: gzip` (default on). Gzip responses are decoded
    /// whatever this says.
    pub fn accept_gzip(mut self, on: bool) -> Self {
        self.accept_gzip = on;
        self
    }

    /// Whether to gzip request bodies of at least 8 KiB (default off: not every server
    /// accepts `Content-Encoding: gzip`; Python's `SimpleXMLRPCServer` does).
    pub fn gzip_requests(mut self, on: bool) -> Self {
        self.gzip_request_threshold = on.then_some(DEFAULT_GZIP_REQUEST_THRESHOLD);
        self
    }

    /// Gzip request bodies of at least `min_bytes` (0 compresses every request).
    pub fn gzip_requests_over(mut self, min_bytes: usize) -> Self {
        self.gzip_request_threshold = Some(min_bytes);
        self
    }

    /// Whether `None` and `()` may be sent as `<nil/>` (default on). Off, encoding them is
    /// an [`Error::Codec`] before anything is sent, for servers without the extension.
    pub fn allow_nil(mut self, on: bool) -> Self {
        self.encode.allow_nil = on;
        self
    }

    /// Write `<ex:i8>` / `<ex:nil/>` (Apache's dialect) instead of `<i8>` / `<nil/>`.
    pub fn extension_namespace(mut self, on: bool) -> Self {
        self.encode.extension_namespace = on;
        self
    }

    /// The largest response body accepted, raw and after gzip decoding (default 32 MiB);
    /// larger is [`Error::ResponseTooLarge`].
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// How calls marked idempotent are retried (default [`RetryPolicy::default`]: 3
    /// attempts within 10 s); other calls are never retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Calls `observer` with every request the client sends and every answer it receives
    /// (see [`WireEvent`]): the XML on the wire, for troubleshooting. It runs inside the call,
    /// so it should be quick; credentials in the request headers are marked sensitive.
    ///
    /// ```
    /// let client = xmlrpc_client::Client::builder("http://127.0.0.1:8000/RPC2")
    ///     .observe_wire(|event| match event {
    ///         xmlrpc_client::WireEvent::Request { body, .. } => {
    ///             eprintln!("> {}", String::from_utf8_lossy(body))
    ///         }
    ///         xmlrpc_client::WireEvent::Response { status, body } => {
    ///             eprintln!("< {status} {}", String::from_utf8_lossy(body))
    ///         }
    ///         _ => {}
    ///     })
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), xmlrpc_client::Error>(())
    /// ```
    pub fn observe_wire(
        mut self,
        observer: impl Fn(&WireEvent<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Observer(Arc::new(observer)));
        self
    }

    /// Limits applied while decoding responses (nesting depth, ...).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Trusts an extra root certificate (PEM) for `https://` targets, e.g. a private CA.
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.settings.root_certificates.push(pem.into());
        self
    }

    /// Builds the client: parses the URL and the headers and sets up the transport's
    /// connection pool. Nothing connects yet.
    pub fn build(self) -> Result<Client, Error> {
        let mut settings = self.settings;
        settings.connect_timeout = self
            .connect_timeout
            .unwrap_or(settings.timeout)
            .min(settings.timeout);
        let (transport, endpoint, gzip_request_threshold, request_headers) = match self.custom {
            // The custom transport receives the plain XML: gzip is an HTTP matter.
            Some(custom) => (
                Wire::Custom(custom),
                "custom transport".to_string(),
                None,
                HeaderMap::new(),
            ),
            None => {
                let mut parsed = target::parse(&self.url)?;
                if let Some(path) = &self.http_path {
                    parsed.target.set_http_path(path)?;
                }
                let credentials = self.basic_auth.or_else(|| parsed.credentials.clone());
                let headers = headers(
                    &self.user_agent,
                    self.accept_gzip,
                    credentials.as_ref(),
                    &self.headers,
                )?;
                // Kept for the wire observer only: the transport owns its own copy.
                let shown = match self.observer {
                    Some(_) => headers.clone(),
                    None => HeaderMap::new(),
                };
                let wire = Wire::new(&parsed, headers, &settings)?;
                (
                    wire,
                    parsed.target.describe(),
                    self.gzip_request_threshold,
                    shown,
                )
            }
        };
        let inner = Inner {
            transport,
            endpoint,
            encode: self.encode,
            limits: self.limits,
            max_response_size: self.max_response_size,
            gzip_request_threshold,
            retry: self.retry,
            observer: self.observer,
            request_headers,
        };
        Ok(Client::from_inner(Arc::new(inner), settings.timeout))
    }
}

/// The headers every request carries.
fn headers(
    user_agent: &str,
    accept_gzip: bool,
    credentials: Option<&(String, Option<String>)>,
    extra: &[(String, String)],
) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::new();
    map.insert(
        header::USER_AGENT,
        HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent {user_agent:?}")))?,
    );
    if accept_gzip {
        map.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let Some((user, password)) = credentials {
        let plain = format!("{user}:{}", password.as_deref().unwrap_or(""));
        let encoded = base64::engine::general_purpose::STANDARD.encode(plain);
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|_| Error::Config("invalid basic auth credentials".into()))?;
        value.set_sensitive(true);
        map.insert(header::AUTHORIZATION, value);
    }
    for (name, value) in extra {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::Config(format!("invalid value for header {name}")))?;
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_headers() {
        let map = headers("ua/1", true, None, &[]).unwrap();
        assert_eq!(map[header::USER_AGENT], "ua/1");
        assert_eq!(map[header::ACCEPT_ENCODING], "gzip");
        assert!(map.get(header::AUTHORIZATION).is_none());
        let map = headers("ua/1", false, None, &[]).unwrap();
        assert!(map.get(header::ACCEPT_ENCODING).is_none());
    }

    #[test]
    fn basic_auth_header() {
        let creds = ("Aladdin".to_string(), Some("open sesame".to_string()));
        let map = headers("ua", true, Some(&creds), &[]).unwrap();
        assert_eq!(
            map[header::AUTHORIZATION],
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert!(map[header::AUTHORIZATION].is_sensitive());
    }

    #[test]
    fn extra_headers_are_checked() {
        let extra = [("X-A".to_string(), "1".to_string())];
        assert_eq!(headers("ua", true, None, &extra).unwrap()["x-a"], "1");
        let bad_name = [("bad name".to_string(), "1".to_string())];
        assert!(matches!(
            headers("ua", true, None, &bad_name),
            Err(Error::Config(_))
        ));
        let bad_value = [("X-A".to_string(), "a\nb".to_string())];
        assert!(matches!(
            headers("ua", true, None, &bad_value),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn build_reports_config_errors() {
        assert!(matches!(
            Client::builder("gopher://x/").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            Client::builder("http://127.0.0.1:1/")
                .user_agent("bad\r\nagent")
                .build(),
            Err(Error::Config(_))
        ));
    }
}
