//! The dispatcher: the method table, the built-ins and the settings they need, the capacity
//! bounds, and the two ways a decoded request runs, [`Dispatcher::call`] and
//! [`Dispatcher::multicall`].
//!
//! Every call, alone or as a multicall entry, is started the same way (its arguments decoded,
//! its kind known), admitted against the same bounds, and executed in one place,
//! [`Dispatcher::execute`], where its method name, its result (or fault code) and its
//! duration are all known.

use std::{future::Future, pin::pin, pin::Pin, sync::Arc};

use futures_util::{
    future::{select, Either},
    stream::{FuturesOrdered, StreamExt},
};
use xmlrpc_core::{Fault, MethodInfo, Params};

use crate::{
    capacity::{Arrival, Capacity, Kind, Rejection, Slot},
    config::Config,
    handler::{finish_guarded, start_guarded},
    multicall::{self, Entry},
    router::{Router, Target},
    stats::Counters,
    BoxFuture, CallContext, CallResult,
};

/// The method table with everything needed to run calls.
pub(crate) struct Dispatcher {
    router: Router,
    config: Arc<Config>,
    capacity: Capacity,
}

/// A call after its start: answered already (built-ins, unknown names, bad arguments found
/// while starting), or a future to admit and run.
enum Started {
    Done(CallResult),
    Run(BoxFuture<CallResult>, Kind),
}

/// A multicall entry in progress, borrowing the dispatcher and the counters.
type Running<'a> = Pin<Box<dyn Future<Output = CallResult> + Send + 'a>>;

impl Dispatcher {
    pub fn new(config: Arc<Config>, router: Router) -> Self {
        Dispatcher {
            capacity: Capacity::new(
                config.max_workers,
                config.max_blocking,
                config.max_pending,
                &config.overload,
            ),
            router,
            config,
        }
    }

    /// Metadata of every registered method.
    pub fn infos(&self) -> &[MethodInfo] {
        self.router.infos()
    }

    /// Runs one call: `Err` when the overload policy turns it away.
    pub async fn call<'a>(
        &'a self,
        name: &str,
        params: Params<'_>,
        stats: &'a Counters,
    ) -> Result<CallResult, &'a Rejection> {
        match self.start(name, params) {
            Started::Done(result) => Ok(result),
            Started::Run(call, kind) => {
                let slot = self.capacity.admit(kind, Arrival::New, stats).await?;
                Ok(self.execute(name, call, slot).await)
            }
        }
    }

    /// Runs `system.multicall`: its entries concurrently (or one after the other when the
    /// server is configured so), each admitted against the same bounds as a single call,
    /// results in request order, each failure its own fault. The outer `Err` is the policy
    /// turning the request away (only before any entry ran); the inner one a fault of the
    /// whole call (the argument is not an array of calls, too many entries).
    pub async fn multicall<'a>(
        &'a self,
        params: Params<'_>,
        stats: &'a Counters,
    ) -> Result<Result<Vec<CallResult>, Fault>, &'a Rejection> {
        let entries = match multicall::entries(&params, self.config.max_multicall) {
            Ok(entries) => entries,
            Err(fault) => return Ok(Err(fault)),
        };
        self.run_entries(entries, stats).await.map(Ok)
    }

    /// Starts the entries in order. Each waits for its slot while the earlier ones run, so
    /// a batch holds at most one place in the queue and takes slots as they free up, in
    /// turn with other requests: it cannot take more than its share. The first entry that
    /// needs a slot is admitted like a new request (the overload policy applies to the
    /// batch as a whole); the later ones wait for their turn.
    async fn run_entries<'a>(
        &'a self,
        entries: Vec<Entry>,
        stats: &'a Counters,
    ) -> Result<Vec<CallResult>, &'a Rejection> {
        let mut results = Vec::with_capacity(entries.len());
        let mut running: FuturesOrdered<Running<'a>> = FuturesOrdered::new();
        let mut arrival = Arrival::New;
        for entry in entries {
            if self.config.sequential_multicall {
                while let Some(result) = running.next().await {
                    results.push(result);
                }
            }
            let (name, values) = match entry {
                Ok(call) => call,
                Err(fault) => {
                    running.push_back(Box::pin(std::future::ready(Err(fault))));
                    continue;
                }
            };
            let (call, kind) = match self.start(&name, Params::from_values(values)) {
                Started::Done(result) => {
                    running.push_back(Box::pin(std::future::ready(result)));
                    continue;
                }
                Started::Run(call, kind) => (call, kind),
            };
            // Keep the running entries going while this one waits for its slot.
            let mut admit = pin!(self.capacity.admit(kind, arrival, stats));
            let slot = loop {
                match select(admit.as_mut(), running.next()).await {
                    Either::Left((slot, _)) => break slot?,
                    Either::Right((Some(result), _)) => results.push(result),
                    Either::Right((None, _)) => break admit.as_mut().await?,
                }
            };
            arrival = Arrival::Continuing;
            running.push_back(Box::pin(
                async move { self.execute(&name, call, slot).await },
            ));
        }
        while let Some(result) = running.next().await {
            results.push(result);
        }
        Ok(results)
    }

    /// Starts the call of `name`: decodes its arguments into the method's future and learns
    /// where it runs. Built-ins and unknown names are answered at once. A top-level
    /// `system.multicall` never comes here; reached inside a multicall it is refused.
    fn start(&self, name: &str, params: Params<'_>) -> Started {
        let ctx = CallContext::new(self.config.encode);
        let started = match self.router.lookup(name) {
            Target::Method { service, index } => {
                start_guarded(|| service.call(index, params, &ctx))
            }
            Target::Fallback(fallback) => start_guarded(|| fallback(name, &params, &ctx)),
            Target::System(builtin) => {
                return Started::Done(builtin.call(self.router.infos(), &self.config, &params))
            }
            Target::Unknown => {
                return Started::Done(Err(Fault::new(
                    Fault::METHOD_NOT_FOUND,
                    format!("method '{name}' not found"),
                )))
            }
        };
        let kind = if ctx.blocking.is_marked() {
            Kind::Blocking
        } else {
            Kind::Async
        };
        match started {
            Ok(call) => Started::Run(call, kind),
            Err(fault) => Started::Done(Err(fault)),
        }
    }

    /// Executes an admitted call while it holds its slot, within the call timeout; a panic
    /// is the internal-error fault. The one place every executed call passes through, with
    /// its name, result and duration at hand (the place for per-call observation).
    async fn execute(&self, name: &str, call: BoxFuture<CallResult>, slot: Slot<'_>) -> CallResult {
        let _slot = slot;
        let run = finish_guarded(call);
        let result = match self.config.call_timeout {
            None => run.await,
            Some(limit) => tokio::time::timeout(limit, run).await.unwrap_or_else(|_| {
                Err(Fault::new(
                    Fault::INTERNAL_ERROR,
                    format!("the call did not finish within {limit:?}"),
                ))
            }),
        };
        if let Err(fault) = &result {
            tracing::debug!(
                method = name,
                code = fault.code,
                "the call answered a fault"
            );
        }
        result
    }
}
