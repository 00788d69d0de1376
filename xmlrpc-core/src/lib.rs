//! XML-RPC values, faults and a serde codec built on quick-xml.
//!
//! (Crate docs with the type-mapping table and a runnable example: to be written.)

mod datetime;
mod error;
mod fault;
mod options;
mod params;
mod signature;
pub mod value;
mod xml;

pub use datetime::DateTime;
pub use error::{Error, ErrorKind};
pub use fault::Fault;
pub use options::{EncodeOptions, Limits};
pub use params::{Args, MethodCall, Params};
pub use signature::{type_name_of, MethodInfo};
pub use value::{from_value, to_value, Map, Value};
pub use xml::{
    encode_value, read_call, read_response, read_response_value, write_call, write_call_encoded,
    write_fault, write_multicall_call, write_multicall_response, write_response, EncodedValue,
};
