// Associated types cannot be named by the client or by introspection.
#[xmlrpc_macros::xmlrpc_service]
pub trait Store {
    type Item;
    async fn count(&self) -> i32;
}

fn main() {}
