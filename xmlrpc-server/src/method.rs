//! Plain functions as methods: typed parameters in, typed results out.

use std::{future::Future, sync::Arc};

use serde::{de::DeserializeOwned, Serialize};
use xmlrpc_core::{type_name_of, Error, Fault, MethodInfo, Params, Value};

use crate::{
    handler::{encode, fail, run_async, run_blocking},
    BoxFuture, CallContext, CallResult, Service,
};

/// Parameter lists a plain function takes: tuples of `Deserialize` types (each element one
/// positional parameter, decoded straight from the request), `()` for none, or
/// `Vec<Value>` for any parameters as dynamic values.
pub trait FromParams: Sized + Send + 'static {
    /// Decodes the whole parameter list; wrong counts and types are `Error`s of kind `Type`.
    fn from_params(params: &Params<'_>) -> Result<Self, Error>;
    /// The XML-RPC type names of the parameters, when all are known.
    fn param_types() -> Option<Vec<String>>;
}

impl FromParams for Vec<Value> {
    fn from_params(params: &Params<'_>) -> Result<Self, Error> {
        params.to_values()
    }
    fn param_types() -> Option<Vec<String>> {
        None
    }
}

macro_rules! tuple_params {
    ($count:literal; $($name:ident $label:literal),*) => {
        impl<$($name: DeserializeOwned + Send + 'static),*> FromParams for ($($name,)*) {
            #[allow(unused_mut, unused_variables)]
            fn from_params(params: &Params<'_>) -> Result<Self, Error> {
                let mut args = params.args();
                let value = ($(args.required::<$name>($label)?,)*);
                args.finish($count)?;
                Ok(value)
            }
            fn param_types() -> Option<Vec<String>> {
                Some(vec![$(type_name_of::<$name>()?.to_string()),*])
            }
        }
    };
}

tuple_params!("0";);
tuple_params!("1"; A "arg1");
tuple_params!("2"; A "arg1", B "arg2");
tuple_params!("3"; A "arg1", B "arg2", C "arg3");
tuple_params!("4"; A "arg1", B "arg2", C "arg3", D "arg4");
tuple_params!("5"; A "arg1", B "arg2", C "arg3", D "arg4", E "arg5");
tuple_params!("6"; A "arg1", B "arg2", C "arg3", D "arg4", E "arg5", F "arg6");
tuple_params!("7"; A "arg1", B "arg2", C "arg3", D "arg4", E "arg5", F "arg6", G "arg7");
tuple_params!("8"; A "arg1", B "arg2", C "arg3", D "arg4", E "arg5", F "arg6", G "arg7", H "arg8");

type Handler = Arc<dyn Fn(&Params<'_>, &CallContext) -> BoxFuture<CallResult> + Send + Sync>;

/// One plain function with its metadata, for [`ServerBuilder::register`](crate::ServerBuilder::register).
///
/// ```
/// use xmlrpc_core::Fault;
/// use xmlrpc_server::Method;
///
/// let add = Method::new("add", |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) })
///     .help("Adds two integers.")
///     .returns("int"); // signature [["int", "int", "int"]]
/// ```
pub struct Method {
    info: MethodInfo,
    param_types: Option<Vec<String>>,
    handler: Handler,
}

impl Method {
    /// An async function: `f(params)` returns a future of `Result<R, E>`; it runs on the
    /// server's runtime.
    pub fn new<P, F, Fut, R, E>(name: impl Into<String>, f: F) -> Self
    where
        P: FromParams,
        F: Fn(P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, E>> + Send + 'static,
        R: Serialize,
        E: Into<Fault>,
    {
        let handler: Handler = Arc::new(move |params, ctx| {
            let args = match P::from_params(params) {
                Ok(args) => args,
                Err(e) => return fail(e.to_fault()),
            };
            let call = f(args);
            let options = ctx.encode;
            run_async(async move { encode(&call.await.map_err(Into::into)?, &options) })
        });
        Method::with_handler(name.into(), P::param_types(), handler)
    }

    /// A blocking function: `f(params)` returns `Result<R, E>`; it runs on tokio's blocking
    /// pool, admitted against the bound of blocking calls
    /// ([`max_blocking`](crate::ServerBuilder::max_blocking)) as well as `max_workers`. A
    /// blocking call cannot be interrupted: when its request is abandoned (client gone, call
    /// timeout, shutdown deadline) it still runs to its end, outside the bounds.
    pub fn sync<P, F, R, E>(name: impl Into<String>, f: F) -> Self
    where
        P: FromParams,
        F: Fn(P) -> Result<R, E> + Send + Sync + 'static,
        R: Serialize,
        E: Into<Fault>,
    {
        let f = Arc::new(f);
        let handler: Handler = Arc::new(move |params, ctx| {
            let args = match P::from_params(params) {
                Ok(args) => args,
                Err(e) => return fail(e.to_fault()),
            };
            let f = f.clone();
            let options = ctx.encode;
            run_blocking(ctx, move || encode(&f(args).map_err(Into::into)?, &options))
        });
        Method::with_handler(name.into(), P::param_types(), handler)
    }

    fn with_handler(name: String, param_types: Option<Vec<String>>, handler: Handler) -> Self {
        Method {
            info: MethodInfo {
                name,
                signatures: None,
                help: String::new(),
            },
            param_types,
            handler,
        }
    }

    /// The text `system.methodHelp` answers.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.info.help = help.into();
        self
    }

    /// Sets the signature from the return type name and the parameter types derived from the
    /// Rust parameter types; without a derivable parameter list it stays `undef`.
    pub fn returns(mut self, type_name: &str) -> Self {
        if let Some(params) = &self.param_types {
            let mut signature = vec![type_name.to_string()];
            signature.extend(params.iter().cloned());
            self.info.signatures = Some(vec![signature]);
        }
        self
    }

    /// Sets one signature explicitly: return type first, then the parameter types.
    pub fn signature<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let signature = types.into_iter().map(Into::into).collect();
        self.info
            .signatures
            .get_or_insert_with(Vec::new)
            .push(signature);
        self
    }

    /// The wire name.
    pub fn name(&self) -> &str {
        &self.info.name
    }
}

impl std::fmt::Debug for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Method").field("info", &self.info).finish()
    }
}

/// All plain functions registered on a builder, mounted as one service.
#[derive(Default)]
pub(crate) struct Functions {
    methods: Vec<Method>,
}

impl Functions {
    pub fn push(&mut self, method: Method) {
        self.methods.push(method);
    }
    pub fn is_empty(&self) -> bool {
        self.methods.is_empty()
    }
}

impl Service for Functions {
    fn methods(&self) -> Vec<MethodInfo> {
        self.methods.iter().map(|m| m.info.clone()).collect()
    }
    fn call(&self, index: usize, params: Params<'_>, ctx: &CallContext) -> BoxFuture<CallResult> {
        match self.methods.get(index) {
            Some(method) => (method.handler)(&params, ctx),
            None => fail(Fault::new(
                Fault::INTERNAL_ERROR,
                format!("internal error: no method at dispatch index {index}"),
            )),
        }
    }
}

/// The dispatcher for names no method claims (Python's `_dispatch`).
pub(crate) type Fallback =
    Arc<dyn Fn(&str, &Params<'_>, &CallContext) -> BoxFuture<CallResult> + Send + Sync>;

pub(crate) fn fallback<F, Fut, R, E>(f: F) -> Fallback
where
    F: Fn(String, Vec<Value>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    R: Serialize,
    E: Into<Fault>,
{
    Arc::new(move |name, params, ctx| {
        let values = match params.to_values() {
            Ok(values) => values,
            Err(e) => return fail(e.to_fault()),
        };
        let call = f(name.to_string(), values);
        let options = ctx.encode;
        run_async(async move { encode(&call.await.map_err(Into::into)?, &options) })
    })
}
