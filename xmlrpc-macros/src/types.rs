//! What the macro reads from type syntax: borrowed or `impl Trait` types to reject, trailing
//! `Option<T>` arguments and `Result<T, E>` returns. Type *names* for introspection come from
//! the codec at run time, never from here.

use syn::{visit::Visit, GenericArgument, PathArguments, Type};

use crate::errors::Errors;

/// Rejects borrowed types and `impl Trait`, which cannot be decoded into owned arguments.
pub fn check_type(ty: &Type, position: &str, errors: &mut Errors) {
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
pub fn option_inner(ty: &Type) -> Option<Type> {
    let args = last_segment_args(ty, "Option")?;
    match args.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// `(T, Some(E))` of `Result<T, E>`, `(T, None)` of a one-argument alias `Result<T>`.
pub fn result_args(ty: &Type) -> Option<(Type, Option<Type>)> {
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
