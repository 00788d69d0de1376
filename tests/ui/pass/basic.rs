// Every supported method form: async and sync, `T` and `Result<T, E>` returns, unit returns,
// trailing optional arguments, names, aliases, help and signature overrides, serde structs.
use serde::{Deserialize, Serialize};
use xmlrpc_core::{Fault, Value};
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Service;

#[derive(Serialize, Deserialize)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

pub enum MyError {
    Negative,
}

impl From<MyError> for Fault {
    fn from(_: MyError) -> Fault {
        Fault::new(1, "negative")
    }
}

/// Geometry.
#[xmlrpc_service(namespace = "geo", rename_all = "camelCase")]
pub trait Geometry {
    /// Moves a point.
    async fn move_point(&self, p: Point, dx: i32, dy: Option<i32>) -> Point;
    #[xmlrpc(name = "len", alias = "length", help = "The length.")]
    async fn length(&self, p: Point) -> Result<f64, Fault>;
    #[xmlrpc(signature = [["int", "int"]])]
    fn checked(&self, n: i32) -> Result<i32, MyError>;
    async fn reset(&self);
    fn raw(&self, v: Value, items: Vec<String>) -> std::collections::BTreeMap<String, Value>;
    /// A default body.
    async fn twice(&self, n: i32) -> i32 {
        n * 2
    }
}

struct Impl;

impl Geometry for Impl {
    async fn move_point(&self, p: Point, dx: i32, dy: Option<i32>) -> Point {
        Point { x: p.x + dx, y: p.y + dy.unwrap_or(0) }
    }
    async fn length(&self, p: Point) -> Result<f64, Fault> {
        Ok(f64::from(p.x * p.x + p.y * p.y).sqrt())
    }
    fn checked(&self, n: i32) -> Result<i32, MyError> {
        if n < 0 { Err(MyError::Negative) } else { Ok(n) }
    }
    async fn reset(&self) {}
    fn raw(&self, v: Value, items: Vec<String>) -> std::collections::BTreeMap<String, Value> {
        items.into_iter().map(|k| (k, v.clone())).collect()
    }
}

fn main() {
    let server = Impl.into_service();
    let names: Vec<String> = server.methods().into_iter().map(|m| m.name).collect();
    assert_eq!(
        names,
        ["geo.movePoint", "geo.len", "geo.length", "geo.checked", "geo.reset", "geo.raw", "geo.twice"]
    );
    let _client = GeometryClient::from_url("http://127.0.0.1:1/RPC2");
}
