//! Our client against independent servers: Python's `SimpleXMLRPCServer` and Perl's
//! `RPC::XML::Server`. Every type goes out and comes back; faults arrive as faults.

use std::process::Command;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use xmlrpc_client::Client;
use xmlrpc_core::{DateTime, Map, Value};

use crate::peers::{self, available, require, PeerServer};

fn every_type() -> Vec<Value> {
    let when: DateTime = "20261123T07:30:05".parse().expect("a date");
    let mut inner = Map::new();
    inner.insert(
        "list".into(),
        Value::Array(vec![Value::Int(1), Value::String("a".into())]),
    );
    inner.insert("nil".into(), Value::Nil);
    let mut outer = Map::new();
    outer.insert("nested".into(), Value::Struct(inner));
    outer.insert("empty".into(), Value::String(String::new()));
    vec![
        Value::Int(0),
        Value::Int(i32::MIN),
        Value::Int(i32::MAX),
        Value::Bool(true),
        Value::Bool(false),
        Value::String("ünïcödé 𝄞 <&> ]]> \"quoted\" 'single'".into()),
        Value::String("  kept  whitespace\n".into()),
        Value::Double(0.1),
        Value::Double(-1.5e-7),
        Value::Double(1.0e300),
        Value::DateTime(when),
        Value::Base64((0..=255).collect()),
        Value::Base64(Vec::new()),
        Value::Array(Vec::new()),
        Value::Array(vec![Value::Array(vec![Value::Int(2)]), Value::Bool(false)]),
        Value::Struct(Map::new()),
        Value::Struct(outer),
        Value::Nil,
    ]
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Record {
    name: String,
    count: i32,
    ratio: f64,
    tags: Vec<String>,
    blob: ByteBuf,
    missing: Option<i32>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_against_python_simplexmlrpcserver() {
    if !require(
        "python3",
        available("python3", &["-c", "import xmlrpc.server"]),
    ) {
        return;
    }
    let mut command = Command::new("python3");
    command.arg(peers::dir().join("python_server.py"));
    let peer = PeerServer::start(command);
    let client = Client::new(&peer.url()).expect("client");

    for value in every_type() {
        let back: Value = client.call("echo", (&value,)).await.expect("echo");
        assert_eq!(back, value, "Python echoed a different value");
    }
    let record = Record {
        name: "widget".into(),
        count: 3,
        ratio: 0.25,
        tags: vec!["a".into(), "b".into()],
        blob: ByteBuf::from(vec![0, 159, 255]),
        missing: None,
    };
    let back: Record = client.call("echo", (&record,)).await.expect("typed echo");
    assert_eq!(back, record);
    let kind: String = client
        .call("types", (ByteBuf::from(vec![1]),))
        .await
        .expect("types");
    assert_eq!(kind, "bytes", "base64 must arrive in Python as bytes");
    let kind: String = client.call("types", (3.0f64,)).await.expect("types");
    assert_eq!(kind, "float");
    assert_eq!(
        client.call::<i32, _>("add", (40, 2)).await.expect("add"),
        42
    );

    let err = client
        .call::<Value, _>("fault", (42, "the answer <&>"))
        .await
        .unwrap_err();
    assert!(err.is_fault(), "{err}");
    assert_eq!(err.fault_code(), Some(42));
    assert!(err.to_string().contains("the answer <&>"), "{err}");
    let err = client
        .call::<Value, _>("no.such.method", ())
        .await
        .unwrap_err();
    assert!(err.is_fault(), "{err}");

    let methods: Vec<String> = client.call("system.listMethods", ()).await.expect("list");
    for name in ["echo", "add", "fault", "system.multicall"] {
        assert!(
            methods.iter().any(|m| m == name),
            "{name} missing from {methods:?}"
        );
    }
    let help: String = client
        .call("system.methodHelp", ("add",))
        .await
        .expect("help");
    assert_eq!(help, "Adds two integers.");

    let mut batch = client.multicall();
    let sum = batch.add::<i32, _>("add", (1, 2)).expect("queue");
    let fault = batch.add::<i32, _>("fault", (7, "seven")).expect("queue");
    let echo = batch
        .add::<String, _>("echo", ("after the fault",))
        .expect("queue");
    let results = batch.send().await.expect("multicall");
    assert_eq!(results.get(&sum).expect("sum"), 3);
    assert_eq!(results.get(&fault).unwrap_err().fault_code(), Some(7));
    assert_eq!(results.get(&echo).expect("echo"), "after the fault");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_against_perl_rpc_xml_server() {
    if !require(
        "perl with RPC::XML",
        available("perl", &["-MRPC::XML::Server", "-e1"]),
    ) {
        return;
    }
    let mut command = Command::new("perl");
    command.arg(peers::dir().join("perl_server.pl"));
    let peer = PeerServer::start(command);
    let client = Client::new(&peer.url()).expect("client");

    // Perl speaks i8: 64-bit arithmetic comes back as <i8>.
    let sum: i64 = client
        .call("add64", (1i64 << 40, 5i64))
        .await
        .expect("add64");
    assert_eq!(sum, (1 << 40) + 5);
    let typed: Map = client.call("typed", ()).await.expect("typed");
    assert_eq!(typed["int"], Value::Int(7));
    assert_eq!(typed["i8"], Value::I8(9_007_199_254_740_993));
    assert_eq!(typed["double"], Value::Double(0.5));
    assert_eq!(typed["bool"], Value::Bool(true));
    assert_eq!(typed["nil"], Value::Nil);
    assert_eq!(typed["base64"], Value::Base64(vec![0, 255]));
    assert_eq!(
        typed["date"],
        Value::DateTime("20261123T07:30:05".parse().expect("date"))
    );
    assert_eq!(typed["string"], Value::String("42".into()));

    // Perl keeps no type on what it receives: `echo` re-encodes by look, so only values whose
    // look is their type come back as sent (booleans return as ints); `typed` covers the rest.
    for value in [
        Value::String("text <&> ünï".into()),
        Value::Double(2.5),
        Value::Nil,
        Value::Array(vec![Value::String("a".into()), Value::Struct(Map::new())]),
    ] {
        let back: Value = client.call("echo", (&value,)).await.expect("echo");
        assert_eq!(back, value, "Perl echoed a different value");
    }
    let err = client
        .call::<Value, _>("fault", (13, "thirteen"))
        .await
        .unwrap_err();
    assert_eq!(err.fault_code(), Some(13), "{err}");
    assert!(err.to_string().contains("thirteen"), "{err}");
}
