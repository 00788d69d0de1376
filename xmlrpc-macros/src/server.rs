//! The server side: `CalculatorServer<T>`, its static method table and its dispatch.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Flavor, Method, Service};

/// `CalculatorServer<T>` and its `Service` implementation; `server` is the runtime crate path.
pub fn generate(service: &Service, server: &TokenStream) -> TokenStream {
    let rt = quote!(#server::__private);
    let trait_name = &service.item.ident;
    let vis = &service.item.vis;
    let name = service.server_name();
    let wire_list = service
        .methods
        .iter()
        .flat_map(|m| &m.wire_names)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = format!(
        " Serves a [`{trait_name}`] implementation over XML-RPC: {wire_list}.\n\n \
         Build it with [`{trait_name}::into_service`] or [`{name}::new`] and mount it on an \
         `xmlrpc_server::Server`; `system.listMethods`, `system.methodHelp` and \
         `system.methodSignature` are answered from the method table generated with it."
    );

    // Internal locals get mixed-site hygiene so that no argument name can shadow them; items
    // and the implementation's type parameter (`__XmlRpcImpl`: user types are in scope there)
    // get names no user writes.
    let enum_name = format_ident!("__XmlRpcMethod{}", name);
    let table = format_ident!("__XMLRPC_METHODS");
    // Inside the private block, one short alias of the re-export module.
    let local = quote!(__xmlrpc_rt);
    let descs = service
        .methods
        .iter()
        .flat_map(|m| descriptors(m, &local, &enum_name));
    let variants = service.methods.iter().map(|m| {
        let (cfgs, ident) = (&m.cfgs, &m.ident);
        quote!(#(#cfgs)* #ident,)
    });
    let arms = service
        .methods
        .iter()
        .map(|m| arm(m, &local, trait_name, &enum_name));
    let (index, params, ctx) = (mixed("index"), mixed("params"), mixed("ctx"));
    let name_str = name.to_string();

    quote! {
        #[doc = #doc]
        #vis struct #name<T> {
            inner: #rt::Arc<T>,
        }

        impl<T: #trait_name> #name<T> {
            /// Serves `implementation`.
            pub fn new(implementation: T) -> Self {
                Self::from_arc(#rt::Arc::new(implementation))
            }

            /// Serves an implementation that other code shares.
            pub fn from_arc(implementation: #rt::Arc<T>) -> Self {
                Self { inner: implementation }
            }

            /// The implementation being served.
            pub fn implementation(&self) -> &#rt::Arc<T> {
                &self.inner
            }
        }

        const _: () = {
            use #rt as #local;
            // Method resolution picks `ProbeKnown` where the type can be probed: see `Probe`.
            #[allow(unused_imports)]
            use #local::{FallBackToError as _, PreferFrom as _, ProbeKnown as _, ProbeUnknown as _};

            impl<T> #local::std::clone::Clone for #name<T> {
                fn clone(&self) -> Self {
                    Self { inner: #local::std::clone::Clone::clone(&self.inner) }
                }
            }

            impl<T> #local::std::fmt::Debug for #name<T> {
                fn fmt(&self, f: &mut #local::std::fmt::Formatter<'_>) -> #local::std::fmt::Result {
                    f.debug_struct(#name_str).finish_non_exhaustive()
                }
            }

            #[allow(non_camel_case_types)]
            enum #enum_name { #(#variants)* }

            static #table: &[#local::MethodDesc<#enum_name>] = &[#(#descs)*];

            #[allow(deprecated)]
            impl<__XmlRpcImpl: #trait_name> #local::Service for #name<__XmlRpcImpl> {
                fn methods(&self) -> #local::Vec<#local::MethodInfo> {
                    #local::method_infos(#table)
                }

                fn call(
                    &self,
                    #index: usize,
                    #params: #local::Params<'_>,
                    #ctx: &#local::CallContext,
                ) -> #local::BoxFuture<#local::CallResult> {
                    let desc = match #table.get(#index) {
                        #local::Some(desc) => desc,
                        #local::None => return #local::no_method(#index),
                    };
                    match desc.method {
                        #(#arms)*
                    }
                }
            }
        };
    }
}

fn mixed(name: &str) -> syn::Ident {
    syn::Ident::new(&format!("__{name}"), Span::mixed_site())
}

/// One table entry per wire name of `m`.
fn descriptors<'m>(
    m: &'m Method,
    rt: &'m TokenStream,
    enum_name: &'m syn::Ident,
) -> impl Iterator<Item = TokenStream> + 'm {
    let fixed = match &m.signature {
        Some(fixed) => {
            let sigs = fixed.iter().map(|s| quote!(&[#(#s),*]));
            quote!(#rt::Some(&[#(#sigs),*]))
        }
        None => quote!(#rt::None),
    };
    let ret = probe(&m.ret.ok, m.ret.span, rt);
    let params = m.args.iter().map(|a| {
        let ty = a.optional.as_ref().unwrap_or(&a.ty);
        let (name, ty) = (Method::name(&a.ident), probe(ty, ty.span(), rt));
        quote!(#rt::ParamDesc { name: #name, ty: #ty })
    });
    let (required, idempotent) = (m.required, m.idempotent);
    let signature = quote! {
        #rt::Signature {
            ret: #ret,
            params: &[#(#params),*],
            required: #required,
            fixed: #fixed,
            idempotent: #idempotent,
        }
    };
    let (cfgs, ident, help) = (&m.cfgs, &m.ident, &m.help);
    m.wire_names.iter().map(move |wire| {
        quote! {
            #(#cfgs)*
            #rt::MethodDesc {
                name: #wire,
                help: #help,
                method: #enum_name::#ident,
                signature: #signature,
            },
        }
    })
}

/// A `fn() -> TypeDesc` naming the XML-RPC type of `ty`, `undef` where the codec cannot
/// probe it. Autoref'd probing keeps a type that cannot be decoded from failing here:
/// its arguments are reported once, by the decoding.
fn probe(ty: &syn::Type, span: Span, rt: &TokenStream) -> TokenStream {
    quote_spanned!(span=> || (&#rt::Probe::<#ty>::new()).type_desc())
}

/// The dispatch of one method: decode the arguments now, run the method in the future.
fn arm(
    m: &Method,
    rt: &TokenStream,
    trait_name: &syn::Ident,
    enum_name: &syn::Ident,
) -> TokenStream {
    let (params, ctx, args_var) = (mixed("params"), mixed("ctx"), mixed("args"));
    let (inner, options) = (mixed("inner"), mixed("options"));
    let names: Vec<_> = m.args.iter().map(|a| &a.ident).collect();
    let reads = m.args.iter().map(|a| {
        let name = Method::name(&a.ident);
        // The type's span puts a missing `Deserialize` on the argument's type.
        match &a.optional {
            Some(inner) => {
                quote_spanned!(inner.span()=> #rt::optional::<#inner>(#args_var, #name)?)
            }
            None => {
                let ty = &a.ty;
                quote_spanned!(ty.span()=> #rt::required::<#ty>(#args_var, #name)?)
            }
        }
    });
    let expected = m.arity();
    let ident = &m.ident;
    let call = quote!(<__XmlRpcImpl as #trait_name>::#ident(&#inner, #(#names),*));
    let ok = &m.ret.ok;
    let encode = |value: TokenStream| match &m.ret.fallible {
        Some(err) => {
            let err = err.as_ref().map_or_else(|| quote!(_), |e| quote!(#e));
            let (result, via) = (mixed("result"), mixed("via"));
            quote_spanned! {m.ret.span=>
                {
                    let #result: #rt::Result<#ok, #err> = #value;
                    #[allow(clippy::needless_borrow)]
                    let #via = (&#rt::FaultOf::of(&#result)).via();
                    #rt::encode_result::<#ok, #err, _>(#result, &#options, #via)
                }
            }
        }
        None => quote_spanned!(m.ret.span=> #rt::encode_plain::<#ok>(#value, &#options)),
    };
    let (dispatch, run) = match m.flavor {
        Flavor::Async => (quote!(#rt::dispatch), {
            let encode = encode(quote!(#call.await));
            quote!(async move { #encode })
        }),
        Flavor::Blocking => (quote!(#rt::dispatch_blocking), encode(call)),
    };
    let cfgs = &m.cfgs;
    quote! {
        #(#cfgs)*
        #enum_name::#ident => #dispatch(
            &self.inner,
            &#params,
            #ctx,
            #expected,
            |#args_var| #rt::Ok((#(#reads,)*)),
            |#inner, (#(#names,)*), #options| #run,
        ),
    }
}
