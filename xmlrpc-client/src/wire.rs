//! Watching the bytes of each exchange: for troubleshooting, logs, and the `--xml` and
//! `--verbose` output of `xmlrpc-cli`.

use std::{fmt, sync::Arc};

use http::HeaderMap;

/// One message of an exchange, as the client sends or receives it; given to the observer of
/// [`ClientBuilder::observe_wire`](crate::ClientBuilder::observe_wire).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum WireEvent<'a> {
    /// A request about to be sent (once per attempt when an idempotent call is retried).
    Request {
        /// The endpoint, without credentials.
        endpoint: &'a str,
        /// The headers the client adds to every request (on SCGI targets they travel as
        /// `HTTP_*` variables; empty for a custom transport). Credentials are marked sensitive
        /// ([`HeaderValue::is_sensitive`](http::HeaderValue::is_sensitive)): do not print
        /// those.
        headers: &'a HeaderMap,
        /// The `methodCall` document, before any gzip compression.
        body: &'a [u8],
    },
    /// An answer as received: any status, the body after gzip decoding (as received when it
    /// cannot be decoded).
    Response {
        /// The HTTP status (SCGI answers carry one too; custom transports report 200).
        status: u16,
        /// The body.
        body: &'a [u8],
    },
}

/// The observer a client calls with each [`WireEvent`].
#[derive(Clone)]
pub(crate) struct Observer(pub(crate) Arc<dyn Fn(&WireEvent<'_>) + Send + Sync>);

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer(..)")
    }
}
