//! The request body: collected within the body-read timeout and the size cap, then gunzipped
//! when it is gzip-encoded (the decoded size counts against the cap).

use std::{future::Future, io::Read};

use bytes::{Buf, Bytes};
use http::StatusCode;
use http_body_util::BodyExt;
use hyper::body::Body;

use crate::config::Config;

/// Reads the whole body: 413 beyond the cap, 408 past the timeout, 400 for a body that breaks
/// off or is framed wrongly (a bad chunk size) and for corrupt gzip.
pub(crate) async fn read<B>(
    body: B,
    length: Option<u64>,
    gzipped: bool,
    config: &Config,
) -> Result<Bytes, StatusCode>
where
    B: Body,
    B::Error: std::fmt::Display,
{
    let bytes = match read_within(body, length, config).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(BodyError::TooLarge)) => return Err(StatusCode::PAYLOAD_TOO_LARGE),
        Ok(Err(BodyError::Broken(e))) => {
            tracing::debug!("request body unreadable: {e}");
            return Err(StatusCode::BAD_REQUEST);
        }
        Err(_) => return Err(StatusCode::REQUEST_TIMEOUT),
    };
    if gzipped {
        gunzip(&bytes, config.max_request_size)
    } else {
        Ok(bytes)
    }
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
    config: &Config,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::response::gzip;

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
