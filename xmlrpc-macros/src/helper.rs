//! The `#[xmlrpc(..)]` helper attribute of methods and the doc comments that become help text.

use proc_macro2::Span;
use syn::{spanned::Spanned, Attribute, Expr};

use crate::{attr, errors::Errors, names::check_wire_name};

/// The helper attribute on methods.
pub const HELPER: &str = "xmlrpc";
const METHOD_KEYS: &[&str] = &["name", "alias", "help", "signature", "idempotent"];
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

/// What `#[xmlrpc(..)]` says about one method.
#[derive(Default)]
pub struct Helper {
    pub name: Option<(String, Span)>,
    pub aliases: Vec<(String, Span)>,
    pub help: Option<String>,
    pub signature: Option<Vec<(Vec<String>, Span)>>,
    /// `idempotent`: running the call twice does no more than running it once.
    pub idempotent: bool,
}

/// Removes the helper attributes from `attrs` and reads them.
pub fn take_helper(attrs: &mut Vec<Attribute>, errors: &mut Errors) -> Helper {
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
                "idempotent" => helper.idempotent = item.flag(errors),
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

pub fn attrs_named(attrs: &[Attribute], name: &str) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident(name))
        .cloned()
        .collect()
}

/// The doc comment as one text: lines joined, one leading space each removed, outer blank
/// lines dropped.
pub fn doc_text(docs: &[Attribute]) -> String {
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
