// Every generated public item is documented.
#![deny(missing_docs)]
//! A documented crate.

/// A documented service.
#[xmlrpc_macros::xmlrpc_service]
pub trait Documented {
    /// Echoes.
    async fn echo(&self, s: String) -> String;
    /// Optional.
    fn opt(&self, n: Option<i32>) -> i32;
}

fn main() {}
