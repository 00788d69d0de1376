// On the client, an argument type that cannot be encoded is reported on the argument's type.
pub struct Opaque;

#[xmlrpc_macros::xmlrpc_service(client)]
pub trait Service {
    async fn take(&self, value: Opaque, more: Option<Opaque>) -> i32;
}

fn main() {}
