//! Builder-style configuration of a [`Server`].

use std::{fmt, future::Future, sync::Arc, time::Duration};

use serde::Serialize;
use xmlrpc_core::{EncodeOptions, Fault, Limits, Value};

use crate::{
    auth::{BasicAuth, Deny, Hook, RequestInfo},
    config::{Config, Overload},
    method::{self, Fallback, FromParams, Functions, Method},
    router::Router,
    server::{Inner, Server},
    system::System,
    Service,
};

/// Why a configuration cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// Two methods claim the same wire name.
    DuplicateMethod(String),
    /// A setting is out of range; the message names it.
    InvalidConfig(&'static str),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::DuplicateMethod(name) => {
                write!(f, "the method name '{name}' is registered twice")
            }
            BuildError::InvalidConfig(what) => write!(f, "invalid server setting: {what}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Configures a [`Server`]: limits, overload policy, timeouts, and the methods it answers.
///
/// Defaults: 1024 calls executing at once (`max_workers`), of which at most 16 blocking
/// ones (`max_blocking`), 1024 pending per bound, `Overload::Block`, 1 MiB requests, paths
/// `/` and `/RPC2`, 64 MiB responses, nil allowed, 1024 connections, 64 KiB request heads,
/// 10 s header timeout, 30 s body timeout, 60 s idle timeout, no call timeout, gzip above
/// 1400 bytes, introspection, multicall (1000 entries, run concurrently) and
/// `system.getCapabilities` on, 30 s shutdown deadline.
///
/// # Capacity
///
/// Every call executing holds one of `max_workers` slots. An `async` method awaiting I/O
/// costs a task, not a thread, so this bound is sized for async work and protects memory
/// and downstream services rather than threads. A blocking method (`method_sync`, a plain
/// `fn` of a generated service) also holds one of `max_blocking` threads of tokio's blocking
/// pool, taken first, so slow blocking calls queue among themselves and never hold the slots
/// async calls need. Each bound has `max_pending` waiting places; beyond them the
/// [`Overload`] policy answers. A multicall's entries are admitted one by one like single
/// calls.
///
/// | deployment | turn |
/// |---|---|
/// | async methods waiting on I/O (database, HTTP, sleeps) | nothing: the defaults let 1024 run at once; lower `max_workers` to protect a downstream service |
/// | CPU-bound async methods | `max_workers` near the runtime's worker threads, and `max_pending` for the queue you accept |
/// | blocking methods (`method_sync`, `fn` in a service) | `max_blocking`: as many as the work may occupy threads (blocking I/O: more; CPU: the cores) |
/// | a hard cap on everything executing (e.g. a conformance limit) | `max_workers(n)`: at most `n` calls of any kind at once |
/// | fail fast instead of queueing | `max_pending(0)` (or small) with `Overload::Http503` / `Fault` / `Close` |
/// | services relying on the order of a multicall's side effects | `sequential_multicall(true)` |
pub struct ServerBuilder {
    config: Config,
    max_pending_set: bool,
    mounts: Vec<(Option<String>, Arc<dyn Service>)>,
    functions: Functions,
    fallback: Option<Fallback>,
}

impl Server {
    /// Starts the configuration of a server.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::new()
    }
}

impl ServerBuilder {
    pub(crate) fn new() -> Self {
        ServerBuilder {
            config: Config {
                max_workers: 1024,
                max_blocking: 16,
                max_pending: 1024,
                overload: Overload::Block,
                max_request_size: 1 << 20,
                max_response_size: Some(64 << 20),
                rpc_paths: vec!["/".into(), "/RPC2".into()],
                encode: EncodeOptions::default(),
                limits: Limits::default(),
                max_connections: 1024,
                max_connections_per_peer: None,
                max_header_size: 64 << 10,
                header_read_timeout: Duration::from_secs(10),
                body_read_timeout: Duration::from_secs(30),
                idle_timeout: Duration::from_secs(60),
                call_timeout: None,
                gzip_threshold: Some(1400),
                introspection: true,
                multicall: true,
                sequential_multicall: false,
                capabilities: true,
                max_multicall: 1000,
                shutdown_timeout: Duration::from_secs(30),
                runtime_threads: None,
                auth: Vec::new(),
                hook: None,
                ops: Default::default(),
            },
            max_pending_set: false,
            mounts: Vec::new(),
            functions: Functions::default(),
            fallback: None,
        }
    }

    /// Most calls executing at once, async and blocking together (at least 1; default
    /// 1024). `max_pending` follows it unless set. See [Capacity](ServerBuilder#capacity).
    pub fn max_workers(mut self, n: usize) -> Self {
        self.config.max_workers = n;
        self
    }

    /// Most blocking calls executing at once, each on a thread of tokio's blocking pool (at
    /// least 1; default 16); they also count against `max_workers`.
    pub fn max_blocking(mut self, n: usize) -> Self {
        self.config.max_blocking = n;
        self
    }

    /// Most calls admitted and waiting, per bound (0 allowed): for a slot of `max_workers`,
    /// and for a thread of `max_blocking`. Default `max_workers`.
    pub fn max_pending(mut self, n: usize) -> Self {
        self.config.max_pending = n;
        self.max_pending_set = true;
        self
    }

    /// What happens to a call that finds its bound and the pending places full.
    pub fn overload(mut self, policy: Overload) -> Self {
        self.config.overload = policy;
        self
    }

    /// Largest request body in bytes, after decoding gzip (413 beyond it).
    pub fn max_request_size(mut self, bytes: usize) -> Self {
        self.config.max_request_size = bytes;
        self
    }

    /// Largest response body in bytes before compression; a larger result is replaced by
    /// an internal-error fault (-32603). `None` removes the limit. Default 64 MiB.
    pub fn max_response_size(mut self, bytes: Option<usize>) -> Self {
        self.config.max_response_size = bytes;
        self
    }

    /// Adds an HTTP Basic authentication policy; a request must satisfy every policy that
    /// covers it (see [`BasicAuth`]).
    pub fn basic_auth(mut self, policy: BasicAuth) -> Self {
        self.config.auth.push(policy);
        self
    }

    /// Runs `hook` for every call after it is decoded (and authenticated) and before it is
    /// dispatched, with the headers, path, peer address and method name; an `Err` turns the
    /// call away with that answer. Replaces an earlier hook.
    pub fn request_hook(
        mut self,
        hook: impl Fn(&RequestInfo<'_>) -> Result<(), Deny> + Send + Sync + 'static,
    ) -> Self {
        self.config.hook = Some(Hook(Arc::new(hook)));
        self
    }

    /// The paths that serve XML-RPC (exact match); an empty list accepts every path.
    pub fn rpc_paths<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.rpc_paths = paths.into_iter().map(Into::into).collect();
        self
    }

    /// Whether results may contain `<nil/>` (default true); when false a `None` result is
    /// an internal-error fault.
    pub fn allow_nil(mut self, allow: bool) -> Self {
        self.config.encode.allow_nil = allow;
        self
    }

    /// Write the extensions as `<ex:i8>` / `<ex:nil/>` instead of `<i8>` / `<nil/>`
    /// (default false). Input accepts both always.
    pub fn extension_namespace(mut self, namespaced: bool) -> Self {
        self.config.encode.extension_namespace = namespaced;
        self
    }

    /// Decode limits for request documents (nesting depth, parameter count, name length).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Most connections open at once (default 1024; also the listen backlog of the sockets
    /// the server binds). When a new connection arrives at the cap, the server closes the
    /// one that has waited longest without a request in progress (a silent socket, a head
    /// still arriving, an idle keep-alive connection) and serves the new one; connections
    /// with a call running are never closed for it. Keep it below the process's
    /// file-descriptor limit.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.config.max_connections = n;
        self
    }

    /// Most connections open at once from one IP address (default: no limit). Beyond it a
    /// new connection from that address gets a 503 with `Retry-After: 1` and is closed.
    /// Clients behind one proxy or NAT share an address: size it for them.
    pub fn max_connections_per_peer(mut self, n: Option<usize>) -> Self {
        self.config.max_connections_per_peer = n;
        self
    }

    /// Largest request head (request line and headers) in bytes, at least 8192; a larger
    /// head is answered 431 or the connection closed. Default 64 KiB.
    pub fn max_header_size(mut self, bytes: usize) -> Self {
        self.config.max_header_size = bytes;
        self
    }

    /// Longest time to receive a request head: from the accept for a connection's first
    /// request (a socket that sends nothing is closed after it), from the first byte for
    /// the next ones on a kept-alive connection. Default 10 s.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.header_read_timeout = timeout;
        self
    }

    /// Longest time to receive a request body (408 and close beyond it).
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.body_read_timeout = timeout;
        self
    }

    /// How long a keep-alive connection may sit without traffic and without a call running.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.config.idle_timeout = timeout;
        self
    }

    /// Longest time one call may run once admitted (for a multicall: each entry); beyond
    /// it the call is dropped and answered with an internal-error fault. `None` (default)
    /// lets calls run as long as they need.
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.call_timeout = timeout;
        self
    }

    /// Responses larger than this many bytes are gzip-encoded for clients that accept gzip;
    /// `None` never compresses. Default 1400.
    pub fn gzip_threshold(mut self, bytes: Option<usize>) -> Self {
        self.config.gzip_threshold = bytes;
        self
    }

    /// Serve `system.listMethods`, `system.methodHelp`, `system.methodSignature` (default on).
    pub fn introspection(mut self, on: bool) -> Self {
        self.config.introspection = on;
        self
    }

    /// Serve `system.multicall` (default on).
    pub fn multicall(mut self, on: bool) -> Self {
        self.config.multicall = on;
        self
    }

    /// Run the entries of a `system.multicall` one after the other, in order, for services
    /// that rely on the order of their side effects (default false: entries run
    /// concurrently, each admitted like a single call, results in request order).
    pub fn sequential_multicall(mut self, sequential: bool) -> Self {
        self.config.sequential_multicall = sequential;
        self
    }

    /// Most entries in one `system.multicall` (default 1000).
    pub fn max_multicall(mut self, n: usize) -> Self {
        self.config.max_multicall = n;
        self
    }

    /// Serve `system.getCapabilities` (default on).
    pub fn capabilities(mut self, on: bool) -> Self {
        self.config.capabilities = on;
        self
    }

    /// Default deadline of a graceful shutdown (see [`crate::ServerHandle::shutdown`]).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.config.shutdown_timeout = timeout;
        self
    }

    /// Worker threads of the runtime [`Server::run`] builds (default: one per core).
    pub fn runtime_threads(mut self, n: usize) -> Self {
        self.config.runtime_threads = Some(n);
        self
    }

    // ---- operations: the method page and the metrics endpoint

    /// Answer a browser's `GET` on an RPC path (one whose `Accept` names `text/html`) with
    /// a page of every method: signatures in XML-RPC and Rust types, help text, a table of
    /// contents and a filter box (default off: a `GET` is answered 405).
    ///
    /// The page is self-contained (inline style and script, nothing loaded, served with a
    /// `Content-Security-Policy` that forbids loading anything) and every text from the
    /// methods is escaped. It is generated from the introspection metadata once, at the
    /// first request, and lists the methods even when introspection is off. Authentication
    /// policies covering the path guard it, whatever their method scope.
    pub fn method_page(mut self, on: bool) -> Self {
        self.config.ops.page = on;
        self
    }

    /// The title of the method page (default "XML-RPC methods").
    pub fn page_title(mut self, title: impl Into<String>) -> Self {
        self.config.ops.page_text.title = title.into();
        self
    }

    /// An introduction shown under the page title: plain text with paragraphs, `- ` lists
    /// and `code` spans, always escaped.
    pub fn page_description(mut self, text: impl Into<String>) -> Self {
        self.config.ops.page_text.description = text.into();
        self
    }

    /// Collect metrics per method (calls by outcome, faults by code, a latency histogram)
    /// and serve them with the [`Stats`](crate::Stats) counters at the metrics path in the
    /// Prometheus text format (default off; see [`Server::render_metrics`]).
    pub fn metrics(mut self, on: bool) -> Self {
        self.config.ops.metrics_on = on;
        self
    }

    /// Where the metrics are served to `GET` (default `/metrics`), independent of the RPC
    /// paths; authentication policies covering it guard it.
    pub fn metrics_path(mut self, path: impl Into<String>) -> Self {
        self.config.ops.metrics_path = Some(path.into());
        self
    }

    // ---- end of operations

    /// Mounts a service under the names it gives its methods.
    pub fn service(mut self, service: impl Service) -> Self {
        self.mounts.push((None, Arc::new(service)));
        self
    }

    /// Mounts a service under `namespace.` (`service_at("math", svc)` answers `math.add`).
    pub fn service_at(mut self, namespace: impl Into<String>, service: impl Service) -> Self {
        self.mounts
            .push((Some(namespace.into()), Arc::new(service)));
        self
    }

    /// Registers an async function with typed parameters:
    /// `.method("add", |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) })`.
    pub fn method<P, F, Fut, R, E>(self, name: impl Into<String>, f: F) -> Self
    where
        P: FromParams,
        F: Fn(P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, E>> + Send + 'static,
        R: Serialize,
        E: Into<Fault>,
    {
        self.register(Method::new(name, f))
    }

    /// Registers a blocking function with typed parameters; it runs on the blocking pool,
    /// bounded by `max_blocking`.
    pub fn method_sync<P, F, R, E>(self, name: impl Into<String>, f: F) -> Self
    where
        P: FromParams,
        F: Fn(P) -> Result<R, E> + Send + Sync + 'static,
        R: Serialize,
        E: Into<Fault>,
    {
        self.register(Method::sync(name, f))
    }

    /// Registers a function built with [`Method`] (to give help text and signatures).
    pub fn register(mut self, method: Method) -> Self {
        self.functions.push(method);
        self
    }

    /// Answers calls of names no method claims: `f(name, params)`. Without a fallback they
    /// get fault -32601.
    pub fn fallback<F, Fut, R, E>(mut self, f: F) -> Self
    where
        F: Fn(String, Vec<Value>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, E>> + Send + 'static,
        R: Serialize,
        E: Into<Fault>,
    {
        self.fallback = Some(method::fallback(f));
        self
    }

    /// Checks the configuration and the method table.
    pub fn build(mut self) -> Result<Server, BuildError> {
        if self.config.max_workers == 0 {
            return Err(BuildError::InvalidConfig("max_workers must be at least 1"));
        }
        if self.config.max_blocking == 0 {
            return Err(BuildError::InvalidConfig("max_blocking must be at least 1"));
        }
        if self.config.max_connections == 0 {
            return Err(BuildError::InvalidConfig(
                "max_connections must be at least 1",
            ));
        }
        if self.config.max_connections_per_peer == Some(0) {
            return Err(BuildError::InvalidConfig(
                "max_connections_per_peer must be at least 1",
            ));
        }
        if self.config.max_header_size < 8192 {
            return Err(BuildError::InvalidConfig(
                "max_header_size must be at least 8192",
            ));
        }
        if !self.max_pending_set {
            self.config.max_pending = self.config.max_workers;
        }
        let mut mounts = self.mounts;
        if !self.functions.is_empty() {
            mounts.push((None, Arc::new(self.functions)));
        }
        let router = Router::build(mounts, &System::enabled(&self.config), self.fallback)
            .map_err(|duplicate| BuildError::DuplicateMethod(duplicate.0))?;
        if self.config.ops.metrics_on {
            let metrics = crate::metrics::Metrics::new(router.infos());
            self.config.ops.metrics = Some(Arc::new(metrics));
        }
        Ok(Server {
            inner: Arc::new(Inner::new(self.config, router)),
        })
    }
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("config", &self.config)
            .field("services", &self.mounts.len())
            .finish()
    }
}
