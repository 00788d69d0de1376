// Arguments are decoded into owned values: borrowed types are rejected.
#[xmlrpc_macros::xmlrpc_service]
pub trait Text {
    async fn length(&self, s: &str) -> usize;
}

fn main() {}
