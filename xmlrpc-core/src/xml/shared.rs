//! What the two readers share, so that they cannot disagree on it: the value types by element
//! name, the entities and character references text may hold, scalar conversion and the
//! duplicate-member check of structs.

use std::collections::HashSet;

use crate::de::{Bin, Tok};
use crate::scalar;
use crate::{Error, ErrorKind};

/// The namespace of the Apache XML-RPC extensions (`ex:i8`, `ex:nil`).
pub(crate) const EXT_NS: &[u8] = b"http://ws.apache.org/xmlrpc/namespaces/extensions";

/// A scalar type whose text is converted on its own.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Scalar {
    Int,
    I8,
    Bool,
    Double,
    DateTime,
    Base64,
}

/// The type of a value, by the name of its type element.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Scalar(Scalar),
    Str,
    Struct,
    Array,
    Nil,
}

/// Whether an element name is the literal `lit` (inlined fixed-size compare, no memcmp call).
#[inline(always)]
pub(crate) fn is<const N: usize>(name: &[u8], lit: &[u8; N]) -> bool {
    <&[u8; N]>::try_from(name).is_ok_and(|a| a == lit)
}

/// The type named by element `name`; `ext_prefix` says whether a prefix is bound to the
/// extensions namespace (`ex` always is).
#[inline]
pub(crate) fn kind_of(name: &[u8], ext_prefix: impl Fn(&[u8]) -> bool) -> Option<Kind> {
    let known = match name.len() {
        2 if is(name, b"i4") => Some(Kind::Scalar(Scalar::Int)),
        2 if is(name, b"i8") => Some(Kind::Scalar(Scalar::I8)),
        3 if is(name, b"int") => Some(Kind::Scalar(Scalar::Int)),
        3 if is(name, b"nil") => Some(Kind::Nil),
        5 if is(name, b"array") => Some(Kind::Array),
        6 if is(name, b"string") => Some(Kind::Str),
        6 if is(name, b"double") => Some(Kind::Scalar(Scalar::Double)),
        6 if is(name, b"struct") => Some(Kind::Struct),
        6 if is(name, b"base64") => Some(Kind::Scalar(Scalar::Base64)),
        7 if is(name, b"boolean") => Some(Kind::Scalar(Scalar::Bool)),
        16 if is(name, b"dateTime.iso8601") => Some(Kind::Scalar(Scalar::DateTime)),
        _ => None,
    };
    if known.is_some() {
        return known;
    }
    let c = name.iter().position(|&b| b == b':')?;
    let prefix = &name[..c];
    if prefix != b"ex" && !ext_prefix(prefix) {
        return None;
    }
    match &name[c + 1..] {
        b"i8" => Some(Kind::Scalar(Scalar::I8)),
        b"nil" => Some(Kind::Nil),
        b"i1" | b"i2" => Some(Kind::Scalar(Scalar::Int)),
        b"float" => Some(Kind::Scalar(Scalar::Double)),
        _ => None,
    }
}

/// Why an entity reference could not be resolved.
pub(crate) enum RefError {
    /// Not one of the five predefined entities nor a character reference.
    Unknown,
    /// A character reference that is not a number.
    Malformed,
    /// A character reference to a character XML does not allow.
    NotAllowed(u32),
}

fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// The character of the entity reference `&r;` (`r` without `&` and `;`).
#[inline]
pub(crate) fn entity(r: &[u8]) -> Result<char, RefError> {
    let (digits, radix) = match r {
        b"lt" => return Ok('<'),
        b"gt" => return Ok('>'),
        b"amp" => return Ok('&'),
        b"apos" => return Ok('\''),
        b"quot" => return Ok('"'),
        [b'#', b'x', hex @ ..] => (hex, 16),
        [b'#', dec @ ..] => (dec, 10),
        _ => return Err(RefError::Unknown),
    };
    if digits.is_empty() || digits.len() > 8 {
        return Err(RefError::Malformed);
    }
    let mut v: u32 = 0;
    for &d in digits {
        let x = (d as char).to_digit(radix).ok_or(RefError::Malformed)?;
        v = v * radix + x;
    }
    if !is_xml_char(v) {
        return Err(RefError::NotAllowed(v));
    }
    char::from_u32(v).ok_or(RefError::Malformed)
}

/// At most 64 characters of a name, for messages.
pub(crate) fn name_of(e: &[u8]) -> String {
    let s = String::from_utf8_lossy(e);
    s.chars().take(64).collect()
}

/// The token of a scalar of type `k` whose text is `text`. `b64_tmp` is scratch space for
/// base64 text with whitespace in it.
pub(crate) fn scalar_tok<'a>(
    k: Scalar,
    text: &[u8],
    b64_tmp: &mut Vec<u8>,
) -> Result<Tok<'a>, Error> {
    Ok(match k {
        Scalar::Int => {
            Tok::Int(scalar::parse_integer(text, "int", i32::MIN.into(), i32::MAX.into())? as i32)
        }
        Scalar::I8 => Tok::I8(scalar::parse_integer(text, "i8", i64::MIN, i64::MAX)?),
        Scalar::Bool => Tok::Bool(scalar::parse_bool(text)?),
        Scalar::Double => Tok::Double(scalar::parse_double(text)?),
        Scalar::DateTime => {
            let t = scalar::trim(text);
            match crate::datetime::parse_bytes(t) {
                Some(Ok(dt)) => Tok::DateTime(dt),
                Some(Err(e)) => return Err(e),
                None => {
                    return Err(Error::new(
                        ErrorKind::Type,
                        format!("invalid dateTime.iso8601 `{}`", name_of(t)),
                    ))
                }
            }
        }
        Scalar::Base64 => {
            let mut out = Vec::new();
            crate::b64::decode(text, &mut out, b64_tmp)?;
            Tok::Base64(Bin::Owned(out))
        }
    })
}

/// Whether two short names are equal (a byte loop: names are a few bytes long).
#[inline(always)]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The member names of the open structs, to refuse a duplicate as it comes: names are
/// concatenated, with one span per member and one mark (index into `spans`) per open struct.
#[derive(Default)]
pub(crate) struct MemberNames {
    names: Vec<u8>,
    spans: Vec<(usize, usize)>,
    marks: Vec<usize>,
    /// Hash sets of the member names of open structs past `LINEAR_MEMBERS` members, by mark
    /// depth (a linear scan stays cheaper below that).
    sets: Vec<(usize, HashSet<Box<[u8]>>)>,
}

impl MemberNames {
    /// A struct opened.
    #[inline]
    pub(crate) fn open(&mut self) {
        if self.marks.capacity() == 0 {
            // One allocation each for a typical document instead of growing from empty.
            self.marks.reserve(8);
            self.spans.reserve(32);
            self.names.reserve(256);
        }
        self.marks.push(self.spans.len());
    }

    /// Records a member name of the innermost struct; false if the struct already has it.
    pub(crate) fn insert(&mut self, bytes: &[u8]) -> bool {
        const LINEAR_MEMBERS: usize = 16;
        let mark = self.marks.last().copied().unwrap_or(0);
        let depth = self.marks.len();
        let siblings = &self.spans[mark..];
        let dup = if siblings.len() < LINEAR_MEMBERS {
            let names = &self.names;
            siblings.iter().any(|&(s, l)| same(&names[s..s + l], bytes))
        } else {
            if self.sets.last().is_none_or(|(d, _)| *d != depth) {
                let names = &self.names;
                let set = siblings
                    .iter()
                    .map(|&(s, l)| Box::<[u8]>::from(&names[s..s + l]))
                    .collect();
                self.sets.push((depth, set));
            }
            match self.sets.last_mut() {
                Some((_, set)) => !set.insert(bytes.into()),
                None => false,
            }
        };
        if dup {
            return false;
        }
        let start = self.names.len();
        self.names.extend_from_slice(bytes);
        self.spans.push((start, bytes.len()));
        true
    }

    /// The innermost struct ended: forget its member names.
    #[inline]
    pub(crate) fn close(&mut self) {
        let depth = self.marks.len();
        if self.sets.last().is_some_and(|(d, _)| *d == depth) {
            self.sets.pop();
        }
        if let Some(mark) = self.marks.pop() {
            let names_start = self.spans.get(mark).map_or(self.names.len(), |s| s.0);
            self.spans.truncate(mark);
            self.names.truncate(names_start);
        }
    }
}
