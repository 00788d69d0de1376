// A method may not take a name the generated client already uses.
#[xmlrpc_macros::xmlrpc_service]
pub trait Jobs {
    async fn batch(&self, size: i32) -> i32;
}

fn main() {}
