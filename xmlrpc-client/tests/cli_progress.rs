//! The `xmlrpc-cli` tool's progress line: drawn on a terminal while a call runs, erased before
//! the answer prints; nothing at all when standard error is piped.
//!
//! The terminal is a pseudo-terminal from util-linux's `script`; the server is our own
//! `interop-server` (its `interop.sleep(ms)`), found as `cli_interop.rs` finds it. Without
//! either the test SKIPs loudly (and fails under `CI=true`).

#![cfg(feature = "cli")]

#[path = "cli_peers/support.rs"]
mod support;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use support::{available, skip, target_dir, xmlrpc, xmlrpc_bin, Peer};

fn server_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("XMLRPC_INTEROP_SERVER") {
        return Some(PathBuf::from(path));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .join("target");
    [target_dir(), workspace]
        .iter()
        .flat_map(|dir| {
            ["debug", "release"].map(|profile| dir.join(profile).join("interop-server"))
        })
        .find(|path| path.is_file())
}

#[test]
fn progress_on_a_terminal_and_nothing_when_piped() {
    let Some(binary) = server_binary() else {
        skip("no interop-server binary (set XMLRPC_INTEROP_SERVER or build it)");
        return;
    };
    let server = Peer::command(&binary, &["--listen", "127.0.0.1:{PORT}"]);
    let url = server.url("/RPC2");

    // Piped: the same bytes as without progress, and a silent standard error.
    let out = xmlrpc(&["call", &url, "interop.sleep", "1000"]);
    assert_eq!(out.ok(), "1000\n");
    assert_eq!(out.stderr, "", "nothing on a piped standard error");

    if !available("script", &["--version"]) {
        return;
    }
    // On a terminal: the line appears while the server sleeps, then is erased.
    let command = format!("{} call {url} interop.sleep 1500", xmlrpc_bin().display());
    let output = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env_remove("NO_PROGRESS")
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(
        screen.contains("interop.sleep (8 B of parameters) ["),
        "no progress line in {screen:?}"
    );
    assert!(screen.contains("#####"), "{screen:?}");
    assert!(
        screen.contains("\r\x1b[K1500"),
        "erased before the answer: {screen:?}"
    );

    // A long multicall from a file.
    let calls = support::temp_dir("cli-progress").join("calls.json");
    std::fs::write(
        &calls,
        r#"[["interop.sleep", 700], ["interop.sleep", 700]]"#,
    )
    .unwrap();
    let multicall = format!(
        "{} multicall {url} --file {}",
        xmlrpc_bin().display(),
        calls.display()
    );
    let output = Command::new("script")
        .args(["-q", "-e", "-c", &multicall, "/dev/null"])
        .env_remove("NO_PROGRESS")
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(
        screen.contains("system.multicall of 2 calls (")
            && screen.contains("\r\x1b[K[1] interop.sleep: 700"),
        "{screen:?}"
    );

    // Turned off by NO_PROGRESS even on a terminal.
    let output = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("NO_PROGRESS", "1")
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(!screen.contains("of parameters) ["), "{screen:?}");
    assert!(screen.contains("1500"), "{screen:?}");
}
