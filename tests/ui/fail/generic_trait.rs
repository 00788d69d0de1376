// Generic service traits are rejected.
#[xmlrpc_macros::xmlrpc_service]
pub trait Store<T> {
    async fn get(&self, key: String) -> i32;
}

fn main() {}
