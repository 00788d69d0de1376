//! The calculator as a standalone server, configured from the command line:
//! `cargo run -p examples --bin server -- --listen 127.0.0.1:8080 --max-workers 8`.
//! Stops gracefully on Ctrl-C or SIGTERM.

use examples::{
    calculator::{Calc, Calculator},
    options::{ServerOptions, USAGE},
};
use xmlrpc_server::Server;

fn main() {
    examples::init_logging();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("usage: server [options]\n{USAGE}");
        return;
    }
    let options = ServerOptions::parse(args, "127.0.0.1:8080").unwrap_or_else(|e| {
        eprintln!("server: {e}");
        std::process::exit(2);
    });
    let server = options
        .apply(Server::builder())
        .service(Calc.into_service())
        .build()
        .unwrap_or_else(|e| {
            eprintln!("server: {e}");
            std::process::exit(2);
        });
    println!(
        "calculator on http://{}/RPC2 (Ctrl-C stops it)",
        options.listen
    );
    if let Err(e) = server.run(options.listen.as_str()) {
        eprintln!("server: cannot serve on {}: {e}", options.listen);
        std::process::exit(1);
    }
    println!("stopped; {:?}", server.stats());
}
