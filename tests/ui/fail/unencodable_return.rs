// A return type the codec cannot encode is reported on the return type.
pub struct Opaque;

#[xmlrpc_macros::xmlrpc_service(server)]
pub trait Service {
    async fn give(&self) -> Opaque;
}

fn main() {}
