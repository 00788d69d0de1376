//! The `xmlrpc-cli` tool end to end against our own `interop-server` (the `examples` crate):
//! the types only our server keeps (`i8`, nil), its introspection, multicall, faults, and
//! `gen` of its two services compiled and called.
//!
//! The server binary is not built here: set `XMLRPC_INTEROP_SERVER` to it, or build it into
//! the workspace's or this test's target directory (`cargo build -p examples --bin
//! interop-server`). Without it the tests SKIP loudly (and fail under `CI=true`).

#![cfg(feature = "cli")]

#[path = "cli_peers/support.rs"]
mod support;

use std::path::{Path, PathBuf};

use support::{skip, target_dir, temp_dir, xmlrpc, Peer};

/// The interop server binary, if one was built.
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

/// A running interop server, or `None` after a loud SKIP.
fn interop() -> Option<Peer> {
    match server_binary() {
        Some(binary) => Some(Peer::command(&binary, &["--listen", "127.0.0.1:{PORT}"])),
        None => {
            skip("no interop-server binary (set XMLRPC_INTEROP_SERVER or build it)");
            None
        }
    }
}

#[test]
fn call_keeps_every_type_and_reports_faults() {
    let Some(server) = interop() else { return };
    let url = server.url("/RPC2");
    for (arg, printed) in [
        ("i8:5000000000", "i8:5000000000"),
        ("5000000000", "i8:5000000000"),
        ("nil", "nil"),
        ("double:1", "1.0"),
        (
            "{\"big\": \"i8:1\", \"when\": \"date:20260101T00:00:00\", \"raw\": \"base64:AA==\"}",
            "{\"big\": \"i8:1\", \"when\": \"date:20260101T00:00:00\", \"raw\": \"base64:AA==\"}",
        ),
        ("[\"string:i8:1\", []]", "[\"string:i8:1\", []]"),
    ] {
        let out = xmlrpc(&["call", &url, "interop.echo", arg]);
        assert_eq!(out.ok().trim_end(), printed, "argument {arg}");
    }
    let out = xmlrpc(&["call", &url, "interop.echoI8", "i8:-9223372036854775808"]);
    assert_eq!(out.ok(), "i8:-9223372036854775808\n");
    let out = xmlrpc(&["call", &url, "interop.nil"]);
    assert_eq!(out.ok(), "nil\n");
    let out = xmlrpc(&[
        "call",
        "--json",
        &url,
        "validator1.simpleStructReturnTest",
        "7",
    ]);
    let json: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"times10": 70, "times100": 700, "times1000": 7000})
    );
    let out = xmlrpc(&["call", "--xml", &url, "interop.echoI8", "i8:3"]);
    assert!(out.ok().contains("<i8>3</i8>"), "{}", out.stdout);

    let out = xmlrpc(&["call", &url, "interop.fault", "-4", "exactly <this> & that"]);
    assert_eq!(out.failed(1), "fault -4: exactly <this> & that\n");
    let out = xmlrpc(&["call", &url, "interop.add", "1"]);
    assert!(out.failed(1).starts_with("fault "), "{}", out.stderr);
    let out = xmlrpc(&["call", &url, "interop.add", "2147483647", "1"]);
    assert_eq!(out.status, 1, "{out:?}");
}

#[test]
fn introspection_and_multicall() {
    let Some(server) = interop() else { return };
    let url = server.url("/");
    let out = xmlrpc(&["list", &url]);
    for name in [
        "interop.add",
        "validator1.manyTypesTest",
        "system.multicall",
    ] {
        assert!(
            out.ok().lines().any(|l| l == name),
            "{name}: {}",
            out.stdout
        );
    }
    let out = xmlrpc(&["help", &url, "interop.echoI8"]);
    assert!(
        out.ok().starts_with("interop.echoI8(i8) -> i8\n\n"),
        "{}",
        out.stdout
    );
    let out = xmlrpc(&["describe", &url]);
    let table = out.ok();
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("interop.add ") && l.contains("(int, int) -> int")),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("interop.echo ") && l.contains(" ? ")),
        "{table}"
    );
    let out = xmlrpc(&[
        "multicall",
        &url,
        "-c",
        "interop.add",
        "1",
        "2",
        "-c",
        "interop.echoI8",
        "i8:9",
        "-c",
        "interop.fault",
        "3",
        "no",
    ]);
    assert_eq!(
        out.stdout,
        "[1] interop.add: 3\n[2] interop.echoI8: i8:9\n[3] interop.fault: fault 3: no\n"
    );
    assert_eq!(out.status, 1);
    let out = xmlrpc(&["-v", "multicall", &url, "-c", "interop.nil"]);
    assert_eq!(out.ok(), "[1] interop.nil: nil\n");
    assert!(out.stderr.contains("system.multicall"), "{}", out.stderr);
}

#[test]
fn generated_traits_of_both_services_compile_and_call() {
    let Some(server) = interop() else { return };
    let url = server.url("/RPC2");
    let dir = temp_dir("gen-interop");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    for (name, namespace) in [("Interop", "interop"), ("Validator1", "validator1")] {
        let file = dir.join(format!("src/{namespace}.rs"));
        let out = xmlrpc(&[
            "gen",
            &url,
            "--trait",
            name,
            "--namespace",
            namespace,
            "-o",
            file.to_str().unwrap(),
        ]);
        out.ok();
    }
    let interop = std::fs::read_to_string(dir.join("src/interop.rs")).unwrap();
    assert!(interop.contains("    #[xmlrpc(name = \"echoI8\")]\n    async fn echo_i8(&self, value: i64) -> Result<i64, Fault>;"), "{interop}");
    let validator = std::fs::read_to_string(dir.join("src/validator1.rs")).unwrap();
    assert!(
        validator.contains("async fn easy_struct_test(&self, stooges: Map) -> Result<i32, Fault>;"),
        "{validator}"
    );

    let main_rs = r#"use gen_check::{interop::InteropClient, validator1::Validator1Client};
use xmlrpc_core::{Map, Value};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: gen-check URL")?;
    let interop = InteropClient::from_url(&url)?;
    assert_eq!(interop.echo_i8(5_000_000_000).await?, 5_000_000_000);
    assert_eq!(interop.add(40, 2).await?, 42);
    interop.nil().await?;
    let err = interop.fault(9, "nine".into()).await.unwrap_err();
    assert_eq!(err.fault_code(), Some(9));
    let validator = Validator1Client::from_url(&url)?;
    let mut stooges = Map::new();
    for (name, n) in [("moe", 1), ("larry", 2), ("curly", 3)] {
        stooges.insert(name.into(), Value::Int(n));
    }
    assert_eq!(validator.easy_struct_test(stooges).await?, 6);
    let multiples = validator.simple_struct_return_test(3).await?;
    assert_eq!(multiples.get("times1000"), Some(&Value::Int(3000)));
    println!("generated clients ok");
    Ok(())
}
"#;
    let stdout = support::build_and_run("interop", &dir, main_rs, &url);
    assert_eq!(stdout.trim(), "generated clients ok");
    let _ = std::fs::remove_dir_all(&dir);
}
