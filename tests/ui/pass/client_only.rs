// `client` alone generates no server side: nothing names xmlrpc-server; `crate` names the
// runtime of the one side generated.
#[xmlrpc_macros::xmlrpc_service(client, crate = "::xmlrpc_client")]
pub trait Calculator {
    async fn add(&self, a: i32, b: i32) -> i32;
}

// A type of the same name would clash if the server side were generated.
#[allow(dead_code)]
struct CalculatorServer;

fn main() {
    let _ = CalculatorClient::from_url("http://127.0.0.1:1/");
}
