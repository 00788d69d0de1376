// An argument type the codec cannot decode is reported on the argument's type.
pub struct Opaque;

#[xmlrpc_macros::xmlrpc_service(server)]
pub trait Service {
    async fn take(&self, value: Opaque) -> i32;
}

fn main() {}
