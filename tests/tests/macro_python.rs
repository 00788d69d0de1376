//! Python's standard `xmlrpc.client` calls a generated service: results, faults with their
//! codes, optional arguments, aliases, introspection and multicall.

use std::process::Command;

use serde::{Deserialize, Serialize};
use xmlrpc_core::Fault;
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Server;

#[derive(Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// What Python calls.
#[xmlrpc_service(namespace = "geo", server)]
pub trait Geometry {
    /// Adds two integers.
    async fn add(&self, a: i32, b: i32) -> i32;
    /// The point halfway between two points.
    async fn midpoint(&self, a: Point, b: Point) -> Point;
    /// Fails for a negative side.
    fn square_area(&self, side: f64) -> Result<f64, Fault>;
    /// Scales a vector, by 1 unless told otherwise.
    #[xmlrpc(alias = "stretch")]
    async fn scale(&self, values: Vec<f64>, factor: Option<f64>) -> Vec<f64>;
}

struct Geo;

impl Geometry for Geo {
    async fn add(&self, a: i32, b: i32) -> i32 {
        a + b
    }
    async fn midpoint(&self, a: Point, b: Point) -> Point {
        Point {
            x: (a.x + b.x) / 2.0,
            y: (a.y + b.y) / 2.0,
        }
    }
    fn square_area(&self, side: f64) -> Result<f64, Fault> {
        if side < 0.0 {
            Err(Fault::new(42, "negative side"))
        } else {
            Ok(side * side)
        }
    }
    async fn scale(&self, values: Vec<f64>, factor: Option<f64>) -> Vec<f64> {
        let f = factor.unwrap_or(1.0);
        values.into_iter().map(|v| v * f).collect()
    }
}

/// Python's side: asserts every answer and exits non-zero on the first mismatch.
const SCRIPT: &str = r#"
import sys, xmlrpc.client
p = xmlrpc.client.ServerProxy(sys.argv[1])
assert p.geo.add(2, 3) == 5
assert p.geo.midpoint({"x": 0.0, "y": 0.0}, {"x": 2.0, "y": 4.0}) == {"x": 1.0, "y": 2.0}
assert p.geo.square_area(3.0) == 9.0
try:
    p.geo.square_area(-1.0)
    raise SystemExit("expected a fault")
except xmlrpc.client.Fault as f:
    assert (f.faultCode, f.faultString) == (42, "negative side"), f
try:
    p.geo.add(1, "x")
    raise SystemExit("expected a fault")
except xmlrpc.client.Fault as f:
    assert f.faultCode == -32602, f
assert p.geo.scale([1.0, 2.0]) == [1.0, 2.0]
assert p.geo.scale([1.0, 2.0], 3.0) == [3.0, 6.0]
assert p.geo.stretch([1.0], 2.0) == [2.0]
names = p.system.listMethods()
for n in ["geo.add", "geo.midpoint", "geo.square_area", "geo.scale", "geo.stretch"]:
    assert n in names, (n, names)
assert p.system.methodHelp("geo.add") == "Adds two integers.\n\nCall: geo.add(a: int, b: int) -> int"
assert p.system.methodSignature("geo.add") == [["int", "int", "int"]]
assert p.system.methodSignature("geo.midpoint") == [["struct", "struct", "struct"]]
assert p.system.methodSignature("geo.scale") == [["array", "array"], ["array", "array", "double"]]
m = xmlrpc.client.MultiCall(p)
m.geo.add(1, 1)
m.geo.square_area(-2.0)
results = m()
assert results[0] == 2
try:
    results[1]
    raise SystemExit("expected a fault")
except xmlrpc.client.Fault as f:
    assert f.faultCode == 42, f
print("ok")
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_calls_a_generated_service() {
    let server = Server::builder()
        .service(Geo.into_service())
        .build()
        .expect("server builds");
    let running = server.bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/RPC2", running.local_addr().expect("tcp"));

    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg("-c")
            .arg(SCRIPT)
            .arg(url)
            .output()
    })
    .await
    .expect("joins")
    .expect("python3 runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(
        output.status.success() && stdout.trim() == "ok",
        "python failed:\n{stdout}\n{stderr}"
    );

    running.shutdown().await;
}
