//! Calls the calculator of the `server` example: typed calls, a fault, introspection and a
//! typed batch. `cargo run -p examples --bin client -- [URL]` (default
//! `http://127.0.0.1:8080/RPC2`).

use examples::calculator::CalculatorClient;
use xmlrpc_core::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080/RPC2".to_string());
    let calc = CalculatorClient::from_url(&url)?;

    println!("add(40, 2) = {}", calc.add(40, 2).await?);
    println!("sub(1, 43) = {}", calc.subtract(1, 43).await?);
    println!("summarize([]) = {:?}", calc.summarize(Vec::new()).await?);
    if let Err(e) = calc.add(i32::MAX, 1).await {
        println!("add(i32::MAX, 1) -> fault {:?}: {e}", e.fault_code());
    }

    let client = calc.client();
    let methods: Vec<String> = client.call("system.listMethods", ()).await?;
    for name in methods.iter().filter(|m| !m.starts_with("system.")) {
        let signature: Value = client.call("system.methodSignature", (name,)).await?;
        let help: String = client.call("system.methodHelp", (name,)).await?;
        println!("{name}: {signature:?} -- {help}");
    }

    let mut batch = calc.batch();
    let handles = [batch.add(1, 1)?, batch.divide(9, 3)?, batch.divide(1, 0)?];
    let results = batch.send().await?;
    for (i, handle) in handles.iter().enumerate() {
        match results.get(handle) {
            Ok(v) => println!("batch[{i}] = {v}"),
            Err(e) => println!("batch[{i}] failed: {e}"),
        }
    }
    Ok(())
}
