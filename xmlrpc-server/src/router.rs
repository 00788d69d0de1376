//! Wire names to handlers: mounted services, plain functions, built-ins and the fallback.

use std::{
    collections::{hash_map::Entry, HashMap},
    panic::AssertUnwindSafe,
    sync::Arc,
};

use futures_util::FutureExt;
use xmlrpc_core::{Fault, MethodInfo, Params};

use crate::{
    method::Fallback, system::System, BoxFuture, BuildError, CallContext, CallResult, Service,
};

#[derive(Debug, Clone, Copy)]
enum Target {
    Service { service: usize, index: usize },
    System(System),
}

/// The method table, fixed at build time.
pub(crate) struct Router {
    services: Vec<Arc<dyn Service>>,
    names: HashMap<String, Target>,
    /// Every registered method's metadata under its wire name, in registration order.
    infos: Vec<MethodInfo>,
    fallback: Option<Fallback>,
}

impl Router {
    /// Registers each service's methods (prefixed with `namespace.` when given), then the
    /// enabled built-ins; a name claimed twice is an error.
    pub fn build(
        mounts: Vec<(Option<String>, Arc<dyn Service>)>,
        builtins: &[System],
        fallback: Option<Fallback>,
    ) -> Result<Self, BuildError> {
        let mut router = Router {
            services: Vec::with_capacity(mounts.len()),
            names: HashMap::new(),
            infos: Vec::new(),
            fallback,
        };
        for (namespace, service) in mounts {
            let service_index = router.services.len();
            for (index, mut info) in service.methods().into_iter().enumerate() {
                if let Some(ns) = &namespace {
                    info.name = format!("{ns}.{}", info.name);
                }
                let target = Target::Service {
                    service: service_index,
                    index,
                };
                router.insert(info, target)?;
            }
            router.services.push(service);
        }
        for &builtin in builtins {
            router.insert(builtin.info(), Target::System(builtin))?;
        }
        Ok(router)
    }

    fn insert(&mut self, info: MethodInfo, target: Target) -> Result<(), BuildError> {
        match self.names.entry(info.name.clone()) {
            Entry::Occupied(_) => Err(BuildError::DuplicateMethod(info.name)),
            Entry::Vacant(slot) => {
                slot.insert(target);
                self.infos.push(info);
                Ok(())
            }
        }
    }

    /// Metadata of every registered method.
    pub fn infos(&self) -> &[MethodInfo] {
        &self.infos
    }

    /// Metadata of one method by wire name.
    pub fn info(&self, name: &str) -> Option<&MethodInfo> {
        self.infos.iter().find(|info| info.name == name)
    }

    /// Starts the call of `name`; the built-in named `system` answers from `system_call`.
    /// `system.multicall` reached here (inside a multicall) is refused.
    pub fn dispatch(
        &self,
        name: &str,
        params: Params<'_>,
        ctx: &CallContext,
        system_call: impl FnOnce(System, &Params<'_>) -> CallResult,
    ) -> BoxFuture<CallResult> {
        match self.names.get(name) {
            Some(&Target::Service { service, index }) => {
                self.services[service].call(index, params, ctx)
            }
            Some(&Target::System(System::Multicall)) => ready(Err(Fault::new(
                Fault::INVALID_REQUEST,
                "system.multicall cannot be called inside system.multicall",
            ))),
            Some(&Target::System(builtin)) => ready(system_call(builtin, &params)),
            None => match &self.fallback {
                Some(fallback) => fallback(name, &params, ctx),
                None => ready(Err(Fault::new(
                    Fault::METHOD_NOT_FOUND,
                    format!("method '{name}' not found"),
                ))),
            },
        }
    }
}

fn ready(result: CallResult) -> BoxFuture<CallResult> {
    Box::pin(std::future::ready(result))
}

/// Runs a call so that a panic, in the synchronous part (decoding) or in the future,
/// becomes the internal-error fault and the server lives on.
pub(crate) async fn guarded(start: impl FnOnce() -> BoxFuture<CallResult>) -> CallResult {
    let Ok(call) = std::panic::catch_unwind(AssertUnwindSafe(start)) else {
        return Err(panic_fault());
    };
    AssertUnwindSafe(call)
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(panic_fault()))
}

fn panic_fault() -> Fault {
    tracing::error!("a method panicked");
    Fault::new(Fault::INTERNAL_ERROR, "internal error: the method panicked")
}
