//! What a method is: the `Service` interface, its call context and result types.

use std::{
    future::Future,
    pin::Pin,
    sync::atomic::{AtomicBool, Ordering::Relaxed},
};

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
    /// Set while the call is started when its method runs on the blocking pool, so that the
    /// dispatcher admits it against the bound of blocking calls (see [`crate::handler`]).
    pub(crate) blocking: BlockingMark,
}

impl CallContext {
    /// A context for one call, encoding results with `encode`.
    pub(crate) fn new(encode: EncodeOptions) -> Self {
        CallContext {
            encode,
            blocking: BlockingMark::default(),
        }
    }
}

/// Whether the method of a call said, while its call was started, that it runs on the
/// blocking pool. A method marks it synchronously inside [`Service::call`], before any
/// admission, so the dispatcher knows which bound to admit the call against.
#[derive(Debug, Default)]
pub(crate) struct BlockingMark(AtomicBool);

impl BlockingMark {
    pub fn mark(&self) {
        self.0.store(true, Relaxed);
    }
    pub fn is_marked(&self) -> bool {
        self.0.load(Relaxed)
    }
}

impl Clone for BlockingMark {
    fn clone(&self) -> Self {
        BlockingMark(AtomicBool::new(self.is_marked()))
    }
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
