//! Strict parsing and formatting of the scalar types, straight from and to bytes.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::{Error, ErrorKind};

/// Standard alphabet; padding optional on input, required on output; no trailing bits.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_allow_trailing_bits(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[inline]
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

#[inline]
pub(crate) fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if is_ws(*first) {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if is_ws(*last) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn shown(s: &[u8]) -> String {
    let s = String::from_utf8_lossy(s);
    if s.chars().count() > 40 {
        let mut t: String = s.chars().take(40).collect();
        t.push('…');
        t
    } else {
        s.into_owned()
    }
}

fn bad(what: &str, s: &[u8]) -> Error {
    Error::new(ErrorKind::Type, format!("invalid {what} `{}`", shown(s)))
}

/// An integer: optional sign, ASCII digits (leading zeros fine), surrounding whitespace
/// ignored. Returns the value as i64 or a range error for `what` (`int`, `i8`).
#[inline]
pub(crate) fn parse_integer(text: &[u8], what: &str, min: i64, max: i64) -> Result<i64, Error> {
    let s = trim(text);
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(bad(what, text));
    }
    if digits.len() <= 18 {
        // 18 digits cannot overflow an i64: no checks per digit.
        let mut v: i64 = 0;
        for &c in digits {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return Err(bad(what, text));
            }
            v = v * 10 + i64::from(d);
        }
        let v = if neg { -v } else { v };
        if v >= min && v <= max {
            return Ok(v);
        }
        return Err(Error::new(
            ErrorKind::Type,
            format!("{what} out of range: `{}`", shown(s)),
        ));
    }
    // Accumulate negatively so i64::MIN fits.
    let mut v: i64 = 0;
    let mut overflow = false;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return Err(bad(what, text));
        }
        if !overflow {
            match v.checked_mul(10).and_then(|v| v.checked_sub(i64::from(d))) {
                Some(n) => v = n,
                None => overflow = true,
            }
        }
    }
    let v = if neg { Some(v) } else { v.checked_neg() };
    match v {
        Some(v) if !overflow && v >= min && v <= max => Ok(v),
        _ => Err(Error::new(
            ErrorKind::Type,
            format!("{what} out of range: `{}`", shown(s)),
        )),
    }
}

/// Exactly `0` or `1`.
#[inline]
pub(crate) fn parse_bool(text: &[u8]) -> Result<bool, Error> {
    match text {
        b"1" => Ok(true),
        b"0" => Ok(false),
        _ => Err(bad("boolean (must be 0 or 1)", text)),
    }
}

/// A decimal double: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, finite.
pub(crate) fn parse_double(text: &[u8]) -> Result<f64, Error> {
    let s = trim(text);
    let mut i = 0;
    if matches!(s.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_start = i;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    let mut ndigits = i - int_start;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let f = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        ndigits += i - f;
    }
    if ndigits == 0 {
        return Err(bad("double", text));
    }
    if i < s.len() && matches!(s[i], b'e' | b'E') {
        i += 1;
        if i < s.len() && matches!(s[i], b'+' | b'-') {
            i += 1;
        }
        let e = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return Err(bad("double", text));
        }
    }
    if i != s.len() {
        return Err(bad("double", text));
    }
    // Only ASCII was accepted above.
    let st = std::str::from_utf8(s).map_err(|_| bad("double", text))?;
    let v: f64 = st.parse().map_err(|_| bad("double", text))?;
    if !v.is_finite() {
        return Err(Error::new(
            ErrorKind::Type,
            format!("double out of range: `{}`", shown(s)),
        ));
    }
    Ok(v)
}

/// Decodes base64 text into `out` (cleared first). Whitespace anywhere is skipped.
#[cfg(test)]
pub(crate) fn decode_base64_into(text: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    crate::b64::decode(text, out, &mut Vec::new())
}

/// Appends a finite double in plain decimal notation (no exponent) that reads back exactly.
pub(crate) fn write_double(v: f64, out: &mut Vec<u8>) {
    use std::io::Write;
    let start = out.len();
    // `Display` for floats is the shortest round-tripping form and never uses an exponent.
    let _ = write!(out, "{v}");
    if !out[start..].contains(&b'.') {
        out.extend_from_slice(b".0");
    }
}

/// Appends a finite f32 in plain decimal notation.
pub(crate) fn write_float(v: f32, out: &mut Vec<u8>) {
    use std::io::Write;
    let start = out.len();
    let _ = write!(out, "{v}");
    if !out[start..].contains(&b'.') {
        out.extend_from_slice(b".0");
    }
}

/// Appends an integer.
#[inline]
pub(crate) fn write_int<I: itoa::Integer>(v: I, out: &mut Vec<u8>) {
    let mut b = itoa::Buffer::new();
    out.extend_from_slice(b.format(v).as_bytes());
}

/// Appends base64 with padding.
pub(crate) fn write_base64(data: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    let n = base64::encoded_len(data.len(), true).unwrap_or(0);
    out.resize(start + n, 0);
    let written = BASE64.encode_slice(data, &mut out[start..]).unwrap_or(0);
    out.truncate(start + written);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        let p = |s: &str| parse_integer(s.as_bytes(), "int", i32::MIN.into(), i32::MAX.into());
        assert_eq!(p("42").unwrap(), 42);
        assert_eq!(p(" -0042\n").unwrap(), -42);
        assert_eq!(p("+7").unwrap(), 7);
        assert_eq!(p("-2147483648").unwrap(), -2147483648);
        assert_eq!(p("2147483647").unwrap(), 2147483647);
        for s in [
            "2147483648",
            "-2147483649",
            "",
            "-",
            "1_000",
            "0x10",
            "1e3",
            "1.0",
            "1 2",
            "٣",
        ] {
            assert!(p(s).is_err(), "{s}");
        }
        let p8 = |s: &str| parse_integer(s.as_bytes(), "i8", i64::MIN, i64::MAX);
        assert_eq!(p8("-9223372036854775808").unwrap(), i64::MIN);
        assert_eq!(p8("9223372036854775807").unwrap(), i64::MAX);
        assert!(p8("9223372036854775808").is_err());
        assert!(p8("99999999999999999999999999").is_err());
    }

    #[test]
    fn bools() {
        assert!(parse_bool(b"1").unwrap());
        assert!(!parse_bool(b"0").unwrap());
        for s in ["true", "2", "", "01", "yes", " 1", "1 "] {
            assert!(parse_bool(s.as_bytes()).is_err(), "{s}");
        }
    }

    #[test]
    fn doubles() {
        assert_eq!(parse_double(b"1.5").unwrap(), 1.5);
        assert_eq!(parse_double(b"-.5").unwrap(), -0.5);
        assert_eq!(parse_double(b"3.").unwrap(), 3.0);
        assert_eq!(parse_double(b"1e3").unwrap(), 1000.0);
        assert_eq!(parse_double(b"42").unwrap(), 42.0);
        for s in [
            "", "nan", "NaN", "inf", "-inf", "Infinity", "1,5", "1.2.3", "1_000.5", ".", "-", "1e",
            "1e999", "0x1p3", "e5",
        ] {
            assert!(parse_double(s.as_bytes()).is_err(), "{s}");
        }
        for v in [
            0.1,
            1e300,
            5e-324,
            -1.7976931348623157e308,
            123456.789,
            1e16,
            1e-7,
            -0.0,
        ] {
            let mut out = Vec::new();
            write_double(v, &mut out);
            assert!(!out.contains(&b'e'));
            let back = parse_double(&out).unwrap();
            assert_eq!(
                back.to_bits(),
                v.to_bits(),
                "{}",
                String::from_utf8_lossy(&out)
            );
        }
    }

    #[test]
    fn base64() {
        let mut out = Vec::new();
        decode_base64_into(b"aGVsbG8=", &mut out).unwrap();
        assert_eq!(out, b"hello");
        decode_base64_into(b" aGVs\n bG8=\r\n", &mut out).unwrap();
        assert_eq!(out, b"hello");
        decode_base64_into(b"aGVsbG8", &mut out).unwrap();
        assert_eq!(out, b"hello");
        decode_base64_into(b"", &mut out).unwrap();
        assert!(out.is_empty());
        for s in ["aGVsbG8=x", "aGVs*bG8=", "aGVsbG9=", "a", "aGVsbG8==="] {
            assert!(decode_base64_into(s.as_bytes(), &mut out).is_err(), "{s}");
        }
        let mut w = Vec::new();
        write_base64(b"hello", &mut w);
        assert_eq!(w, b"aGVsbG8=");
    }
}
