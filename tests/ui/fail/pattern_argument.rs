// Arguments must be plain names: they name parameters in errors and in the client.
#[xmlrpc_macros::xmlrpc_service]
pub trait Points {
    async fn norm(&self, (x, y): (i32, i32)) -> i32;
}

fn main() {}
