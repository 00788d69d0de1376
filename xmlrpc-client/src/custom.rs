//! A caller-supplied [`Transport`]: for tests without a server, or networks the built-in
//! transports do not reach.

use std::{fmt, future::Future, pin::Pin, sync::Arc};

use crate::Error;

/// The future a [`Transport`] returns: the response body, or why there is none.
pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, Error>> + Send + 'a>>;

/// Delivers one XML-RPC request and returns the response body, in place of the transports
/// chosen by URL (Python's custom `Transport` of `ServerProxy`).
///
/// The client still encodes the call, applies the timeout and the response size cap, and
/// decodes the answer; HTTP settings (headers, auth, gzip) are the transport's business.
/// Report a refusal as [`Error::Status`], an I/O failure as [`Error::Transport`].
///
/// ```
/// use xmlrpc_client::{Client, Transport, TransportFuture};
///
/// /// Answers every call with the integer 5.
/// struct Canned;
///
/// impl Transport for Canned {
///     fn send(&self, _request: Vec<u8>) -> TransportFuture<'_> {
///         Box::pin(async {
///             Ok(b"<methodResponse><params><param><value><int>5</int></value></param>\
///                  </params></methodResponse>"
///                 .to_vec())
///         })
///     }
/// }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let client = Client::with_transport(Canned).build()?;
/// assert_eq!(client.call::<i32, _>("add", (2, 3)).await?, 5);
/// # Ok::<(), xmlrpc_client::Error>(())
/// # }).unwrap();
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Sends one `methodCall` document and returns the `methodResponse` body.
    fn send(&self, request: Vec<u8>) -> TransportFuture<'_>;
}

/// A shared custom transport, printable in `Debug` output.
#[derive(Clone)]
pub(crate) struct Custom(pub(crate) Arc<dyn Transport>);

impl fmt::Debug for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Custom(..)")
    }
}
