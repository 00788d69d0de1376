//! One serde `Deserializer` over a stream of XML-RPC tokens. The tokens come either straight
//! from XML events ([`crate::xml::read`]) or from a [`Value`](crate::Value) tree, so typed
//! decoding, `from_value` and `Value` decoding share one implementation and one set of rules.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use crate::datetime::{DATETIME_KEY, DATETIME_NAME};
use crate::{DateTime, Error, ErrorKind};

/// Text carried by a token: borrowed from the input, held in the source's scratch buffer,
/// or owned.
#[derive(Debug)]
pub(crate) enum Txt<'de> {
    Borrowed(&'de str),
    Scratch,
    Owned(String),
}

/// Bytes of a base64 token.
#[derive(Debug)]
pub(crate) enum Bin<'de> {
    Borrowed(&'de [u8]),
    Owned(Vec<u8>),
}

/// One XML-RPC token. A value is a scalar, or `ArrayStart value* End`, or
/// `StructStart (Member value)* End`.
#[derive(Debug)]
pub(crate) enum Tok<'de> {
    Int(i32),
    I8(i64),
    Bool(bool),
    Double(f64),
    Str(Txt<'de>),
    DateTime(DateTime),
    Base64(Bin<'de>),
    Nil,
    ArrayStart,
    StructStart,
    Member(Txt<'de>),
    End,
}

impl Tok<'_> {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Tok::Int(_) => "int",
            Tok::I8(_) => "i8",
            Tok::Bool(_) => "boolean",
            Tok::Double(_) => "double",
            Tok::Str(_) => "string",
            Tok::DateTime(_) => "dateTime.iso8601",
            Tok::Base64(_) => "base64",
            Tok::Nil => "nil",
            Tok::ArrayStart => "array",
            Tok::StructStart => "struct",
            Tok::Member(_) => "struct member",
            Tok::End => "end of container",
        }
    }
}

/// A producer of tokens.
pub(crate) trait Source<'de> {
    /// The next token; an error for malformed input.
    fn next_tok(&mut self) -> Result<Tok<'de>, Error>;
    /// The text of `Txt::Scratch` tokens (valid until the next call of `next_tok`).
    fn scratch_str(&self) -> &str;
    /// Byte position of the last token, for error messages.
    fn position(&self) -> Option<u64>;
}

/// The serde deserializer over any [`Source`].
pub(crate) struct De<'de, S: Source<'de>> {
    pub(crate) src: S,
    peeked: Option<Tok<'de>>,
}

impl<'de, S: Source<'de>> De<'de, S> {
    pub(crate) fn new(src: S) -> Self {
        De { src, peeked: None }
    }

    #[inline]
    fn next(&mut self) -> Result<Tok<'de>, Error> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.src.next_tok(),
        }
    }

    #[inline]
    fn peek(&mut self) -> Result<&Tok<'de>, Error> {
        if self.peeked.is_none() {
            self.peeked = Some(self.src.next_tok()?);
        }
        match &self.peeked {
            Some(t) => Ok(t),
            None => Err(Error::new(ErrorKind::Structure, "no token")),
        }
    }

    fn err(&self, e: Error) -> Error {
        e.at_if_unset(self.src.position())
    }

    fn mismatch(&self, expected: &str, tok: &Tok<'de>) -> Error {
        self.err(Error::mismatch(expected, tok.type_name()))
    }

    fn text<'s>(&'s self, t: &'s Txt<'de>) -> &'s str {
        match t {
            Txt::Borrowed(s) => s,
            Txt::Scratch => self.src.scratch_str(),
            Txt::Owned(s) => s,
        }
    }

    fn visit_txt<V: Visitor<'de>>(&self, t: Txt<'de>, v: V) -> Result<V::Value, Error> {
        match t {
            Txt::Borrowed(s) => v.visit_borrowed_str(s),
            Txt::Scratch => v.visit_str(self.src.scratch_str()),
            Txt::Owned(s) => v.visit_string(s),
        }
    }

    fn visit_bin<V: Visitor<'de>>(&self, b: Bin<'de>, v: V) -> Result<V::Value, Error> {
        match b {
            Bin::Borrowed(s) => v.visit_borrowed_bytes(s),
            Bin::Owned(s) => v.visit_byte_buf(s),
        }
    }

    /// Consumes the rest of a value whose first token was `first`.
    fn skip_rest(&mut self, first: &Tok<'de>) -> Result<(), Error> {
        let mut depth: usize = match first {
            Tok::ArrayStart | Tok::StructStart => 1,
            _ => return Ok(()),
        };
        while depth > 0 {
            match self.next()? {
                Tok::ArrayStart | Tok::StructStart => depth += 1,
                Tok::End => depth -= 1,
                _ => {}
            }
        }
        Ok(())
    }

    /// An integer token as i64 (int, i8), else a type error naming `expected`.
    fn integer(&mut self, expected: &str) -> Result<i64, Error> {
        match self.next()? {
            Tok::Int(i) => Ok(i64::from(i)),
            Tok::I8(i) => Ok(i),
            t => Err(self.mismatch(expected, &t)),
        }
    }

    fn range_err(&self, v: i64, target: &str) -> Error {
        self.err(Error::new(
            ErrorKind::Type,
            format!("integer {v} out of range for {target}"),
        ))
    }

    fn visit_seq_checked<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let mut seq = Seq {
            de: self,
            index: 0,
            done: false,
        };
        let value = visitor.visit_seq(&mut seq)?;
        if !seq.done {
            // The visitor stopped early (a tuple); more elements are an error.
            match seq.de.next()? {
                Tok::End => {}
                t => {
                    let n = seq.index;
                    seq.de.skip_rest(&t)?;
                    return Err(seq.de.err(Error::new(
                        ErrorKind::Type,
                        format!("array has more than the {n} expected elements"),
                    )));
                }
            }
        }
        Ok(value)
    }

    fn visit_map_checked<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let mut map = Map {
            de: self,
            key: None,
            done: false,
        };
        let value = visitor.visit_map(&mut map)?;
        if !map.done {
            loop {
                match map.de.next()? {
                    Tok::End => break,
                    Tok::Member(_) => {
                        let t = map.de.next()?;
                        map.de.skip_rest(&t)?;
                    }
                    t => return Err(map.de.mismatch("struct member", &t)),
                }
            }
        }
        Ok(value)
    }
}

macro_rules! de_int {
    ($($method:ident $visit:ident $ty:ty, $name:expr;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let v = self.integer($name)?;
            match <$ty>::try_from(v) {
                Ok(n) => visitor.$visit(n),
                Err(_) => Err(self.range_err(v, stringify!($ty))),
            }
        }
    )*};
}

impl<'de, S: Source<'de>> de::Deserializer<'de> for &mut De<'de, S> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Int(i) => visitor.visit_i32(i),
            Tok::I8(i) => visitor.visit_i64(i),
            Tok::Bool(b) => visitor.visit_bool(b),
            Tok::Double(d) => visitor.visit_f64(d),
            Tok::Str(t) => self.visit_txt(t, visitor),
            Tok::Base64(b) => self.visit_bin(b, visitor),
            Tok::DateTime(dt) => visitor.visit_map(DateTimeAccess(Some(dt))),
            Tok::Nil => visitor.visit_unit(),
            Tok::ArrayStart => self.visit_seq_checked(visitor),
            Tok::StructStart => self.visit_map_checked(visitor),
            t => Err(self.mismatch("a value", &t)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Bool(b) => visitor.visit_bool(b),
            t => Err(self.mismatch("boolean", &t)),
        }
    }

    de_int! {
        deserialize_i8 visit_i8 i8, "int";
        deserialize_i16 visit_i16 i16, "int";
        deserialize_i32 visit_i32 i32, "int";
        deserialize_i64 visit_i64 i64, "i8";
        deserialize_u8 visit_u8 u8, "int";
        deserialize_u16 visit_u16 u16, "int";
        deserialize_u32 visit_u32 u32, "i8";
        deserialize_u64 visit_u64 u64, "i8";
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = self.integer("i8")?;
        visitor.visit_i128(i128::from(v))
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = self.integer("i8")?;
        match u128::try_from(v) {
            Ok(n) => visitor.visit_u128(n),
            Err(_) => Err(self.range_err(v, "u128")),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Double(d) => {
                let f = d as f32;
                if f.is_finite() {
                    visitor.visit_f32(f)
                } else {
                    Err(self.err(Error::new(
                        ErrorKind::Type,
                        format!("double {d} out of range for f32"),
                    )))
                }
            }
            Tok::Int(i) => visitor.visit_f32(i as f32),
            Tok::I8(i) => visitor.visit_f32(i as f32),
            t => Err(self.mismatch("double", &t)),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Double(d) => visitor.visit_f64(d),
            Tok::Int(i) => visitor.visit_f64(f64::from(i)),
            Tok::I8(i) => visitor.visit_f64(i as f64),
            t => Err(self.mismatch("double", &t)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Str(t) => {
                let s = self.text(&t);
                let mut it = s.chars();
                match (it.next(), it.next()) {
                    (Some(c), None) => visitor.visit_char(c),
                    _ => Err(self.err(Error::new(
                        ErrorKind::Type,
                        "expected a string of one character",
                    ))),
                }
            }
            t => Err(self.mismatch("string", &t)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Str(t) => self.visit_txt(t, visitor),
            Tok::DateTime(dt) => dt.with_str(|s| visitor.visit_str(s)),
            t => Err(self.mismatch("string", &t)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Base64(b) => self.visit_bin(b, visitor),
            t => Err(self.mismatch("base64", &t)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if matches!(self.peek()?, Tok::Nil) {
            self.peeked = None;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Nil => visitor.visit_unit(),
            t => Err(self.mismatch("nil", &t)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == DATETIME_NAME {
            return match self.next()? {
                Tok::DateTime(dt) => visitor.visit_map(DateTimeAccess(Some(dt))),
                Tok::Str(t) => self.visit_txt(t, visitor),
                t => Err(self.mismatch("dateTime.iso8601", &t)),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::ArrayStart => self.visit_seq_checked(visitor),
            t => {
                let e = self.mismatch("array", &t);
                Err(e)
            }
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::StructStart => self.visit_map_checked(visitor),
            t => Err(self.mismatch("struct", &t)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.next()? {
            Tok::Str(t) => {
                let s = self.text(&t);
                visitor.visit_enum(s.into_deserializer())
            }
            Tok::StructStart => {
                let name = match self.next()? {
                    Tok::Member(t) => self.text(&t).to_owned(),
                    t => {
                        return Err(self.err(Error::new(
                            ErrorKind::Type,
                            format!(
                                "expected a struct of one member naming the variant, found {}",
                                if matches!(t, Tok::End) {
                                    "an empty struct"
                                } else {
                                    t.type_name()
                                }
                            ),
                        )))
                    }
                };
                let value = visitor
                    .visit_enum(Enum {
                        de: &mut *self,
                        name: &name,
                    })
                    .map_err(|e| e.within(&name))?;
                match self.next()? {
                    Tok::End => Ok(value),
                    _ => Err(self.err(Error::new(
                        ErrorKind::Type,
                        "an enum variant struct must have exactly one member",
                    ))),
                }
            }
            t => Err(self.mismatch("string or struct (enum)", &t)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let t = self.next()?;
        self.skip_rest(&t)?;
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        true
    }
}

struct Seq<'a, 'de, S: Source<'de>> {
    de: &'a mut De<'de, S>,
    index: usize,
    done: bool,
}

impl<'de, S: Source<'de>> de::SeqAccess<'de> for &mut Seq<'_, 'de, S> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.done {
            return Ok(None);
        }
        if matches!(self.de.peek()?, Tok::End) {
            self.de.peeked = None;
            self.done = true;
            return Ok(None);
        }
        let i = self.index;
        self.index += 1;
        match seed.deserialize(&mut *self.de) {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(self.de.err(e).within(&format!("[{i}]"))),
        }
    }
}

enum KeyName<'de> {
    Borrowed(&'de str),
    Owned(String),
}

struct Map<'a, 'de, S: Source<'de>> {
    de: &'a mut De<'de, S>,
    key: Option<KeyName<'de>>,
    done: bool,
}

impl<'de, S: Source<'de>> de::MapAccess<'de> for &mut Map<'_, 'de, S> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.done {
            return Ok(None);
        }
        match self.de.next()? {
            Tok::End => {
                self.done = true;
                Ok(None)
            }
            Tok::Member(t) => {
                let key = match t {
                    Txt::Borrowed(s) => KeyName::Borrowed(s),
                    Txt::Scratch => KeyName::Owned(self.de.src.scratch_str().to_owned()),
                    Txt::Owned(s) => KeyName::Owned(s),
                };
                let r = match &key {
                    KeyName::Borrowed(s) => seed.deserialize(KeyDe::Borrowed(s)),
                    KeyName::Owned(s) => seed.deserialize(KeyDe::Str(s)),
                };
                let name_for_err = match &key {
                    KeyName::Borrowed(s) => s,
                    KeyName::Owned(s) => s.as_str(),
                };
                match r {
                    Ok(k) => {
                        self.key = Some(key);
                        Ok(Some(k))
                    }
                    Err(e) => Err(self.de.err(e).within(name_for_err)),
                }
            }
            t => Err(self.de.mismatch("struct member", &t)),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match seed.deserialize(&mut *self.de) {
            Ok(v) => Ok(v),
            Err(e) => {
                let e = self.de.err(e);
                Err(match &self.key {
                    Some(KeyName::Borrowed(s)) => e.within(s),
                    Some(KeyName::Owned(s)) => e.within(s),
                    None => e,
                })
            }
        }
    }
}

/// Deserializes a struct member name: a string, or parsed as a number/bool for maps keyed by
/// those types.
enum KeyDe<'a, 'de> {
    Borrowed(&'de str),
    Str(&'a str),
}

impl KeyDe<'_, '_> {
    fn s(&self) -> &str {
        match self {
            KeyDe::Borrowed(s) => s,
            KeyDe::Str(s) => s,
        }
    }
    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, Error> {
        self.s().parse().map_err(|_| {
            Error::new(
                ErrorKind::Type,
                format!("struct member name `{}` is not a valid {what}", self.s()),
            )
        })
    }
}

macro_rules! key_parse {
    ($($method:ident $visit:ident $ty:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.$visit(self.parse::<$ty>(stringify!($ty))?)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for KeyDe<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            KeyDe::Borrowed(s) => visitor.visit_borrowed_str(s),
            KeyDe::Str(s) => visitor.visit_str(s),
        }
    }

    key_parse! {
        deserialize_bool visit_bool bool;
        deserialize_i8 visit_i8 i8;
        deserialize_i16 visit_i16 i16;
        deserialize_i32 visit_i32 i32;
        deserialize_i64 visit_i64 i64;
        deserialize_u8 visit_u8 u8;
        deserialize_u16 visit_u16 u16;
        deserialize_u32 visit_u32 u32;
        deserialize_u64 visit_u64 u64;
        deserialize_f32 visit_f32 f32;
        deserialize_f64 visit_f64 f64;
        deserialize_char visit_char char;
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self.s().into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        i128 u128 str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// The enum access of a `{Variant: value}` struct.
struct Enum<'a, 'n, 'de, S: Source<'de>> {
    de: &'a mut De<'de, S>,
    name: &'n str,
}

impl<'a, 'de, S: Source<'de>> de::EnumAccess<'de> for Enum<'a, '_, 'de, S> {
    type Error = Error;
    type Variant = &'a mut De<'de, S>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), Error> {
        let de: de::value::StrDeserializer<'_, Error> = self.name.into_deserializer();
        let v = seed.deserialize(de)?;
        Ok((v, self.de))
    }
}

impl<'de, S: Source<'de>> de::VariantAccess<'de> for &mut De<'de, S> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        // `{Variant: <nil/>}` (or any value, ignored).
        let t = self.next()?;
        self.skip_rest(&t)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

/// Hands a `dateTime.iso8601` to `deserialize_any` visitors as a one-entry map with a private
/// key, so `Value` (and serde's buffered content) can tell it from a string.
pub(crate) struct DateTimeAccess(pub(crate) Option<DateTime>);

impl<'de> de::MapAccess<'de> for DateTimeAccess {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.0.is_none() {
            return Ok(None);
        }
        let de: de::value::BorrowedStrDeserializer<'de, Error> =
            de::value::BorrowedStrDeserializer::new(DATETIME_KEY);
        seed.deserialize(de).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.0.take() {
            Some(dt) => {
                let s = dt.to_string();
                let de: de::value::StringDeserializer<Error> = s.into_deserializer();
                seed.deserialize(de)
            }
            None => Err(Error::new(
                ErrorKind::Custom,
                "dateTime value already taken",
            )),
        }
    }
}

/// Deserializes one complete value from `src`, attaching the position to errors.
pub(crate) fn from_source<'de, S: Source<'de>, T: de::Deserialize<'de>>(
    src: S,
) -> Result<T, Error> {
    let mut de = De::new(src);
    let r = T::deserialize(&mut de);
    r.map_err(|e| de.err(e))
}
