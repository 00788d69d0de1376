use serde::de::DeserializeOwned;

use crate::{Error, Value};

/// A decoded `methodCall`: the method name and its still-encoded parameters.
#[derive(Debug, Clone)]
pub struct MethodCall<'a> {
    /// The `methodName`.
    pub name: String,
    /// The parameters, decoded on demand into typed arguments.
    pub params: Params<'a>,
}

/// The parameters of a call: either spans of a validated XML document (decoded straight
/// into typed values) or values already in memory (e.g. an entry of `system.multicall`).
#[derive(Debug, Clone)]
pub struct Params<'a> {
    inner: ParamsInner<'a>,
}

#[derive(Debug, Clone)]
enum ParamsInner<'a> {
    #[allow(dead_code)]
    Xml {
        doc: &'a [u8],
        spans: Vec<(usize, usize)>,
    },
    Values(std::borrow::Cow<'a, [Value]>),
}

impl<'a> Params<'a> {
    /// Parameters held as values.
    pub fn from_values(values: impl Into<std::borrow::Cow<'a, [Value]>>) -> Self {
        Params {
            inner: ParamsInner::Values(values.into()),
        }
    }
    /// How many parameters the call has.
    pub fn len(&self) -> usize {
        match &self.inner {
            ParamsInner::Xml { spans, .. } => spans.len(),
            ParamsInner::Values(v) => v.len(),
        }
    }
    /// Whether the call has no parameters.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A reader that takes the parameters one by one as typed arguments.
    pub fn args(&self) -> Args<'_> {
        todo!("core: Args over {:?}", self.len())
    }
    /// Decodes all parameters as one sequence (a tuple, a `Vec`, ...).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        todo!()
    }
    /// All parameters as values.
    pub fn to_values(&self) -> Result<Vec<Value>, Error> {
        todo!()
    }
}

/// Takes parameters one at a time into typed arguments, naming the failing parameter
/// (`params[1] (b): expected int, found string`) in its errors.
pub struct Args<'p> {
    #[allow(dead_code)]
    params: &'p Params<'p>,
    #[allow(dead_code)]
    next: usize,
}

impl<'p> Args<'p> {
    /// The next parameter, which must be present; `name` is used in error messages.
    pub fn required<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, Error> {
        todo!("{name}")
    }
    /// The next parameter if the caller sent it (a trailing optional argument); `None` when
    /// absent or nil.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, Error> {
        todo!("{name}")
    }
    /// Checks that no parameter is left over; `expected` describes the accepted counts for
    /// the message (e.g. "2" or "1 to 3").
    pub fn finish(self, expected: &str) -> Result<(), Error> {
        todo!("{expected}")
    }
}
