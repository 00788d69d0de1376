//! Compile-time warnings for types that encode, but not as their authors usually expect:
//! `Vec<u8>` (and `[u8; N]`) travel as an array of ints, not base64, and
//! `std::time::SystemTime` / `Duration` as a struct of seconds and nanoseconds, not
//! `dateTime.iso8601`. A proc macro cannot emit warnings on stable Rust, so each trap calls a
//! local `#[deprecated]` function at the type's span: the note reads as the warning.

use proc_macro2::TokenStream;
use quote::{format_ident, quote_spanned};
use syn::{spanned::Spanned, visit::Visit, GenericArgument, PathArguments, Type};

use crate::model::Service;

const BYTES: &str = "`Vec<u8>` goes over XML-RPC as an array of ints, not base64 (Python's \
                     `Binary` is refused): use `serde_bytes::ByteBuf` or `xmlrpc_core::Value` \
                     for base64, or name the type through a type alias to keep the array";
const SYSTEM_TIME: &str = "`SystemTime` goes over XML-RPC as a struct of seconds and \
                           nanoseconds, not `dateTime.iso8601`: use `xmlrpc_core::DateTime` \
                           (or chrono/time types with the core crate's `chrono`/`time` features), \
                           or name the type through a type alias to keep the struct";
const DURATION: &str = "`Duration` goes over XML-RPC as a struct `{secs, nanos}`: send a number \
                        (e.g. seconds as `f64` or milliseconds as `i64`), or name the type \
                        through a type alias to keep the struct";

/// The warnings for every argument and return type of the service.
pub fn warnings(service: &Service) -> TokenStream {
    let mut finder = Finder::default();
    for m in &service.methods {
        for a in &m.args {
            finder.visit_type(&a.ty);
        }
        finder.visit_type(&m.ret.ok);
    }
    if finder.found.is_empty() {
        return TokenStream::new();
    }
    let calls = finder.found.iter().map(|(span, which)| {
        let name = format_ident!("{}", which.name(), span = *span);
        quote_spanned!(*span=> #name();)
    });
    let defs = [Trap::Bytes, Trap::SystemTime, Trap::Duration].map(|t| {
        let (name, note) = (format_ident!("{}", t.name()), t.note());
        quote::quote! {
            #[deprecated(note = #note)]
            #[allow(dead_code)]
            fn #name() {}
        }
    });
    quote::quote! {
        const _: () = {
            #(#defs)*
            #[allow(dead_code)]
            fn __xmlrpc_type_traps() {
                #(#calls)*
            }
        };
    }
}

#[derive(Clone, Copy)]
enum Trap {
    Bytes,
    SystemTime,
    Duration,
}

impl Trap {
    fn name(self) -> &'static str {
        match self {
            Trap::Bytes => "vec_u8_is_an_array_of_ints",
            Trap::SystemTime => "system_time_is_a_struct",
            Trap::Duration => "duration_is_a_struct",
        }
    }

    fn note(self) -> &'static str {
        match self {
            Trap::Bytes => BYTES,
            Trap::SystemTime => SYSTEM_TIME,
            Trap::Duration => DURATION,
        }
    }
}

#[derive(Default)]
struct Finder {
    found: Vec<(proc_macro2::Span, Trap)>,
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_type(&mut self, ty: &'ast Type) {
        let trap = match ty {
            Type::Path(p) if p.qself.is_none() => {
                let last = p.path.segments.last();
                match last.map(|s| (s.ident.to_string(), &s.arguments)) {
                    Some((name, PathArguments::AngleBracketed(args)))
                        if name == "Vec" && args.args.len() == 1 =>
                    {
                        matches!(&args.args[0], GenericArgument::Type(t) if is_u8(t))
                            .then_some(Trap::Bytes)
                    }
                    Some((name, PathArguments::None)) if name == "SystemTime" => {
                        Some(Trap::SystemTime)
                    }
                    Some((name, PathArguments::None)) if name == "Duration" => Some(Trap::Duration),
                    _ => None,
                }
            }
            Type::Array(a) if is_u8(&a.elem) => Some(Trap::Bytes),
            _ => None,
        };
        match trap {
            Some(trap) => self.found.push((ty.span(), trap)),
            None => syn::visit::visit_type(self, ty),
        }
    }
}

fn is_u8(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("u8"))
}
