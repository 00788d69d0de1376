//! The request rules, decided from the head before any body is read: head size, method,
//! path, the authentication policies that need no method name, framing and length,
//! content coding.

use http::{header, request::Parts, HeaderMap, Method, StatusCode};

use crate::{
    auth::{Deny, Gate, PeerAddr},
    config::Config,
};

/// A request head that passed the rules.
pub(crate) struct Accepted<'h> {
    /// The declared body length; `None` for a chunked body.
    pub length: Option<u64>,
    /// Whether the body is gzip-encoded.
    pub gzipped: bool,
    /// The authentication still to decide once the method name is known, and the hook.
    pub gate: Gate<'h>,
}

/// Why a request head is refused.
pub(crate) enum Refusal {
    /// An HTTP error status.
    Status(StatusCode),
    /// An authentication policy turned it away.
    Denied(Deny),
}

/// Checks the head of a request. `check_path` is false where the embedding application
/// routes.
pub(crate) fn check<'h>(
    head: &'h Parts,
    config: &'h Config,
    check_path: bool,
) -> Result<Accepted<'h>, Refusal> {
    // hyper's read buffer bounds the head only roughly (it grows in steps); this is exact.
    if head_size(head) > config.max_header_size {
        return Err(Refusal::Status(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE));
    }
    if head.method != Method::POST {
        return Err(Refusal::Status(StatusCode::METHOD_NOT_ALLOWED));
    }
    if check_path && !config.path_allowed(head.uri.path()) {
        return Err(Refusal::Status(StatusCode::NOT_FOUND));
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
        let user = policy.check(&head.headers).map_err(Refusal::Denied)?;
        gate.user = user.or(gate.user);
    }
    let length = content_length(&head.headers).map_err(Refusal::Status)?;
    if length.is_some_and(|n| n > config.max_request_size as u64) {
        return Err(Refusal::Status(StatusCode::PAYLOAD_TOO_LARGE));
    }
    let gzipped = content_encoding(&head.headers).map_err(Refusal::Status)?;
    Ok(Accepted {
        length,
        gzipped,
        gate,
    })
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
pub(crate) fn body_pending(headers: &HeaderMap) -> bool {
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

#[cfg(test)]
mod tests {
    use http::HeaderValue;

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
}
