// `server` alone generates no client, and a return type that can only be encoded is fine:
// its signature position is `undef`.
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Service;

#[derive(serde::Serialize)]
pub struct Report {
    pub lines: Vec<String>,
}

#[xmlrpc_service(server)]
pub trait Reports {
    fn report(&self) -> Report;
}

#[allow(dead_code)]
struct ReportsClient;

struct R;

impl Reports for R {
    fn report(&self) -> Report {
        Report { lines: Vec::new() }
    }
}

fn main() {
    let methods = R.into_service().methods();
    assert_eq!(methods[0].name, "report");
}
