//! SCGI (the protocol rtorrent serves XML-RPC on): one connection per call, the request
//! headers as a netstring of NUL-separated pairs, then the body; the answer is a CGI
//! response (`Status:` and other header lines, a blank line, the body) ended by EOF.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::TcpStream,
};

use super::{RawResponse, Request};
use crate::{builder::Settings, target::ScgiEndpoint, Error};

/// The most header bytes accepted before the body of an SCGI response.
const MAX_RESPONSE_HEAD: usize = 64 * 1024;

/// The endpoint plus the fixed part of every request's header block.
#[derive(Debug)]
pub(crate) struct ScgiTransport {
    endpoint: ScgiEndpoint,
    path: String,
    headers: HeaderMap,
    connect_timeout: Duration,
}

impl ScgiTransport {
    pub(crate) fn new(
        endpoint: ScgiEndpoint,
        path: String,
        headers: HeaderMap,
        settings: &Settings,
    ) -> ScgiTransport {
        ScgiTransport {
            endpoint,
            path,
            headers,
            connect_timeout: settings.connect_timeout,
        }
    }

    pub(crate) async fn send(&self, request: Request, max: usize) -> Result<RawResponse, Error> {
        let head = request_head(&self.path, &self.headers, &request);
        match &self.endpoint {
            ScgiEndpoint::Tcp(addr) => {
                let connect = TcpStream::connect(addr.as_str());
                let stream = tokio::time::timeout(self.connect_timeout, connect)
                    .await
                    .map_err(|_| {
                        Error::connect(
                            format!("scgi://{addr}"),
                            std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"),
                        )
                    })?
                    .map_err(|e| Error::connect(format!("scgi://{addr}"), e))?;
                // Small request then wait for the answer: Nagle would only add latency.
                let _ = stream.set_nodelay(true);
                exchange(stream, &head, &request.body, max).await
            }
            ScgiEndpoint::Unix(socket) => {
                let stream = super::unix::connect(socket, self.connect_timeout)
                    .await
                    .map_err(|e| Error::connect(format!("scgi+unix://{}", socket.display()), e))?;
                exchange(stream, &head, &request.body, max).await
            }
        }
    }
}

/// The netstring-framed header block: `CONTENT_LENGTH` first and `SCGI` = 1, as the
/// protocol demands, then the CGI variables and the extra headers as `HTTP_*`.
fn request_head(path: &str, headers: &HeaderMap, request: &Request) -> Vec<u8> {
    let mut block = Vec::with_capacity(256);
    let mut pair = |name: &[u8], value: &[u8]| {
        block.extend_from_slice(name);
        block.push(0);
        block.extend_from_slice(value);
        block.push(0);
    };
    pair(b"CONTENT_LENGTH", request.body.len().to_string().as_bytes());
    pair(b"SCGI", b"1");
    pair(b"REQUEST_METHOD", b"POST");
    pair(b"REQUEST_URI", path.as_bytes());
    pair(b"SCRIPT_NAME", path.as_bytes());
    pair(b"SERVER_PROTOCOL", b"HTTP/1.1");
    pair(b"CONTENT_TYPE", b"text/xml");
    if request.gzipped {
        pair(b"HTTP_CONTENT_ENCODING", b"gzip");
    }
    for (name, value) in headers {
        let cgi: Vec<u8> = b"HTTP_"
            .iter()
            .copied()
            .chain(name.as_str().bytes().map(|b| match b {
                b'-' => b'_',
                b => b.to_ascii_uppercase(),
            }))
            .collect();
        // Header values never contain NUL (http::HeaderValue forbids it), so the framing holds.
        pair(&cgi, value.as_bytes());
    }
    let mut head = Vec::with_capacity(block.len() + 12);
    head.extend_from_slice(block.len().to_string().as_bytes());
    head.push(b':');
    head.extend_from_slice(&block);
    head.push(b',');
    head
}

/// Writes the request and reads the response until EOF, or until the `Content-Length` the
/// response declares has arrived (for responders that keep the connection open), capped.
async fn exchange<S>(
    mut stream: S,
    head: &[u8],
    body: &[u8],
    max: usize,
) -> Result<RawResponse, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let write_failed = |e| Error::transport_from("sending the SCGI request failed", e);
    stream.write_all(head).await.map_err(write_failed)?;
    stream.write_all(body).await.map_err(write_failed)?;
    stream.flush().await.map_err(write_failed)?;

    let cap = max.saturating_add(MAX_RESPONSE_HEAD);
    let mut raw = BytesMut::with_capacity(8 * 1024);
    let mut complete_at = None;
    loop {
        if raw.len() > cap {
            return Err(Error::ResponseTooLarge { limit: max });
        }
        let n = stream
            .read_buf(&mut raw)
            .await
            .map_err(|e| Error::transport_from("reading the SCGI response failed", e))?;
        if n == 0 {
            break;
        }
        if complete_at.is_none() {
            complete_at = declared_end(&raw);
        }
        if complete_at.is_some_and(|end| raw.len() >= end) {
            break;
        }
    }
    parse_response(raw.freeze(), max)
}

/// Splits a CGI response into status, content coding and body.
fn parse_response(raw: Bytes, max: usize) -> Result<RawResponse, Error> {
    let (head_len, body_start) = find_head_end(&raw).ok_or_else(|| {
        if raw.is_empty() {
            Error::transport("the SCGI server closed the connection without answering")
        } else {
            Error::transport("the SCGI response has no end of headers")
        }
    })?;
    let head = std::str::from_utf8(&raw[..head_len])
        .map_err(|_| Error::transport("the SCGI response headers are not UTF-8"))?;
    let mut status = 200;
    let mut content_length = None;
    let mut content_encoding = None;
    for (i, line) in head.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        if i == 0 && line.starts_with("HTTP/") {
            // A non-parsed-header response carries a full HTTP status line.
            status = parse_status(line.split_once(' ').map_or("", |(_, rest)| rest))?;
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| Error::transport(format!("bad SCGI response header line {line:?}")))?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "status" => status = parse_status(value)?,
            "content-length" => {
                content_length = Some(value.parse::<usize>().map_err(|_| {
                    Error::transport(format!("bad Content-Length {value:?} in the SCGI response"))
                })?)
            }
            "content-encoding" => {
                content_encoding =
                    Some(HeaderValue::from_str(value).map_err(|_| {
                        Error::transport("bad Content-Encoding in the SCGI response")
                    })?)
            }
            _ => {}
        }
    }
    let mut body = raw.slice(body_start..);
    if let Some(n) = content_length {
        if n > max {
            return Err(Error::ResponseTooLarge { limit: max });
        }
        if body.len() < n {
            return Err(Error::transport(format!(
                "the SCGI response body is truncated: {} of {n} bytes",
                body.len()
            )));
        }
        body.truncate(n);
    }
    if body.len() > max {
        return Err(Error::ResponseTooLarge { limit: max });
    }
    Ok(RawResponse {
        status,
        content_encoding,
        body,
        retry_after: None,
    })
}

/// Where the response ends if its headers are complete and declare a `Content-Length`.
fn declared_end(raw: &[u8]) -> Option<usize> {
    let (head_len, body_start) = find_head_end(raw)?;
    let head = std::str::from_utf8(&raw[..head_len]).ok()?;
    head.split('\n').find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
            .and_then(|n| body_start.checked_add(n))
    })
}

/// The length of the header section and where the body starts (after `\r\n\r\n` or `\n\n`).
fn find_head_end(raw: &[u8]) -> Option<(usize, usize)> {
    let window = &raw[..raw.len().min(MAX_RESPONSE_HEAD)];
    (0..window.len()).find_map(|i| {
        if window[i..].starts_with(b"\r\n\r\n") {
            Some((i, i + 4))
        } else if window[i..].starts_with(b"\n\n") {
            Some((i, i + 2))
        } else {
            None
        }
    })
}

/// `200 OK` -> 200.
fn parse_status(value: &str) -> Result<u16, Error> {
    value
        .split_whitespace()
        .next()
        .and_then(|code| code.parse::<u16>().ok())
        .filter(|code| (100..1000).contains(code))
        .ok_or_else(|| Error::transport(format!("bad status {value:?} in the SCGI response")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &'static [u8]) -> Result<RawResponse, Error> {
        parse_response(Bytes::from_static(raw), 1000)
    }

    #[test]
    fn head_is_a_netstring_with_content_length_first() {
        let mut headers = HeaderMap::new();
        headers.insert("x-trace-id", HeaderValue::from_static("7"));
        let request = Request {
            body: Bytes::from_static(b"<methodCall/>"),
            gzipped: false,
        };
        let head = request_head("/RPC2", &headers, &request);
        let text = String::from_utf8(head).unwrap();
        let (len, rest) = text.split_once(':').unwrap();
        let block = rest.strip_suffix(',').unwrap();
        assert_eq!(len.parse::<usize>().unwrap(), block.len());
        assert!(
            block.starts_with("CONTENT_LENGTH\x0013\x00SCGI\x001\x00"),
            "{block:?}"
        );
        assert!(block.contains("REQUEST_URI\0/RPC2\0"));
        assert!(block.contains("HTTP_X_TRACE_ID\x007\0"));
    }

    #[test]
    fn parses_cgi_and_nph_responses() {
        let r = parse(b"Status: 200 OK\r\nContent-Type: text/xml\r\n\r\n<x/>").unwrap();
        assert_eq!((r.status, &r.body[..]), (200, &b"<x/>"[..]));
        let r = parse(b"Content-Type: text/xml\n\n<y/>").unwrap();
        assert_eq!((r.status, &r.body[..]), (200, &b"<y/>"[..]));
        let r = parse(b"HTTP/1.1 503 Busy\r\n\r\nlater").unwrap();
        assert_eq!(r.status, 503);
        let r = parse(b"Status: 200\r\nContent-Length: 2\r\n\r\nabcdef").unwrap();
        assert_eq!(&r.body[..], b"ab");
        let r = parse(b"Content-Encoding: gzip\r\n\r\n").unwrap();
        assert_eq!(r.content_encoding.unwrap(), "gzip");
    }

    /// Every prefix of valid answers and pseudo-random bytes: an answer or an error, never
    /// a panic.
    #[test]
    fn never_panics() {
        let samples: [&[u8]; 3] = [
            b"Status: 200 OK\r\nContent-Length: 4\r\nContent-Encoding: gzip\r\n\r\n<x/>",
            b"HTTP/1.1 503 Busy\n\nlater",
            b"Content-Type: text/xml\r\n\r\n\r\n\n",
        ];
        for sample in samples {
            for end in 0..=sample.len() {
                let raw = Bytes::copy_from_slice(&sample[..end]);
                let _ = declared_end(&raw);
                let _ = parse_response(raw, 16);
            }
        }
        // A fixed linear congruential generator: reproducible, no dependency.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let alphabet = b"\r\n: Status Content-Length 0123456789HTTP/\xff";
        for _ in 0..20_000 {
            let mut raw = Vec::with_capacity(48);
            for _ in 0..48 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                raw.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            let _ = declared_end(&raw);
            let _ = parse_response(Bytes::from(raw), 16);
        }
    }

    #[test]
    fn end_of_a_declared_response() {
        assert_eq!(
            declared_end(b"Status: 200\r\nContent-Length: 3\r\n\r\nab"),
            Some(37)
        );
        assert_eq!(declared_end(b"Content-Length: 3\n\nabc"), Some(22));
        assert_eq!(declared_end(b"Status: 200\r\n\r\nabc"), None);
        assert_eq!(declared_end(b"Content-Length: 3\r\n"), None);
        assert_eq!(declared_end(b"Content-Length: x\r\n\r\n"), None);
    }

    #[test]
    fn rejects_bad_responses() {
        for raw in [
            &b""[..],
            b"Status: 200 OK\r\nno blank line",
            b"Status: abc\r\n\r\n",
            b"Status 200\r\n\r\n",
            b"Content-Length: 10\r\n\r\nshort",
            b"Content-Length: -1\r\n\r\n",
            b"Content-Length: 5000\r\n\r\n",
            b"\xff\xfe: x\r\n\r\n",
        ] {
            assert!(
                parse_response(Bytes::copy_from_slice(raw), 1000).is_err(),
                "{raw:?}"
            );
        }
        let big = Bytes::from([&b"\r\n\r\n"[..], &[b'a'; 2000][..]].concat());
        assert!(matches!(
            parse_response(big, 1000),
            Err(Error::ResponseTooLarge { limit: 1000 })
        ));
    }
}
