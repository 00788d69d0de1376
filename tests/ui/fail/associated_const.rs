// Associated constants are rejected.
#[xmlrpc_macros::xmlrpc_service]
pub trait Store {
    const LIMIT: usize;
    async fn count(&self) -> i32;
}

fn main() {}
