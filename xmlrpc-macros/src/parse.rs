//! Reads the annotated trait into the [`model`](crate::model), reporting every unsupported
//! shape with a span on the offending token.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{
    spanned::Spanned, visit::Visit, Attribute, Expr, FnArg, GenericArgument, ItemTrait, Pat,
    PathArguments, ReturnType, TraitItem, TraitItemFn, Type,
};

use crate::{
    attr,
    errors::Errors,
    model::{Arg, Flavor, Method, Return, Service},
    options::{self, Options},
};

/// The helper attribute on methods.
const HELPER: &str = "xmlrpc";
const METHOD_KEYS: &[&str] = &["name", "alias", "help", "signature"];
/// XML-RPC type names a `signature` override may use.
const TYPE_NAMES: &[&str] = &[
    "int",
    "i4",
    "i8",
    "boolean",
    "string",
    "double",
    "dateTime.iso8601",
    "base64",
    "struct",
    "array",
    "nil",
    "undef",
];

/// Parses the attribute arguments and the trait. On error, the tokens to emit instead: every
/// error, then the trait cleaned of helper attributes, so that code using the trait does not
/// drown the real errors.
pub fn service(args: TokenStream, mut item: ItemTrait) -> Result<Service, TokenStream> {
    let mut errors = Errors::default();
    let opts = options::parse(args, Span::call_site(), &mut errors);
    check_trait(&item, &mut errors);

    let mut methods = Vec::new();
    for trait_item in &mut item.items {
        match trait_item {
            TraitItem::Fn(f) => {
                if let Some(m) = method(f, &opts, &mut errors) {
                    methods.push(m);
                }
            }
            TraitItem::Type(t) => errors.push(
                &t.ident,
                "associated types are not supported in an XML-RPC service trait: the client \
                 and the introspection data need concrete types",
            ),
            TraitItem::Const(c) => errors.push(
                &c.ident,
                "associated constants are not supported in an XML-RPC service trait",
            ),
            other => errors.push(
                other,
                "only methods are allowed in an XML-RPC service trait",
            ),
        }
    }
    check_names(&methods, &opts, &mut errors);

    if errors.is_empty() {
        Ok(Service {
            item,
            server: opts.server,
            client: opts.client,
            methods,
        })
    } else {
        let errors = errors.into_compile_errors();
        Err(quote!(#errors #item))
    }
}

fn check_trait(item: &ItemTrait, errors: &mut Errors) {
    if !item.generics.params.is_empty() {
        errors.push(
            &item.generics,
            "generic service traits are not supported: the wire format fixes every argument \
             type, so write the concrete types",
        );
    }
    if let Some(w) = &item.generics.where_clause {
        errors.push(
            w,
            "a `where` clause is not supported on an XML-RPC service trait",
        );
    }
    if let Some(u) = &item.unsafety {
        errors.push(u, "an XML-RPC service trait cannot be `unsafe`");
    }
    if let Some(a) = &item.auto_token {
        errors.push(a, "an XML-RPC service trait cannot be an auto trait");
    }
}

/// Reads one method, strips its helper attributes and reports what is unsupported.
fn method(f: &mut TraitItemFn, opts: &Options, errors: &mut Errors) -> Option<Method> {
    let before = errors.len();
    let sig = &f.sig;
    if !sig.generics.params.is_empty() {
        errors.push(
            &sig.generics,
            "generic methods are not supported: each argument needs one concrete type on the wire",
        );
    } else if let Some(w) = &sig.generics.where_clause {
        errors.push(w, "a `where` clause is not supported on a service method");
    }
    if let Some(c) = &sig.constness {
        errors.push(c, "a service method cannot be `const`");
    }
    if let Some(u) = &sig.unsafety {
        errors.push(u, "a service method cannot be `unsafe`");
    }
    if let Some(abi) = &sig.abi {
        errors.push(abi, "a service method cannot declare an ABI");
    }
    if let Some(v) = &sig.variadic {
        errors.push(v, "variadic arguments are not supported");
    }
    // Only the error above should speak: rustc would add its own about `...` otherwise.
    f.sig.variadic = None;
    check_receiver(f, errors);

    let mut args = Vec::new();
    for input in f.sig.inputs.iter_mut().skip(1) {
        let FnArg::Typed(pt) = input else { continue };
        pt.attrs.retain(|a| {
            let helper = a.path().is_ident(HELPER);
            if helper {
                errors.push(a, "`#[xmlrpc(..)]` applies to methods, not to arguments");
            }
            !helper
        });
        let ident = match &*pt.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.ident.clone()),
            other => {
                errors.push(
                    other,
                    "arguments must be plain names: the name is shown in parameter errors \
                     and in the client's signature",
                );
                // Keep the trait valid for the rest of the build: patterns are not allowed
                // in methods without a body.
                None
            }
        };
        check_type(&pt.ty, "argument", errors);
        match ident {
            Some(ident) => {
                // `mut x` is the implementation's business, not the trait's.
                if let Pat::Ident(p) = &mut *pt.pat {
                    p.mutability = None;
                }
                args.push(Arg {
                    ident,
                    ty: (*pt.ty).clone(),
                    optional: None,
                });
            }
            None => *pt.pat = syn::parse_quote!(_),
        }
    }
    let mut required = args.len();
    while required > 0 {
        match option_inner(&args[required - 1].ty) {
            Some(inner) => args[required - 1].optional = Some(inner),
            None => break,
        }
        required -= 1;
    }

    let ret = match &f.sig.output {
        ReturnType::Default => Return {
            ok: syn::parse_quote!(()),
            fallible: None,
            span: f.sig.ident.span(),
        },
        ReturnType::Type(_, ty) => {
            if let Type::ImplTrait(_) = &**ty {
                errors.push(
                    ty,
                    "`impl Trait` cannot be returned by a service method; for a future, write \
                     `async fn` and return its output",
                );
            } else {
                check_type(ty, "return", errors);
            }
            let (ok, fallible) = match result_args(ty) {
                Some((ok, err)) => (ok, Some(err)),
                None => ((**ty).clone(), None),
            };
            Return {
                ok,
                fallible,
                span: ty.span(),
            }
        }
    };

    let helper = take_helper(&mut f.attrs, errors);
    let docs: Vec<Attribute> = attrs_named(&f.attrs, "doc");
    let help = match helper.help {
        Some(help) => help,
        None => doc_text(&docs),
    };
    let rust_name = Method::name(&f.sig.ident);
    let (primary, primary_span) = match helper.name {
        Some(n) => n,
        None => (
            match opts.rename_all {
                Some(case) => case.apply(&rust_name),
                None => rust_name,
            },
            f.sig.ident.span(),
        ),
    };
    let qualify = |n: &str| match &opts.namespace {
        Some(ns) => format!("{ns}.{n}"),
        None => n.to_owned(),
    };
    let mut wire_names = vec![qualify(&primary)];
    let mut name_spans = vec![primary_span];
    for (alias, span) in helper.aliases {
        wire_names.push(qualify(&alias));
        name_spans.push(span);
    }
    if let Some(sigs) = &helper.signature {
        for (sig, span) in sigs {
            let params = sig.len().saturating_sub(1);
            if sig.is_empty() || params < required || params > args.len() {
                errors.push_at(
                    *span,
                    format!(
                        "this signature lists {params} parameter(s), but the method takes {}",
                        arity_words(required, args.len())
                    ),
                );
            }
        }
    }

    if errors.len() != before {
        return None;
    }
    Some(Method {
        ident: f.sig.ident.clone(),
        flavor: if f.sig.asyncness.is_some() {
            Flavor::Async
        } else {
            Flavor::Blocking
        },
        wire_names,
        name_spans,
        help,
        signature: helper
            .signature
            .map(|s| s.into_iter().map(|(sig, _)| sig).collect()),
        args,
        required,
        ret,
        docs,
        deprecated: attrs_named(&f.attrs, "deprecated"),
        cfgs: attrs_named(&f.attrs, "cfg"),
    })
}

fn arity_words(required: usize, total: usize) -> String {
    if required == total {
        format!("{total}")
    } else {
        format!("{required} to {total}")
    }
}

fn check_receiver(f: &TraitItemFn, errors: &mut Errors) {
    match f.sig.inputs.first() {
        Some(FnArg::Receiver(r)) => {
            if r.colon_token.is_some() {
                errors.push(
                    r,
                    "service methods take `&self`: the server keeps the implementation in an \
                     `Arc` and shares it between concurrent calls",
                );
            } else if r.reference.is_none() {
                errors.push(
                    r,
                    "service methods take `&self`, not `self`: the server keeps the \
                     implementation in an `Arc` and shares it between concurrent calls",
                );
            } else if r.mutability.is_some() {
                errors.push(
                    r,
                    "service methods take `&self`, not `&mut self`: calls run concurrently on \
                     one shared implementation (use a `Mutex` or atomics for mutable state)",
                );
            }
        }
        _ => errors.push(
            &f.sig.ident,
            "service methods take `&self` as their first argument: add `&self`",
        ),
    }
}

/// Rejects borrowed types and `impl Trait`, which cannot be decoded into owned arguments.
fn check_type(ty: &Type, position: &str, errors: &mut Errors) {
    struct Finder<'e> {
        position: &'e str,
        errors: &'e mut Errors,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            self.errors.push(
                r,
                format!(
                    "borrowed {} types are not supported: values are decoded into owned data, \
                     so use an owned type (e.g. `String` for `&str`, `Vec<T>` for `&[T]`)",
                    self.position
                ),
            );
        }
        fn visit_lifetime(&mut self, l: &'ast syn::Lifetime) {
            if l.ident != "static" {
                self.errors.push(
                    l,
                    format!(
                        "lifetimes are not supported in {} types: values are decoded into owned \
                         data (use `'static` or an owned type)",
                        self.position
                    ),
                );
            }
        }
        fn visit_type_impl_trait(&mut self, t: &'ast syn::TypeImplTrait) {
            self.errors.push(
                t,
                format!(
                    "`impl Trait` is not supported in {} types: write a concrete type",
                    self.position
                ),
            );
        }
    }
    Finder { position, errors }.visit_type(ty);
}

/// `T` of a type written `Option<T>` (any path ending in `Option` with one type argument).
fn option_inner(ty: &Type) -> Option<Type> {
    let args = last_segment_args(ty, "Option")?;
    match args.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// `(T, Some(E))` of `Result<T, E>`, `(T, None)` of a one-argument alias `Result<T>`.
fn result_args(ty: &Type) -> Option<(Type, Option<Type>)> {
    let args = last_segment_args(ty, "Result")?;
    match args.as_slice() {
        [ok] => Some((ok.clone(), None)),
        [ok, err] => Some((ok.clone(), Some(err.clone()))),
        _ => None,
    }
}

fn last_segment_args(ty: &Type, name: &str) -> Option<Vec<Type>> {
    let Type::Path(tp) = ty else { return None };
    if tp.qself.is_some() {
        return None;
    }
    let last = tp.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(ab) = &last.arguments else {
        return None;
    };
    ab.args
        .iter()
        .map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// What `#[xmlrpc(..)]` says about one method.
#[derive(Default)]
struct Helper {
    name: Option<(String, Span)>,
    aliases: Vec<(String, Span)>,
    help: Option<String>,
    signature: Option<Vec<(Vec<String>, Span)>>,
}

/// Removes the helper attributes from `attrs` and reads them.
fn take_helper(attrs: &mut Vec<Attribute>, errors: &mut Errors) -> Helper {
    let mut helper = Helper::default();
    let mut tokens = Vec::new();
    attrs.retain(|a| {
        if !a.path().is_ident(HELPER) {
            return true;
        }
        match &a.meta {
            syn::Meta::List(list) => tokens.push(list.tokens.clone()),
            other => errors.push(other, "expected `#[xmlrpc(...)]` with options inside"),
        }
        false
    });
    let mut seen_name = false;
    for t in tokens {
        for item in attr::parse(t, "`#[xmlrpc]`", METHOD_KEYS, &["alias"], errors) {
            match item.key.as_str() {
                "name" | "alias" => {
                    let Some((name, span)) = item.string(errors) else {
                        continue;
                    };
                    if let Err(msg) = check_wire_name(&name) {
                        errors.push_at(span, format!("invalid method name: {msg}"));
                    } else if item.key == "name" {
                        if seen_name {
                            errors.push_at(span, "duplicate `#[xmlrpc]` option `name`");
                        }
                        seen_name = true;
                        helper.name = Some((name, span));
                    } else {
                        helper.aliases.push((name, span));
                    }
                }
                "help" => helper.help = item.string(errors).map(|(s, _)| s),
                _ => helper.signature = item.value(errors).and_then(|v| signatures(v, errors)),
            }
        }
    }
    helper
}

/// `[["int", "int", "int"], ...]`: each inner list is return type first, then parameters.
fn signatures(expr: &Expr, errors: &mut Errors) -> Option<Vec<(Vec<String>, Span)>> {
    const SHAPE: &str =
        "expected a list of signatures, e.g. `signature = [[\"int\", \"int\", \"int\"]]` \
         (return type first, then the parameter types)";
    let Expr::Array(outer) = expr else {
        errors.push(expr, SHAPE);
        return None;
    };
    let mut out = Vec::new();
    for sig in &outer.elems {
        let Expr::Array(inner) = sig else {
            errors.push(sig, SHAPE);
            return None;
        };
        let mut names = Vec::new();
        for e in &inner.elems {
            let (name, span) = attr::string_of(e, "signature", errors)?;
            if !TYPE_NAMES.contains(&name.as_str()) {
                errors.push_at(
                    span,
                    format!(
                        "`{name}` is not an XML-RPC type name; expected one of: {}",
                        TYPE_NAMES.join(", ")
                    ),
                );
            }
            names.push(name);
        }
        out.push((names, sig.span()));
    }
    Some(out)
}

/// Whether `name` may be a method name: XML-RPC allows letters, digits, `_`, `.`, `:` and `/`.
pub fn check_wire_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/')))
    {
        Some(c) => Err(format!(
            "`{c}` is not allowed; XML-RPC method names use letters, digits, `_`, `.`, `:` and `/`"
        )),
        None => Ok(()),
    }
}

/// Duplicate and reserved wire names, and Rust names that clash with generated ones.
fn check_names(methods: &[Method], opts: &Options, errors: &mut Errors) {
    let mut seen: HashMap<&str, (&Method, bool)> = HashMap::new();
    for m in methods {
        for (name, span) in m.wire_names.iter().zip(&m.name_spans) {
            if name.starts_with("system.") {
                errors.push_at(
                    *span,
                    format!(
                        "`{name}` is reserved: `system.*` names belong to the server's \
                         introspection and multicall methods"
                    ),
                );
            }
            let cfg = !m.cfgs.is_empty();
            match seen.get(name.as_str()) {
                // Two methods under different `#[cfg]`s may well be alternatives.
                Some((_, true)) if cfg => {}
                Some((other, _)) => errors.push_at(
                    *span,
                    format!(
                        "duplicate XML-RPC method name `{name}`: method `{}` is already \
                         served under it",
                        other.ident
                    ),
                ),
                None => {
                    seen.insert(name, (m, cfg));
                }
            }
        }
        let rust = Method::name(&m.ident);
        let mut reserved = Vec::new();
        if opts.server.is_some() {
            reserved.push(("into_service", "the generated `into_service` of the trait"));
        }
        if opts.client.is_some() {
            for name in ["new", "from_url", "client", "batch"] {
                reserved.push((name, "a generated constructor or accessor of the client"));
            }
            reserved.push(("send", "the generated `send` of the typed batch"));
            // An inherent `clone` would shadow `Clone::clone`: `client.clone()` would call
            // the server instead of copying the handle.
            reserved.push(("clone", "`Clone::clone` of the generated client"));
        }
        if let Some((_, what)) = reserved.iter().find(|(n, _)| *n == rust) {
            errors.push(
                &m.ident,
                format!(
                    "a method named `{rust}` would clash with {what}; rename the Rust method \
                     and keep the wire name with `#[xmlrpc(name = \"{rust}\")]`"
                ),
            );
        }
    }
}

fn attrs_named(attrs: &[Attribute], name: &str) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident(name))
        .cloned()
        .collect()
}

/// The doc comment as one text: lines joined, one leading space each removed, outer blank
/// lines dropped.
fn doc_text(docs: &[Attribute]) -> String {
    let lines: Vec<String> = docs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|s| {
            // `split`, not `lines`: an empty `///` line is a paragraph break to keep.
            s.split('\n')
                .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    lines.join("\n").trim_matches('\n').to_owned()
}
