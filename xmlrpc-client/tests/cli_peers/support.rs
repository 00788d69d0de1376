//! Shared helpers of the `xmlrpc-cli` command-line tests: running the tool, starting peer
//! servers (killed on drop), and skipping loudly when a peer program is missing.

#![allow(dead_code)] // Each test crate uses its own subset.

use std::{
    io::{BufRead, BufReader},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::Duration,
};

/// What one run of the tool printed and how it exited.
#[derive(Debug)]
pub struct Run {
    /// The exit status (-1 when killed by a signal).
    pub status: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Asserts exit status 0 and returns standard output.
    pub fn ok(&self) -> &str {
        assert_eq!(self.status, 0, "expected success: {self:#?}");
        &self.stdout
    }

    /// Asserts the exit status and returns standard error.
    pub fn failed(&self, status: i32) -> &str {
        assert_eq!(
            self.status, status,
            "expected exit status {status}: {self:#?}"
        );
        &self.stderr
    }
}

/// The tool built for these tests.
pub fn xmlrpc_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_xmlrpc-cli"))
}

/// Runs the tool with `args` (no password in the environment).
pub fn xmlrpc(args: &[&str]) -> Run {
    xmlrpc_with(args, &[])
}

/// Runs the tool with `args` and extra environment variables.
pub fn xmlrpc_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(xmlrpc_bin())
        .args(args)
        .env_remove("XMLRPC_PASSWORD")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("cannot run the xmlrpc-cli binary");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Whether a program this test needs can run; otherwise prints a loud SKIP, or fails
/// under `CI=true`.
pub fn available(program: &str, probe: &[&str]) -> bool {
    let runs = Command::new(program)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !runs {
        skip(&format!("{program} is not available"));
    }
    runs
}

/// Reports a skipped test: loudly, and as a failure under `CI=true`.
pub fn skip(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and {why}");
    }
    // Written to stderr directly: the test harness captures `eprintln!` of passing tests.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("\n**** SKIP: {why} ****\n").as_bytes(),
    );
}

/// A peer server process, killed when dropped.
pub struct Peer {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl Peer {
    /// The peer's URL with `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Starts a Python script from `tests/cli_peers/` that prints its port first.
    pub fn python(script: &str, args: &[&str]) -> Peer {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cli_peers")
            .join(script);
        let mut child = Command::new("python3")
            .arg(&path)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start python3");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let port = read
            .ok()
            .and_then(|_| line.trim().parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("{script} printed no port: {line:?}")
            });
        Peer { child, port }
    }

    /// Starts a server command with `{PORT}` replaced by a free port, and waits (bounded)
    /// until it accepts connections.
    pub fn command(program: &Path, args: &[&str]) -> Peer {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("no free port")
            .port();
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("{PORT}", &port.to_string()))
            .collect();
        let child = Command::new(program)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let mut peer = Peer { child, port };
        for _ in 0..600 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return peer;
            }
            if let Ok(Some(status)) = peer.child.try_wait() {
                panic!("{} exited early: {status}", program.display());
            }
            thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "{} never accepted connections on port {port}",
            program.display()
        );
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The target directory the tool was built in (`.../debug/xmlrpc-cli` -> `...`).
pub fn target_dir() -> PathBuf {
    let bin = xmlrpc_bin();
    bin.parent()
        .and_then(Path::parent)
        .expect("the binary lives in <target>/<profile>/")
        .to_path_buf()
}

/// A fresh temporary directory for one test, removed first if a previous run left it.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xmlrpc-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("cannot create a temporary directory");
    dir
}

/// Builds the crate `gen-check-<name>` in `dir` (generated modules already in
/// `dir/src/*.rs`) as the library `gen_check`, warnings denied, plus `main_rs` as its
/// program; runs the program with `url` and returns its standard output. Panics with the
/// compiler's or the program's messages.
///
/// The crate lives outside the workspace and depends on the workspace crates by path, with
/// the workspace's lock file, so the versions are the ones already downloaded.
pub fn build_and_run(name: &str, dir: &Path, main_rs: &str, url: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut modules: Vec<String> = std::fs::read_dir(dir.join("src"))
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(str::to_string)
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    modules.sort();
    let lib: String = modules.iter().map(|m| format!("pub mod {m};\n")).collect();
    std::fs::write(
        dir.join("src/lib.rs"),
        format!("#![deny(warnings)]\n\n{lib}"),
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), main_rs).unwrap();
    let manifest = format!(
        r#"[package]
name = "gen-check-{name}"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
name = "gen_check"

[workspace]

[dependencies]
xmlrpc-core = {{ path = "{root}/xmlrpc-core" }}
xmlrpc-macros = {{ path = "{root}/xmlrpc-macros" }}
xmlrpc-client = {{ path = "{root}/xmlrpc-client", default-features = false }}
serde_bytes = "0.11"
tokio = {{ version = "1", features = ["rt", "macros"] }}
"#,
        root = root.display()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // A target directory of its own: the outer `cargo test` holds the lock of its own one.
    // Crates of different names share it (and its built dependencies) without clashing.
    let run = Command::new(cargo)
        .args(["run", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--")
        .arg(url)
        .env("CARGO_TARGET_DIR", target_dir().join("cli-gen-check"))
        .output()
        .expect("cannot run cargo");
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "the generated code failed to build or run:\n{}\n{stdout}",
        String::from_utf8_lossy(&run.stderr)
    );
    stdout
}
