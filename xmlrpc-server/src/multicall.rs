//! The entries of a `system.multicall`, decoded straight from the recorded parameters: each
//! `{methodName, params}` struct once into its name and parameter values, a malformed entry
//! into its own fault, without building a value tree of the whole array first.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use xmlrpc_core::{Fault, Params, Value};

/// One entry: the call to make, or the fault of a malformed entry.
pub(crate) type Entry = Result<(String, Vec<Value>), Fault>;

/// Decodes the one parameter of `system.multicall`; `Err` is a fault of the whole call
/// (not exactly one array parameter, more than `max` entries).
pub(crate) fn entries(params: &Params<'_>, max: usize) -> Result<Vec<Entry>, Fault> {
    let not_calls = |detail: &str| {
        Fault::new(
            Fault::INVALID_PARAMS,
            format!(
                "system.multicall expects one array of {{methodName, params}} structs: {detail}"
            ),
        )
    };
    if params.len() != 1 {
        return Err(not_calls("expected exactly one parameter"));
    }
    let mut args = params.args();
    let slots: Vec<Slot> = args
        .required("calls")
        .map_err(|e| not_calls(&e.to_string()))?;
    if slots.len() > max {
        return Err(Fault::new(
            Fault::INVALID_PARAMS,
            format!(
                "system.multicall: {} calls exceed the limit of {max}",
                slots.len()
            ),
        ));
    }
    Ok(slots
        .into_iter()
        .map(|slot| slot.0.ok_or_else(malformed))
        .collect())
}

fn malformed() -> Fault {
    Fault::new(
        Fault::INVALID_REQUEST,
        "a multicall entry must be a struct {methodName: string, params: array}",
    )
}

/// One element of the array, whatever it holds: `None` when it is not a proper entry.
struct Slot(Option<(String, Vec<Value>)>);

impl<'de> Deserialize<'de> for Slot {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SlotVisitor)
    }
}

struct SlotVisitor;

/// Anything but a struct is a malformed entry, consumed without error.
macro_rules! not_an_entry {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method<E: de::Error>(self, _: $ty) -> Result<Slot, E> {
            Ok(Slot(None))
        })*
    };
}

impl<'de> Visitor<'de> for SlotVisitor {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a {methodName, params} struct")
    }

    not_an_entry!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str),
        visit_bytes(&[u8])
    );

    fn visit_unit<E: de::Error>(self) -> Result<Slot, E> {
        Ok(Slot(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Slot, E> {
        Ok(Slot(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Slot, D::Error> {
        IgnoredAny::deserialize(inner).map(|_| Slot(None))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Slot, D::Error> {
        IgnoredAny::deserialize(inner).map(|_| Slot(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Slot(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot, A::Error> {
        let (mut name, mut params) = (None, None);
        let mut proper = true;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "methodName" => match map.next_value::<Value>()? {
                    Value::String(text) => name = Some(text),
                    _ => proper = false,
                },
                "params" => match map.next_value::<Value>()? {
                    Value::Array(values) => params = Some(values),
                    _ => proper = false,
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Slot(match (proper, name, params) {
            (true, Some(name), Some(params)) => Some((name, params)),
            _ => None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, params: Vec<Value>) -> Value {
        let mut entry = xmlrpc_core::Map::new();
        entry.insert("methodName".to_string(), Value::String(name.into()));
        entry.insert("params".to_string(), Value::Array(params));
        Value::Struct(entry)
    }

    /// Decodes `calls` as they arrive over the wire: written as a document, read back.
    fn decode(calls: Vec<Value>, max: usize) -> Result<Vec<Entry>, Fault> {
        let mut doc = Vec::new();
        xmlrpc_core::write_call(
            "system.multicall",
            &(Value::Array(calls),),
            &Default::default(),
            &mut doc,
        )
        .unwrap();
        let call = xmlrpc_core::read_call(&doc, &Default::default()).unwrap();
        entries(&call.params, max)
    }

    #[test]
    fn each_entry_is_decoded_or_its_own_fault() {
        let mut extra = xmlrpc_core::Map::new();
        extra.insert("methodName".to_string(), Value::Int(3));
        extra.insert("params".to_string(), Value::Array(vec![]));
        let decoded = decode(
            vec![
                call("add", vec![Value::Int(1), Value::Int(2)]),
                Value::Int(7),
                Value::Struct(extra),
                Value::Array(vec![Value::Int(1)]),
                call("echo", vec![Value::Array(vec![Value::Bool(true)])]),
            ],
            10,
        )
        .unwrap();
        assert_eq!(decoded.len(), 5);
        assert_eq!(
            decoded[0],
            Ok(("add".to_string(), vec![Value::Int(1), Value::Int(2)]))
        );
        for bad in &decoded[1..4] {
            assert_eq!(bad, &Err(malformed()));
        }
        assert_eq!(
            decoded[4],
            Ok((
                "echo".to_string(),
                vec![Value::Array(vec![Value::Bool(true)])]
            ))
        );
    }

    #[test]
    fn the_whole_call_is_refused_when_not_an_array_or_too_long() {
        let too_many = decode(vec![call("a", vec![]); 3], 2).unwrap_err();
        assert_eq!(too_many.code, Fault::INVALID_PARAMS);
        assert!(too_many.string.contains("3 calls exceed the limit of 2"));
        let params = Params::from_values(vec![Value::String("x".into())]);
        assert_eq!(entries(&params, 5).unwrap_err().code, Fault::INVALID_PARAMS);
        let params = Params::from_values(vec![]);
        assert_eq!(entries(&params, 5).unwrap_err().code, Fault::INVALID_PARAMS);
    }
}
