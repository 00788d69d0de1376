//! Responses: the XML-RPC answer (capped, counted, gzipped when it pays), the HTTP errors,
//! authentication and overload refusals, and the one conversion of a [`Reply`] into what
//! each host sends.

use std::{io::Write, sync::atomic::Ordering::Relaxed};

use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use http_body_util::Full;
use xmlrpc_core::Fault;

use super::rules::accepts_gzip;
use crate::{auth::Deny, capacity::Rejection, server::Answer, server::Inner};

/// The body type of every response.
pub type ResponseBody = Full<Bytes>;

/// How a request ends: a response, or the connection closed without one.
pub(crate) enum Reply {
    Response(Response<ResponseBody>),
    /// Rejected by the overload policy `Close`.
    Close,
}

impl Reply {
    /// The response on the server's own connection (hyper); `None` closes the connection
    /// without a response.
    pub fn for_connection(self) -> Option<Response<ResponseBody>> {
        match self {
            Reply::Response(response) => Some(response),
            Reply::Close => None,
        }
    }

    /// The response where a host owns the connection (a tower/axum application, a CGI web
    /// server): it cannot be closed from here, so `Close` answers 503 with
    /// `Connection: close`.
    pub fn for_host(self) -> Response<ResponseBody> {
        match self {
            Reply::Response(response) => response,
            Reply::Close => {
                let mut response = Response::new(Full::new(Bytes::new()));
                *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                close_after(&mut response);
                response
            }
        }
    }
}

/// The answer to a call: 200 `text/xml`, replaced by an internal-error fault beyond the
/// response cap, counted as completed or errored.
pub(crate) fn answered(
    inner: &Inner,
    answer: &Answer,
    request: &HeaderMap,
) -> Response<ResponseBody> {
    let config = &inner.config;
    let mut fault = answer.is_fault();
    let mut xml = Vec::with_capacity(256);
    answer.write(&mut xml);
    if let Some(limit) = config.max_response_size.filter(|&limit| xml.len() > limit) {
        tracing::warn!("a response of {} bytes exceeds the limit", xml.len());
        let too_large = Fault::new(
            Fault::INTERNAL_ERROR,
            format!("the response exceeds the server's limit of {limit} bytes"),
        );
        xml = Vec::new();
        xmlrpc_core::write_fault(&too_large, &mut xml);
        fault = true;
    }
    let counter = if fault {
        &inner.stats.errored
    } else {
        &inner.stats.completed
    };
    counter.fetch_add(1, Relaxed);
    // operations: faults by code for the metrics (a replaced answer is an internal error).
    if let (true, Some(metrics)) = (fault, &config.ops.metrics) {
        metrics.fault(match answer {
            Answer::Fault(f) => f.code,
            _ => Fault::INTERNAL_ERROR,
        });
    }
    xml_response(xml, config.gzip_threshold, request)
}

/// An HTTP error answer (counted); `close` when the request's body is left unread or
/// unusable. 405 carries `Allow: POST`.
pub(crate) fn refused(inner: &Inner, status: StatusCode, close: bool) -> Response<ResponseBody> {
    inner.stats.http_errors.fetch_add(1, Relaxed);
    let mut response = plain(status, close);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    response
}

/// The answer to a request turned away by authentication or the request hook; `close`
/// when its body is left unread.
pub(crate) fn denied(inner: &Inner, deny: Deny, close: bool) -> Response<ResponseBody> {
    match deny {
        Deny::Fault(fault) => {
            inner.stats.errored.fetch_add(1, Relaxed);
            if let Some(metrics) = &inner.config.ops.metrics {
                metrics.fault(fault.code); // operations: faults by code
            }
            let mut xml = Vec::new();
            xmlrpc_core::write_fault(&fault, &mut xml);
            let mut response = xml_response(xml, None, &HeaderMap::new());
            if close {
                close_after(&mut response);
            }
            response
        }
        Deny::Status(status) => {
            inner.stats.http_errors.fetch_add(1, Relaxed);
            plain(status, close)
        }
        Deny::Unauthorized { realm } => {
            inner.stats.http_errors.fetch_add(1, Relaxed);
            let mut response = plain(StatusCode::UNAUTHORIZED, close);
            let quoted = realm.replace('\\', "\\\\").replace('"', "\\\"");
            let challenge =
                HeaderValue::from_str(&format!("Basic realm=\"{quoted}\", charset=\"UTF-8\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("Basic charset=\"UTF-8\""));
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
            response
        }
    }
}

/// The overload policy's answer to a call beyond capacity (counted per policy).
pub(crate) fn rejected(inner: &Inner, rejection: &Rejection) -> Reply {
    let stats = &inner.stats;
    match rejection {
        Rejection::Close => {
            stats.rejected_close.fetch_add(1, Relaxed);
            Reply::Close
        }
        Rejection::Fault(fault) => {
            stats.rejected_fault.fetch_add(1, Relaxed);
            if let Some(metrics) = &inner.config.ops.metrics {
                metrics.fault(fault.code); // operations: faults by code
            }
            let mut xml = Vec::new();
            xmlrpc_core::write_fault(fault, &mut xml);
            Reply::Response(xml_response(xml, None, &HeaderMap::new()))
        }
        Rejection::Http503 { retry_after } => {
            stats.rejected_503.fetch_add(1, Relaxed);
            let mut response = plain(StatusCode::SERVICE_UNAVAILABLE, false);
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
            Reply::Response(response)
        }
    }
}

/// A 200 `text/xml` response, gzip-encoded when large and the client accepts gzip.
fn xml_response(
    xml: Vec<u8>,
    gzip_threshold: Option<usize>,
    request: &HeaderMap,
) -> Response<ResponseBody> {
    let mut response = Response::new(Full::new(Bytes::new()));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    let compress = gzip_threshold.is_some_and(|limit| xml.len() > limit) && accepts_gzip(request);
    let body = match compress.then(|| gzip(&xml)).flatten() {
        Some(compressed) => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            compressed
        }
        None => xml,
    };
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    *response.body_mut() = Full::new(Bytes::from(body));
    response
}

/// A short plain-text error response; closes the connection when an unread body is left.
fn plain(status: StatusCode, close: bool) -> Response<ResponseBody> {
    let text = status.canonical_reason().unwrap_or("error");
    let mut response = Response::new(Full::new(Bytes::from(format!("{text}\n"))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if close {
        close_after(&mut response);
    }
    response
}

fn close_after(response: &mut Response<ResponseBody>) {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
}

/// Gzip-encodes a response body at the fast level (responses are written once, read once).
pub(crate) fn gzip(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::fast(),
    );
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}
