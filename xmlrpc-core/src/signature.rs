use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use crate::datetime::DATETIME_NAME;

/// Introspection metadata of one method, as `system.listMethods`, `system.methodHelp` and
/// `system.methodSignature` report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodInfo {
    /// Wire name, e.g. `calc.add`.
    pub name: String,
    /// Each accepted signature: return type first, then the parameter types
    /// (`[["int","int","int"]]`). `None` answers `"undef"`.
    pub signatures: Option<Vec<Vec<String>>>,
    /// Help text for `system.methodHelp`.
    pub help: String,
}

/// Rust method names that `#[xmlrpc_service]` generates itself, so a trait method cannot take
/// them: the one list the macro checks and `xmlrpc-cli gen` avoids. Not a public API.
#[doc(hidden)]
pub mod reserved {
    /// Which generated side a reserved name belongs to.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Side {
        /// Reserved when the server side is generated.
        Server,
        /// Reserved when the client side is generated.
        Client,
    }

    /// `(name, side, what it is)`.
    pub const METHOD_NAMES: &[(&str, Side, &str)] = &[
        (
            "into_service",
            Side::Server,
            "the generated `into_service` of the trait",
        ),
        (
            "new",
            Side::Client,
            "a generated constructor or accessor of the client",
        ),
        (
            "from_url",
            Side::Client,
            "a generated constructor or accessor of the client",
        ),
        (
            "client",
            Side::Client,
            "a generated constructor or accessor of the client",
        ),
        (
            "batch",
            Side::Client,
            "a generated constructor or accessor of the client",
        ),
        (
            "send",
            Side::Client,
            "the generated `send` of the typed batch",
        ),
        // An inherent `clone` would shadow `Clone::clone`: `client.clone()` would call the
        // server instead of copying the handle.
        (
            "clone",
            Side::Client,
            "`Clone::clone` of the generated client",
        ),
    ];
}

/// The XML-RPC type name (`int`, `i8`, `boolean`, `string`, `double`, `dateTime.iso8601`,
/// `base64`, `struct`, `array`, `nil`) a Rust type maps to, found by probing its
/// `Deserialize` implementation; `None` (`undef`) where the type accepts any value.
///
/// `Option<T>` reports `T`'s name; an enum reports `string` when all its variants are unit
/// variants, `struct` when none is, and `None` when mixed.
pub fn type_name_of<T: DeserializeOwned>() -> Option<&'static str> {
    let mut st = State::default();
    let _ = T::deserialize(Probe(&mut st));
    match (st.found, st.enum_variants) {
        (Some(Found::Variant(_)), Some(n)) => {
            let mut name = None;
            for pick in 0..n.min(1024) {
                let mut s = State {
                    pick: pick as u32,
                    ..State::default()
                };
                let _ = T::deserialize(Probe(&mut s));
                let this = match s.found {
                    Some(Found::Variant(k)) => k,
                    _ => return None,
                };
                match name {
                    None => name = Some(this),
                    Some(prev) if prev != this => return None,
                    _ => {}
                }
            }
            name
        }
        (Some(Found::Name(n)), _) => Some(n),
        _ => None,
    }
}

/// What a method's help says of one Rust type beyond its XML-RPC type name: whether nil may
/// stand for it and what an array holds. See [`type_desc_of`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypeDesc {
    /// The XML-RPC type name, as [`type_name_of`]; `None` for `undef`.
    pub name: Option<&'static str>,
    /// Whether the value may be nil (`Option<T>`).
    pub nullable: bool,
    /// The name with what arrays hold where known, e.g. `array<struct>` or `array<int?>`
    /// (`?`: the element may be nil); `undef` where nothing is known.
    pub text: String,
}

/// How deep array element types are described (`array<array<int>>`).
const MAX_ITEM_DEPTH: u8 = 4;

/// The [`TypeDesc`] of `T`: its [`type_name_of`], whether it is an `Option`, and the element
/// types of its arrays (`Vec<Vec<u8>>` is `array<array<int>>`), all found by probing its
/// `Deserialize` implementation.
pub fn type_desc_of<T: DeserializeOwned>() -> TypeDesc {
    let name = type_name_of::<T>();
    let mut st = State {
        explore: true,
        ..State::default()
    };
    let _ = T::deserialize(Probe(&mut st));
    let text = match (name, st.items.take()) {
        (Some("array"), Some(items)) if items != "undef" => format!("array<{items}>"),
        (Some(name), _) => name.to_owned(),
        (None, _) => "undef".to_owned(),
    };
    TypeDesc {
        name,
        nullable: st.nullable,
        text,
    }
}

/// The description of an array element in one probing pass (enums, which need one pass per
/// variant, are `undef` here).
fn item_text(st: &State) -> String {
    let base = match st.found {
        Some(Found::Name("array")) => match &st.items {
            Some(items) if items != "undef" => format!("array<{items}>"),
            _ => "array".to_owned(),
        },
        Some(Found::Name(n)) => n.to_owned(),
        _ => "undef".to_owned(),
    };
    if st.nullable && base != "undef" {
        format!("{base}?")
    } else {
        base
    }
}

#[derive(Clone, Copy)]
enum Found {
    Name(&'static str),
    /// The kind of the picked enum variant.
    Variant(&'static str),
    Any,
}

#[derive(Default)]
struct State {
    found: Option<Found>,
    enum_variants: Option<usize>,
    pick: u32,
    /// Whether to look into arrays and note `Option`s (for [`type_desc_of`]).
    explore: bool,
    depth: u8,
    nullable: bool,
    /// What the array holds, when explored.
    items: Option<String>,
}

#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("type probe")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Stop
    }
}

struct Probe<'s>(&'s mut State);

impl Probe<'_> {
    fn found<T>(self, name: &'static str) -> Result<T, Stop> {
        if self.0.found.is_none() {
            self.0.found = Some(Found::Name(name));
        }
        Err(Stop)
    }
}

macro_rules! probe {
    ($($method:ident => $name:expr;)*) => {$(
        fn $method<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, Stop> {
            self.found($name)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, Stop> {
        if self.0.found.is_none() {
            self.0.found = Some(Found::Any);
        }
        Err(Stop)
    }

    probe! {
        deserialize_bool => "boolean";
        deserialize_i8 => "int";
        deserialize_i16 => "int";
        deserialize_i32 => "int";
        deserialize_u8 => "int";
        deserialize_u16 => "int";
        deserialize_i64 => "i8";
        deserialize_u32 => "i8";
        deserialize_u64 => "i8";
        deserialize_i128 => "i8";
        deserialize_u128 => "i8";
        deserialize_f32 => "double";
        deserialize_f64 => "double";
        deserialize_char => "string";
        deserialize_str => "string";
        deserialize_string => "string";
        deserialize_identifier => "string";
        deserialize_bytes => "base64";
        deserialize_byte_buf => "base64";
        deserialize_unit => "nil";
        deserialize_map => "struct";
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        if !self.0.explore || self.0.found.is_some() || self.0.depth >= MAX_ITEM_DEPTH {
            return self.found("array");
        }
        self.0.found = Some(Found::Name("array"));
        v.visit_seq(ProbeSeq(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        if self.0.found.is_none() {
            self.0.nullable = true;
        }
        v.visit_some(self)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _v: V,
    ) -> Result<V::Value, Stop> {
        self.found("nil")
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Stop> {
        if name == DATETIME_NAME {
            return self.found("dateTime.iso8601");
        }
        v.visit_newtype_struct(self)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, _v: V) -> Result<V::Value, Stop> {
        self.found("array")
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _v: V,
    ) -> Result<V::Value, Stop> {
        self.found("array")
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value, Stop> {
        self.found("struct")
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Stop> {
        if self.0.found.is_some() || variants.is_empty() {
            return Err(Stop);
        }
        self.0.enum_variants = Some(variants.len());
        let pick = self.0.pick;
        v.visit_enum(ProbeEnum(self.0, pick))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        self.deserialize_any(v)
    }
}

/// The elements of a probed array: the first one is probed, then the probe stops.
struct ProbeSeq<'s>(&'s mut State);

impl<'de> de::SeqAccess<'de> for ProbeSeq<'_> {
    type Error = Stop;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Stop> {
        let mut inner = State {
            explore: true,
            depth: self.0.depth + 1,
            ..State::default()
        };
        let _ = seed.deserialize(Probe(&mut inner));
        self.0.items = Some(item_text(&inner));
        Err(Stop)
    }
}

struct ProbeEnum<'s>(&'s mut State, u32);

impl<'de, 's> de::EnumAccess<'de> for ProbeEnum<'s> {
    type Error = Stop;
    type Variant = ProbeVariant<'s>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, ProbeVariant<'s>), Stop> {
        let d: de::value::U32Deserializer<Stop> = self.1.into_deserializer();
        let v = seed.deserialize(d)?;
        Ok((v, ProbeVariant(self.0)))
    }
}

struct ProbeVariant<'s>(&'s mut State);

impl ProbeVariant<'_> {
    fn kind<T>(self, k: &'static str) -> Result<T, Stop> {
        self.0.found = Some(Found::Variant(k));
        Err(Stop)
    }
}

impl<'de> de::VariantAccess<'de> for ProbeVariant<'_> {
    type Error = Stop;
    fn unit_variant(self) -> Result<(), Stop> {
        self.kind("string")
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, Stop> {
        self.kind("struct")
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _v: V) -> Result<V::Value, Stop> {
        self.kind("struct")
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value, Stop> {
        self.kind("struct")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DateTime, Map, Value};
    use std::collections::{BTreeMap, HashMap, HashSet};

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        qty: i32,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    enum Color {
        Red,
        Green,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    enum Shape {
        Circle(f64),
        Rect { w: f64, h: f64 },
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    enum Mixed {
        A,
        B(i32),
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Wrapper(i64);

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Pair(i32, String);

    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Untagged {
        A(i32),
        B(String),
    }

    #[test]
    fn names() {
        assert_eq!(type_name_of::<i32>(), Some("int"));
        assert_eq!(type_name_of::<u16>(), Some("int"));
        assert_eq!(type_name_of::<i64>(), Some("i8"));
        assert_eq!(type_name_of::<u64>(), Some("i8"));
        assert_eq!(type_name_of::<bool>(), Some("boolean"));
        assert_eq!(type_name_of::<String>(), Some("string"));
        assert_eq!(type_name_of::<char>(), Some("string"));
        assert_eq!(type_name_of::<f64>(), Some("double"));
        assert_eq!(type_name_of::<DateTime>(), Some("dateTime.iso8601"));
        assert_eq!(type_name_of::<serde_bytes::ByteBuf>(), Some("base64"));
        assert_eq!(type_name_of::<Vec<i32>>(), Some("array"));
        assert_eq!(type_name_of::<HashSet<String>>(), Some("array"));
        assert_eq!(type_name_of::<(i32, String)>(), Some("array"));
        assert_eq!(type_name_of::<Pair>(), Some("array"));
        assert_eq!(type_name_of::<Item>(), Some("struct"));
        assert_eq!(type_name_of::<HashMap<String, i32>>(), Some("struct"));
        assert_eq!(type_name_of::<BTreeMap<String, Value>>(), Some("struct"));
        assert_eq!(type_name_of::<Map>(), Some("struct"));
        assert_eq!(type_name_of::<()>(), Some("nil"));
        assert_eq!(type_name_of::<Option<i32>>(), Some("int"));
        assert_eq!(type_name_of::<Option<Item>>(), Some("struct"));
        assert_eq!(type_name_of::<Wrapper>(), Some("i8"));
        assert_eq!(type_name_of::<Color>(), Some("string"));
        assert_eq!(type_name_of::<Shape>(), Some("struct"));
        assert_eq!(type_name_of::<Mixed>(), None);
        assert_eq!(type_name_of::<Untagged>(), None);
        assert_eq!(type_name_of::<Value>(), None);
        assert_eq!(type_name_of::<Box<i32>>(), Some("int"));
    }

    #[test]
    fn descriptions_say_nil_and_element_types() {
        let desc = type_desc_of::<Option<Item>>();
        assert_eq!(
            (desc.name, desc.nullable, desc.text.as_str()),
            (Some("struct"), true, "struct")
        );
        assert_eq!(type_desc_of::<Vec<Item>>().text, "array<struct>");
        assert!(!type_desc_of::<Vec<Item>>().nullable);
        assert_eq!(type_desc_of::<Vec<u8>>().text, "array<int>");
        assert_eq!(type_desc_of::<serde_bytes::ByteBuf>().text, "base64");
        assert_eq!(type_desc_of::<Vec<Option<i64>>>().text, "array<i8?>");
        assert_eq!(
            type_desc_of::<Vec<Vec<String>>>().text,
            "array<array<string>>"
        );
        assert_eq!(type_desc_of::<Vec<Value>>().text, "array");
        assert_eq!(type_desc_of::<HashSet<String>>().text, "array<string>");
        assert_eq!(type_desc_of::<(i32, String)>().text, "array");
        assert_eq!(type_desc_of::<Value>().text, "undef");
        assert_eq!(type_desc_of::<Color>().text, "string");
        let deep = type_desc_of::<Vec<Vec<Vec<Vec<Vec<Vec<i32>>>>>>>().text;
        assert_eq!(deep, "array<array<array<array<array>>>>");
    }
}
