// A type alias keeps an intended array of ints or struct of seconds without a warning; bytes
// meant as base64 use `ByteBuf`.
#![deny(deprecated)]

/// Deliberately an array of ints.
pub type Ints = Vec<u8>;

#[xmlrpc_macros::xmlrpc_service]
pub trait Store {
    async fn put(&self, data: serde_bytes::ByteBuf, raw: Ints) -> i32;
}

fn main() {}
