// Raw identifiers as method and argument names; wire names drop the `r#`.
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Service;

#[xmlrpc_service]
pub trait Keywords {
    async fn r#type(&self, r#fn: i32, r#match: Option<String>) -> i32;
    fn r#loop(&self) -> bool;
}

struct K;

impl Keywords for K {
    async fn r#type(&self, r#fn: i32, _: Option<String>) -> i32 {
        r#fn
    }
    fn r#loop(&self) -> bool {
        true
    }
}

fn main() {
    let names: Vec<String> = K.into_service().methods().into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["type", "loop"]);
    let _ = |c: KeywordsClient| async move { c.r#type(1, None).await };
}
