//! Settings of a server, fixed at `build()`.

use std::time::Duration;

use xmlrpc_core::{EncodeOptions, Fault, Limits};

use crate::auth::{BasicAuth, Hook};

/// What happens to a call that arrives while its bound is full (`max_workers` calls execute,
/// or `max_blocking` blocking calls for a blocking method) and `max_pending` more already
/// wait for that bound.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Overload {
    /// Wait for a worker anyway (backpressure: the connection reads nothing more meanwhile).
    #[default]
    Block,
    /// Close the connection without writing a response.
    Close,
    /// Answer HTTP 200 with this XML-RPC fault.
    Fault {
        /// The `faultCode`.
        code: i32,
        /// The `faultString`.
        string: String,
    },
    /// Answer HTTP 503, with a `Retry-After` header (seconds) when given.
    Http503 {
        /// Value of `Retry-After` in seconds; `None` sends no header.
        retry_after: Option<u32>,
    },
}

impl Overload {
    /// The `Fault` policy with the conventional code -32400 (system error) and the string
    /// "server overloaded, try again later".
    pub fn fault() -> Self {
        Overload::Fault {
            code: Fault::SYSTEM_ERROR,
            string: "server overloaded, try again later".into(),
        }
    }

    /// The `Http503` policy with `Retry-After: 1`.
    pub fn http503() -> Self {
        Overload::Http503 {
            retry_after: Some(1),
        }
    }
}

/// Everything the builder configures; read-only once the server is built.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub max_workers: usize,
    pub max_blocking: usize,
    pub max_pending: usize,
    pub overload: Overload,
    pub max_request_size: usize,
    pub max_response_size: Option<usize>,
    pub rpc_paths: Vec<String>,
    pub encode: EncodeOptions,
    pub limits: Limits,
    pub max_connections: usize,
    pub max_connections_per_peer: Option<usize>,
    pub max_header_size: usize,
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub call_timeout: Option<Duration>,
    pub gzip_threshold: Option<usize>,
    pub introspection: bool,
    pub multicall: bool,
    pub sequential_multicall: bool,
    pub capabilities: bool,
    pub max_multicall: usize,
    pub shutdown_timeout: Duration,
    pub runtime_threads: Option<usize>,
    pub auth: Vec<BasicAuth>,
    pub hook: Option<Hook>,
    /// The method page and the metrics endpoint.
    pub ops: crate::ops::Operations,
}

impl Config {
    pub fn path_allowed(&self, path: &str) -> bool {
        self.rpc_paths.is_empty() || self.rpc_paths.iter().any(|p| p == path)
    }
}
