//! Reading and writing XML-RPC documents.
//!
//! Reading has two readers of the same token stream ([`crate::de::Source`]): `fast`, a
//! recognizer of the canonical form real clients send, and `read`, quick-xml's event reader,
//! which reads every document the fast path gives up on. `document` reads whole calls and
//! responses with them.

use std::io::Write;

use serde::Serialize;

use crate::ser::{escape_into, XmlSerializer};
use crate::{EncodeOptions, Error, ErrorKind, Fault, Value};

pub(crate) mod document;
pub(crate) mod fast;
pub(crate) mod input;
pub(crate) mod read;
pub(crate) mod shared;
pub(crate) mod tape;
#[cfg(test)]
mod tests;

pub use document::{
    read_call, read_call_from_reader, read_response, read_response_from_reader, read_response_value,
};

/// The namespace declaration written on the root element when `ex:` elements are used.
const NS_DECL: &[u8] = b" xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"";
const PROLOG: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// One encoded `<value>…</value>` fragment, ready to be placed in a response, a call or a
/// multicall answer without decoding it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedValue {
    xml: Vec<u8>,
    /// Whether the fragment uses `ex:` elements (the document must declare the namespace).
    namespaced: bool,
}

impl EncodedValue {
    /// The XML bytes of the fragment.
    pub fn as_bytes(&self) -> &[u8] {
        &self.xml
    }
    /// The XML bytes of the fragment, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.xml
    }
    /// Whether the fragment uses the `ex:` namespace prefix, which the enclosing document must
    /// declare (the writers of this module do).
    pub fn uses_extension_namespace(&self) -> bool {
        self.namespaced
    }
    /// The fragment of a [`Value`] (shorthand for [`encode_value`]).
    pub fn from_value(value: &Value, options: &EncodeOptions) -> Result<Self, Error> {
        encode_value(value, options)
    }
    /// The `<value><nil/></value>` fragment.
    pub fn nil() -> Self {
        EncodedValue {
            xml: b"<value><nil/></value>".to_vec(),
            namespaced: false,
        }
    }
}

/// Encodes any `Serialize` value straight to a `<value>` fragment.
pub fn encode_value<T: Serialize + ?Sized>(
    value: &T,
    options: &EncodeOptions,
) -> Result<EncodedValue, Error> {
    let mut xml = Vec::with_capacity(128);
    let namespaced = encode_value_into(value, options, &mut xml)?;
    Ok(EncodedValue { xml, namespaced })
}

/// Appends the `<value>` fragment of `value` to `out`; returns whether it used `ex:` elements.
/// On error `out` is restored to its previous length.
pub fn encode_value_into<T: Serialize + ?Sized>(
    value: &T,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<bool, Error> {
    let start = out.len();
    let mut ser = XmlSerializer::new(out, *options);
    match value.serialize(&mut ser) {
        Ok(()) => Ok(ser.used_namespace),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

fn open_root(out: &mut Vec<u8>, root: &[u8], namespaced: bool) {
    out.extend_from_slice(PROLOG);
    out.push(b'<');
    out.extend_from_slice(root);
    if namespaced {
        out.extend_from_slice(NS_DECL);
    }
    out.push(b'>');
}

/// Writes a `methodResponse` carrying one value.
pub fn write_response(value: &EncodedValue, out: &mut Vec<u8>) {
    out.reserve(value.xml.len() + 120);
    open_root(out, b"methodResponse", value.namespaced);
    out.extend_from_slice(b"<params><param>");
    out.extend_from_slice(&value.xml);
    out.extend_from_slice(b"</param></params></methodResponse>\n");
}

/// Writes a `methodResponse` carrying one value straight from `T` (no intermediate fragment).
pub fn write_response_value<T: Serialize + ?Sized>(
    value: &T,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let start = out.len();
    open_root(out, b"methodResponse", options.extension_namespace);
    out.extend_from_slice(b"<params><param>");
    if let Err(e) = encode_value_into(value, options, out) {
        out.truncate(start);
        return Err(e);
    }
    out.extend_from_slice(b"</param></params></methodResponse>\n");
    Ok(())
}

fn fault_struct(fault: &Fault, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<value><struct><member><name>faultCode</name><value><int>");
    crate::scalar::write_int(fault.code, out);
    out.extend_from_slice(
        b"</int></value></member><member><name>faultString</name><value><string>",
    );
    escape_lossy(&fault.string, out);
    out.extend_from_slice(b"</string></value></member></struct></value>");
}

/// Escapes text, replacing characters XML cannot carry with U+FFFD (for fault strings, which
/// must always be writable).
fn escape_lossy(s: &str, out: &mut Vec<u8>) {
    let start = out.len();
    if escape_into(s, out).is_err() {
        out.truncate(start);
        let cleaned: String = s
            .chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
                c => c,
            })
            .collect();
        let _ = escape_into(&cleaned, out);
    }
}

/// Writes a `methodResponse` carrying a fault.
pub fn write_fault(fault: &Fault, out: &mut Vec<u8>) {
    open_root(out, b"methodResponse", false);
    out.extend_from_slice(b"<fault>");
    fault_struct(fault, out);
    out.extend_from_slice(b"</fault></methodResponse>\n");
}

fn method_name(method: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<methodName>");
    escape_lossy(method, out);
    out.extend_from_slice(b"</methodName>");
}

/// Writes a `methodCall`; `params` serializes as a sequence or tuple, one element a parameter.
pub fn write_call<P: Serialize + ?Sized>(
    method: &str,
    params: &P,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let start = out.len();
    open_root(out, b"methodCall", options.extension_namespace);
    method_name(method, out);
    out.extend_from_slice(b"<params>");
    let mut ser = XmlSerializer::new(out, *options);
    if let Err(e) = params.serialize(ParamsSerializer { ser: &mut ser }) {
        out.truncate(start);
        return Err(e);
    }
    out.extend_from_slice(b"</params></methodCall>\n");
    Ok(())
}

/// Writes a `methodCall` from already encoded parameters.
pub fn write_call_encoded(method: &str, params: &[EncodedValue], out: &mut Vec<u8>) {
    let namespaced = params.iter().any(|p| p.namespaced);
    out.reserve(params.iter().map(|p| p.xml.len() + 16).sum::<usize>() + 120);
    open_root(out, b"methodCall", namespaced);
    method_name(method, out);
    out.extend_from_slice(b"<params>");
    for p in params {
        out.extend_from_slice(b"<param>");
        out.extend_from_slice(&p.xml);
        out.extend_from_slice(b"</param>");
    }
    out.extend_from_slice(b"</params></methodCall>\n");
}

/// Writes the `methodResponse` of `system.multicall`: per entry `[result]` or a
/// `{faultCode, faultString}` struct.
pub fn write_multicall_response(results: &[Result<EncodedValue, Fault>], out: &mut Vec<u8>) {
    let namespaced = results.iter().any(|r| matches!(r, Ok(v) if v.namespaced));
    open_root(out, b"methodResponse", namespaced);
    out.extend_from_slice(b"<params><param><value><array><data>");
    for r in results {
        match r {
            Ok(v) => {
                out.extend_from_slice(b"<value><array><data>");
                out.extend_from_slice(&v.xml);
                out.extend_from_slice(b"</data></array></value>");
            }
            Err(f) => fault_struct(f, out),
        }
    }
    out.extend_from_slice(b"</data></array></value></param></params></methodResponse>\n");
}

/// Writes a `system.multicall` `methodCall` from `(methodName, params)` entries.
pub fn write_multicall_call<'a>(
    calls: impl IntoIterator<Item = (&'a str, &'a [EncodedValue])>,
    out: &mut Vec<u8>,
) {
    let calls: Vec<_> = calls.into_iter().collect();
    let namespaced = calls.iter().any(|(_, ps)| ps.iter().any(|p| p.namespaced));
    open_root(out, b"methodCall", namespaced);
    method_name("system.multicall", out);
    out.extend_from_slice(b"<params><param><value><array><data>");
    for (name, params) in calls {
        out.extend_from_slice(b"<value><struct><member><name>methodName</name><value><string>");
        escape_lossy(name, out);
        out.extend_from_slice(
            b"</string></value></member><member><name>params</name><value><array><data>",
        );
        for p in params {
            out.extend_from_slice(&p.xml);
        }
        out.extend_from_slice(b"</data></array></value></member></struct></value>");
    }
    out.extend_from_slice(b"</data></array></value></param></params></methodCall>\n");
}

/// Writes a `methodResponse` carrying `value` into any `Write`.
pub fn write_response_to<T: Serialize + ?Sized, W: Write>(
    value: &T,
    options: &EncodeOptions,
    mut w: W,
) -> Result<(), Error> {
    let mut out = Vec::with_capacity(256);
    write_response_value(value, options, &mut out)?;
    w.write_all(&out)
        .map_err(|e| Error::new(ErrorKind::Encode, format!("write failed: {e}")))
}

/// Writes a `methodCall` into any `Write`.
pub fn write_call_to<P: Serialize + ?Sized, W: Write>(
    method: &str,
    params: &P,
    options: &EncodeOptions,
    mut w: W,
) -> Result<(), Error> {
    let mut out = Vec::with_capacity(256);
    write_call(method, params, options, &mut out)?;
    w.write_all(&out)
        .map_err(|e| Error::new(ErrorKind::Encode, format!("write failed: {e}")))
}

/// Serializes a sequence or tuple as `<param>` elements.
struct ParamsSerializer<'s, 'o> {
    ser: &'s mut XmlSerializer<'o>,
}

fn params_shape() -> Error {
    Error::new(
        ErrorKind::Encode,
        "call parameters must serialize as a sequence or tuple (use `()` for none)",
    )
}

struct ParamsSeq<'s, 'o> {
    ser: &'s mut XmlSerializer<'o>,
    index: usize,
}

impl ParamsSeq<'_, '_> {
    fn param<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let i = self.index;
        self.index += 1;
        self.ser.out.extend_from_slice(b"<param>");
        v.serialize(&mut *self.ser)
            .map_err(|e| e.within(&format!("params[{i}]")))?;
        self.ser.out.extend_from_slice(b"</param>");
        Ok(())
    }
}

impl serde::ser::SerializeSeq for ParamsSeq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.param(v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl serde::ser::SerializeTuple for ParamsSeq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.param(v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl serde::ser::SerializeTupleStruct for ParamsSeq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.param(v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

macro_rules! params_reject {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<(), Error> {
            Err(params_shape())
        }
    )*};
}

impl<'s, 'o> serde::Serializer for ParamsSerializer<'s, 'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ParamsSeq<'s, 'o>;
    type SerializeTuple = ParamsSeq<'s, 'o>;
    type SerializeTupleStruct = ParamsSeq<'s, 'o>;
    type SerializeTupleVariant = serde::ser::Impossible<(), Error>;
    type SerializeMap = serde::ser::Impossible<(), Error>;
    type SerializeStruct = serde::ser::Impossible<(), Error>;
    type SerializeStructVariant = serde::ser::Impossible<(), Error>;

    params_reject! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none();
        serialize_unit_variant(&'static str, u32, &'static str);
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _v: &T,
    ) -> Result<(), Error> {
        Err(params_shape())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<ParamsSeq<'s, 'o>, Error> {
        Ok(ParamsSeq {
            ser: self.ser,
            index: 0,
        })
    }
    fn serialize_tuple(self, _len: usize) -> Result<ParamsSeq<'s, 'o>, Error> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<ParamsSeq<'s, 'o>, Error> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(params_shape())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(params_shape())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(params_shape())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(params_shape())
    }
}
