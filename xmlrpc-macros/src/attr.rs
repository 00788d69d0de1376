//! The small `key = value, flag` grammar shared by `#[xmlrpc_service(..)]` and `#[xmlrpc(..)]`:
//! every allowed key is listed once, unknown and repeated keys are reported on the key.

use proc_macro2::{Span, TokenStream};
use syn::{parse::Parser, punctuated::Punctuated, spanned::Spanned, Expr, Lit, Meta, Token};

use crate::errors::Errors;

/// One `key`, `key = value` or `key(..)` item with its key as written.
pub struct Item {
    pub key: String,
    pub meta: Meta,
}

/// Parses `tokens` as a comma-separated list, keeping the items whose key is in `allowed`;
/// keys in `repeatable` may appear more than once.
pub fn parse(
    tokens: TokenStream,
    what: &str,
    allowed: &[&str],
    repeatable: &[&str],
    errors: &mut Errors,
) -> Vec<Item> {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(e) => {
            errors.add(e);
            return Vec::new();
        }
    };
    let mut items: Vec<Item> = Vec::new();
    for meta in metas {
        let path = meta.path();
        let key = path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_else(|| quote::quote!(#path).to_string().replace(' ', ""));
        if !allowed.contains(&key.as_str()) {
            let expected = allowed
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            errors.push(
                path,
                format!("unknown {what} option `{key}`; expected one of: {expected}"),
            );
            continue;
        }
        if !repeatable.contains(&key.as_str()) && items.iter().any(|i| i.key == key) {
            errors.push(path, format!("duplicate {what} option `{key}`"));
            continue;
        }
        items.push(Item { key, meta });
    }
    items
}

impl Item {
    /// A bare flag (`server`); reports `key = ..` or `key(..)`.
    pub fn flag(&self, errors: &mut Errors) -> bool {
        match &self.meta {
            Meta::Path(_) => true,
            other => {
                errors.push(other, format!("`{}` takes no value", self.key));
                false
            }
        }
    }

    /// The value of `key = <expr>`.
    pub fn value(&self, errors: &mut Errors) -> Option<&Expr> {
        match &self.meta {
            Meta::NameValue(nv) => Some(&nv.value),
            other => {
                errors.push(other, format!("expected `{} = ...`", self.key));
                None
            }
        }
    }

    /// The string of `key = "..."` with the literal's span.
    pub fn string(&self, errors: &mut Errors) -> Option<(String, Span)> {
        let value = self.value(errors)?;
        string_of(value, &self.key, errors)
    }
}

/// The content of a string literal expression.
pub fn string_of(expr: &Expr, key: &str, errors: &mut Errors) -> Option<(String, Span)> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some((s.value(), s.span())),
        other => {
            errors.push_at(
                other.span(),
                format!("`{key}` expects a string literal, e.g. `{key} = \"...\"`"),
            );
            None
        }
    }
}
