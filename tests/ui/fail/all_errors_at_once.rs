// Every problem of one trait is reported in the same build.
#[xmlrpc_macros::xmlrpc_service(colour = "blue")]
pub trait Many {
    async fn no_self(a: i32) -> i32;
    async fn mutable(&mut self) -> i32;
    async fn generic<T>(&self, t: T) -> i32;
    #[xmlrpc(name = "system.exit")]
    async fn exit(&self) -> i32;
}

fn main() {}
