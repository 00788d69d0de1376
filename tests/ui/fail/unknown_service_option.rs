// Unknown options of `#[xmlrpc_service]` are reported on the option, with the known ones.
#[xmlrpc_macros::xmlrpc_service(namespace = "calc", prefix = "x")]
pub trait Calculator {
    async fn add(&self, a: i32, b: i32) -> i32;
}

fn main() {}
