use std::{future::Future, pin::Pin};

use xmlrpc_core::{EncodeOptions, EncodedValue, Fault, MethodInfo, Params};

/// A boxed, `Send` future that owns everything it needs.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What a method produces: its encoded result, or a fault.
pub type CallResult = Result<EncodedValue, Fault>;

/// What the server tells a method about the call it serves.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallContext {
    /// How results are to be encoded (nil allowed, extension dialect).
    pub encode: EncodeOptions,
}

/// A set of methods that mounts on a server: the interface both hand-written services and
/// `#[xmlrpc_service]`-generated ones implement.
///
/// `methods()` lists one entry per wire name (aliases are extra entries); `call(i, ..)`
/// dispatches the method at index `i` of that list. Parameters are decoded synchronously
/// inside `call`, so the returned future owns its typed arguments.
pub trait Service: Send + Sync + 'static {
    /// Metadata of every wire name this service answers, in dispatch-index order.
    fn methods(&self) -> Vec<MethodInfo>;
    /// Runs the method at `index` of [`Service::methods`] with `params`.
    fn call(&self, index: usize, params: Params<'_>, ctx: &CallContext) -> BoxFuture<CallResult>;
}
