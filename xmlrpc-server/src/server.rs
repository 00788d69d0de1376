//! The built server: its method table, pool, counters, and how one document is answered.

use std::sync::Arc;

use xmlrpc_core::{read_call, EncodedValue, Fault};

use crate::{
    capacity::Rejection,
    config::Config,
    dispatch::Dispatcher,
    router::Router,
    stats::{Counters, Stats},
    CallResult,
};

/// A configured XML-RPC server, ready to serve: bind it ([`Server::bind`] and friends), mount
/// it in another HTTP application ([`Server::tower_service`]), or answer CGI requests
/// ([`crate::cgi`]). Cheap to clone; clones share methods, bounds and counters.
#[derive(Clone)]
pub struct Server {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub config: Arc<Config>,
    pub dispatcher: Dispatcher,
    pub stats: Counters,
}

/// What a request document is answered with.
pub(crate) enum Answer {
    Value(EncodedValue),
    Fault(Fault),
    Multicall(Vec<CallResult>),
}

/// Why a decoded request gets no XML-RPC answer.
pub(crate) enum Refused<'a, D> {
    /// Authentication or the request hook turned it away.
    Denied(D),
    /// The overload policy turned it away.
    Overloaded(&'a Rejection),
}

impl Server {
    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.inner.stats.snapshot()
    }

    /// Answers one `methodCall` document, without HTTP: the bytes of the `methodResponse`.
    /// Calls are admitted as over HTTP; one the overload policy turns away is answered
    /// with the overload fault (the policy's own under `Overload::Fault`, else -32400).
    /// Useful for custom transports and tests.
    pub async fn handle_document(&self, body: &[u8]) -> Vec<u8> {
        let admit_all = |_: &str| Ok::<(), std::convert::Infallible>(());
        let answer = match self.inner.answer(body, admit_all).await {
            Ok(answer) => answer,
            Err(Refused::Denied(never)) => match never {},
            Err(Refused::Overloaded(rejection)) => Answer::Fault(match rejection {
                Rejection::Fault(fault) => fault.clone(),
                Rejection::Close | Rejection::Http503 { .. } => {
                    Fault::new(Fault::SYSTEM_ERROR, "server overloaded, try again later")
                }
            }),
        };
        let mut out = Vec::new();
        answer.write(&mut out);
        out
    }
}

impl Inner {
    pub fn new(config: Config, router: Router) -> Self {
        let config = Arc::new(config);
        Inner {
            dispatcher: Dispatcher::new(config.clone(), router),
            config,
            stats: Counters::default(),
        }
    }

    /// Decodes the document, lets `admit` turn the call away by its method name, then runs
    /// the call or the multicall; every failure to decode or run is a fault with the
    /// interoperability codes.
    pub async fn answer<D>(
        &self,
        body: &[u8],
        admit: impl FnOnce(&str) -> Result<(), D>,
    ) -> Result<Answer, Refused<'_, D>> {
        let call = match read_call(body, &self.config.limits) {
            Ok(call) => call,
            Err(e) => return Ok(Answer::Fault(e.to_fault())),
        };
        admit(&call.name).map_err(Refused::Denied)?;
        tracing::Span::current().record("method", call.name.as_str());
        // operations: per-method metrics when on (metrics.rs); the clock is read only then.
        let started = self
            .config
            .ops
            .metrics
            .as_ref()
            .map(|_| std::time::Instant::now());
        let dispatcher = &self.dispatcher;
        let answer = if self.config.multicall && call.name == "system.multicall" {
            match dispatcher.multicall(call.params, &self.stats).await {
                Ok(Ok(results)) => Ok(Answer::Multicall(results)),
                Ok(Err(fault)) => Ok(Answer::Fault(fault)),
                Err(policy) => Err(Refused::Overloaded(policy)),
            }
        } else {
            match dispatcher.call(&call.name, call.params, &self.stats).await {
                Ok(Ok(value)) => Ok(Answer::Value(value)),
                Ok(Err(fault)) => Ok(Answer::Fault(fault)),
                Err(policy) => Err(Refused::Overloaded(policy)),
            }
        };
        if let (Some(metrics), Some(started), Ok(answer)) =
            (&self.config.ops.metrics, started, &answer)
        {
            metrics.observe(&call.name, answer.is_fault(), started.elapsed()); // operations
        }
        answer
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
            .field("methods", &self.inner.dispatcher.infos().len())
            .field("config", &self.inner.config)
            .finish()
    }
}
