//! The `xmlrpc-cli` tool end to end against Python's `SimpleXMLRPCServer` with introspection
//! (`tests/cli_peers/python_server.py`): every command, every argument syntax, faults,
//! options and exit statuses.

#![cfg(feature = "cli")]

#[path = "cli_peers/support.rs"]
mod support;

use support::{available, xmlrpc, xmlrpc_with, Peer};

/// The Python peer, or `None` (after a loud SKIP) without python3.
fn python(args: &[&str]) -> Option<Peer> {
    available("python3", &["--version"]).then(|| Peer::python("python_server.py", args))
}

#[test]
fn call_reads_every_argument_syntax_and_prints_types() {
    let Some(peer) = python(&[]) else { return };
    let url = peer.url("/RPC2");
    let file = support::temp_dir("b64").join("blob.bin");
    std::fs::write(&file, [0u8, 1, 254, 255]).unwrap();
    let blob = format!("base64:@{}", file.display());
    for (arg, printed) in [
        ("42", "42"),
        ("-7", "-7"),
        ("3.5", "3.5"),
        ("double:2", "2.0"),
        ("true", "true"),
        ("bool:0", "false"),
        ("nil", "nil"),
        ("hello", "\"hello\""),
        ("\"42\"", "\"42\""),
        ("string:nil", "\"nil\""),
        ("date:20260101T09:30:00", "date:20260101T09:30:00"),
        ("base64:SGVsbG8=", "base64:SGVsbG8="),
        (blob.as_str(), "base64:AAH+/w=="),
        ("[1, \"a\", null]", "[1, \"a\", null]"),
        (
            "{\"when\": \"date:20260102T00:00:00\", \"n\": 1}",
            "{\"when\": \"date:20260102T00:00:00\", \"n\": 1}",
        ),
    ] {
        let out = xmlrpc(&["call", &url, "demo.echo", arg]);
        assert_eq!(out.ok().trim_end(), printed, "argument {arg}");
    }
    // Python reads <i8> and answers with <int>; typed arguments reach typed methods.
    let out = xmlrpc(&["call", &url, "demo.add", "i8:2", "-5"]);
    assert_eq!(out.ok().trim_end(), "-3");
    let out = xmlrpc(&["call", &url, "demo.nextDay", "date:20261231T23:59:59"]);
    assert_eq!(out.ok().trim_end(), "date:20270101T23:59:59");
    let out = xmlrpc(&["call", &url, "demo.reverseBytes", "base64:AQID"]);
    assert_eq!(out.ok().trim_end(), "base64:AwIB");
    let out = xmlrpc(&["call", &url, "demo.nothing"]);
    assert_eq!(out.ok().trim_end(), "nil");
}

#[test]
fn call_prints_json_and_xml() {
    let Some(peer) = python(&[]) else { return };
    let url = peer.url("/RPC2");
    let out = xmlrpc(&[
        "call",
        "--json",
        &url,
        "demo.echo",
        "{\"a\": [1, 2.5, \"date:20260101T00:00:00\", \"base64:SGk=\", null]}",
    ]);
    let json: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"a": [1, 2.5, "20260101T00:00:00", "SGk=", null]})
    );
    let out = xmlrpc(&["call", "--xml", &url, "demo.add", "2", "3"]);
    let xml = out.ok();
    assert!(xml.contains("<methodResponse>"), "{xml}");
    assert!(xml.contains("<int>5</int>"), "{xml}");
    // A fault printed raw still exits 1.
    let out = xmlrpc(&["call", "--xml", &url, "demo.fail", "3", "no"]);
    assert!(out.failed(1).contains("fault 3: no"));
    assert!(out.stdout.contains("<fault>"), "{}", out.stdout);
}

#[test]
fn faults_exit_1_and_other_errors_exit_2() {
    let Some(peer) = python(&[]) else { return };
    let url = peer.url("/RPC2");
    let out = xmlrpc(&["call", &url, "demo.fail", "7", "the <disk> is full"]);
    assert_eq!(out.failed(1).trim_end(), "fault 7: the <disk> is full");
    assert!(out.stdout.is_empty());
    let out = xmlrpc(&["call", &url, "no.such.method"]);
    assert!(out.failed(1).contains("no.such.method"), "{}", out.stderr);

    let out = xmlrpc(&["call", &peer.url("/wrong"), "demo.add", "1", "2"]);
    let err = out.failed(2);
    assert!(err.contains("404") && err.contains("hint"), "{err}");
    let out = xmlrpc(&["call", &url, "demo.add", "int:x", "2"]);
    assert!(
        out.failed(2).contains("argument 1: int:x"),
        "{}",
        out.stderr
    );
    let out = xmlrpc(&["call", "ftp://example.com/", "m"]);
    assert!(
        out.failed(2).contains("unsupported URL scheme"),
        "{}",
        out.stderr
    );
    let out = xmlrpc(&["call", &url]);
    assert!(out.failed(2).contains("METHOD"), "{}", out.stderr);

    // A port nobody listens on: the listener is closed before the call.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = xmlrpc(&["call", &format!("http://127.0.0.1:{closed}/"), "m"]);
    assert!(
        out.failed(2).contains("is the server running"),
        "{}",
        out.stderr
    );

    let out = xmlrpc(&["--timeout", "0.3", "call", &url, "demo.sleep", "3"]);
    assert!(out.failed(2).contains("timed out"), "{}", out.stderr);
}

#[test]
fn list_help_and_describe() {
    let Some(peer) = python(&[]) else { return };
    let url = peer.url("/RPC2");
    let out = xmlrpc(&["list", &url]);
    let names: Vec<&str> = out.ok().lines().collect();
    assert!(
        names.contains(&"demo.add") && names.contains(&"system.listMethods"),
        "{names:?}"
    );
    let out = xmlrpc(&["list", "--json", &url]);
    let json: Vec<String> = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(json, names);

    let out = xmlrpc(&["help", &url, "demo.concatText"]);
    assert_eq!(
        out.ok(),
        "demo.concatText(string, string) -> string\n\nJoins two strings.\n\n\
         The second follows the first without a separator.\n"
    );
    let out = xmlrpc(&["help", &url, "demo.echo"]);
    assert!(out
        .ok()
        .starts_with("demo.echo(...): no signature published\n\nReturns its argument"));
    let out = xmlrpc(&["help", "--json", &url, "demo.add"]);
    let json: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"name": "demo.add", "signatures": [["int", "int", "int"]], "help": "Adds two integers."})
    );
    let out = xmlrpc(&["help", &url, "demo.missing"]);
    assert!(
        out.failed(2).contains("no method \"demo.missing\""),
        "{}",
        out.stderr
    );

    // With and without system.multicall (one call per question), the same table.
    let with = xmlrpc(&["describe", &url]);
    let table = with.ok();
    assert!(table.starts_with("METHOD"), "{table}");
    assert!(
        table.lines().any(|l| l.starts_with("demo.add ")
            && l.contains("(int, int) -> int")
            && l.ends_with("Adds two integers.")),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("demo.echo ") && l.contains(" ? ")),
        "{table}"
    );
    let Some(plain) = python(&["--no-multicall"]) else {
        return;
    };
    let without = xmlrpc(&["describe", &plain.url("/RPC2")]);
    let plain_table = without.ok().replace("system.multicall", "");
    assert_eq!(
        plain_table
            .lines()
            .filter(|l| l.starts_with("demo."))
            .collect::<Vec<_>>(),
        table
            .lines()
            .filter(|l| l.starts_with("demo."))
            .collect::<Vec<_>>()
    );
    let out = xmlrpc(&["describe", "--json", &url]);
    let json: Vec<serde_json::Value> = serde_json::from_str(out.ok()).unwrap();
    assert!(json.iter().any(|m| m["name"] == "demo.scale"
        && m["signatures"] == serde_json::json!([["double", "double", "double"]])));
}

#[test]
fn multicall_prints_each_answer_in_order() {
    let Some(peer) = python(&[]) else { return };
    let url = peer.url("/RPC2");
    let out = xmlrpc(&[
        "multicall",
        &url,
        "--call",
        "demo.add",
        "2",
        "-3",
        "--call",
        "demo.fail",
        "4",
        "bad",
        "--call",
        "demo.echo",
        "[1, {\"k\": \"v\"}]",
    ]);
    assert_eq!(
        out.stdout,
        "[1] demo.add: -1\n[2] demo.fail: fault 4: bad\n[3] demo.echo: [1, {\"k\": \"v\"}]\n"
    );
    assert!(out.failed(1).contains("1 of 3 calls"), "{}", out.stderr);

    let file = support::temp_dir("calls").join("calls.json");
    std::fs::write(
        &file,
        r#"[["demo.add", 1, 2], {"methodName": "demo.negate", "params": [true]}]"#,
    )
    .unwrap();
    let out = xmlrpc(&["multicall", &url, "--file", file.to_str().unwrap()]);
    assert_eq!(out.ok(), "[1] demo.add: 3\n[2] demo.negate: false\n");
    let out = xmlrpc(&["multicall", "--json", &url, "-f", file.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(json, serde_json::json!([3, false]));
    let out = xmlrpc(&["multicall", "--json", &url, "-c", "demo.fail", "5", "x"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{"faultCode": 5, "faultString": "x"}])
    );
    assert_eq!(out.status, 1);
    let out = xmlrpc(&["multicall", "--xml", &url, "-c", "demo.add", "1", "1"]);
    assert!(out.ok().contains("<int>2</int>"), "{}", out.stdout);

    let out = xmlrpc(&["multicall", &url, "--file", "/nonexistent/calls.json"]);
    assert!(out.failed(2).contains("cannot read"), "{}", out.stderr);
    let Some(plain) = python(&["--no-multicall"]) else {
        return;
    };
    let out = xmlrpc(&["multicall", &plain.url("/RPC2"), "-c", "demo.add", "1", "1"]);
    assert!(out.failed(1).contains("system.multicall"), "{}", out.stderr);
}

#[test]
fn credentials_headers_and_verbose() {
    let Some(peer) = python(&["--auth", "ann:s3cret"]) else {
        return;
    };
    let url = peer.url("/RPC2");
    let out = xmlrpc(&["call", &url, "demo.add", "1", "2"]);
    assert!(out.failed(2).contains("401"), "{}", out.stderr);
    assert!(out.stderr.contains("--user"), "{}", out.stderr);
    let out = xmlrpc(&[
        "call",
        "--user",
        "ann",
        "--password",
        "s3cret",
        &url,
        "demo.add",
        "1",
        "2",
    ]);
    assert_eq!(out.ok(), "3\n");
    let out = xmlrpc_with(
        &["call", "--user", "ann", &url, "demo.add", "1", "2"],
        &[("XMLRPC_PASSWORD", "s3cret")],
    );
    assert_eq!(out.ok(), "3\n");
    let in_url = format!("http://ann:s3cret@127.0.0.1:{}/RPC2", peer.port);
    let out = xmlrpc(&["call", &in_url, "demo.add", "1", "2"]);
    assert_eq!(out.ok(), "3\n");

    let out = xmlrpc(&[
        "call",
        &in_url,
        "demo.header",
        "X-Trace",
        "-H",
        "X-Trace: abc 123",
    ]);
    assert_eq!(out.ok(), "\"abc 123\"\n");
    let out = xmlrpc(&["call", &in_url, "demo.add", "1", "2", "-H", "no colon"]);
    assert!(out.failed(2).contains("Name: value"), "{}", out.stderr);

    let out = xmlrpc(&["-v", "call", &in_url, "demo.add", "1", "2"]);
    assert_eq!(out.ok(), "3\n");
    let err = &out.stderr;
    assert!(err.contains("> POST http://127.0.0.1:"), "{err}");
    assert!(err.contains("> authorization: (hidden)"), "{err}");
    assert!(
        !err.contains("s3cret") && !err.contains("YW5uOnMzY3JldA"),
        "{err}"
    );
    assert!(err.contains("<methodName>demo.add</methodName>"), "{err}");
    assert!(err.contains("< 200 OK"), "{err}");
    assert!(err.contains("<methodResponse>"), "{err}");
}

#[test]
fn help_has_examples_for_every_command() {
    let out = xmlrpc(&["--help"]);
    assert!(out.ok().contains("Examples:"));
    for command in ["call", "list", "help", "describe", "multicall", "gen"] {
        let out = xmlrpc(&[command, "--help"]);
        assert!(
            out.ok().contains("xmlrpc-cli "),
            "{command}: {}",
            out.stdout
        );
    }
    let out = xmlrpc(&["call", "--help"]);
    assert!(out.ok().contains("base64:@file.bin"));
    let out = xmlrpc(&["frobnicate"]);
    assert_eq!(out.status, 2);
}

#[test]
fn unix_socket_targets() {
    let dir = support::temp_dir("unix");
    let socket = dir.join("rpc.sock");
    let Some(_peer) = python(&["--unix", socket.to_str().unwrap()]) else {
        return;
    };
    let url = format!("unix://{}?path=/RPC2", socket.display());
    let out = xmlrpc(&["call", &url, "demo.add", "2", "3"]);
    assert_eq!(out.ok(), "5\n");
    let out = xmlrpc(&["describe", &url]);
    assert!(out.ok().contains("(int, int) -> int"), "{}", out.stdout);
    let out = xmlrpc(&["list", &format!("unix://{}?path=/nope", socket.display())]);
    assert!(out.failed(2).contains("404"), "{}", out.stderr);
    // The exchange is shown on every kind of target, from the client's own wire observer.
    let out = xmlrpc(&["-v", "call", &url, "demo.add", "2", "3"]);
    assert_eq!(out.ok(), "5\n");
    assert!(out.stderr.contains("> POST unix://"), "{}", out.stderr);
    assert!(out.stderr.contains("<int>5</int>"), "{}", out.stderr);
    let out = xmlrpc(&["call", "--xml", &url, "demo.add", "2", "3"]);
    assert!(out.ok().contains("<int>5</int>"), "{}", out.stdout);
    let missing = format!("unix://{}", dir.join("missing.sock").display());
    let out = xmlrpc(&["call", &missing, "demo.add", "2", "3"]);
    assert!(out.failed(2).contains("cannot connect"), "{}", out.stderr);
}

#[test]
fn scgi_targets() {
    let Some(peer) = python(&["--scgi"]) else {
        return;
    };
    let url = format!("scgi://127.0.0.1:{}/RPC2", peer.port);
    let out = xmlrpc(&["call", &url, "demo.add", "2", "3"]);
    assert_eq!(out.ok(), "5\n");
    // Headers travel as HTTP_* variables.
    let out = xmlrpc(&["-H", "X-Trace: t1", "call", &url, "demo.header", "X-Trace"]);
    assert_eq!(out.ok(), "\"t1\"\n");
    let out = xmlrpc(&[
        "multicall",
        &url,
        "-c",
        "demo.add",
        "1",
        "1",
        "-c",
        "demo.fail",
        "2",
        "x",
    ]);
    assert_eq!(out.stdout, "[1] demo.add: 2\n[2] demo.fail: fault 2: x\n");
    assert_eq!(out.status, 1);
    let out = xmlrpc(&["help", &url, "demo.scale"]);
    assert!(
        out.ok()
            .starts_with("demo.scale(double, double) -> double\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn multicall_reads_calls_from_standard_input() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    let Some(peer) = python(&[]) else { return };
    let mut child = Command::new(support::xmlrpc_bin())
        .args(["multicall", &peer.url("/RPC2"), "--file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(br#"[["demo.concatText", "a", "string:i8:1"]]"#)
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "[1] demo.concatText: \"ai8:1\"\n"
    );
}
