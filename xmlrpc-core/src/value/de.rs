//! `Deserialize` for [`Value`] and token sources over `Value` trees (`from_value`).

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{Map, Value};
use crate::datetime::DATETIME_KEY;
use crate::de::{Bin, Source, Tok, Txt};
use crate::{DateTime, Error, ErrorKind};

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any XML-RPC value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i8<E>(self, v: i8) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i16<E>(self, v: i16) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i32<E>(self, v: i32) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::I8(v))
    }
    fn visit_u8<E>(self, v: u8) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u16<E>(self, v: u16) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u32<E>(self, v: u32) -> Result<Value, E> {
        Ok(Value::I8(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::I8)
            .map_err(|_| E::custom(format!("integer {v} out of range for i8")))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::I8)
            .map_err(|_| E::custom(format!("integer {v} out of range for i8")))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::I8)
            .map_err(|_| E::custom(format!("integer {v} out of range for i8")))
    }
    fn visit_f32<E>(self, v: f32) -> Result<Value, E> {
        Ok(Value::Double(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Double(v))
    }
    fn visit_char<E>(self, v: char) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Base64(v.to_vec()))
    }
    fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Base64(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(e) = seq.next_element()? {
            v.push(e);
        }
        Ok(Value::Array(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = Map::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        let mut first = true;
        while let Some(k) = map.next_key::<String>()? {
            if first && k == DATETIME_KEY {
                let s: String = map.next_value()?;
                let dt = DateTime::parse(&s).map_err(|e| de::Error::custom(e.message()))?;
                return Ok(Value::DateTime(dt));
            }
            first = false;
            let v: Value = map.next_value()?;
            if m.contains_key(&k) {
                return Err(de::Error::custom(format!("duplicate struct member `{k}`")));
            }
            m.insert(k, v);
        }
        Ok(Value::Struct(m))
    }
}

/// Converts a [`Value`] into any `DeserializeOwned` type.
pub fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Error> {
    crate::de::from_source(OwnedSource::new(value))
}

/// Deserializes `T` from a borrowed [`Value`] without cloning it first.
pub fn from_value_ref<'a, T: serde::Deserialize<'a>>(value: &'a Value) -> Result<T, Error> {
    crate::de::from_source(RefSource::new(value))
}

fn scalar_ref(v: &Value) -> Tok<'_> {
    match v {
        Value::Int(i) => Tok::Int(*i),
        Value::I8(i) => Tok::I8(*i),
        Value::Bool(b) => Tok::Bool(*b),
        Value::String(s) => Tok::Str(Txt::Borrowed(s)),
        Value::Double(d) => Tok::Double(*d),
        Value::DateTime(d) => Tok::DateTime(*d),
        Value::Base64(b) => Tok::Base64(Bin::Borrowed(b)),
        Value::Nil => Tok::Nil,
        Value::Struct(_) => Tok::StructStart,
        Value::Array(_) => Tok::ArrayStart,
    }
}

enum RefFrame<'a> {
    Array(std::slice::Iter<'a, Value>),
    Struct(indexmap::map::Iter<'a, String, Value>),
}

/// Tokens of a borrowed value tree, walked without recursion.
pub(crate) struct RefSource<'a> {
    pending: Option<&'a Value>,
    stack: Vec<RefFrame<'a>>,
}

impl<'a> RefSource<'a> {
    pub(crate) fn new(v: &'a Value) -> Self {
        RefSource {
            pending: Some(v),
            stack: Vec::new(),
        }
    }

    fn emit(&mut self, v: &'a Value) -> Tok<'a> {
        match v {
            Value::Array(a) => self.stack.push(RefFrame::Array(a.iter())),
            Value::Struct(m) => self.stack.push(RefFrame::Struct(m.iter())),
            _ => {}
        }
        scalar_ref(v)
    }
}

fn exhausted() -> Error {
    Error::new(ErrorKind::Structure, "read past the end of the value")
}

impl<'a> Source<'a> for RefSource<'a> {
    fn next_tok(&mut self) -> Result<Tok<'a>, Error> {
        if let Some(v) = self.pending.take() {
            return Ok(self.emit(v));
        }
        match self.stack.last_mut() {
            None => Err(exhausted()),
            Some(RefFrame::Array(it)) => match it.next() {
                Some(v) => Ok(self.emit(v)),
                None => {
                    self.stack.pop();
                    Ok(Tok::End)
                }
            },
            Some(RefFrame::Struct(it)) => match it.next() {
                Some((k, v)) => {
                    self.pending = Some(v);
                    Ok(Tok::Member(Txt::Borrowed(k)))
                }
                None => {
                    self.stack.pop();
                    Ok(Tok::End)
                }
            },
        }
    }
    fn scratch_str(&self) -> &str {
        ""
    }
    fn position(&self) -> Option<u64> {
        None
    }
}

enum OwnedFrame {
    Array(std::vec::IntoIter<Value>),
    Struct(indexmap::map::IntoIter<String, Value>),
}

/// Tokens of an owned value tree, moving strings and bytes out.
pub(crate) struct OwnedSource {
    pending: Option<Value>,
    stack: Vec<OwnedFrame>,
}

impl OwnedSource {
    pub(crate) fn new(v: Value) -> Self {
        OwnedSource {
            pending: Some(v),
            stack: Vec::new(),
        }
    }

    fn emit<'de>(&mut self, v: Value) -> Tok<'de> {
        match v {
            Value::Int(i) => Tok::Int(i),
            Value::I8(i) => Tok::I8(i),
            Value::Bool(b) => Tok::Bool(b),
            Value::String(s) => Tok::Str(Txt::Owned(s)),
            Value::Double(d) => Tok::Double(d),
            Value::DateTime(d) => Tok::DateTime(d),
            Value::Base64(b) => Tok::Base64(Bin::Owned(b)),
            Value::Nil => Tok::Nil,
            Value::Array(a) => {
                self.stack.push(OwnedFrame::Array(a.into_iter()));
                Tok::ArrayStart
            }
            Value::Struct(m) => {
                self.stack.push(OwnedFrame::Struct(m.into_iter()));
                Tok::StructStart
            }
        }
    }
}

impl<'de> Source<'de> for OwnedSource {
    fn next_tok(&mut self) -> Result<Tok<'de>, Error> {
        if let Some(v) = self.pending.take() {
            return Ok(self.emit(v));
        }
        match self.stack.last_mut() {
            None => Err(exhausted()),
            Some(OwnedFrame::Array(it)) => match it.next() {
                Some(v) => Ok(self.emit(v)),
                None => {
                    self.stack.pop();
                    Ok(Tok::End)
                }
            },
            Some(OwnedFrame::Struct(it)) => match it.next() {
                Some((k, v)) => {
                    self.pending = Some(v);
                    Ok(Tok::Member(Txt::Owned(k)))
                }
                None => {
                    self.stack.pop();
                    Ok(Tok::End)
                }
            },
        }
    }
    fn scratch_str(&self) -> &str {
        ""
    }
    fn position(&self) -> Option<u64> {
        None
    }
}
