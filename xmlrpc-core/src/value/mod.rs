//! The dynamic XML-RPC [`Value`] and its serde conversions.

use serde::{de::DeserializeOwned, Serialize};

use crate::{DateTime, Error};

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

/// Converts any `Serialize` value into a [`Value`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    let _ = value;
    todo!()
}

/// Converts a [`Value`] into any `DeserializeOwned` type.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    let _ = value;
    todo!()
}
