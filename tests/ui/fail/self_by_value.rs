// The server keeps the implementation in an `Arc`: `self` by value is rejected.
#[xmlrpc_macros::xmlrpc_service]
pub trait Consumer {
    async fn consume(self) -> i32;
}

fn main() {}
