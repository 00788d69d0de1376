//! An async XML-RPC client over HTTP(S), Unix sockets and SCGI.
//!
//! ```no_run
//! use xmlrpc_client::{Client, Value};
//!
//! # async fn run() -> Result<(), xmlrpc_client::Error> {
//! let client = Client::new("http://127.0.0.1:8000/RPC2")?;
//!
//! // Typed: parameters as a tuple, the result deserialized.
//! let sum: i32 = client.call("add", (2, 3)).await?;
//!
//! // Dynamic: parameters and result as `Value`s, exact wire types kept.
//! let echoed = client.call_value("echo", vec![Value::Base64(b"\x00\x01".to_vec())]).await?;
//!
//! // Faults are errors a caller can act on.
//! match client.call::<i32, _>("divide", (1, 0)).await {
//!     Err(e) if e.is_fault() => println!("fault {:?}: {:?}", e.fault_code(), e.fault_string()),
//!     other => println!("{other:?}"),
//! }
//!
//! // Many calls in one round trip; each answer is its own `Result`.
//! let mut batch = client.multicall();
//! let a = batch.add::<i32, _>("add", (1, 2))?;
//! let b = batch.add::<Vec<String>, _>("system.listMethods", ())?;
//! let results = batch.send().await?;
//! println!("{} {:?} {echoed:?} {sum}", results.get(&a)?, results.get(&b));
//! # Ok(())
//! # }
//! ```
//!
//! Configuration goes through [`Client::builder`]; building touches no network:
//!
//! ```
//! use std::time::Duration;
//! use xmlrpc_client::Client;
//!
//! let supervisor = Client::builder("/run/supervisor.sock")
//!     .http_path("/RPC2")
//!     .timeout(Duration::from_secs(5))
//!     .build()?;
//! assert_eq!(supervisor.endpoint(), "unix:///run/supervisor.sock?path=/RPC2");
//!
//! let rtorrent = Client::new("scgi://127.0.0.1:5000")?;
//! assert_eq!(rtorrent.endpoint(), "scgi://127.0.0.1:5000/RPC2");
//!
//! let err = Client::new("ftp://example.com/").unwrap_err();
//! assert!(err.to_string().contains("unsupported URL scheme"));
//! # Ok::<(), xmlrpc_client::Error>(())
//! ```
//!
//! # Targets
//!
//! | URL | transport |
//! |---|---|
//! | `http://host:port/path` | HTTP/1.1 with keep-alive: sequential calls use one connection, concurrent calls one each (hyper; through reqwest when the environment names a proxy) |
//! | `https://...` | the same over TLS (rustls with the `ring` provider and the `webpki-roots` CAs; feature `tls`, on by default) |
//! | `http://user:pass@host/...` | the same, with HTTP Basic auth (also [`ClientBuilder::basic_auth`]) |
//! | `/path/to.sock` (a plain absolute path, taken literally) or `unix:///path/to.sock[?path=/RPC2]` (percent-encoded) | HTTP/1.1 with keep-alive over a Unix socket (hyper, one connection for sequential calls), HTTP path default `/RPC2`, or [`ClientBuilder::http_path`] |
//! | `scgi://host:port[/path]` | SCGI over TCP (rtorrent), one connection per call |
//! | `scgi+unix:///path/to.sock[?path=/RPC2]` | SCGI over a Unix socket |
//!
//! [`Client::with_transport`] takes a caller-supplied [`Transport`] instead: a mock in tests,
//! or a network the built-in transports do not reach.
//!
//! # Retries only where safe
//!
//! XML-RPC methods need not be idempotent, so a plain call is never repeated: after a
//! [timeout](Error::is_timeout) or a broken connection it may or may not have run.
//! [`Error::is_connect`] (never sent) and [`Error::is_overload`] (HTTP 503, refused) mark
//! the cases where trying again is known to be safe. Calls declared idempotent, with
//! `#[xmlrpc(idempotent)]` on a service method or [`Client::call_idempotent`] for a dynamic
//! call, are retried in those cases (and on the server's overload fault) under the
//! [`RetryPolicy`] of [`ClientBuilder::retry_policy`]: bounded attempts and time, exponential
//! backoff with jitter, `Retry-After` honoured.
//!
//! # Limits
//!
//! Every call has a timeout (30 s by default, connecting included), responses are capped
//! (32 MiB by default, also after gzip decoding) and decoded with the codec's
//! [`Limits`]. Nothing a server sends makes the client panic.
//!
//! # Features
//!
//! - `tls` (default): `https://` through rustls with the webpki roots.
//! - `blocking`: `blocking::Client`, a facade for code without an async runtime, and the
//!   typed `<Trait>BlockingClient` stubs of `#[xmlrpc_service]`.
//! - `cli`: the `xmlrpc-cli` command-line tool (`cargo install --locked --path xmlrpc-client
//!   --features cli`); adds clap and serde_json, the library does not use them.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod client;
mod custom;
mod error;
mod multicall;
mod retry;
mod target;
mod transport;
mod wire;

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;

pub use builder::{
    ClientBuilder, DEFAULT_GZIP_REQUEST_THRESHOLD, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT,
};
pub use client::Client;
pub use custom::{Transport, TransportFuture};
pub use error::Error;
pub use multicall::{Handle, Multicall, MulticallResults};
pub use retry::RetryPolicy;
pub use wire::WireEvent;
pub use xmlrpc_core::{DateTime, EncodeOptions, EncodedValue, Fault, Limits, Map, Value};

#[doc(hidden)]
pub mod __private;
