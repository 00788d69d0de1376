// `#[cfg]` on a method removes it from the trait, the dispatch table and the client.
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Service;

#[xmlrpc_service]
pub trait Gated {
    #[cfg(any())]
    async fn never(&self) -> i32;
    async fn always(&self) -> i32;
    #[cfg(all())]
    fn kept(&self) -> i32;
}

struct G;

impl Gated for G {
    async fn always(&self) -> i32 {
        1
    }
    fn kept(&self) -> i32 {
        2
    }
}

fn main() {
    let names: Vec<String> = G.into_service().methods().into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["always", "kept"]);
}
