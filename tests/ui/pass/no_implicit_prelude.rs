// Generated code names runtime items only through the hidden re-export modules.
#![no_implicit_prelude]

#[::xmlrpc_macros::xmlrpc_service(namespace = "calc")]
pub trait Calculator {
    /// Adds.
    async fn add(&self, a: i32, b: ::std::option::Option<i32>) -> ::std::result::Result<i32, ::xmlrpc_core::Fault>;
    fn version(&self) -> ::std::string::String;
}

fn main() {}
