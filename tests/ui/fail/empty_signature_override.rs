// A signature override must match the method's arity.
#[xmlrpc_macros::xmlrpc_service]
pub trait Calculator {
    #[xmlrpc(signature = [["int", "int"]])]
    async fn add(&self, a: i32, b: i32) -> i32;
}

fn main() {}
