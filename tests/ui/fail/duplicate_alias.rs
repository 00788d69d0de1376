// An alias may not repeat another method's wire name.
#[xmlrpc_macros::xmlrpc_service]
pub trait Calculator {
    async fn add(&self, a: i32, b: i32) -> i32;
    #[xmlrpc(alias = "add")]
    async fn plus(&self, a: i32, b: i32) -> i32;
}

fn main() {}
