//! The XML-RPC endpoint mounted at `/RPC2` inside an axum application beside other routes.
//! `cargo run -p examples --bin axum`.

use axum::{routing::get, Router};
use examples::calculator::{Calc, Calculator, CalculatorClient};
use xmlrpc_server::Server;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let xmlrpc = Server::builder()
        .max_workers(8)
        .service(Calc.into_service())
        .build()?;
    let app = Router::new()
        .route(
            "/",
            get(|| async { "an axum application with an XML-RPC endpoint at /RPC2\n" }),
        )
        .route("/health", get(|| async { "ok\n" }))
        .route_service("/RPC2", xmlrpc.tower_service());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    println!("axum on http://{addr}: / and /health are axum routes, /RPC2 is XML-RPC");

    let calc = CalculatorClient::from_url(&format!("http://{addr}/RPC2"))?;
    println!(
        "calc.add(2, 3) over the axum route = {}",
        calc.add(2, 3).await?
    );
    println!("the XML-RPC pool's stats: {:?}", xmlrpc.stats());
    let _ = stop.send(());
    serving.await??;
    Ok(())
}
