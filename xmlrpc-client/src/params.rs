//! Splits a parameter tuple or sequence into one encoded `<value>` per element, straight
//! from `Serialize` (no intermediate `Value` tree), for the entries of a multicall.

use serde::ser::{self, Impossible, Serialize, SerializeSeq, SerializeTuple, SerializeTupleStruct};
use xmlrpc_core::{encode_value, EncodeOptions, EncodedValue, Error, ErrorKind};

/// Encodes each element of `params` (a tuple, a sequence or `()`) as one parameter.
pub(crate) fn split<P: Serialize + ?Sized>(
    params: &P,
    options: &EncodeOptions,
) -> Result<Vec<EncodedValue>, Error> {
    params.serialize(Splitter { options })
}

fn not_a_sequence(what: &str) -> Error {
    Error::new(
        ErrorKind::Encode,
        format!("call parameters must be a tuple or a sequence, not {what}"),
    )
}

/// Accepts only the sequence shapes; anything else is an encode error.
struct Splitter<'o> {
    options: &'o EncodeOptions,
}

/// Collects the encoded elements.
struct Collect<'o> {
    options: &'o EncodeOptions,
    out: Vec<EncodedValue>,
}

impl Collect<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.out.len();
        let encoded =
            encode_value(value, self.options).map_err(|e| e.within(&format!("params[{index}]")))?;
        self.out.push(encoded);
        Ok(())
    }
}

impl SerializeSeq for Collect<'_> {
    type Ok = Vec<EncodedValue>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Vec<EncodedValue>, Error> {
        Ok(self.out)
    }
}

impl SerializeTuple for Collect<'_> {
    type Ok = Vec<EncodedValue>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Vec<EncodedValue>, Error> {
        Ok(self.out)
    }
}

impl SerializeTupleStruct for Collect<'_> {
    type Ok = Vec<EncodedValue>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Vec<EncodedValue>, Error> {
        Ok(self.out)
    }
}

type Never = Impossible<Vec<EncodedValue>, Error>;

macro_rules! reject {
    ($($method:ident($($arg:ty),*) => $what:literal;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Vec<EncodedValue>, Error> {
            Err(not_a_sequence($what))
        })*
    };
}

impl<'o> ser::Serializer for Splitter<'o> {
    type Ok = Vec<EncodedValue>;
    type Error = Error;
    type SerializeSeq = Collect<'o>;
    type SerializeTuple = Collect<'o>;
    type SerializeTupleStruct = Collect<'o>;
    type SerializeTupleVariant = Never;
    type SerializeMap = Never;
    type SerializeStruct = Never;
    type SerializeStructVariant = Never;

    reject! {
        serialize_bool(bool) => "a boolean";
        serialize_i8(i8) => "an integer";
        serialize_i16(i16) => "an integer";
        serialize_i32(i32) => "an integer";
        serialize_i64(i64) => "an integer";
        serialize_u8(u8) => "an integer";
        serialize_u16(u16) => "an integer";
        serialize_u32(u32) => "an integer";
        serialize_u64(u64) => "an integer";
        serialize_f32(f32) => "a number";
        serialize_f64(f64) => "a number";
        serialize_char(char) => "a character";
        serialize_str(&str) => "a string";
        serialize_bytes(&[u8]) => "bytes";
        serialize_none() => "None";
        serialize_unit_variant(&'static str, u32, &'static str) => "an enum variant";
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Self::Ok, Error> {
        Err(not_a_sequence("an Option"))
    }

    fn serialize_unit(self) -> Result<Self::Ok, Error> {
        Ok(Vec::new())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Error> {
        Ok(Vec::new())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Error> {
        // A transparent wrapper around the real parameter list.
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Error> {
        Err(not_a_sequence("an enum variant"))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Collect<'o>, Error> {
        Ok(Collect {
            options: self.options,
            out: Vec::with_capacity(len.unwrap_or(0).min(64)),
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Collect<'o>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Collect<'o>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Never, Error> {
        Err(not_a_sequence("an enum variant"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Never, Error> {
        Err(not_a_sequence("a map"))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Never, Error> {
        Err(not_a_sequence("a struct (wrap it in a tuple: `(value,)`)"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Never, Error> {
        Err(not_a_sequence("an enum variant"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn shapes_that_are_not_sequences_are_rejected() {
        let options = EncodeOptions::default();
        let mut map = BTreeMap::new();
        map.insert("a", 1);
        for err in [
            split(&5, &options).unwrap_err(),
            split("text", &options).unwrap_err(),
            split(&map, &options).unwrap_err(),
            split(&Some((1,)), &options).unwrap_err(),
        ] {
            assert_eq!(err.kind(), ErrorKind::Encode);
            assert!(err.message().contains("tuple or a sequence"), "{err}");
        }
    }

    #[test]
    fn unit_is_no_params() {
        let options = EncodeOptions::default();
        assert!(split(&(), &options).unwrap().is_empty());
        let empty: Vec<i32> = Vec::new();
        assert!(split(&empty, &options).unwrap().is_empty());
    }

    #[test]
    fn each_element_is_one_param() {
        let options = EncodeOptions::default();
        let split = split(&(7, "seven", vec![1.5]), &options).unwrap();
        let expected = vec![
            encode_value(&7, &options).unwrap(),
            encode_value("seven", &options).unwrap(),
            encode_value(&vec![1.5], &options).unwrap(),
        ];
        assert_eq!(split, expected);
    }

    #[test]
    fn element_errors_name_the_param() {
        let options = EncodeOptions {
            allow_nil: false,
            ..EncodeOptions::default()
        };
        let err = split(&(1, None::<i32>), &options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Encode);
        assert!(err.path().starts_with("params[1]"), "{err}");
    }
}
