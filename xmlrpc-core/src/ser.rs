//! serde straight to XML: a `Serializer` that writes one `<value>…</value>` per value into a
//! byte buffer, without building a [`Value`](crate::Value) tree.

use serde::ser::{self, Serialize};

use crate::datetime::DATETIME_NAME;
use crate::scalar;
use crate::{EncodeOptions, Error, ErrorKind};

/// Appends `s` escaped for XML text: `&`, `<`, `>` and `\r` become references. Characters XML
/// 1.0 cannot carry (controls other than tab/newline/CR, U+FFFE, U+FFFF) are an error.
pub(crate) fn escape_into(s: &str, out: &mut Vec<u8>) -> Result<(), Error> {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut from = 0;
    while let Some(i) = crate::scan::next_escape(bytes, from) {
        from = i + 1;
        let rep: &[u8] = match bytes[i] {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#13;",
            b'\t' | b'\n' => continue,
            0xEF => {
                // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
                if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
                {
                    return Err(bad_char(0xFFFE + u32::from(bytes[i + 2] - 0xBE)));
                }
                continue;
            }
            b => return Err(bad_char(u32::from(b))),
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(rep);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    Ok(())
}

fn bad_char(c: u32) -> Error {
    Error::new(
        ErrorKind::Encode,
        format!("string contains U+{c:04X}, which XML 1.0 cannot carry"),
    )
}

/// The direct XML serializer. Each value is written as `<value>…</value>`.
pub(crate) struct XmlSerializer<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    pub(crate) options: EncodeOptions,
    /// Whether an `ex:` element was written.
    pub(crate) used_namespace: bool,
}

impl<'o> XmlSerializer<'o> {
    pub(crate) fn new(out: &'o mut Vec<u8>, options: EncodeOptions) -> Self {
        XmlSerializer {
            out,
            options,
            used_namespace: false,
        }
    }

    #[inline]
    fn raw(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }

    fn nil(&mut self) -> Result<(), Error> {
        if !self.options.allow_nil {
            return Err(Error::new(
                ErrorKind::Encode,
                "cannot encode None/unit: nil is disabled (EncodeOptions::allow_nil)",
            ));
        }
        if self.options.extension_namespace {
            self.used_namespace = true;
            self.raw(b"<value><ex:nil/></value>");
        } else {
            self.raw(b"<value><nil/></value>");
        }
        Ok(())
    }

    fn int(&mut self, v: i32) {
        self.raw(b"<value><int>");
        scalar::write_int(v, self.out);
        self.raw(b"</int></value>");
    }

    fn i8(&mut self, v: i64) {
        if self.options.extension_namespace {
            self.used_namespace = true;
            self.raw(b"<value><ex:i8>");
            scalar::write_int(v, self.out);
            self.raw(b"</ex:i8></value>");
        } else {
            self.raw(b"<value><i8>");
            scalar::write_int(v, self.out);
            self.raw(b"</i8></value>");
        }
    }

    fn string(&mut self, s: &str) -> Result<(), Error> {
        self.raw(b"<value><string>");
        escape_into(s, self.out)?;
        self.raw(b"</string></value>");
        Ok(())
    }

    fn double(&mut self, v: f64) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(Error::new(
                ErrorKind::Encode,
                format!("cannot encode the non-finite double {v}"),
            ));
        }
        self.raw(b"<value><double>");
        scalar::write_double(v, self.out);
        self.raw(b"</double></value>");
        Ok(())
    }

    fn open_struct(&mut self) {
        self.raw(b"<value><struct>");
    }

    fn member_name(&mut self, name: &str) -> Result<(), Error> {
        self.raw(b"<member><name>");
        escape_into(name, self.out)?;
        self.raw(b"</name>");
        Ok(())
    }
}

fn range(v: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Encode,
        format!("integer {v} out of range for i8 (64-bit)"),
    )
}

impl<'s, 'o> ser::Serializer for &'s mut XmlSerializer<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'s, 'o>;
    type SerializeTuple = Compound<'s, 'o>;
    type SerializeTupleStruct = Compound<'s, 'o>;
    type SerializeTupleVariant = Compound<'s, 'o>;
    type SerializeMap = Compound<'s, 'o>;
    type SerializeStruct = Compound<'s, 'o>;
    type SerializeStructVariant = Compound<'s, 'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.raw(if v {
            b"<value><boolean>1</boolean></value>"
        } else {
            b"<value><boolean>0</boolean></value>"
        });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.int(v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.i8(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.i8(i64::try_from(v).map_err(|_| range(v))?);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.i8(v.into());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.i8(i64::try_from(v).map_err(|_| range(v))?);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.i8(i64::try_from(v).map_err(|_| range(v))?);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(Error::new(
                ErrorKind::Encode,
                format!("cannot encode the non-finite double {v}"),
            ));
        }
        self.raw(b"<value><double>");
        scalar::write_float(v, self.out);
        self.raw(b"</double></value>");
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.double(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        let mut b = [0u8; 4];
        self.string(v.encode_utf8(&mut b))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.raw(b"<value><base64>");
        scalar::write_base64(v, self.out);
        self.raw(b"</base64></value>");
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.nil()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.nil()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.nil()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        if name == DATETIME_NAME {
            self.raw(b"<value><dateTime.iso8601>");
            v.serialize(RawStr(self.out))?;
            self.raw(b"</dateTime.iso8601></value>");
            return Ok(());
        }
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.open_struct();
        self.member_name(variant)?;
        v.serialize(&mut *self).map_err(|e| e.within(variant))?;
        self.raw(b"</member></struct></value>");
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'s, 'o>, Error> {
        self.raw(b"<value><array><data>");
        Ok(Compound {
            ser: self,
            index: 0,
            variant: None,
            key_start: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'s, 'o>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'o>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'s, 'o>, Error> {
        self.open_struct();
        self.member_name(variant)?;
        self.raw(b"<value><array><data>");
        Ok(Compound {
            ser: self,
            index: 0,
            variant: Some(variant),
            key_start: 0,
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'s, 'o>, Error> {
        self.open_struct();
        Ok(Compound {
            ser: self,
            index: 0,
            variant: None,
            key_start: 0,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'s, 'o>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'s, 'o>, Error> {
        self.open_struct();
        self.member_name(variant)?;
        self.open_struct();
        Ok(Compound {
            ser: self,
            index: 0,
            variant: Some(variant),
            key_start: 0,
        })
    }
}

/// The state of an array or struct being written.
pub(crate) struct Compound<'s, 'o> {
    ser: &'s mut XmlSerializer<'o>,
    index: usize,
    variant: Option<&'static str>,
    /// Where the escaped name of the current map key starts in the output.
    key_start: usize,
}

impl Compound<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let i = self.index;
        self.index += 1;
        let r = v
            .serialize(&mut *self.ser)
            .map_err(|e| e.within(&format!("[{i}]")));
        self.wrap_err(r)
    }
    fn wrap_err(&self, r: Result<(), Error>) -> Result<(), Error> {
        match (r, self.variant) {
            (Err(e), Some(v)) => Err(e.within(v)),
            (r, _) => r,
        }
    }
    fn end_array(self) -> Result<(), Error> {
        self.ser.raw(b"</data></array></value>");
        if self.variant.is_some() {
            self.ser.raw(b"</member></struct></value>");
        }
        Ok(())
    }
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), Error> {
        let r = self
            .ser
            .member_name(key)
            .and_then(|()| v.serialize(&mut *self.ser).map_err(|e| e.within(key)));
        self.ser.raw(b"</member>");
        self.wrap_err(r)
    }
    fn end_struct(self) -> Result<(), Error> {
        self.ser.raw(b"</struct></value>");
        if self.variant.is_some() {
            self.ser.raw(b"</member></struct></value>");
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.element(v)
    }
    fn end(self) -> Result<(), Error> {
        self.end_array()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.element(v)
    }
    fn end(self) -> Result<(), Error> {
        self.end_array()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.element(v)
    }
    fn end(self) -> Result<(), Error> {
        self.end_array()
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.element(v)
    }
    fn end(self) -> Result<(), Error> {
        self.end_array()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.ser.raw(b"<member><name>");
        self.key_start = self.ser.out.len();
        let r = key.serialize(KeyWriter(self.ser.out));
        self.ser.raw(b"</name>");
        self.wrap_err(r)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let r = v.serialize(&mut *self.ser).map_err(|e| {
            // Name the member from its escaped form in the output.
            let out = &self.ser.out;
            let end = out[self.key_start..]
                .windows(7)
                .position(|w| w == b"</name>")
                .map(|p| self.key_start + p)
                .unwrap_or(self.key_start);
            e.within(&String::from_utf8_lossy(&out[self.key_start..end]))
        });
        self.ser.raw(b"</member>");
        self.wrap_err(r)
    }
    fn end(self) -> Result<(), Error> {
        self.end_struct()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(key, v)
    }
    fn end(self) -> Result<(), Error> {
        self.end_struct()
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(key, v)
    }
    fn end(self) -> Result<(), Error> {
        self.end_struct()
    }
}

fn key_error() -> Error {
    Error::new(
        ErrorKind::Encode,
        "struct member names must be strings (a map with non-string keys cannot be encoded)",
    )
}

macro_rules! reject {
    ($ok:ty; $($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<$ok, Error> {
            Err(key_error())
        }
    )*};
}

macro_rules! key_serializer_common {
    ($ok:ty) => {
        type Error = Error;
        type SerializeSeq = ser::Impossible<$ok, Error>;
        type SerializeTuple = ser::Impossible<$ok, Error>;
        type SerializeTupleStruct = ser::Impossible<$ok, Error>;
        type SerializeTupleVariant = ser::Impossible<$ok, Error>;
        type SerializeMap = ser::Impossible<$ok, Error>;
        type SerializeStruct = ser::Impossible<$ok, Error>;
        type SerializeStructVariant = ser::Impossible<$ok, Error>;

        reject! { $ok;
            serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
            serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
            serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_bytes(&[u8]);
            serialize_none(); serialize_unit(); serialize_unit_struct(&'static str);
        }
        fn serialize_char(self, v: char) -> Result<$ok, Error> {
            let mut b = [0u8; 4];
            self.serialize_str(v.encode_utf8(&mut b))
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<$ok, Error> {
            v.serialize(self)
        }
        fn serialize_unit_variant(
            self,
            _name: &'static str,
            _index: u32,
            variant: &'static str,
        ) -> Result<$ok, Error> {
            self.serialize_str(variant)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _name: &'static str,
            v: &T,
        ) -> Result<$ok, Error> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _v: &T,
        ) -> Result<$ok, Error> {
            Err(key_error())
        }
        fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
            Err(key_error())
        }
        fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
            Err(key_error())
        }
        fn serialize_tuple_struct(
            self,
            _name: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleStruct, Error> {
            Err(key_error())
        }
        fn serialize_tuple_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleVariant, Error> {
            Err(key_error())
        }
        fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
            Err(key_error())
        }
        fn serialize_struct(
            self,
            _name: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeStruct, Error> {
            Err(key_error())
        }
        fn serialize_struct_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeStructVariant, Error> {
            Err(key_error())
        }
    };
}

/// Serializes a map key (a string, char or unit variant) into a `String`.
pub(crate) struct KeySerializer;

impl ser::Serializer for KeySerializer {
    type Ok = String;
    key_serializer_common!(String);
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }
}

/// Writes a map key escaped into the output.
struct KeyWriter<'o>(&'o mut Vec<u8>);

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    key_serializer_common!(());
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        escape_into(v, self.0)
    }
}

/// Writes the string a `DateTime` serializes to, unescaped (it is validated ASCII).
struct RawStr<'o>(&'o mut Vec<u8>);

impl ser::Serializer for RawStr<'_> {
    type Ok = ();
    key_serializer_common!(());
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        escape_into(v, self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::escape_into;

    #[test]
    fn escapes() {
        let mut out = Vec::new();
        escape_into("a&b<c>d]]>e\r\n\tf\u{FFFD}\u{EFFF}", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a&amp;b&lt;c&gt;d]]&gt;e&#13;\n\tf\u{FFFD}\u{EFFF}"
        );
        for bad in ["\u{0}", "x\u{1}", "\u{1f}", "\u{FFFE}", "abc\u{FFFF}"] {
            assert!(escape_into(bad, &mut Vec::new()).is_err(), "{bad:?}");
        }
    }
}
