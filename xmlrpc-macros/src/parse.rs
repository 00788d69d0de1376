//! Reads the annotated trait into the [`model`](crate::model), reporting every unsupported
//! shape with a span on the offending token.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{
    spanned::Spanned, Attribute, FnArg, ItemTrait, Pat, ReturnType, TraitItem, TraitItemFn, Type,
};

use crate::{
    errors::Errors,
    helper::{attrs_named, doc_text, take_helper, HELPER},
    model::{Arg, Flavor, Method, Return, Service},
    names::check_names,
    options::{self, Options},
    types::{check_type, option_inner, result_args},
};

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
        idempotent: helper.idempotent,
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
