//! The built server: its method table, pool, counters, and how one document is answered.

use std::sync::Arc;

use xmlrpc_core::{read_call, EncodedValue, Fault, Params};

use crate::{
    auth::{Deny, Gate},
    builder::ServerBuilder,
    config::Config,
    pool::Pool,
    router::{guarded, Router},
    stats::{Counters, Stats},
    system,
    tower::XmlRpcService,
    BoxFuture, CallContext, CallResult,
};

/// A configured XML-RPC server, ready to serve: bind it ([`Server::bind`] and friends), mount
/// it in another HTTP application ([`Server::tower_service`]), or answer CGI requests
/// ([`crate::cgi`]). Cheap to clone; clones share methods, pool and counters.
#[derive(Clone)]
pub struct Server {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub config: Config,
    pub router: Router,
    pub pool: Pool,
    pub stats: Counters,
    pub ctx: CallContext,
}

/// What a request document is answered with.
pub(crate) enum Answer {
    Value(EncodedValue),
    Fault(Fault),
    Multicall(Vec<CallResult>),
}

impl Server {
    /// Starts the configuration of a server.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::new()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.inner.stats.snapshot()
    }

    /// The XML-RPC endpoint as a tower / hyper service, to mount inside another application
    /// (e.g. axum's `Router::route_service("/RPC2", server.tower_service())`). It answers
    /// at whatever path it is mounted on; the server's `rpc_paths` are not consulted.
    pub fn tower_service(&self) -> XmlRpcService {
        XmlRpcService::new(self.inner.clone(), false)
    }

    /// Answers one `methodCall` document, without HTTP or the pool: the bytes of the
    /// `methodResponse`. Useful for custom transports and tests.
    pub async fn handle_document(&self, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        self.inner.answer(body).await.write(&mut out);
        out
    }
}

impl Inner {
    pub fn new(config: Config, router: Router) -> Self {
        let ctx = CallContext {
            encode: config.encode,
        };
        Inner {
            pool: Pool::new(
                config.max_workers,
                config.max_pending,
                config.overload.clone(),
            ),
            config,
            router,
            stats: Counters::default(),
            ctx,
        }
    }

    /// Starts the call of `name` with `params`.
    pub fn dispatch(
        &self,
        name: &str,
        params: Params<'_>,
        ctx: &CallContext,
    ) -> BoxFuture<CallResult> {
        self.router.dispatch(name, params, ctx, |builtin, params| {
            builtin.call(&self.router, &self.config, params, ctx)
        })
    }

    /// Decodes the document, runs the call (or the multicall) and returns its answer; every
    /// failure is a fault with the interoperability codes.
    pub async fn answer(&self, body: &[u8]) -> Answer {
        match self.answer_gated(body, None).await {
            Ok(answer) => answer,
            Err(Deny::Fault(fault)) => Answer::Fault(fault),
            Err(_) => Answer::Fault(Fault::new(Fault::SYSTEM_ERROR, "the call was refused")),
        }
    }

    /// Like [`Inner::answer`], with the authentication policies that need the method name
    /// and the request hook run between decoding and dispatch.
    pub async fn answer_gated(&self, body: &[u8], gate: Option<&Gate<'_>>) -> Result<Answer, Deny> {
        let call = match read_call(body, &self.config.limits) {
            Ok(call) => call,
            Err(e) => return Ok(Answer::Fault(e.to_fault())),
        };
        if let Some(gate) = gate {
            gate.admit(&call.name, self.config.hook.as_ref())?;
        }
        tracing::Span::current().record("method", call.name.as_str());
        // operations: per-method metrics when on (metrics.rs); the clock is read only then.
        let started = self
            .config
            .ops
            .metrics
            .as_ref()
            .map(|_| std::time::Instant::now());
        let ctx = &self.ctx;
        let answer = async {
            if self.config.multicall && call.name == "system.multicall" {
                return match system::multicall(self, call.params, ctx).await {
                    Ok(results) => Answer::Multicall(results),
                    Err(fault) => Answer::Fault(fault),
                };
            }
            match guarded(|| self.dispatch(&call.name, call.params, ctx)).await {
                Ok(value) => Answer::Value(value),
                Err(fault) => Answer::Fault(fault),
            }
        };
        let answer = match self.config.call_timeout {
            None => answer.await,
            Some(limit) => tokio::time::timeout(limit, answer)
                .await
                .unwrap_or_else(|_| {
                    Answer::Fault(Fault::new(
                        Fault::INTERNAL_ERROR,
                        format!("the call did not finish within {limit:?}"),
                    ))
                }),
        };
        if let (Some(metrics), Some(started)) = (&self.config.ops.metrics, started) {
            metrics.observe(&call.name, answer.is_fault(), started.elapsed()); // operations
        }
        Ok(answer)
    }
}

impl Answer {
    /// Whether the answer is a fault (for the counters).
    pub fn is_fault(&self) -> bool {
        matches!(self, Answer::Fault(_))
    }

    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Answer::Value(value) => xmlrpc_core::write_response(value, out),
            Answer::Fault(fault) => xmlrpc_core::write_fault(fault, out),
            Answer::Multicall(results) => xmlrpc_core::write_multicall_response(results, out),
        }
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("methods", &self.inner.router.infos().len())
            .field("config", &self.inner.config)
            .finish()
    }
}
