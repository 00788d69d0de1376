// The runtime crates may be reached through a re-export.
mod runtime {
    pub use xmlrpc_client as client;
    pub use xmlrpc_server as server;
}

#[xmlrpc_macros::xmlrpc_service(
    server_crate = "crate::runtime::server",
    client_crate = "crate::runtime::client"
)]
pub trait Echo {
    async fn echo(&self, s: String) -> String;
}

struct E;

impl Echo for E {
    async fn echo(&self, s: String) -> String {
        s
    }
}

fn main() {
    let _server: EchoServer<E> = E.into_service();
    let _client = EchoClient::from_url("http://127.0.0.1:1/");
}
