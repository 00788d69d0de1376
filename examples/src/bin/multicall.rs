//! Asynchronous multicall: many calls in one `system.multicall` request, built by the client,
//! with results matched to their calls by typed handles; and independent calls running
//! concurrently. `cargo run -p examples --bin multicall`.

use examples::calculator::{Calc, Calculator};
use xmlrpc_client::Client;
use xmlrpc_core::Value;
use xmlrpc_server::Server;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::builder().service(Calc.into_service()).build()?;
    let running = server.bind("127.0.0.1:0").await?;
    let client = Client::new(&format!(
        "http://{}/RPC2",
        running.local_addr().expect("TCP")
    ))?;

    // The dynamic form: any method, typed results through handles, in call order.
    let mut batch = client.multicall();
    let sums: Vec<_> = (0..5)
        .map(|i| batch.add::<i32, _>("calc.add", (i, i * 10)))
        .collect::<Result<_, _>>()?;
    let fault = batch.add::<i32, _>("calc.divide", (1, 0))?;
    let methods = batch.add::<Vec<String>, _>("system.listMethods", ())?;
    let results = batch.send().await?;
    for (i, handle) in sums.iter().enumerate() {
        println!("calc.add({i}, {}) = {}", i * 10, results.get(handle)?);
    }
    println!("calc.divide(1, 0) -> {}", results.get(&fault).unwrap_err());
    println!(
        "system.listMethods() -> {} names",
        results.get(&methods)?.len()
    );

    // Independent calls need no batch: the client is cheap to clone and calls run at once.
    let (a, b) = tokio::join!(
        client.call::<i32, _>("calc.add", (1, 2)),
        client.call::<Value, _>("calc.summarize", (vec![1.0, 2.0],)),
    );
    println!(
        "concurrently: calc.add(1, 2) = {}, calc.summarize([1, 2]) = {:?}",
        a?, b?
    );
    running.shutdown().await;
    Ok(())
}
