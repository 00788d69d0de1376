// Calls run concurrently on one shared implementation: `&mut self` is rejected.
#[xmlrpc_macros::xmlrpc_service]
pub trait Counter {
    async fn increment(&mut self) -> i32;
}

fn main() {}
