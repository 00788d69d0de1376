// A client call can be spawned on the multi-threaded runtime: its future is `Send + 'static`.
#[xmlrpc_macros::xmlrpc_service]
pub trait Calculator {
    async fn add(&self, a: i32, b: i32) -> i32;
    fn scale(&self, x: f64, by: Option<f64>) -> f64;
}

#[allow(dead_code)]
async fn spawned(client: CalculatorClient) -> i32 {
    let add = tokio::spawn(client.add(1, 2));
    let scale = tokio::spawn(client.scale(1.0, None));
    drop(client);
    let _ = scale.await;
    add.await.unwrap().unwrap()
}

fn main() {}
