// A service method needs `&self`.
#[xmlrpc_macros::xmlrpc_service]
pub trait Service {
    async fn add(a: i32, b: i32) -> i32;
}

fn main() {}
