// A struct used as an argument needs `Deserialize` on the server and `Serialize` on the
// client: both missing derives are reported.
pub struct Point {
    pub x: i32,
}

#[xmlrpc_macros::xmlrpc_service]
pub trait Geo {
    async fn norm(&self, p: Point) -> i32;
}

fn main() {}
