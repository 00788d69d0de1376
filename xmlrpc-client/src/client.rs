//! The async [`Client`] and the one path every call takes.

use std::{fmt, future::Future, sync::Arc, time::Duration};

use bytes::Bytes;
use serde::{de::DeserializeOwned, Serialize};
use xmlrpc_core::{EncodeOptions, EncodedValue, Limits, Value};

use crate::{
    builder::ClientBuilder,
    transport::{self, Request, Wire},
    wire::Observer,
    Error, Multicall, RetryPolicy, Transport, WireEvent,
};

/// An async XML-RPC client; cheap to clone (clones share one connection pool).
///
/// Calls are not retried unless declared idempotent ([`Client::call_idempotent`], or
/// `#[xmlrpc(idempotent)]` on a service method): XML-RPC methods need not be idempotent, and
/// after a timeout or a broken connection the client cannot know whether the server ran the
/// call. [`Error::is_connect`] and [`Error::is_overload`] mark the cases where the call
/// certainly did not run; idempotent calls are retried there under the [`RetryPolicy`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The whole-call timeout; per clone, see [`Client::with_timeout`].
    timeout: Duration,
}

/// What clones share.
pub(crate) struct Inner {
    pub(crate) transport: Wire,
    pub(crate) endpoint: String,
    pub(crate) encode: EncodeOptions,
    pub(crate) limits: Limits,
    pub(crate) max_response_size: usize,
    pub(crate) gzip_request_threshold: Option<usize>,
    pub(crate) retry: RetryPolicy,
    /// Called with each request and answer, when set.
    pub(crate) observer: Option<Observer>,
    /// The headers shown to the observer.
    pub(crate) request_headers: http::HeaderMap,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials live only in the transport's headers, which are not printed.
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `url` with default settings. Understood URLs:
    /// `http://host:port/path`, `https://...` (feature `tls`), `http://user:pass@host/...`
    /// (HTTP Basic auth), `/path/to.sock` (a plain absolute path: HTTP over that Unix socket,
    /// taken literally) or `unix:///path/to.sock` (percent-encoded) with an optional
    /// `?path=/RPC2` (default path `/RPC2`, also [`ClientBuilder::http_path`]),
    /// `scgi://host:port[/path]` and
    /// `scgi+unix:///path/to.sock[?path=/RPC2]`.
    pub fn new(url: &str) -> Result<Client, Error> {
        ClientBuilder::new(url).build()
    }

    /// A builder for a client of `url` (see [`Client::new`] for the URL forms).
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    /// A builder for a client that sends through a caller-supplied [`Transport`] instead of
    /// a URL. Timeout, nil, limits and the response cap apply; HTTP settings do not.
    pub fn with_transport(transport: impl Transport) -> ClientBuilder {
        ClientBuilder::with_transport(Arc::new(transport))
    }

    pub(crate) fn from_inner(inner: Arc<Inner>, timeout: Duration) -> Client {
        Client { inner, timeout }
    }

    /// A clone with another whole-call timeout, sharing the connection pool: for the one
    /// slow method among quick ones.
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            timeout,
        }
    }

    /// The whole-call timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The endpoint, without credentials.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Calls `method` with `params` (a tuple or a sequence such as `Vec<Value>`, one element
    /// a parameter; `()` for none) and deserializes the result into `R`.
    ///
    /// The parameters are encoded at once, so the returned future is `Send` and holds no
    /// borrow of them; it does nothing until awaited.
    pub fn call<R: DeserializeOwned, P: Serialize>(
        &self,
        method: &str,
        params: P,
    ) -> impl Future<Output = Result<R, Error>> + Send {
        let encoded = self.encode_call(method, &params);
        self.send_call(method, encoded, decode::<R>)
    }

    /// [`call`](Self::call) for a method that is idempotent (running it twice does no more
    /// than once): it is retried under the client's [`RetryPolicy`] where the server
    /// certainly did not run it (connect failure, HTTP 503, the overload fault).
    pub fn call_idempotent<R: DeserializeOwned, P: Serialize>(
        &self,
        method: &str,
        params: P,
    ) -> impl Future<Output = Result<R, Error>> + Send {
        let encoded = self.encode_call(method, &params);
        self.send_with(method, encoded, decode::<R>, true)
    }

    /// The policy of retries of idempotent calls.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Calls `method` and returns the result as a [`Value`], keeping the exact wire types
    /// (`i8` versus `int`, `base64`, `dateTime.iso8601`, `nil`).
    pub fn call_value<P: Serialize>(
        &self,
        method: &str,
        params: P,
    ) -> impl Future<Output = Result<Value, Error>> + Send {
        let encoded = self.encode_call(method, &params);
        self.send_call(method, encoded, decode_value)
    }

    /// Calls `method` with parameters already encoded (see [`xmlrpc_core::encode_value`]).
    pub fn call_encoded<R: DeserializeOwned>(
        &self,
        method: &str,
        params: &[EncodedValue],
    ) -> impl Future<Output = Result<R, Error>> + Send {
        let mut body = Vec::with_capacity(256);
        xmlrpc_core::write_call_encoded(method, params, &mut body);
        self.send_call(method, Ok(body), decode::<R>)
    }

    /// [`call_encoded`](Self::call_encoded), retried as [`call_idempotent`](Self::call_idempotent).
    pub fn call_encoded_idempotent<R: DeserializeOwned>(
        &self,
        method: &str,
        params: &[EncodedValue],
    ) -> impl Future<Output = Result<R, Error>> + Send {
        let mut body = Vec::with_capacity(256);
        xmlrpc_core::write_call_encoded(method, params, &mut body);
        self.send_with(method, Ok(body), decode::<R>, true)
    }

    /// Starts a `system.multicall` batch.
    pub fn multicall(&self) -> Multicall {
        Multicall::new(self.clone())
    }

    /// How parameters are encoded (nil allowed or not, extension dialect).
    pub fn encode_options(&self) -> &EncodeOptions {
        &self.inner.encode
    }

    /// The `methodCall` body of `method` with `params`.
    pub(crate) fn encode_call<P: Serialize + ?Sized>(
        &self,
        method: &str,
        params: &P,
    ) -> Result<Vec<u8>, xmlrpc_core::Error> {
        let mut body = Vec::with_capacity(256);
        xmlrpc_core::write_call(method, params, &self.inner.encode, &mut body).map(|()| body)
    }

    /// Sends an encoded call and decodes the answer; the shared tail of every call form. The
    /// future borrows nothing (it can be spawned).
    pub(crate) fn send_call<T>(
        &self,
        method: &str,
        encoded: Result<Vec<u8>, xmlrpc_core::Error>,
        decode: fn(&[u8], &Limits) -> Result<T, Error>,
    ) -> impl Future<Output = Result<T, Error>> + Send {
        self.send_with(method, encoded, decode, false)
    }

    /// [`send_call`](Self::send_call), retried under the policy when `idempotent`.
    pub(crate) fn send_with<T>(
        &self,
        method: &str,
        encoded: Result<Vec<u8>, xmlrpc_core::Error>,
        decode: fn(&[u8], &Limits) -> Result<T, Error>,
        idempotent: bool,
    ) -> impl Future<Output = Result<T, Error>> + Send {
        tracing::debug!(
            method,
            endpoint = %self.inner.endpoint,
            request_bytes = encoded.as_ref().map_or(0, Vec::len),
            "xml-rpc call"
        );
        let inner = Arc::clone(&self.inner);
        let timeout = self.timeout;
        let method = idempotent.then(|| method.to_owned());
        async move {
            let request = prepare(&inner, encoded.map_err(Error::Codec)?);
            let started = std::time::Instant::now();
            let mut attempt = 1;
            loop {
                let mut retry_after = None;
                let error = match exchange(&inner, timeout, &request, &mut retry_after).await {
                    Ok(response) => match decode(&response, &inner.limits) {
                        Err(e) if method.is_some() && inner.retry.is_retryable(&e) => e,
                        done => return done,
                    },
                    Err(e) if method.is_some() && inner.retry.is_retryable(&e) => e,
                    Err(e) => return Err(e),
                };
                attempt += 1;
                let Some(wait) = inner
                    .retry
                    .wait_before(attempt, retry_after, started.elapsed())
                else {
                    return Err(error);
                };
                tracing::debug!(
                    method = method.as_deref(),
                    endpoint = %inner.endpoint,
                    attempt,
                    ?wait,
                    error = %error,
                    "retrying an idempotent call"
                );
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// Posts an already encoded `methodCall` body and returns the decoded response body.
    pub(crate) async fn post(&self, body: Vec<u8>) -> Result<Bytes, Error> {
        let request = prepare(&self.inner, body);
        exchange(&self.inner, self.timeout, &request, &mut None).await
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.inner.limits
    }
}

/// A request body ready to send (and to send again), gzip-compressed once if the client is
/// set to, with the plain XML kept for the wire observer.
struct Prepared {
    plain: Bytes,
    sent: Bytes,
    gzipped: bool,
}

fn prepare(inner: &Inner, body: Vec<u8>) -> Prepared {
    let plain = Bytes::from(body);
    match inner.gzip_request_threshold {
        Some(threshold) if plain.len() >= threshold => Prepared {
            sent: Bytes::from(transport::gzip(&plain)),
            plain,
            gzipped: true,
        },
        _ => Prepared {
            sent: plain.clone(),
            plain,
            gzipped: false,
        },
    }
}

/// One HTTP (or SCGI) round trip under the call timeout; any status but 200 is an error,
/// whose `Retry-After` is stored in `retry_after`.
async fn exchange(
    inner: &Inner,
    timeout: Duration,
    request: &Prepared,
    retry_after: &mut Option<Duration>,
) -> Result<Bytes, Error> {
    if let Some(Observer(observe)) = &inner.observer {
        observe(&WireEvent::Request {
            endpoint: &inner.endpoint,
            headers: &inner.request_headers,
            body: &request.plain,
        });
    }
    let request = Request {
        body: request.sent.clone(),
        gzipped: request.gzipped,
    };
    let max = inner.max_response_size;
    let raw = tokio::time::timeout(timeout, inner.transport.send(request, max))
        .await
        .map_err(|_| Error::Timeout(timeout))?
        .inspect_err(|e| tracing::debug!(endpoint = %inner.endpoint, error = %e, "call failed"))?;
    if raw.status != 200 {
        *retry_after = raw.retry_after;
        // Show the body decoded when possible: servers often gzip their error pages too.
        let shown = transport::decode_content(raw.content_encoding.as_ref(), raw.body.clone(), max)
            .unwrap_or(raw.body);
        observe_response(inner, raw.status, &shown);
        return Err(Error::status_with_body(raw.status, &shown));
    }
    let body = transport::decode_content(raw.content_encoding.as_ref(), raw.body, max)?;
    observe_response(inner, raw.status, &body);
    Ok(body)
}

fn observe_response(inner: &Inner, status: u16, body: &[u8]) {
    if let Some(Observer(observe)) = &inner.observer {
        observe(&WireEvent::Response { status, body });
    }
}

/// A `methodResponse` into `R`, or its fault.
pub(crate) fn decode<R: DeserializeOwned>(body: &[u8], limits: &Limits) -> Result<R, Error> {
    match xmlrpc_core::read_response::<R>(body, limits) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(fault)) => Err(Error::Fault(fault)),
        Err(e) => Err(Error::Codec(e)),
    }
}

/// A `methodResponse` into a [`Value`], or its fault.
pub(crate) fn decode_value(body: &[u8], limits: &Limits) -> Result<Value, Error> {
    match xmlrpc_core::read_response_value(body, limits) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(fault)) => Err(Error::Fault(fault)),
        Err(e) => Err(Error::Codec(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parameter that is neither `Send` nor `Sync`: the call future must still be `Send`.
    struct NotSend(std::marker::PhantomData<*const ()>);

    impl Serialize for NotSend {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_i32(1)
        }
    }

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn futures_are_send_whatever_the_params() {
        let client = Client::new("http://127.0.0.1:9/RPC2").unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = runtime.enter();
        let call = client.call::<i32, _>("m", (NotSend(std::marker::PhantomData),));
        assert_send(&call);
        let value = client.call_value("m", ());
        assert_send(&value);
        let encoded = client.call_encoded::<String>("m", &[]);
        assert_send(&encoded);
        let batch = client.multicall().send();
        assert_send(&batch);
    }

    /// Answers every request with the integer 7.
    struct Seven;

    impl Transport for Seven {
        fn send(&self, _request: Vec<u8>) -> crate::TransportFuture<'_> {
            Box::pin(async {
                Ok(b"<methodResponse><params><param><value><int>7</int></value></param></params></methodResponse>".to_vec())
            })
        }
    }

    #[tokio::test]
    async fn the_wire_observer_sees_both_documents() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let client = Client::with_transport(Seven)
            .observe_wire(move |event| {
                let line = match event {
                    WireEvent::Request { endpoint, body, .. } => {
                        format!("> {endpoint} {}", String::from_utf8_lossy(body))
                    }
                    WireEvent::Response { status, body } => {
                        format!("< {status} {}", String::from_utf8_lossy(body))
                    }
                };
                log.lock().unwrap().push(line);
            })
            .build()
            .unwrap();
        assert_eq!(client.call::<i32, _>("lucky", (1,)).await.unwrap(), 7);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(
            seen[0].starts_with("> custom transport <?xml"),
            "{}",
            seen[0]
        );
        assert!(
            seen[0].contains("<methodName>lucky</methodName>"),
            "{}",
            seen[0]
        );
        assert!(seen[1].starts_with("< 200 <methodResponse>"), "{}", seen[1]);
    }

    #[test]
    fn debug_hides_credentials() {
        let client = Client::new("http://alice:secret@127.0.0.1:9/RPC2").unwrap();
        let shown = format!("{client:?}");
        assert!(shown.contains("127.0.0.1:9"), "{shown}");
        assert!(
            !shown.contains("secret") && !shown.contains("alice"),
            "{shown}"
        );
    }
}
