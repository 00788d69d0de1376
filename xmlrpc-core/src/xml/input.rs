//! Input preparation before parsing: byte order marks, the declared encoding (transcoded to
//! UTF-8 with encoding_rs), UTF-8 validation and characters XML 1.0 forbids.

use std::borrow::Cow;

use crate::{Error, ErrorKind, Fault};

/// A document ready for the event reader: valid UTF-8 without forbidden characters.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub(crate) doc: Cow<'a, [u8]>,
    /// Offset of `doc[0]` in the original input (a skipped BOM), for error positions.
    pub(crate) base: u64,
}

fn syntax(msg: impl Into<String>, pos: u64) -> Error {
    Error::new(ErrorKind::Syntax, msg).at(pos)
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of `doc`.
fn declared_encoding(doc: &[u8]) -> Option<&[u8]> {
    if !doc.starts_with(b"<?xml") || !doc.get(5).is_some_and(|b| crate::scalar::is_ws(*b)) {
        return None;
    }
    let end = doc.iter().take(1024).position(|&b| b == b'>')?;
    let decl = &doc[5..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let mut rest = &decl[at + 8..];
    rest = crate::scalar::trim(rest);
    rest = rest.strip_prefix(b"=")?;
    rest = crate::scalar::trim(rest);
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let rest = &rest[1..];
    let close = rest.iter().position(|&b| b == quote)?;
    Some(&rest[..close])
}

/// Prepares `body` for parsing.
pub(crate) fn prepare(body: &[u8]) -> Result<Prepared<'_>, Error> {
    // UTF-16 with a byte order mark.
    if body.starts_with(&[0xFF, 0xFE]) || body.starts_with(&[0xFE, 0xFF]) {
        let enc = if body[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        return transcode(enc, &body[2..], 2);
    }
    let (doc, base) = match body.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest, 3u64),
        None => (body, 0u64),
    };
    if let Some(label) = declared_encoding(doc) {
        // US-ASCII is a subset of UTF-8, so such documents are read as UTF-8: a pure ASCII
        // document reads the same, and peers that label UTF-8 output `us-ascii` (Perl's
        // RPC::XML does) are read right instead of as windows-1252, which is what the WHATWG
        // label table maps `us-ascii` to. Bytes that are not UTF-8 are still rejected.
        let is_utf8 = [&b"utf-8"[..], b"utf8", b"us-ascii", b"ascii"]
            .iter()
            .any(|l| label.eq_ignore_ascii_case(l));
        if !is_utf8 {
            let enc = encoding_rs::Encoding::for_label(label).ok_or_else(|| {
                syntax(
                    format!("unsupported encoding `{}`", String::from_utf8_lossy(label)),
                    base,
                )
                .with_code(Fault::UNSUPPORTED_ENCODING)
            })?;
            if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                return Err(
                    syntax("document declares UTF-16 but has no byte order mark", base)
                        .with_code(Fault::UNSUPPORTED_ENCODING),
                );
            }
            if enc != encoding_rs::UTF_8 {
                if base != 0 {
                    return Err(syntax(
                        "document has a UTF-8 byte order mark but declares another encoding",
                        0,
                    )
                    .with_code(Fault::UNSUPPORTED_ENCODING));
                }
                return transcode(enc, doc, 0);
            }
        }
    }
    if let Err(e) = std::str::from_utf8(doc) {
        return Err(syntax("malformed UTF-8", base + e.valid_up_to() as u64)
            .with_code(Fault::INVALID_CHARACTER));
    }
    check_chars(doc, base)?;
    Ok(Prepared {
        doc: Cow::Borrowed(doc),
        base,
    })
}

fn transcode<'a>(
    enc: &'static encoding_rs::Encoding,
    bytes: &'a [u8],
    base: u64,
) -> Result<Prepared<'a>, Error> {
    let s = enc
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            syntax(format!("malformed {} input", enc.name()), base)
                .with_code(Fault::INVALID_CHARACTER)
        })?;
    let doc = s.into_owned().into_bytes();
    check_chars(&doc, base)?;
    Ok(Prepared {
        doc: Cow::Owned(doc),
        base,
    })
}

/// Rejects raw characters XML 1.0 forbids: controls other than tab, newline and carriage
/// return, and U+FFFE / U+FFFF. `doc` is valid UTF-8.
fn check_chars(doc: &[u8], base: u64) -> Result<(), Error> {
    let mut from = 0;
    while let Some(block) = crate::scan::suspicious_block(doc, from) {
        let end = (block + 16).min(doc.len());
        check_slow(doc, block, end - block, base)?;
        from = end;
    }
    Ok(())
}

#[cold]
fn check_slow(doc: &[u8], offset: usize, len: usize, base: u64) -> Result<(), Error> {
    for at in offset..offset + len {
        let b = doc[at];
        if b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r' {
            return Err(syntax(
                format!("character U+{b:04X} is not allowed in XML"),
                base + at as u64,
            )
            .with_code(Fault::INVALID_CHARACTER));
        }
        if b == 0xEF
            && doc.get(at + 1) == Some(&0xBF)
            && matches!(doc.get(at + 2), Some(0xBE | 0xBF))
        {
            return Err(syntax(
                "character U+FFFE/U+FFFF is not allowed in XML",
                base + at as u64,
            )
            .with_code(Fault::INVALID_CHARACTER));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>";
        let p = prepare(doc).unwrap();
        assert_eq!(
            std::str::from_utf8(&p.doc).unwrap(),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>"
        );
        let doc = b"<?xml version='1.0' encoding='windows-1252'?><a>\x80</a>";
        let p = prepare(doc).unwrap();
        assert!(std::str::from_utf8(&p.doc).unwrap().contains('€'));
        let e = prepare(b"<?xml version='1.0' encoding='x-klingon'?><a/>").unwrap_err();
        assert_eq!(e.fault_code(), Fault::UNSUPPORTED_ENCODING);
        assert!(prepare(b"<?xml version='1.0' encoding='utf-8'?><a/>").is_ok());
        let p = prepare(b"\xEF\xBB\xBF<a/>").unwrap();
        assert_eq!(&p.doc[..], b"<a/>");
        assert_eq!(p.base, 3);
        let mut utf16 = vec![0xFF, 0xFE];
        for c in "<a>é</a>".encode_utf16() {
            utf16.extend_from_slice(&c.to_le_bytes());
        }
        assert_eq!(&prepare(&utf16).unwrap().doc[..], "<a>é</a>".as_bytes());
    }

    #[test]
    fn bad_chars() {
        let e = prepare(b"<a>\x01</a>").unwrap_err();
        assert_eq!(e.position(), Some(3));
        assert!(prepare("<a>\u{FFFE}</a>".as_bytes()).is_err());
        assert!(prepare(b"<a>\xff</a>").is_err());
        assert!(prepare(b"<a>\xed\xa0\x80</a>").is_err());
        assert!(prepare("<a>\t\r\n\u{FFFD}</a>".as_bytes()).is_ok());
    }
}
