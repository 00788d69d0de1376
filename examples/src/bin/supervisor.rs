//! Talks to a running supervisord over its Unix socket with a generated typed client:
//! `cargo run -p examples --bin supervisor -- [unix:///run/supervisor.sock?path=/RPC2]`.

#[tokio::main]
async fn main() {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "unix:///var/run/supervisor.sock?path=/RPC2".to_string());
    match examples::supervisor::report(&url).await {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("supervisor: {url}: {e}");
            std::process::exit(1);
        }
    }
}
