//! A bounded, pooled XML-RPC server on tokio and hyper (being built).

mod service;

pub use service::{BoxFuture, CallContext, CallResult, Service};

#[doc(hidden)]
pub mod __private;
