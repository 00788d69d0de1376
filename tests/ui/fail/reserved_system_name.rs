// `system.*` names belong to the server's introspection and multicall methods.
#[xmlrpc_macros::xmlrpc_service]
pub trait Sneaky {
    #[xmlrpc(name = "system.listMethods")]
    async fn list(&self) -> Vec<String>;
}

fn main() {}
