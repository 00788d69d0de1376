//! Finding, starting and stopping the peer programs.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

/// The folder of the peer scripts.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Whether `program args..` runs and exits 0, i.e. the peer and its library are installed.
pub fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Skips (returns false) when the peer is missing outside CI; fails the test in CI.
pub fn require(peer: &str, present: bool) -> bool {
    if present {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("interop peer {peer} is missing in CI: run `bash .ci/install-peers`");
    }
    // Written to stderr directly: the test harness captures `eprintln!` of passing tests.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "\n*** SKIPPED: interop peer {peer} is not installed (bash .ci/install-peers) ***\n"
        )
        .as_bytes(),
    );
    false
}

/// Runs a peer client to completion (bounded by `limit`) and asserts that it reported no
/// failed check; the peer prints one line per failure and a closing `N passed, M failed`.
pub fn run_client(mut command: Command, limit: Duration) {
    let name = format!("{command:?}");
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    let output = wait_bounded(child, limit, &name);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        output.status.success() && summary.ends_with(" 0 failed"),
        "{name} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let passed: usize = summary
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed > 0, "{name} ran no check:\n{stdout}\n{stderr}");
    eprintln!("{name}: {summary}");
}

fn wait_bounded(mut child: Child, limit: Duration, name: &str) -> Output {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return child.wait_with_output().expect("peer output"),
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let output = child.wait_with_output().expect("peer output");
                panic!(
                    "{name} did not finish within {limit:?}:\n{}\n{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
    }
}

/// A peer server process, killed when dropped.
pub struct PeerServer {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
}

impl PeerServer {
    /// Starts `command`, which prints its port on the first line of standard output.
    pub fn start(mut command: Command) -> PeerServer {
        let name = format!("{command:?}");
        command.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let mut line = String::new();
        let read = BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line);
        let port = match (read, line.trim().parse()) {
            (Ok(_), Ok(port)) => port,
            _ => {
                let _ = child.kill();
                panic!("{name} printed no port: {line:?}");
            }
        };
        PeerServer { child, port }
    }

    /// The server's URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/RPC2", self.port)
    }
}

impl Drop for PeerServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
