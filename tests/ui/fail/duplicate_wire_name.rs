// Wire names must be unique after namespace and renaming.
#[xmlrpc_macros::xmlrpc_service(namespace = "calc", rename_all = "camelCase")]
pub trait Calculator {
    async fn get_total(&self) -> i32;
    #[xmlrpc(name = "getTotal")]
    async fn total(&self) -> i32;
}

fn main() {}
