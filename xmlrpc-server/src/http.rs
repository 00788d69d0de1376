//! One HTTP request: method, path and framing rules, body reading with caps and timeouts,
//! gzip both ways, admission, and the XML-RPC answer.

use std::{
    future::Future,
    io::{Read, Write},
    time::Instant,
};

use bytes::{Buf, Bytes};
use http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Body;
use tracing::{field::Empty, Instrument};
use xmlrpc_core::Fault;

use crate::{
    auth::{Deny, Gate, PeerAddr},
    config::Overload,
    server::Inner,
};

/// The body type of every response.
pub type ResponseBody = Full<Bytes>;

/// How a request ends: a response, or the connection closed without one.
pub(crate) enum Reply {
    Response(Response<ResponseBody>),
    /// Rejected by the overload policy `Close`.
    Close,
    /// The request could not be read (its body broke off). Our own connections close
    /// without an answer; where the host owns the connection, it gets 400 and a close.
    Broken,
}

/// Handles one request. `check_path` is false where the embedding application routes.
pub(crate) async fn handle<B>(inner: &Inner, req: Request<B>, check_path: bool) -> Reply
where
    B: Body,
    B::Error: std::fmt::Display,
{
    let span = tracing::debug_span!(
        "xmlrpc.request",
        path = req.uri().path(),
        method = Empty,
        status = Empty,
        micros = Empty,
    );
    if span.is_disabled() {
        // Nobody listens: skip the instrumentation and the clock reads.
        return handle_inner(inner, req, check_path).await;
    }
    let started = Instant::now();
    let reply = handle_inner(inner, req, check_path)
        .instrument(span.clone())
        .await;
    match &reply {
        Reply::Response(r) => span.record("status", r.status().as_u16()),
        Reply::Close | Reply::Broken => span.record("status", "closed"),
    };
    span.record("micros", started.elapsed().as_micros() as u64);
    reply
}

async fn handle_inner<B>(inner: &Inner, req: Request<B>, check_path: bool) -> Reply
where
    B: Body,
    B::Error: std::fmt::Display,
{
    let config = &inner.config;
    let (head, body) = req.into_parts();
    let refuse = |status: StatusCode| {
        inner
            .stats
            .http_errors
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        plain(status, body_pending(&head.headers))
    };

    // hyper's read buffer bounds the head only roughly (it grows in steps); this is exact.
    if head_size(&head) > config.max_header_size {
        return Reply::Response(refuse(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE));
    }
    if head.method != Method::POST {
        // operations: the method page and the metrics answer GET when on (ops.rs).
        if head.method == Method::GET {
            if let Some(response) = crate::ops::answer_get(inner, &head, check_path) {
                return Reply::Response(response);
            }
        }
        let mut response = refuse(StatusCode::METHOD_NOT_ALLOWED);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return Reply::Response(response);
    }
    if check_path && !config.path_allowed(head.uri.path()) {
        return Reply::Response(refuse(StatusCode::NOT_FOUND));
    }
    // Policies that need no method name are decided before the body is read, so that
    // unauthenticated clients cost no reading or parsing.
    let path = head.uri.path();
    let mut gate = Gate {
        headers: &head.headers,
        path,
        peer: head.extensions.get::<PeerAddr>().map(|p| p.0),
        deferred: Vec::new(),
        user: None,
    };
    for policy in config.auth.iter().filter(|p| p.covers_path(path)) {
        if !policy.covers_every_method() {
            gate.deferred.push(policy);
            continue;
        }
        match policy.check(&head.headers) {
            Ok(user) => gate.user = user.or(gate.user),
            Err(deny) => return Reply::Response(denied(inner, deny, body_pending(&head.headers))),
        }
    }
    let length = match content_length(&head.headers) {
        Ok(length) => length,
        Err(status) => return Reply::Response(refuse(status)),
    };
    if length.is_some_and(|n| n > config.max_request_size as u64) {
        return Reply::Response(refuse(StatusCode::PAYLOAD_TOO_LARGE));
    }
    let gzipped = match content_encoding(&head.headers) {
        Ok(gzipped) => gzipped,
        Err(status) => return Reply::Response(refuse(status)),
    };

    let mut bytes = match read_within(body, length, config).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(BodyError::TooLarge)) => {
            return Reply::Response(refuse(StatusCode::PAYLOAD_TOO_LARGE))
        }
        Ok(Err(BodyError::Broken(e))) => {
            tracing::debug!("request body unreadable: {e}");
            return Reply::Broken;
        }
        Err(_) => {
            let mut response = refuse(StatusCode::REQUEST_TIMEOUT);
            close_after(&mut response);
            return Reply::Response(response);
        }
    };
    if gzipped {
        bytes = match gunzip(&bytes, config.max_request_size) {
            Ok(decoded) => decoded,
            Err(status) => return Reply::Response(refuse(status)),
        };
    }

    let _slot = match inner.pool.admit(&inner.stats).await {
        Ok(slot) => slot,
        Err(policy) => return reject(inner, policy),
    };

    let answer = match inner.answer_gated(&bytes, Some(&gate)).await {
        Ok(answer) => answer,
        Err(deny) => return Reply::Response(denied(inner, deny, false)),
    };
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
    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // operations: faults by code for the metrics (a replaced answer is an internal error).
    if let (true, Some(metrics)) = (fault, &config.ops.metrics) {
        metrics.fault(match &answer {
            crate::server::Answer::Fault(f) => f.code,
            _ => Fault::INTERNAL_ERROR,
        });
    }
    Reply::Response(xml_response(xml, config.gzip_threshold, &head.headers))
}

/// The answer to a request turned away by authentication or the request hook; `close`
/// when its body is left unread.
pub(crate) fn denied(inner: &Inner, deny: Deny, close: bool) -> Response<ResponseBody> {
    use std::sync::atomic::Ordering::Relaxed;
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

/// The overload policy's answer to a request beyond capacity.
fn reject(inner: &Inner, policy: &Overload) -> Reply {
    use std::sync::atomic::Ordering::Relaxed;
    let stats = &inner.stats;
    match policy {
        // `Block` waits instead of rejecting; should the pool ever refuse under it, the
        // connection is closed like under `Close`.
        Overload::Block | Overload::Close => {
            stats.rejected_close.fetch_add(1, Relaxed);
            Reply::Close
        }
        Overload::Fault { code, string } => {
            stats.rejected_fault.fetch_add(1, Relaxed);
            if let Some(metrics) = &inner.config.ops.metrics {
                metrics.fault(*code); // operations: faults by code
            }
            let mut xml = Vec::new();
            xmlrpc_core::write_fault(&Fault::new(*code, string.clone()), &mut xml);
            Reply::Response(xml_response(xml, None, &HeaderMap::new()))
        }
        Overload::Http503 { retry_after } => {
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

/// The size of a request head as sent: request line and header lines.
fn head_size(head: &http::request::Parts) -> usize {
    let uri = &head.uri;
    let target = uri.path_and_query().map_or(1, |pq| pq.as_str().len())
        + uri.authority().map_or(0, |a| a.as_str().len())
        + uri.scheme_str().map_or(0, |s| s.len() + 3);
    let line = head.method.as_str().len() + target + 12;
    head.headers.iter().fold(line, |total, (name, value)| {
        total + name.as_str().len() + value.len() + 4
    })
}

/// Whether the request announced a body we are about to leave unread.
fn body_pending(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get_all(header::CONTENT_LENGTH)
            .iter()
            .any(|v| v.as_bytes() != b"0")
}

/// The declared body length: `None` for chunked bodies; 411 without either framing; 400 for
/// a value that is not plain digits or several different values.
fn content_length(headers: &HeaderMap) -> Result<Option<u64>, StatusCode> {
    let mut codings = headers.get_all(header::TRANSFER_ENCODING).iter().peekable();
    if codings.peek().is_some() {
        // The chunks frame the body (over any Content-Length); a transfer coding on top of
        // chunked (`gzip, chunked`) is not supported.
        let only_chunked = codings.all(|v| {
            v.to_str().is_ok_and(|t| {
                t.split(',')
                    .all(|c| c.trim().eq_ignore_ascii_case("chunked"))
            })
        });
        return if only_chunked {
            Ok(None)
        } else {
            Err(StatusCode::NOT_IMPLEMENTED)
        };
    }
    let mut length = None;
    for value in headers.get_all(header::CONTENT_LENGTH) {
        let bytes = value.as_bytes();
        if bytes.is_empty() || bytes.len() > 19 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(StatusCode::BAD_REQUEST);
        }
        let n: u64 = std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(StatusCode::BAD_REQUEST)?;
        if length.is_some_and(|seen| seen != n) {
            return Err(StatusCode::BAD_REQUEST);
        }
        length = Some(n);
    }
    length.map(Some).ok_or(StatusCode::LENGTH_REQUIRED)
}

/// Whether the body is gzip-encoded; 415 for any other coding.
fn content_encoding(headers: &HeaderMap) -> Result<bool, StatusCode> {
    let mut gzipped = false;
    for value in headers.get_all(header::CONTENT_ENCODING) {
        let text = value
            .to_str()
            .map_err(|_| StatusCode::UNSUPPORTED_MEDIA_TYPE)?;
        for coding in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if coding.eq_ignore_ascii_case("identity") {
                continue;
            }
            let is_gzip =
                coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip");
            if !is_gzip || gzipped {
                return Err(StatusCode::UNSUPPORTED_MEDIA_TYPE);
            }
            gzipped = true;
        }
    }
    Ok(gzipped)
}

/// Whether `Accept-Encoding` admits gzip with a non-zero quality.
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None;
    let mut any = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(text) = value.to_str() else { continue };
        for item in text.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
                .next_back()
                .unwrap_or(1.0);
            if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(quality > 0.0);
            } else if coding == "*" {
                any = Some(quality > 0.0);
            }
        }
    }
    gzip.or(any).unwrap_or(false)
}

enum BodyError {
    TooLarge,
    Broken(String),
}

/// Collects the body within the body-read timeout. A body that has already arrived (the
/// common case for small calls) is taken without arming a timer.
async fn read_within<B>(
    body: B,
    length: Option<u64>,
    config: &crate::config::Config,
) -> Result<Result<Bytes, BodyError>, tokio::time::error::Elapsed>
where
    B: Body,
    B::Error: std::fmt::Display,
{
    // A declared length (already checked against the cap) sizes the buffer once.
    let expected = length.map_or(0, |n| n as usize);
    let mut read = std::pin::pin!(read_body(body, config.max_request_size, expected));
    let first = std::future::poll_fn(|cx| std::task::Poll::Ready(read.as_mut().poll(cx))).await;
    if let std::task::Poll::Ready(done) = first {
        return Ok(done);
    }
    tokio::time::timeout(config.body_read_timeout, read).await
}

/// Collects the body, refusing it as soon as it passes `limit` bytes; `expected` is the
/// declared length, if any.
async fn read_body<B>(body: B, limit: usize, expected: usize) -> Result<Bytes, BodyError>
where
    B: Body,
    B::Error: std::fmt::Display,
{
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Broken(e.to_string()))?;
        let Ok(mut data) = frame.into_data() else {
            continue; // trailers carry nothing for us
        };
        total = total.saturating_add(data.remaining());
        if total > limit {
            return Err(BodyError::TooLarge);
        }
        // One frame (the common case) is kept without copying.
        match &first {
            None if rest.is_empty() => first = Some(data.copy_to_bytes(data.remaining())),
            _ => {
                if let Some(bytes) = first.take() {
                    rest.reserve(expected.min(limit).max(bytes.len() + data.remaining()));
                    rest.extend_from_slice(&bytes);
                }
                while data.has_remaining() {
                    let chunk = data.chunk();
                    rest.extend_from_slice(chunk);
                    let n = chunk.len();
                    data.advance(n);
                }
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(rest)))
}

/// Decodes a gzip body, refusing it (413) as soon as the output passes `limit`; corrupt or
/// truncated input is 400.
fn gunzip(data: &[u8], limit: usize) -> Result<Bytes, StatusCode> {
    let mut out = Vec::with_capacity((data.len() * 4).min(limit));
    let decoder = flate2::read::GzDecoder::new(data);
    match decoder.take(limit as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > limit => Err(StatusCode::PAYLOAD_TOO_LARGE),
        Ok(_) => Ok(Bytes::from(out)),
        Err(_) => Err(StatusCode::BAD_REQUEST),
    }
}

fn gzip(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::fast(),
    );
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn content_length_rules() {
        assert_eq!(
            content_length(&headers(&[("content-length", "10")])),
            Ok(Some(10))
        );
        assert_eq!(
            content_length(&headers(&[
                ("content-length", "10"),
                ("content-length", "10")
            ])),
            Ok(Some(10))
        );
        for bad in [
            "-1",
            "+5",
            "1_0",
            "abc",
            "",
            "1.5",
            " 5",
            "99999999999999999999",
        ] {
            let mut map = HeaderMap::new();
            map.insert("content-length", HeaderValue::from_str(bad).unwrap());
            assert_eq!(
                content_length(&map),
                Err(StatusCode::BAD_REQUEST),
                "{bad:?}"
            );
        }
        assert_eq!(
            content_length(&headers(&[
                ("content-length", "10"),
                ("content-length", "11")
            ])),
            Err(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            content_length(&HeaderMap::new()),
            Err(StatusCode::LENGTH_REQUIRED)
        );
        assert_eq!(
            content_length(&headers(&[("transfer-encoding", "chunked")])),
            Ok(None)
        );
        assert_eq!(
            content_length(&headers(&[
                ("transfer-encoding", "chunked"),
                ("content-length", "3")
            ])),
            Ok(None)
        );
        assert_eq!(
            content_length(&headers(&[("transfer-encoding", "gzip, chunked")])),
            Err(StatusCode::NOT_IMPLEMENTED)
        );
    }

    #[test]
    fn content_encoding_rules() {
        assert_eq!(content_encoding(&HeaderMap::new()), Ok(false));
        assert_eq!(
            content_encoding(&headers(&[("content-encoding", "gzip")])),
            Ok(true)
        );
        assert_eq!(
            content_encoding(&headers(&[("content-encoding", "identity")])),
            Ok(false)
        );
        for bad in ["deflate", "br", "gzip, gzip", "compress"] {
            let mut map = HeaderMap::new();
            map.insert("content-encoding", HeaderValue::from_str(bad).unwrap());
            assert_eq!(
                content_encoding(&map),
                Err(StatusCode::UNSUPPORTED_MEDIA_TYPE),
                "{bad}"
            );
        }
    }

    #[test]
    fn accept_encoding_rules() {
        let accepts = |v: &'static str| accepts_gzip(&headers(&[("accept-encoding", v)]));
        assert!(accepts("gzip"));
        assert!(accepts("deflate, gzip;q=0.5"));
        assert!(accepts("*"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("gzip; q=0.0"));
        assert!(!accepts("identity"));
        assert!(!accepts("*;q=0"));
        assert!(!accepts("*, gzip;q=0"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn gzip_round_trip_and_caps() {
        let data = vec![b'a'; 10_000];
        let packed = gzip(&data).unwrap();
        assert_eq!(gunzip(&packed, 10_000).unwrap(), &data[..]);
        assert_eq!(gunzip(&packed, 9_999), Err(StatusCode::PAYLOAD_TOO_LARGE));
        assert_eq!(
            gunzip(&packed[..packed.len() / 2], 10_000),
            Err(StatusCode::BAD_REQUEST)
        );
        assert_eq!(gunzip(b"not gzip", 100), Err(StatusCode::BAD_REQUEST));
    }
}
