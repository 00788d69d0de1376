//! Reading and writing XML-RPC documents.

use serde::{de::DeserializeOwned, Serialize};

use crate::{EncodeOptions, Error, Fault, Limits, MethodCall, Value};

/// One encoded `<value>…</value>` fragment, ready to be placed in a response, a call or a
/// multicall answer without decoding it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedValue(Vec<u8>);

impl EncodedValue {
    /// The XML bytes of the fragment.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Encodes any `Serialize` value straight to a `<value>` fragment.
pub fn encode_value<T: Serialize + ?Sized>(
    value: &T,
    options: &EncodeOptions,
) -> Result<EncodedValue, Error> {
    let _ = (value, options);
    todo!()
}

/// Reads a `methodCall` document, validating it whole; parameters stay encoded.
pub fn read_call<'a>(body: &'a [u8], limits: &Limits) -> Result<MethodCall<'a>, Error> {
    let _ = (body, limits);
    todo!()
}

/// Writes a `methodResponse` carrying one value.
pub fn write_response(value: &EncodedValue, out: &mut Vec<u8>) {
    let _ = (value, out);
    todo!()
}

/// Writes a `methodResponse` carrying a fault.
pub fn write_fault(fault: &Fault, out: &mut Vec<u8>) {
    let _ = (fault, out);
    todo!()
}

/// Writes a `methodCall`; `params` serializes as a sequence or tuple, one element a parameter.
pub fn write_call<P: Serialize + ?Sized>(
    method: &str,
    params: &P,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let _ = (method, params, options, out);
    todo!()
}

/// Writes a `methodCall` from already encoded parameters.
pub fn write_call_encoded(method: &str, params: &[EncodedValue], out: &mut Vec<u8>) {
    let _ = (method, params, out);
    todo!()
}

/// Reads a `methodResponse` straight into `T`, or the fault it carries.
pub fn read_response<T: DeserializeOwned>(
    body: &[u8],
    limits: &Limits,
) -> Result<Result<T, Fault>, Error> {
    let _ = (body, limits);
    todo!()
}

/// Reads a `methodResponse` into a [`Value`], or the fault it carries.
pub fn read_response_value(body: &[u8], limits: &Limits) -> Result<Result<Value, Fault>, Error> {
    let _ = (body, limits);
    todo!()
}

/// Writes the `methodResponse` of `system.multicall`: per entry `[result]` or a
/// `{faultCode, faultString}` struct.
pub fn write_multicall_response(results: &[Result<EncodedValue, Fault>], out: &mut Vec<u8>) {
    let _ = (results, out);
    todo!()
}

/// Writes a `system.multicall` `methodCall` from `(methodName, params)` entries.
pub fn write_multicall_call<'a>(
    calls: impl IntoIterator<Item = (&'a str, &'a [EncodedValue])>,
    out: &mut Vec<u8>,
) {
    let _ = out;
    for _ in calls {}
    todo!()
}
