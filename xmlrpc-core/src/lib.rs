//! XML-RPC values, faults and a fast, hostile-input-proof serde codec built on quick-xml.
//!
//! Typed values go straight between Rust and XML: [`read_response`] and [`Params::args`]
//! deserialize from XML events without building a [`Value`] tree, and [`encode_value`] /
//! [`write_call`] serialize straight to XML. [`Value`] is there for dynamic data. Every
//! parameter list, of a call ([`write_call`], [`write_call_with`]) or of a multicall entry
//! ([`MulticallWriter`]), is written by one [`ParamsWriter`], straight into the document.
//!
//! | Rust | XML-RPC written | also read from |
//! |---|---|---|
//! | `i8`, `i16`, `i32`, `u8`, `u16` | `<int>` | `<i4>`, `<i8>` when in range |
//! | `i64`, `u32`, `u64` (when it fits) | `<i8>` (`<ex:i8>` namespaced) | `<int>`, `<i4>` |
//! | `f32`, `f64` (finite) | `<double>` (plain decimal) | `<int>`, `<i8>` |
//! | `bool` | `<boolean>` (`0`/`1`) | |
//! | `String`, `&str`, `char` | `<string>` | untyped `<value>text</value>` |
//! | [`DateTime`] | `<dateTime.iso8601>` | (also a string in that format) |
//! | bytes (`serde_bytes`) | `<base64>` | |
//! | `Vec<T>`, slices, sets, tuples, tuple structs | `<array>` | |
//! | structs, maps with string keys | `<struct>` (member order kept) | |
//! | `Option<T>`: `None`; `()` | `<nil/>` (error when `allow_nil` is off) | `<ex:nil/>` |
//! | unit enum variants | `<string>` with the variant name | |
//! | newtype / tuple / struct variants | `<struct>` with one member named after the variant | |
//! | [`Value`] | whatever it holds | anything |
//!
//! Reading rejects any DOCTYPE, caps nesting ([`Limits`]), validates every scalar, decodes
//! declared non-UTF-8 encodings and reports errors with a path and a byte position.
//! A struct with a duplicate member name is refused by the reader itself, whatever the target
//! (so [`read_call`] refuses it up front).
//!
//! Two readers produce the same tokens: a fast path for the canonical form real clients send,
//! and quick-xml's event reader for every document the fast path gives up on (comments,
//! CDATA, processing instructions, unusual spellings, anything malformed). The fast path never
//! reports an error nor guesses, so values, errors and positions are quick-xml's;
//! [`last_read_path`] tells which reader read a document.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use xmlrpc_core::{read_call, read_response, write_call, write_response, encode_value,
//!                   EncodeOptions, Limits};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Item { name: String, qty: i32 }
//!
//! // Client side: write a call.
//! let mut call = Vec::new();
//! write_call("shop.order", &(7, vec![Item { name: "tea".into(), qty: 2 }]),
//!            &EncodeOptions::default(), &mut call)?;
//!
//! // Server side: read it and take typed arguments.
//! let req = read_call(&call, &Limits::default())?;
//! assert_eq!(req.name, "shop.order");
//! let mut args = req.params.args();
//! let customer: i32 = args.required("customer")?;
//! let items: Vec<Item> = args.required("items")?;
//! args.finish("2")?;
//!
//! // Answer, and read the answer back.
//! let mut resp = Vec::new();
//! write_response(&encode_value(&items[0], &EncodeOptions::default())?, &mut resp);
//! let item: Item = read_response(&resp, &Limits::default())?.expect("not a fault");
//! assert_eq!((customer, item.qty), (7, 2));
//! # Ok::<(), xmlrpc_core::Error>(())
//! ```

mod b64;
mod datetime;
mod de;
mod error;
mod fault;
mod options;
mod params;
mod scalar;
mod scan;
mod ser;
mod signature;
pub mod value;
mod xml;

pub use datetime::DateTime;
pub use error::{Error, ErrorKind};
pub use fault::Fault;
pub use options::{EncodeOptions, Limits};
pub use params::{Args, MethodCall, Params};
#[doc(hidden)]
pub use signature::reserved as __reserved;
pub use signature::{type_desc_of, type_name_of, MethodInfo, TypeDesc};
pub use value::{from_value, from_value_ref, to_value, Map, Value};
#[doc(hidden)]
pub use xml::document::differential as __differential;
pub use xml::{
    document::{last_read_path, ReadPath},
    encode_value, encode_value_into, read_call, read_call_from_reader, read_response,
    read_response_from_reader, read_response_value, write_call, write_call_encoded, write_call_to,
    write_call_with, write_fault, write_multicall_response, write_response, write_response_to,
    write_response_value, EncodedValue, MulticallWriter, ParamsWriter,
};
