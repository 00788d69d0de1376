//! Python's standard `xmlrpc.client` calls our server: plain calls, introspection,
//! multicall, faults, Binary, None, gzip.

mod common;

use common::WAIT;
use xmlrpc_server::Server;

const SCRIPT: &str = r#"
import sys, xmlrpc.client as x

url = sys.argv[1]
p = x.ServerProxy(url, allow_none=True, use_builtin_types=True)

assert p.add(2, 3) == 5
assert p.echo("héllo <&>") == "héllo <&>"
assert p.echo([1, 2.5, True, {"k": "v"}]) == [1, 2.5, True, {"k": "v"}]
assert p.echo(None) is None
assert p.nothing() is None
assert p.echo(b"\x00\x01binary\xff") == b"\x00\x01binary\xff"
assert p.big() == 2**40  # <i8> parses in Python

try:
    p.fail(42, "the answer")
    raise AssertionError("no fault")
except x.Fault as f:
    assert f.faultCode == 42 and f.faultString == "the answer", f

try:
    p.nope()
    raise AssertionError("no fault")
except x.Fault as f:
    assert f.faultCode == -32601, f

try:
    p.add(1, "two")
    raise AssertionError("no fault")
except x.Fault as f:
    assert f.faultCode == -32602, f

names = p.system.listMethods()
assert "add" in names and "system.multicall" in names, names
assert p.system.methodHelp("add") == ""
assert p.system.methodSignature("echo") == "undef"
assert p.system.methodSignature("add") == [["int", "int", "int"]], p.system.methodSignature("add")
caps = p.system.getCapabilities()
assert caps["faults_interop"]["specVersion"] == 20010516, caps

mc = x.MultiCall(p)
mc.add(1, 2)
mc.fail(3, "three")
mc.echo(b"bin")
results = mc()
assert results[0] == 3
try:
    results[1]
    raise AssertionError("no fault")
except x.Fault as f:
    assert f.faultCode == 3 and f.faultString == "three", f
assert results[2] == b"bin"

# A large answer travels gzip-encoded (xmlrpc.client sends Accept-Encoding: gzip).
assert p.echo("z" * 20000) == "z" * 20000

print("python-ok")
"#;

#[tokio::test]
async fn python_xmlrpc_client_talks_to_the_server() {
    let python = match which_python() {
        Some(p) => p,
        None => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("python3 is required in CI for the interop test");
            }
            eprintln!("SKIP python_xmlrpc_client_talks_to_the_server: python3 not found");
            return;
        }
    };
    let server = Server::builder()
        .register(
            xmlrpc_server::Method::new("add", |(a, b): (i32, i32)| async move {
                Ok::<_, xmlrpc_core::Fault>(a + b)
            })
            .returns("int"),
        )
        .method("echo", |(v,): (xmlrpc_core::Value,)| async move {
            Ok::<_, xmlrpc_core::Fault>(v)
        })
        .method("fail", |(code, msg): (i32, String)| async move {
            Err::<(), _>(xmlrpc_core::Fault::new(code, msg))
        })
        .method("big", |(): ()| async move {
            Ok::<_, xmlrpc_core::Fault>(1i64 << 40)
        })
        .method("nothing", |(): ()| async move {
            Ok::<Option<i32>, xmlrpc_core::Fault>(None)
        })
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/RPC2", running.local_addr().unwrap());
    let output = tokio::time::timeout(
        WAIT,
        tokio::process::Command::new(python)
            .arg("-c")
            .arg(SCRIPT)
            .arg(&url)
            .output(),
    )
    .await
    .expect("python finishes")
    .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("python-ok"),
        "python failed:\n{stdout}\n{stderr}"
    );
    assert!(running.stats().completed >= 10);
    running.shutdown().await;
}

fn which_python() -> Option<&'static str> {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| "python3")
}
