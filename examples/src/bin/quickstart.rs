//! The calculator served on an ephemeral loopback port, called through its generated client
//! in the same program: `cargo run -p examples --bin quickstart`.

use examples::calculator::{Calc, Calculator, CalculatorClient};
use xmlrpc_core::Value;
use xmlrpc_server::Server;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::builder().service(Calc.into_service()).build()?;
    let running = server.bind("127.0.0.1:0").await?;
    let url = format!(
        "http://{}/RPC2",
        running.local_addr().expect("a TCP address")
    );
    println!("serving the calculator on {url}");

    let calc = CalculatorClient::from_url(&url)?;
    println!("calc.add(2, 3) = {}", calc.add(2, 3).await?);
    println!("calc.sub(10, 4) = {}", calc.subtract(10, 4).await?);
    println!(
        "calc.summarize([1.5, 2.5, 5]) = {:?}",
        calc.summarize(vec![1.5, 2.5, 5.0]).await?
    );
    println!("calc.version() = {}", calc.version().await?);
    match calc.divide(1, 0).await {
        Ok(v) => println!("calc.divide(1, 0) = {v}?!"),
        Err(e) => println!("calc.divide(1, 0) failed as it should: {e}"),
    }

    // One round trip for several typed calls; a failing entry does not hide the others.
    let mut batch = calc.batch();
    let sum = batch.add(20, 22)?;
    let quotient = batch.divide(7, 0)?;
    let results = batch.send().await?;
    println!("batch: add(20, 22) = {:?}", results.get(&sum)?);
    println!(
        "batch: divide(7, 0) = {:?}",
        results.get(&quotient).map_err(|e| e.to_string())
    );

    // Introspection comes from the trait: names, signatures and doc comments.
    let methods: Vec<String> = calc.client().call("system.listMethods", ()).await?;
    println!("system.listMethods() = {methods:?}");
    let signature: Value = calc
        .client()
        .call("system.methodSignature", ("calc.add",))
        .await?;
    println!("system.methodSignature(\"calc.add\") = {signature:?}");
    let help: String = calc
        .client()
        .call("system.methodHelp", ("calc.add",))
        .await?;
    println!("system.methodHelp(\"calc.add\") = {help:?}");

    running.shutdown().await;
    Ok(())
}
