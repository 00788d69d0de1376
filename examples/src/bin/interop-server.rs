//! The server other XML-RPC implementations test us with; its contract is `INTEROP.md`.
//!
//! ```sh
//! cargo run --release -p examples --bin interop-server -- --listen 127.0.0.1:8080 \
//!     [--max-workers N] [--max-blocking N] [--max-pending M] [--overload block|close|fault|http503] \
//!     [--max-request-size BYTES] [--rpc-path /RPC2 ...] [--metrics] [--method-page]
//! ```

use examples::{interop, options::ServerOptions};

fn main() {
    examples::init_logging();
    let options = match ServerOptions::parse(std::env::args().skip(1), "127.0.0.1:8080") {
        Ok(options) => options,
        Err(message) => {
            eprintln!("interop-server: {message}");
            std::process::exit(2);
        }
    };
    let server = match interop::server(&options) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("interop-server: {e}");
            std::process::exit(2);
        }
    };
    tracing::info!(listen = %options.listen, ?options, "interop-server starting");
    if let Err(e) = server.run(options.listen.as_str()) {
        eprintln!("interop-server: cannot serve on {}: {e}", options.listen);
        std::process::exit(1);
    }
}
