//! The typed blocking stub `#[xmlrpc_service]` generates with `xmlrpc-client/blocking`: it
//! works on a plain thread and inside `spawn_blocking`, and dropping it in async code does not
//! panic.

use xmlrpc_core::Fault;
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Server;

#[xmlrpc_service(namespace = "kv")]
pub trait Store {
    /// Doubles.
    async fn double(&self, x: i32) -> i32;
    /// Fails for negative input.
    fn root(&self, x: f64) -> Result<f64, Fault>;
    /// Trailing optional argument.
    async fn greet(&self, name: String, greeting: Option<String>) -> String;
}

struct Impl;

impl Store for Impl {
    async fn double(&self, x: i32) -> i32 {
        x * 2
    }
    fn root(&self, x: f64) -> Result<f64, Fault> {
        if x < 0.0 {
            return Err(Fault::new(7, "negative"));
        }
        Ok(x.sqrt())
    }
    async fn greet(&self, name: String, greeting: Option<String>) -> String {
        format!("{}, {name}", greeting.as_deref().unwrap_or("hello"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typed_blocking_stub_works_wherever_blocking_is_allowed() {
    let server = Server::builder()
        .service(Impl.into_service())
        .build()
        .unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/RPC2", running.local_addr().unwrap());

    let in_pool = url.clone();
    let (double, fault, greeting) = tokio::task::spawn_blocking(move || {
        let store = StoreBlockingClient::from_url(&in_pool).unwrap();
        (
            store.double(21).unwrap(),
            store.root(-1.0).unwrap_err().fault_code(),
            store.greet("ann".into(), None).unwrap(),
        )
    })
    .await
    .unwrap();
    assert_eq!(
        (double, fault, greeting.as_str()),
        (42, Some(7), "hello, ann")
    );

    let on_thread = url.clone();
    let root = std::thread::spawn(move || {
        let store = StoreBlockingClient::from_url(&on_thread).unwrap();
        let clone = store.clone();
        drop(store);
        clone.root(9.0).unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(root, 3.0);

    // Built and dropped in async code (the call itself belongs on a blocking thread).
    let store = StoreBlockingClient::from_url(&url).unwrap();
    assert_eq!(store.client().as_async().endpoint(), url.as_str());
    drop(store);

    running.shutdown().await;
}
