//! Body helpers shared by the transports: bounded collection and `Content-Encoding`.

use std::io::Read;

use bytes::{Bytes, BytesMut};
use http::HeaderValue;
use http_body_util::BodyExt;

use crate::Error;

/// Reads a hyper body to the end, failing as soon as it exceeds `max` bytes, so a hostile
/// server cannot make the client buffer more than the cap.
pub(super) async fn collect_limited<B>(mut body: B, max: usize) -> Result<Bytes, Error>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let mut out = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|e| Error::transport_from("reading the response body failed", e))?;
        if let Ok(data) = frame.into_data() {
            push_limited(&mut out, &data, max)?;
        }
    }
    Ok(out.freeze())
}

/// Appends `chunk` unless the total would exceed `max`.
pub(super) fn push_limited(out: &mut BytesMut, chunk: &[u8], max: usize) -> Result<(), Error> {
    if out.len().saturating_add(chunk.len()) > max {
        return Err(Error::ResponseTooLarge { limit: max });
    }
    out.extend_from_slice(chunk);
    Ok(())
}

/// Fails early when a declared `Content-Length` is over the cap.
pub(super) fn check_declared_length(length: Option<u64>, max: usize) -> Result<(), Error> {
    match length {
        Some(n) if n > max as u64 => Err(Error::ResponseTooLarge { limit: max }),
        _ => Ok(()),
    }
}

/// Undoes the response's `Content-Encoding` (gzip or identity); the decoded size is capped
/// too, which keeps decompression bombs at `max` bytes.
pub(crate) fn decode_content(
    encoding: Option<&HeaderValue>,
    body: Bytes,
    max: usize,
) -> Result<Bytes, Error> {
    let coding = match encoding {
        None => return Ok(body),
        Some(v) => v
            .to_str()
            .map_err(|_| Error::transport("the response's Content-Encoding is not ASCII"))?
            .trim()
            .to_ascii_lowercase(),
    };
    match coding.as_str() {
        "" | "identity" => Ok(body),
        "gzip" | "x-gzip" => gunzip(&body, max).map(Bytes::from),
        other => Err(Error::transport(format!(
            "the response uses Content-Encoding {other:?}, which the client does not decode"
        ))),
    }
}

/// Decompresses a gzip body of at most `max` decoded bytes.
fn gunzip(body: &[u8], max: usize) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(max));
    let limit = (max as u64).saturating_add(1);
    flate2::read::GzDecoder::new(body)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| Error::transport_from("the gzip response body is corrupt", e))?;
    if out.len() > max {
        return Err(Error::ResponseTooLarge { limit: max });
    }
    Ok(out)
}

/// Compresses a request body.
pub(crate) fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4 + 32),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(value: &str) -> Option<HeaderValue> {
        Some(HeaderValue::from_str(value).unwrap())
    }

    #[test]
    fn gzip_round_trip() {
        let text = b"<methodResponse>".repeat(100);
        let packed = Bytes::from(gzip(&text));
        assert!(packed.len() < text.len());
        let back = decode_content(gz("gzip").as_ref(), packed.clone(), 1 << 20).unwrap();
        assert_eq!(&back[..], &text[..]);
        let back = decode_content(gz(" X-GZIP ").as_ref(), packed, 1 << 20).unwrap();
        assert_eq!(&back[..], &text[..]);
    }

    #[test]
    fn identity_and_unknown_codings() {
        let body = Bytes::from_static(b"abc");
        assert_eq!(decode_content(None, body.clone(), 10).unwrap(), body);
        assert_eq!(
            decode_content(gz("identity").as_ref(), body.clone(), 10).unwrap(),
            body
        );
        let err = decode_content(gz("br").as_ref(), body, 10).unwrap_err();
        assert!(err.to_string().contains("\"br\""), "{err}");
    }

    #[test]
    fn decompression_is_capped() {
        let bomb = Bytes::from(gzip(&vec![b'a'; 1 << 20]));
        let err = decode_content(gz("gzip").as_ref(), bomb.clone(), 1000).unwrap_err();
        assert!(
            matches!(err, Error::ResponseTooLarge { limit: 1000 }),
            "{err}"
        );
        assert_eq!(
            decode_content(gz("gzip").as_ref(), bomb, 1 << 20)
                .unwrap()
                .len(),
            1 << 20
        );
    }

    #[test]
    fn corrupt_gzip_is_an_error() {
        let mut packed = gzip(b"hello world, hello world");
        let keep = packed.len() / 2;
        packed.truncate(keep);
        for body in [Bytes::from(packed), Bytes::from_static(b"not gzip at all")] {
            let err = decode_content(gz("gzip").as_ref(), body, 1000).unwrap_err();
            assert!(matches!(err, Error::Transport { .. }), "{err}");
        }
    }

    #[test]
    fn push_and_declared_limits() {
        let mut out = BytesMut::new();
        push_limited(&mut out, b"12345", 8).unwrap();
        assert!(push_limited(&mut out, b"6789", 8).is_err());
        assert_eq!(&out[..], b"12345");
        assert!(check_declared_length(Some(9), 8).is_err());
        assert!(check_declared_length(Some(8), 8).is_ok());
        assert!(check_declared_length(None, 8).is_ok());
    }
}
