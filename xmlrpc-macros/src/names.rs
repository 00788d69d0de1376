//! Wire names: allowed characters, duplicates, the reserved `system.` prefix, and Rust names
//! that would clash with generated items.

use std::collections::HashMap;

use xmlrpc_core::__reserved::{Side, METHOD_NAMES};

use crate::{errors::Errors, model::Method, options::Options};

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
pub fn check_names(methods: &[Method], opts: &Options, errors: &mut Errors) {
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
        let reserved: Vec<(&str, &str)> = METHOD_NAMES
            .iter()
            .filter(|(_, side, _)| match side {
                Side::Server => opts.server.is_some(),
                Side::Client => opts.client.is_some(),
            })
            .map(|(name, _, what)| (*name, *what))
            .collect();
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
