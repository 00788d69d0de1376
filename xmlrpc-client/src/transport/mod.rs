//! The ways a request body reaches a server and a response body comes back.
//!
//! Every transport delivers the raw exchange (status, `Content-Encoding`, body bytes read
//! under the size cap); the client then decodes gzip and the XML the same way for all.

mod body;
mod http;
mod pool;
mod scgi;
#[cfg(feature = "tls")]
mod tls;
mod unix;

use ::http::{HeaderMap, HeaderValue};
use bytes::Bytes;

use crate::{
    builder::Settings,
    custom::Custom,
    target::{Parsed, Target},
    Error,
};

pub(crate) use body::{decode_content, gzip};

/// One request: the (possibly gzip-compressed) XML body.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) body: Bytes,
    pub(crate) gzipped: bool,
}

/// One response as it came off the wire.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) content_encoding: Option<HeaderValue>,
    pub(crate) body: Bytes,
    /// The `Retry-After` of the answer, in seconds (read by the retries of idempotent calls).
    pub(crate) retry_after: Option<std::time::Duration>,
}

/// The transport of one client, chosen by the URL scheme or supplied by the caller.
#[derive(Debug)]
pub(crate) enum Wire {
    Http(http::HttpTransport),
    Unix(unix::UnixTransport),
    Scgi(scgi::ScgiTransport),
    Custom(Custom),
}

impl Wire {
    /// Builds the transport for a parsed URL; `headers` are sent with every request.
    pub(crate) fn new(
        parsed: &Parsed,
        headers: HeaderMap,
        settings: &Settings,
    ) -> Result<Wire, Error> {
        Ok(match &parsed.target {
            Target::Http(url) => {
                Wire::Http(http::HttpTransport::new(url.clone(), headers, settings)?)
            }
            Target::Unix { socket, path } => Wire::Unix(unix::UnixTransport::new(
                socket.clone(),
                path,
                headers,
                settings,
            )?),
            Target::Scgi { endpoint, path } => Wire::Scgi(scgi::ScgiTransport::new(
                endpoint.clone(),
                path.clone(),
                headers,
                settings,
            )),
        })
    }

    /// Sends one request and reads the whole response, at most `max_body` bytes of it.
    pub(crate) async fn send(
        &self,
        request: Request,
        max_body: usize,
    ) -> Result<RawResponse, Error> {
        match self {
            Wire::Http(t) => t.send(request, max_body).await,
            Wire::Unix(t) => t.send(request, max_body).await,
            Wire::Scgi(t) => t.send(request, max_body).await,
            Wire::Custom(Custom(t)) => {
                // The builder turns request gzip off for custom transports.
                let body = t.send(request.body.into()).await?;
                if body.len() > max_body {
                    return Err(Error::ResponseTooLarge { limit: max_body });
                }
                Ok(RawResponse {
                    status: 200,
                    content_encoding: None,
                    body: Bytes::from(body),
                    retry_after: None,
                })
            }
        }
    }
}
