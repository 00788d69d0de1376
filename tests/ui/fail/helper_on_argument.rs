// `#[xmlrpc(..)]` configures methods; on an argument it is reported, not ignored.
#[xmlrpc_macros::xmlrpc_service]
pub trait Calculator {
    async fn add(&self, #[xmlrpc(name = "left")] a: i32, b: i32) -> i32;
}

fn main() {}
