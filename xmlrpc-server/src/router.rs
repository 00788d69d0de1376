//! Wire names to handlers: mounted services, plain functions, built-ins and the fallback.

use std::{
    collections::{hash_map::Entry, HashMap},
    sync::Arc,
};

use xmlrpc_core::MethodInfo;

use crate::{method::Fallback, system::System, Service};

/// What a wire name is registered to, as stored in the table.
#[derive(Debug, Clone, Copy)]
enum Claim {
    Service { service: usize, index: usize },
    System(System),
}

/// What answers a wire name.
pub(crate) enum Target<'r> {
    /// The method at `index` of a mounted service (plain functions are one such service).
    Method {
        service: &'r dyn Service,
        index: usize,
    },
    /// A built-in `system.*` method.
    System(System),
    /// The fallback, for a name nothing else claims.
    Fallback(&'r Fallback),
    /// Nothing: the method-not-found fault.
    Unknown,
}

/// A wire name claimed twice.
#[derive(Debug)]
pub(crate) struct Duplicate(pub String);

/// The method table, fixed at build time.
pub(crate) struct Router {
    services: Vec<Arc<dyn Service>>,
    names: HashMap<String, Claim>,
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
    ) -> Result<Self, Duplicate> {
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
                let target = Claim::Service {
                    service: service_index,
                    index,
                };
                router.insert(info, target)?;
            }
            router.services.push(service);
        }
        for &builtin in builtins {
            router.insert(builtin.info(), Claim::System(builtin))?;
        }
        Ok(router)
    }

    fn insert(&mut self, info: MethodInfo, target: Claim) -> Result<(), Duplicate> {
        match self.names.entry(info.name.clone()) {
            Entry::Occupied(_) => Err(Duplicate(info.name)),
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

    /// What answers `name`: a method, a built-in, the fallback, or nothing.
    pub fn lookup(&self, name: &str) -> Target<'_> {
        match self.names.get(name) {
            Some(&Claim::Service { service, index }) => Target::Method {
                service: &*self.services[service],
                index,
            },
            Some(&Claim::System(builtin)) => Target::System(builtin),
            None => match &self.fallback {
                Some(fallback) => Target::Fallback(fallback),
                None => Target::Unknown,
            },
        }
    }
}
