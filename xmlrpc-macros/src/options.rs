//! The options of `#[xmlrpc_service(..)]` and where the runtime crates are.

use proc_macro2::{Span, TokenStream};
use proc_macro_crate::{crate_name, FoundCrate};
use quote::{quote, quote_spanned};

use crate::{attr, case::Case, errors::Errors};

/// The trait-level options, with the runtime paths resolved.
pub struct Options {
    /// `namespace = "calc"`: prefix of every wire name, dot-separated.
    pub namespace: Option<String>,
    pub rename_all: Option<Case>,
    /// Path of the `xmlrpc_server` crate when the server side is generated.
    pub server: Option<TokenStream>,
    /// Path of the `xmlrpc_client` crate when the client side is generated.
    pub client: Option<TokenStream>,
}

const KEYS: &[&str] = &[
    "namespace",
    "rename_all",
    "server",
    "client",
    "crate",
    "server_crate",
    "client_crate",
];

/// Reads the attribute arguments; `span` is the attribute's, for errors about it as a whole.
pub fn parse(args: TokenStream, span: Span, errors: &mut Errors) -> Options {
    let mut namespace = None;
    let mut rename_all = None;
    let (mut server_flag, mut client_flag) = (None, None);
    let (mut any_crate, mut server_crate, mut client_crate) = (None, None, None);
    for item in attr::parse(args, "`#[xmlrpc_service]`", KEYS, &[], errors) {
        match item.key.as_str() {
            "namespace" => {
                if let Some((ns, span)) = item.string(errors) {
                    if let Err(msg) = crate::names::check_wire_name(&ns) {
                        errors.push_at(span, format!("invalid namespace: {msg}"));
                    } else if ns == "system" {
                        errors.push_at(
                            span,
                            "the `system` namespace is reserved for the introspection and \
                             multicall methods of the server",
                        );
                    }
                    namespace = Some(ns);
                }
            }
            "rename_all" => {
                if let Some((name, span)) = item.string(errors) {
                    match Case::from_name(&name) {
                        Some(case) => rename_all = Some(case),
                        None => errors.push_at(
                            span,
                            format!("unknown case `{name}`; expected one of: {}", Case::NAMES),
                        ),
                    }
                }
            }
            "server" => server_flag = item.flag(errors).then(|| item.meta.clone()),
            "client" => client_flag = item.flag(errors).then(|| item.meta.clone()),
            key => {
                let Some((path, span)) = item.string(errors) else {
                    continue;
                };
                match syn::parse_str::<syn::Path>(&path) {
                    Ok(p) => {
                        let tokens = quote_spanned!(span=> #p);
                        match key {
                            "crate" => any_crate = Some((tokens, item.meta.clone())),
                            "server_crate" => server_crate = Some(tokens),
                            _ => client_crate = Some(tokens),
                        }
                    }
                    Err(_) => errors.push_at(span, format!("`{path}` is not a path")),
                }
            }
        }
    }

    let explicit = server_flag.is_some() || client_flag.is_some();
    let found_server = find("xmlrpc-server");
    let found_client = find("xmlrpc-client");
    let want_server = if explicit {
        server_flag.is_some()
    } else {
        server_crate.is_some() || found_server.is_some()
    };
    let want_client = if explicit {
        client_flag.is_some()
    } else {
        client_crate.is_some() || found_client.is_some()
    };
    if let Some((path, meta)) = any_crate {
        match (want_server, want_client) {
            (true, true) => errors.push(
                meta,
                "`crate` names one runtime crate, but both the server and the client side are \
                 generated: use `server_crate = \"...\"` and `client_crate = \"...\"`",
            ),
            (true, false) => server_crate = server_crate.or(Some(path)),
            _ => client_crate = client_crate.or(Some(path)),
        }
    }
    if !want_server && !want_client {
        errors.push_at(
            span,
            "neither `xmlrpc-server` nor `xmlrpc-client` is a dependency of this crate: add one, \
             or name the runtime with `server_crate = \"...\"` / `client_crate = \"...\"`",
        );
    }
    let resolve = |want: bool,
                   given: Option<TokenStream>,
                   found: Option<TokenStream>,
                   name: &str,
                   flag: Option<syn::Meta>,
                   errors: &mut Errors| {
        if !want {
            return None;
        }
        let path = given.or(found);
        if path.is_none() {
            let message = format!(
                "this side needs `{name}` in the [dependencies] of this crate (or \
                 `{}_crate = \"...\"` naming where it is re-exported)",
                if name == "xmlrpc-server" {
                    "server"
                } else {
                    "client"
                }
            );
            match flag {
                Some(flag) => errors.push(flag, message),
                None => errors.push_at(span, message),
            }
        }
        path
    };
    let server = resolve(
        want_server,
        server_crate,
        found_server,
        "xmlrpc-server",
        server_flag,
        errors,
    );
    let client = resolve(
        want_client,
        client_crate,
        found_client,
        "xmlrpc-client",
        client_flag,
        errors,
    );
    Options {
        namespace,
        rename_all,
        server,
        client,
    }
}

/// The path of the runtime crate `package` as this crate's manifest names it (renames included).
fn find(package: &str) -> Option<TokenStream> {
    match crate_name(package).ok()? {
        FoundCrate::Name(name) => {
            let ident = syn::Ident::new(&name, Span::call_site());
            Some(quote!(::#ident))
        }
        // The runtime crate itself never applies the macro in its library; its tests, examples
        // and doctests (which proc-macro-crate also reports as "itself") see it by name.
        FoundCrate::Itself => {
            let ident = syn::Ident::new(&package.replace('-', "_"), Span::call_site());
            Some(quote!(::#ident))
        }
    }
}
