// Unknown options of `#[xmlrpc]` are reported on the option, with the known ones.
#[xmlrpc_macros::xmlrpc_service]
pub trait Calculator {
    #[xmlrpc(rename = "plus")]
    async fn add(&self, a: i32, b: i32) -> i32;
}

fn main() {}
