//! A client-only crate builds without xmlrpc-server and a server-only crate without
//! xmlrpc-client: each is a throwaway crate, checked by cargo, whose manifest lists only its
//! own side's runtime, with `#[xmlrpc_service]` choosing the side on its own.

use std::{fs, path::Path, process::Command};

const TRAIT: &str = r#"
/// A calculator.
#[xmlrpc_macros::xmlrpc_service(namespace = "calc")]
pub trait Calculator {
    /// Adds.
    async fn add(&self, a: i32, b: i32) -> i32;
    /// Scales.
    fn scale(&self, x: f64, by: Option<f64>) -> f64;
}
"#;

const CLIENT_USE: &str = r#"
/// Proves the client exists.
pub async fn sum(url: &str) -> Result<i32, xmlrpc_client::Error> {
    let calc = CalculatorClient::from_url(url)?;
    calc.add(1, 2).await
}
"#;

const SERVER_USE: &str = r#"
/// Proves the server exists.
pub fn service<T: Calculator>(imp: T) -> impl xmlrpc_server::Service {
    imp.into_service()
}
"#;

/// Writes a crate depending on `runtime` (and the macros) only, and checks it.
fn check_crate(name: &str, runtime: &str, extra: &str, code: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("sides")
        .join(name);
    fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n\
         xmlrpc-macros = {{ path = {macros:?} }}\n\
         {runtime} = {{ path = {runtime_path:?}{extra} }}\n",
        macros = root.join("xmlrpc-macros"),
        runtime_path = root.join(runtime),
    );
    fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    fs::write(
        dir.join("src/lib.rs"),
        format!("//! A one-sided crate.\n{TRAIT}{code}"),
    )
    .unwrap();
    // The workspace's lock file pins the same versions, so nothing needs the network.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("sides/target"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{name} failed to build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn one_sided_crates_build_without_the_other_runtime() {
    check_crate(
        "client-only",
        "xmlrpc-client",
        ", default-features = false",
        CLIENT_USE,
    );
    check_crate("server-only", "xmlrpc-server", "", SERVER_USE);
}
