//! The one writer of parameter lists: a `methodCall`'s `<param>`s and a multicall entry's
//! values are both pushed through [`ParamsWriter`], each value encoded once, straight into the
//! document that carries it.

use serde::ser::{self, Impossible, Serialize};

use super::write::EncodedValue;
use crate::ser::XmlSerializer;
use crate::{EncodeOptions, Error, ErrorKind};

/// Pushes the parameters of one call into the document being written: each value is one
/// parameter, encoded straight into the document's buffer. A push that fails leaves the
/// document as it was before it; the error names the parameter (`params[1].name`).
///
/// Obtained from [`write_call_with`](crate::write_call_with) or
/// [`MulticallWriter::add`](crate::MulticallWriter::add).
pub struct ParamsWriter<'b> {
    ser: XmlSerializer<'b>,
    /// Whether each value is wrapped in `<param>` (a `methodCall`) or written bare (the
    /// `params` array of a multicall entry).
    wrap: bool,
    /// Values written.
    written: usize,
    /// `None`s of optional parameters not written yet: sent as nil when a later value
    /// follows, left out when they trail.
    pending_nils: usize,
}

impl<'b> ParamsWriter<'b> {
    /// Writes `<param>` elements into `out`.
    pub(crate) fn call(out: &'b mut Vec<u8>, options: &EncodeOptions) -> Self {
        Self::new(out, options, true)
    }

    /// Writes bare `<value>`s into `out`.
    pub(crate) fn entry(out: &'b mut Vec<u8>, options: &EncodeOptions) -> Self {
        Self::new(out, options, false)
    }

    fn new(out: &'b mut Vec<u8>, options: &EncodeOptions, wrap: bool) -> Self {
        ParamsWriter {
            ser: XmlSerializer::new(out, *options),
            wrap,
            written: 0,
            pending_nils: 0,
        }
    }

    /// Pushes one parameter.
    pub fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.undo_on_error(|w| {
            w.flush_nils()?;
            w.write(value)
        })
    }

    /// Pushes an optional parameter: `Some` as its value; `None` as nil if a later parameter
    /// follows, and not at all if none does, so the server sees the shorter call and applies
    /// its own default.
    pub fn push_optional<T: Serialize>(&mut self, value: &Option<T>) -> Result<(), Error> {
        match value {
            Some(v) => self.push(v),
            None => {
                self.pending_nils += 1;
                Ok(())
            }
        }
    }

    /// Pushes a value encoded earlier. Fails only if optional `None`s pushed before it must
    /// be sent as nil and nil is disabled.
    pub fn push_encoded(&mut self, value: &EncodedValue) -> Result<(), Error> {
        self.undo_on_error(|w| {
            w.flush_nils()?;
            w.open();
            w.ser.out.extend_from_slice(value.as_bytes());
            w.close();
            w.written += 1;
            w.ser.used_namespace |= value.uses_extension_namespace();
            Ok(())
        })
    }

    /// Pushes every element of `params`, a tuple or a sequence (`()` for none), as one
    /// parameter each. On error nothing of `params` is left written.
    pub fn push_all<P: Serialize + ?Sized>(&mut self, params: &P) -> Result<(), Error> {
        self.undo_on_error(|w| params.serialize(Splitter { writer: w }))
    }

    /// How many parameters are written (optional `None`s not yet written not counted).
    pub fn len(&self) -> usize {
        self.written
    }

    /// Whether no parameter is written yet.
    pub fn is_empty(&self) -> bool {
        self.written == 0
    }

    /// Whether a value used an `ex:` element, so the document must declare the namespace.
    pub(crate) fn used_namespace(&self) -> bool {
        self.ser.used_namespace
    }

    /// Runs `body`; if it fails, the document and the counts are put back as they were.
    fn undo_on_error(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let (start, written, pending) = (self.ser.out.len(), self.written, self.pending_nils);
        let result = body(self);
        if result.is_err() {
            self.ser.out.truncate(start);
            (self.written, self.pending_nils) = (written, pending);
        }
        result
    }

    fn flush_nils(&mut self) -> Result<(), Error> {
        while self.pending_nils > 0 {
            self.pending_nils -= 1;
            self.write(&None::<()>)?;
        }
        Ok(())
    }

    /// Writes one value as the next parameter.
    fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.written;
        self.open();
        value
            .serialize(&mut self.ser)
            .map_err(|e| e.within(&format!("params[{index}]")))?;
        self.close();
        self.written += 1;
        Ok(())
    }

    fn open(&mut self) {
        if self.wrap {
            self.ser.out.extend_from_slice(b"<param>");
        }
    }

    fn close(&mut self) {
        if self.wrap {
            self.ser.out.extend_from_slice(b"</param>");
        }
    }
}

fn not_a_sequence(what: &str) -> Error {
    Error::new(
        ErrorKind::Encode,
        format!(
            "call parameters must be a tuple or a sequence (`()` for none), not {what}; \
             wrap a single value in a tuple: `(value,)`"
        ),
    )
}

/// Takes a tuple or a sequence apart into parameters; any other shape is an encode error.
struct Splitter<'w, 'b> {
    writer: &'w mut ParamsWriter<'b>,
}

/// Each element of the tuple or sequence is one parameter.
macro_rules! each_element_is_a_param {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for Splitter<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                self.writer.push(v)
            }
            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        }
    )*};
}

each_element_is_a_param!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

macro_rules! reject {
    ($($method:ident($($arg:ty),*) => $what:literal;)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<(), Error> {
            Err(not_a_sequence($what))
        }
    )*};
}

impl<'w, 'b> ser::Serializer for Splitter<'w, 'b> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

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
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(not_a_sequence("an Option"))
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        // A transparent wrapper around the real parameter list.
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(not_a_sequence("an enum variant"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_a_sequence("an enum variant"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_a_sequence("a map"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(not_a_sequence("a struct"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_a_sequence("an enum variant"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::{write_call_with, EncodeOptions, ErrorKind};

    fn call(
        options: &EncodeOptions,
        write: impl FnOnce(&mut super::ParamsWriter<'_>) -> Result<(), crate::Error>,
    ) -> Result<String, crate::Error> {
        let mut out = b"kept".to_vec();
        let result = write_call_with("m", options, &mut out, write);
        if result.is_err() {
            assert_eq!(out, b"kept", "a failed call leaves the buffer as it was");
        }
        result.map(|()| String::from_utf8(out).expect("utf-8"))
    }

    fn params_of(doc: &str) -> &str {
        let start = doc.find("<params>").expect("params") + 8;
        &doc[start..doc.find("</params>").expect("end")]
    }

    #[test]
    fn shapes_that_are_not_sequences_are_rejected() {
        let options = EncodeOptions::default();
        let mut map = BTreeMap::new();
        map.insert("a", 1);
        for err in [
            call(&options, |w| w.push_all(&5)).unwrap_err(),
            call(&options, |w| w.push_all("text")).unwrap_err(),
            call(&options, |w| w.push_all(&map)).unwrap_err(),
            call(&options, |w| w.push_all(&Some((1,)))).unwrap_err(),
        ] {
            assert_eq!(err.kind(), ErrorKind::Encode);
            assert!(err.message().contains("tuple or a sequence"), "{err}");
        }
    }

    #[test]
    fn each_element_is_one_param() {
        let doc = call(&EncodeOptions::default(), |w| w.push_all(&(7, "seven"))).unwrap();
        assert_eq!(
            params_of(&doc),
            "<param><value><int>7</int></value></param>\
             <param><value><string>seven</string></value></param>"
        );
        let empty = call(&EncodeOptions::default(), |w| w.push_all(&())).unwrap();
        assert_eq!(params_of(&empty), "");
    }

    #[test]
    fn trailing_nones_are_left_out_and_inner_ones_sent_as_nil() {
        let options = EncodeOptions::default();
        let count = |a: Option<i32>, b: Option<i32>| {
            let mut written = 0;
            let doc = call(&options, |w| {
                w.push(&1)?;
                w.push_optional(&a)?;
                w.push_optional(&b)?;
                written = w.len();
                Ok(())
            })
            .unwrap();
            let sent = params_of(&doc).matches("<param>").count();
            assert_eq!(written, sent, "len() counts what is sent");
            sent
        };
        assert_eq!(count(None, None), 1);
        assert_eq!(count(Some(2), None), 2);
        assert_eq!(count(None, Some(3)), 3);
        let doc = call(&options, |w| {
            w.push_optional(&None::<i32>)?;
            w.push(&2)
        })
        .unwrap();
        assert!(
            params_of(&doc).starts_with("<param><value><nil/></value></param>"),
            "{doc}"
        );
    }

    #[test]
    fn a_trailing_none_needs_no_nil_but_an_inner_one_does() {
        let options = EncodeOptions {
            allow_nil: false,
            ..EncodeOptions::default()
        };
        assert!(call(&options, |w| {
            w.push(&1)?;
            w.push_optional(&None::<i32>)
        })
        .is_ok());
        let err = call(&options, |w| {
            w.push_optional(&None::<i32>)?;
            w.push(&1)
        })
        .unwrap_err();
        assert!(err.path().starts_with("params[0]"), "{err}");
    }

    #[test]
    fn a_failed_push_leaves_the_earlier_params() {
        let options = EncodeOptions {
            allow_nil: false,
            ..EncodeOptions::default()
        };
        let doc = call(&options, |w| {
            w.push(&1)?;
            let err = w.push(&(2, None::<i32>)).unwrap_err();
            assert!(err.path().starts_with("params[1]"), "{err}");
            assert_eq!(w.len(), 1);
            w.push(&3)
        })
        .unwrap();
        assert_eq!(
            params_of(&doc),
            "<param><value><int>1</int></value></param>\
             <param><value><int>3</int></value></param>"
        );
    }

    #[test]
    fn encoded_values_are_copied_and_declare_their_namespace() {
        let ns = EncodeOptions {
            extension_namespace: true,
            ..EncodeOptions::default()
        };
        let nil = crate::encode_value(&(), &ns).unwrap();
        let doc = call(&EncodeOptions::default(), |w| w.push_encoded(&nil)).unwrap();
        assert!(doc.contains("<methodCall xmlns:ex="), "{doc}");
        assert_eq!(params_of(&doc), "<param><value><ex:nil/></value></param>");
    }
}
