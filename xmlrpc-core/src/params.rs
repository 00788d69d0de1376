use std::borrow::Cow;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};

use crate::de::De;
use crate::value::de::RefSource;
use crate::xml::tape::Tape;
use crate::{Error, ErrorKind, Value};

/// A decoded `methodCall`: the method name and its still-encoded parameters.
#[derive(Debug, Clone)]
pub struct MethodCall<'a> {
    /// The `methodName`.
    pub name: String,
    /// The parameters, decoded on demand into typed arguments.
    pub params: Params<'a>,
}

/// The parameters of a call: either the tokens recorded while an XML document was validated
/// (decoded into typed values without parsing the XML again) or values already in memory
/// (e.g. an entry of `system.multicall`).
#[derive(Debug, Clone)]
pub struct Params<'a> {
    inner: ParamsInner<'a>,
}

#[derive(Debug, Clone)]
enum ParamsInner<'a> {
    Xml {
        /// The prepared (UTF-8) document, whose text the tape refers to.
        doc: Cow<'a, [u8]>,
        /// Offset of `doc[0]` in the original input.
        base: u64,
        tape: Tape,
    },
    Values(Cow<'a, [Value]>),
}

impl<'a> Params<'a> {
    /// Parameters held as values.
    pub fn from_values(values: impl Into<Cow<'a, [Value]>>) -> Self {
        Params {
            inner: ParamsInner::Values(values.into()),
        }
    }

    pub(crate) fn from_xml(doc: Cow<'a, [u8]>, base: u64, tape: Tape) -> Self {
        Params {
            inner: ParamsInner::Xml { doc, base, tape },
        }
    }

    /// How many parameters the call has.
    pub fn len(&self) -> usize {
        match &self.inner {
            ParamsInner::Xml { tape, .. } => tape.len(),
            ParamsInner::Values(v) => v.len(),
        }
    }
    /// Whether the call has no parameters.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A reader that takes the parameters one by one as typed arguments.
    pub fn args(&self) -> Args<'_> {
        Args {
            params: self,
            next: 0,
        }
    }
    /// Decodes all parameters as one sequence (a tuple, a `Vec`, ...).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        T::deserialize(ParamsDe { params: self })
    }
    /// All parameters as values.
    pub fn to_values(&self) -> Result<Vec<Value>, Error> {
        match &self.inner {
            ParamsInner::Values(v) => Ok(v.to_vec()),
            ParamsInner::Xml { doc, base, tape } => (0..tape.len())
                .map(|i| {
                    let mut src = tape.param(i, doc, *base);
                    crate::value::build::build(&mut src).map_err(|e| e.for_param(i, None))
                })
                .collect(),
        }
    }
    /// Parameter `index` decoded as `T` (errors are not yet prefixed with `params[i]`).
    fn get<T: DeserializeOwned>(&self, index: usize) -> Result<T, Error> {
        self.get_seed(index, std::marker::PhantomData::<T>)
    }

    fn get_seed<'p, S: DeserializeSeed<'p>>(
        &'p self,
        index: usize,
        seed: S,
    ) -> Result<S::Value, Error> {
        match &self.inner {
            ParamsInner::Xml { doc, base, tape } => {
                let src = tape.param(index, doc, *base);
                let start = src.start();
                let mut de = De::new(src);
                seed.deserialize(&mut de)
                    .map_err(|e| e.at_if_unset(Some(start)))
            }
            ParamsInner::Values(v) => {
                let mut de = De::new(RefSource::new(&v[index]));
                seed.deserialize(&mut de)
            }
        }
    }

    /// Parameter `index` as a typed value, if present.
    pub fn get_typed<T: DeserializeOwned>(&self, index: usize) -> Option<Result<T, Error>> {
        (index < self.len()).then(|| self.get(index).map_err(|e| e.for_param(index, None)))
    }
}

/// Takes parameters one at a time into typed arguments, naming the failing parameter
/// (`params[1] (b): expected int, found string`) in its errors.
pub struct Args<'p> {
    params: &'p Params<'p>,
    next: usize,
}

impl<'p> Args<'p> {
    /// The next parameter, which must be present; `name` is used in error messages.
    pub fn required<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, Error> {
        let i = self.next;
        if i >= self.params.len() {
            return Err(Error::new(
                ErrorKind::Type,
                format!(
                    "missing parameter: expected at least {} parameters, got {}",
                    i + 1,
                    self.params.len()
                ),
            )
            .for_param(i, Some(name)));
        }
        self.next += 1;
        self.params.get(i).map_err(|e| e.for_param(i, Some(name)))
    }
    /// The next parameter if the caller sent it (a trailing optional argument); `None` when
    /// absent or nil.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, Error> {
        if self.next >= self.params.len() {
            return Ok(None);
        }
        self.required::<Option<T>>(name)
    }
    /// All remaining parameters as `T` (variadic arguments).
    pub fn rest<T: DeserializeOwned>(&mut self, name: &str) -> Result<Vec<T>, Error> {
        let mut out = Vec::with_capacity(self.remaining());
        while self.next < self.params.len() {
            out.push(self.required(name)?);
        }
        Ok(out)
    }
    /// How many parameters have not been taken yet.
    pub fn remaining(&self) -> usize {
        self.params.len().saturating_sub(self.next)
    }
    /// Checks that no parameter is left over; `expected` describes the accepted counts for
    /// the message (e.g. "2" or "1 to 3").
    pub fn finish(self, expected: &str) -> Result<(), Error> {
        if self.next < self.params.len() {
            return Err(Error::new(
                ErrorKind::Type,
                format!(
                    "too many parameters: expected {expected}, got {}",
                    self.params.len()
                ),
            ));
        }
        Ok(())
    }
}

/// All parameters as one sequence.
struct ParamsDe<'p, 'a> {
    params: &'p Params<'a>,
}

struct ParamsSeq<'p, 'a> {
    params: &'p Params<'a>,
    next: usize,
}

impl<'p> de::SeqAccess<'p> for ParamsSeq<'p, '_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'p>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.next >= self.params.len() {
            return Ok(None);
        }
        let i = self.next;
        self.next += 1;
        self.params
            .get_seed(i, seed)
            .map(Some)
            .map_err(|e| e.for_param(i, None))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.params.len() - self.next)
    }
}

impl<'de> de::Deserializer<'de> for ParamsDe<'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut seq = ParamsSeq {
            params: self.params,
            next: 0,
        };
        let v = visitor.visit_seq(&mut seq)?;
        if seq.next < self.params.len() {
            return Err(Error::new(
                ErrorKind::Type,
                format!(
                    "too many parameters: expected {}, got {}",
                    seq.next,
                    self.params.len()
                ),
            ));
        }
        Ok(v)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.params.is_empty() {
            visitor.visit_unit()
        } else {
            Err(Error::new(
                ErrorKind::Type,
                format!("too many parameters: expected 0, got {}", self.params.len()),
            ))
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
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option seq tuple tuple_struct map struct enum identifier ignored_any
    }
}
