//! What the parser understood of the annotated trait: everything code generation needs, and
//! nothing it has to re-derive from syntax.

use proc_macro2::{Ident, Span, TokenStream};
use syn::{Attribute, Type};

/// The whole service: one annotated trait.
pub struct Service {
    /// The trait, cleaned of helper attributes and lowered (`async fn` -> `impl Future + Send`).
    pub item: syn::ItemTrait,
    /// Path of `xmlrpc_server` when the server side is generated.
    pub server: Option<TokenStream>,
    /// Path of `xmlrpc_client` when the client side is generated.
    pub client: Option<TokenStream>,
    /// The methods, in declaration order.
    pub methods: Vec<Method>,
}

/// How a method runs on the server.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `async fn`: polled on the runtime.
    Async,
    /// Plain `fn`: runs on the blocking pool.
    Blocking,
}

/// One trait method.
pub struct Method {
    /// The Rust name (possibly raw, `r#type`).
    pub ident: Ident,
    pub flavor: Flavor,
    /// Wire names: the primary name first, then the aliases (namespace already applied).
    pub wire_names: Vec<String>,
    /// Where each wire name comes from (the literal, or the method name), for errors.
    pub name_spans: Vec<Span>,
    /// `system.methodHelp` text.
    pub help: String,
    /// Signatures given by `#[xmlrpc(signature = ..)]`, replacing the computed ones.
    pub signature: Option<Vec<Vec<String>>>,
    /// `#[xmlrpc(idempotent)]`: the generated client may retry the call where it was
    /// certainly not run or refused.
    pub idempotent: bool,
    pub args: Vec<Arg>,
    /// Number of leading arguments a caller must send; the rest are trailing `Option`s.
    pub required: usize,
    pub ret: Return,
    /// `#[doc]`, `#[deprecated]` and `#[cfg]` attributes to copy onto generated counterparts.
    pub docs: Vec<Attribute>,
    pub deprecated: Vec<Attribute>,
    pub cfgs: Vec<Attribute>,
}

/// One argument after `&self`.
pub struct Arg {
    pub ident: Ident,
    pub ty: Type,
    /// For a trailing `Option<T>` that callers may omit: `T`.
    pub optional: Option<Type>,
}

/// What a method returns.
pub struct Return {
    /// The type a caller receives: `T` of `Result<T, E>`, else the declared type.
    pub ok: Type,
    /// For a `Result`: `E` when written out (`Result<T, E>`), `None` for a one-argument alias.
    pub fallible: Option<Option<Type>>,
    pub span: Span,
}

impl Method {
    /// The argument name callers see in errors and docs (without `r#`).
    pub fn name(ident: &Ident) -> String {
        let s = ident.to_string();
        s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
    }

    /// The accepted argument counts, as the "expected ..." part of an arity error.
    pub fn arity(&self) -> String {
        if self.required == self.args.len() {
            self.required.to_string()
        } else {
            format!("{} to {}", self.required, self.args.len())
        }
    }
}
