// `#[deprecated]` on a method reaches the generated client method.
#![deny(deprecated)]

#[xmlrpc_macros::xmlrpc_service(client)]
pub trait Old {
    #[deprecated(note = "use `new_add`")]
    async fn add(&self, a: i32, b: i32) -> i32;
}

async fn caller(client: OldClient) {
    let _ = client.add(1, 2).await;
}

fn main() {
    let _ = caller;
}
