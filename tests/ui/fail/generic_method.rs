// Each argument needs one concrete type on the wire: generic methods are rejected.
#[xmlrpc_macros::xmlrpc_service]
pub trait Generic {
    async fn echo<T: serde::Serialize>(&self, value: T) -> T;
}

fn main() {}
