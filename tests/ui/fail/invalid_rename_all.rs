// `rename_all` takes serde's case names.
#[xmlrpc_macros::xmlrpc_service(rename_all = "camel")]
pub trait Jobs {
    async fn run(&self) -> i32;
}

fn main() {}
