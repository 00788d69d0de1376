//! The ways a request body reaches a server and a response body comes back.
//!
//! Every transport delivers the raw exchange (status, `Content-Encoding`, body bytes read
//! under the size cap); the client then decodes gzip and the XML the same way for all.

mod body;
mod http;
mod scgi;
mod unix;

use ::http::{HeaderMap, HeaderValue};
use bytes::Bytes;

use crate::{
    builder::Settings,
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
}

/// The transport of one client, chosen by the URL scheme.
#[derive(Debug)]
pub(crate) enum Transport {
    Http(http::HttpTransport),
    Unix(unix::UnixTransport),
    Scgi(scgi::ScgiTransport),
}

impl Transport {
    /// Builds the transport for a parsed URL; `headers` are sent with every request.
    pub(crate) fn new(
        parsed: &Parsed,
        headers: HeaderMap,
        settings: &Settings,
    ) -> Result<Transport, Error> {
        Ok(match &parsed.target {
            Target::Http(url) => {
                Transport::Http(http::HttpTransport::new(url.clone(), headers, settings)?)
            }
            Target::Unix { socket, path } => Transport::Unix(unix::UnixTransport::new(
                socket.clone(),
                path,
                headers,
                settings,
            )?),
            Target::Scgi { endpoint, path } => Transport::Scgi(scgi::ScgiTransport::new(
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
            Transport::Http(t) => t.send(request, max_body).await,
            Transport::Unix(t) => t.send(request, max_body).await,
            Transport::Scgi(t) => t.send(request, max_body).await,
        }
    }
}
