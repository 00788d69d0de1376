//! What a fallible method's error becomes: its own `From<E> for Fault` where there is one,
//! else any `std::error::Error` (here `std::io::Error`, also through `io::Result`) as an
//! application fault with its message.

use std::io;

use xmlrpc_core::Fault;
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Server;

#[derive(Debug)]
pub struct Own;

impl std::fmt::Display for Own {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("own error")
    }
}

impl std::error::Error for Own {}

/// Both a `std::error::Error` and convertible: its own conversion wins.
impl From<Own> for Fault {
    fn from(_: Own) -> Fault {
        Fault::new(4, "chosen by From")
    }
}

#[xmlrpc_service(namespace = "files")]
pub trait Files {
    async fn read(&self, path: String) -> Result<String, io::Error>;
    fn size(&self, path: String) -> io::Result<u64>;
    async fn own(&self) -> Result<i32, Own>;
}

struct Impl;

impl Files for Impl {
    async fn read(&self, path: String) -> Result<String, io::Error> {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{path}: not found"),
        ))
    }
    fn size(&self, path: String) -> io::Result<u64> {
        if path == "big" {
            return Ok(1 << 40);
        }
        Err(io::Error::other("no size"))
    }
    async fn own(&self) -> Result<i32, Own> {
        Err(Own)
    }
}

#[tokio::test]
async fn std_errors_answer_application_faults_and_from_wins() {
    let server = Server::builder()
        .service(Impl.into_service())
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let files =
        FilesClient::from_url(&format!("http://{}/RPC2", running.local_addr().unwrap())).unwrap();

    let err = files.read("a.txt".into()).await.unwrap_err();
    assert_eq!(err.fault_code(), Some(Fault::APPLICATION_ERROR));
    assert_eq!(err.fault_string(), Some("a.txt: not found"));
    assert_eq!(files.size("big".into()).await.unwrap(), 1 << 40);
    let err = files.size("x".into()).await.unwrap_err();
    assert_eq!(err.fault_string(), Some("no size"));
    let err = files.own().await.unwrap_err();
    assert_eq!(
        (err.fault_code(), err.fault_string()),
        (Some(4), Some("chosen by From"))
    );
    running.shutdown().await;
}
