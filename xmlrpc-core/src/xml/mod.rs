//! Reading and writing XML-RPC documents.
//!
//! Reading has two readers of the same token stream ([`crate::de::Source`]): `fast`, a
//! recognizer of the canonical form real clients send, and `read`, quick-xml's event reader,
//! which reads every document the fast path gives up on. `document` reads whole calls and
//! responses with them. Writing is `write` (fragments and documents) and `write_params`, the
//! one writer of parameter lists that calls, generated client stubs and multicalls share.

pub(crate) mod document;
pub(crate) mod fast;
pub(crate) mod input;
pub(crate) mod read;
pub(crate) mod shared;
pub(crate) mod tape;
#[cfg(test)]
mod tests;
pub(crate) mod write;
pub(crate) mod write_params;

pub use document::{
    read_call, read_call_from_reader, read_response, read_response_from_reader, read_response_value,
};
pub use write::{
    encode_value, encode_value_into, write_call, write_call_encoded, write_call_to,
    write_call_with, write_fault, write_multicall_response, write_response, write_response_to,
    write_response_value, EncodedValue, MulticallWriter,
};
pub use write_params::ParamsWriter;
