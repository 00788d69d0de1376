//! `xmlrpc-cli`: call any XML-RPC server from the shell, read its introspection, and generate a
//! typed `#[xmlrpc_service]` trait from it.
//!
//! Installed with `cargo install --locked --path xmlrpc-client --features cli`;
//! `xmlrpc-cli --help` and `xmlrpc-cli <command> --help` explain each command with examples.

mod args;
mod calls;
mod commands;
mod failure;
mod gen;
mod input;
mod introspect;
mod output;
mod progress;
mod session;
mod table;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are successes printed on stdout; usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // One call at a time: a single-threaded runtime is all the tool needs.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message());
            failure.exit_code()
        }
    }
}
