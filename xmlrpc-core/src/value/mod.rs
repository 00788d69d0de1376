//! The dynamic XML-RPC [`Value`] and its serde conversions.

use crate::DateTime;

pub(crate) mod build;
pub(crate) mod de;
mod ser;

pub use de::{from_value, from_value_ref};
pub use ser::{to_value, ValueSerializer};

/// A struct's members, in the order they were written.
pub type Map = indexmap::IndexMap<String, Value>;

/// Any XML-RPC value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `<int>` / `<i4>`
    Int(i32),
    /// `<i8>` (extension)
    I8(i64),
    /// `<boolean>`
    Bool(bool),
    /// `<string>` or untyped text
    String(String),
    /// `<double>`
    Double(f64),
    /// `<dateTime.iso8601>`
    DateTime(DateTime),
    /// `<base64>`
    Base64(Vec<u8>),
    /// `<struct>`
    Struct(Map),
    /// `<array>`
    Array(Vec<Value>),
    /// `<nil/>` (extension)
    Nil,
}

impl Value {
    /// The XML-RPC type name: `int`, `i8`, `boolean`, `string`, `double`,
    /// `dateTime.iso8601`, `base64`, `struct`, `array` or `nil`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::I8(_) => "i8",
            Value::Bool(_) => "boolean",
            Value::String(_) => "string",
            Value::Double(_) => "double",
            Value::DateTime(_) => "dateTime.iso8601",
            Value::Base64(_) => "base64",
            Value::Struct(_) => "struct",
            Value::Array(_) => "array",
            Value::Nil => "nil",
        }
    }

    /// An `int`, or an `i8` that fits in 32 bits.
    pub fn as_i32(&self) -> Option<i32> {
        match self {
            Value::Int(i) => Some(*i),
            Value::I8(i) => i32::try_from(*i).ok(),
            _ => None,
        }
    }
    /// An `int` or `i8`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some((*i).into()),
            Value::I8(i) => Some(*i),
            _ => None,
        }
    }
    /// A `boolean`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// A `string`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// A `double` (or an integer, converted).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Double(d) => Some(*d),
            Value::Int(i) => Some((*i).into()),
            Value::I8(i) => Some(*i as f64),
            _ => None,
        }
    }
    /// A `dateTime.iso8601`.
    pub fn as_datetime(&self) -> Option<&DateTime> {
        match self {
            Value::DateTime(d) => Some(d),
            _ => None,
        }
    }
    /// A `base64`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Base64(b) => Some(b),
            _ => None,
        }
    }
    /// A `struct`.
    pub fn as_struct(&self) -> Option<&Map> {
        match self {
            Value::Struct(m) => Some(m),
            _ => None,
        }
    }
    /// A `struct`, mutably.
    pub fn as_struct_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Struct(m) => Some(m),
            _ => None,
        }
    }
    /// An `array`.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    /// An `array`, mutably.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    /// Whether this is `nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
    /// A struct member by name (`None` for other types or a missing member).
    pub fn get(&self, member: &str) -> Option<&Value> {
        self.as_struct().and_then(|m| m.get(member))
    }
    /// An array element by index (`None` for other types or out of range).
    pub fn get_index(&self, index: usize) -> Option<&Value> {
        self.as_array().and_then(|a| a.get(index))
    }
    /// Decodes this value into `T` (see [`from_value_ref`]).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, crate::Error> {
        from_value_ref(self)
    }
}

impl std::ops::Index<&str> for Value {
    type Output = Value;
    /// The member, or `Nil` when missing or not a struct.
    fn index(&self, member: &str) -> &Value {
        static NIL: Value = Value::Nil;
        self.get(member).unwrap_or(&NIL)
    }
}

impl std::ops::Index<usize> for Value {
    type Output = Value;
    /// The element, or `Nil` when out of range or not an array.
    fn index(&self, index: usize) -> &Value {
        static NIL: Value = Value::Nil;
        self.get_index(index).unwrap_or(&NIL)
    }
}

macro_rules! from_impl {
    ($($t:ty => |$v:ident| $e:expr;)*) => {$(
        impl From<$t> for Value {
            fn from($v: $t) -> Value {
                $e
            }
        }
    )*};
}

from_impl! {
    i8 => |v| Value::Int(v.into());
    i16 => |v| Value::Int(v.into());
    i32 => |v| Value::Int(v);
    u8 => |v| Value::Int(v.into());
    u16 => |v| Value::Int(v.into());
    u32 => |v| Value::I8(v.into());
    i64 => |v| Value::I8(v);
    bool => |v| Value::Bool(v);
    f32 => |v| Value::Double(v.into());
    f64 => |v| Value::Double(v);
    String => |v| Value::String(v);
    &str => |v| Value::String(v.to_owned());
    &String => |v| Value::String(v.clone());
    char => |v| Value::String(v.to_string());
    DateTime => |v| Value::DateTime(v);
    Vec<u8> => |v| Value::Base64(v);
    &[u8] => |v| Value::Base64(v.to_vec());
    Map => |v| Value::Struct(v);
    Vec<Value> => |v| Value::Array(v);
    () => |_v| Value::Nil;
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Nil, Into::into)
    }
}

impl<V: Into<Value>> FromIterator<V> for Value {
    fn from_iter<I: IntoIterator<Item = V>>(iter: I) -> Value {
        Value::Array(iter.into_iter().map(Into::into).collect())
    }
}

impl std::fmt::Display for Value {
    /// A compact, Python-like rendering for logs and messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::I8(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{}", if *b { "true" } else { "false" }),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Double(d) => write!(f, "{d:?}"),
            Value::DateTime(d) => write!(f, "{d}"),
            Value::Base64(b) => write!(f, "<{} bytes>", b.len()),
            Value::Nil => f.write_str("nil"),
            Value::Array(a) => {
                f.write_str("[")?;
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Struct(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}
