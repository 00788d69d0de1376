//! Shared pieces of the examples: the calculator service every topic uses, the services of
//! the interop server (the contract in `INTEROP.md`), and the servers' command-line options.

pub mod calculator;
pub mod interop;
pub mod options;
pub mod supervisor;

/// Sends `tracing` output to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
