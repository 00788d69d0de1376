//! The client side: `CalculatorClient` with one async method per trait method, and the typed
//! batch `CalculatorBatch`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Method, Service};

/// `CalculatorClient` and `CalculatorBatch`; `client` is the runtime crate path.
pub fn generate(service: &Service, client: &TokenStream) -> TokenStream {
    let rt = quote!(#client::__private);
    let trait_name = &service.item.ident;
    let vis = &service.item.vis;
    let (name, batch) = (service.client_name(), service.batch_name());
    let (name_str, batch_str) = (name.to_string(), batch.to_string());
    let doc = format!(
        " Typed XML-RPC client of the [`{trait_name}`] service: one method per trait method, \
         with the same argument types.\n\n Each method encodes its arguments at once and \
         returns a `Send + 'static` future (it can be spawned) of the method's value, or of an \
         `xmlrpc_client::Error` (faults included); [`{name}::batch`] sends several calls \
         in one `system.multicall`."
    );
    let batch_doc = format!(
        " A typed `system.multicall` of [`{trait_name}`] calls, started by [`{name}::batch`].\n\n \
         Each method queues one call and returns the handle of its typed result; \
         [`{batch}::send`] sends them all in one request, and each result is read with \
         `MulticallResults::get(&handle)`: one failing call does not fail the others."
    );
    // Inherent methods stay at the top level, so that diagnostics name them
    // `CalculatorClient::add`; the trait impls live in a private block with one short alias of
    // the re-export module.
    let local = quote!(__xmlrpc_rt);
    let calls = service.methods.iter().map(|m| call(m, &rt));
    let queues = service.methods.iter().map(|m| queue(m, &rt));
    let blocking = blocking(service, &rt, &local);

    quote! {
        #[doc = #doc]
        #vis struct #name {
            client: #rt::Client,
        }

        #[doc = #batch_doc]
        #vis struct #batch {
            multicall: #rt::Multicall,
        }

        impl #name {
            /// A typed client that sends its calls through `client`.
            pub fn new(client: #rt::Client) -> Self {
                Self { client }
            }

            /// A typed client of the server at `url`, with default client settings.
            pub fn from_url(url: &str) -> #rt::Result<Self, #rt::Error> {
                #rt::Client::new(url).map(Self::new)
            }

            /// The underlying client, for calls outside this service.
            pub fn client(&self) -> &#rt::Client {
                &self.client
            }

            /// Starts a typed batch: calls queued on it go out in one `system.multicall`.
            pub fn batch(&self) -> #batch {
                #batch {
                    multicall: self.client.multicall(),
                }
            }

            #(#calls)*
        }

        impl #batch {
            #(#queues)*

            /// Sends every queued call as one `system.multicall`.
            pub async fn send(self) -> #rt::Result<#rt::MulticallResults, #rt::Error> {
                self.multicall.send().await
            }
        }

        const _: () = {
            use #rt as #local;

            impl #local::std::convert::From<#local::Client> for #name {
                fn from(client: #local::Client) -> Self {
                    Self::new(client)
                }
            }

            impl #local::std::clone::Clone for #name {
                fn clone(&self) -> Self {
                    Self { client: #local::std::clone::Clone::clone(&self.client) }
                }
            }

            impl #local::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut #local::std::fmt::Formatter<'_>) -> #local::std::fmt::Result {
                    f.debug_struct(#name_str).field("client", &self.client).finish()
                }
            }

            impl #local::std::fmt::Debug for #batch {
                fn fmt(&self, f: &mut #local::std::fmt::Formatter<'_>) -> #local::std::fmt::Result {
                    f.debug_struct(#batch_str).field("multicall", &self.multicall).finish()
                }
            }
        };

        #blocking
    }
}

/// `CalculatorBlockingClient`, the typed stub over `xmlrpc_client::blocking::Client`. It is
/// passed through the client crate's `blocking_stub!`, which keeps it only when that crate's
/// `blocking` feature is on: the expansion does not depend on this crate's features, and a
/// crate without the feature compiles no blocking code.
fn blocking(service: &Service, rt: &TokenStream, local: &TokenStream) -> TokenStream {
    let trait_name = &service.item.ident;
    let vis = &service.item.vis;
    let (name, async_name) = (service.blocking_name(), service.client_name());
    let name_str = name.to_string();
    let doc = format!(
        " Typed blocking XML-RPC client of the [`{trait_name}`] service (feature `blocking` \
         of `xmlrpc-client`): the methods of [`{async_name}`], each waiting for its answer. \
         It works on any thread that may block, `tokio::task::spawn_blocking` included; \
         inside async code use [`{async_name}`]."
    );
    let methods = service.methods.iter().map(|m| blocking_call(m, rt));
    quote! {
        #rt::blocking_stub! {
            #[doc = #doc]
            #vis struct #name {
                client: #rt::BlockingClient,
            }

            impl #name {
                /// A typed blocking client that sends its calls through `client`.
                pub fn new(client: #rt::BlockingClient) -> Self {
                    Self { client }
                }

                /// A typed blocking client of the server at `url`, with default settings.
                pub fn from_url(url: &str) -> #rt::Result<Self, #rt::Error> {
                    #rt::BlockingClient::new(url).map(Self::new)
                }

                /// The underlying blocking client, for calls outside this service.
                pub fn client(&self) -> &#rt::BlockingClient {
                    &self.client
                }

                #(#methods)*
            }

            const _: () = {
                use #rt as #local;

                impl #local::std::convert::From<#local::BlockingClient> for #name {
                    fn from(client: #local::BlockingClient) -> Self {
                        Self::new(client)
                    }
                }

                impl #local::std::clone::Clone for #name {
                    fn clone(&self) -> Self {
                        Self { client: #local::std::clone::Clone::clone(&self.client) }
                    }
                }

                impl #local::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut #local::std::fmt::Formatter<'_>) -> #local::std::fmt::Result {
                        f.debug_struct(#name_str).field("client", &self.client).finish()
                    }
                }
            };
        }
    }
}

/// The trait method's docs, then a line naming the wire name.
fn docs(m: &Method, action: &str) -> TokenStream {
    let docs = &m.docs;
    let line = format!(" {action} `{}` on the server.", m.wire_names[0]);
    let gap = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    quote!(#(#docs)* #gap #[doc = #line])
}

/// Arguments as the signature declares them.
fn params(m: &Method) -> TokenStream {
    let args = m.args.iter().map(|a| {
        let (ident, ty) = (&a.ident, &a.ty);
        quote!(#ident: #ty)
    });
    quote!(#(#args),*)
}

/// The closure that pushes the arguments into the call being written, each on its own (so an
/// argument type that cannot be encoded is reported on that argument's type, and trailing
/// `None`s can be left out). Its parameter is hygienic: an argument may be called `params`.
fn push_args(m: &Method, rt: &TokenStream) -> TokenStream {
    if m.args.is_empty() {
        return quote!(|_: &mut #rt::ParamsWriter<'_>| #rt::Ok(()));
    }
    let params = Ident::new("params", Span::mixed_site());
    let pushes = m.args.iter().map(|a| {
        let ident = &a.ident;
        match &a.optional {
            Some(inner) => {
                quote_spanned!(inner.span()=> #rt::optional::<#inner>(#params, &#ident)?;)
            }
            None => {
                let ty = &a.ty;
                quote_spanned!(ty.span()=> #rt::arg::<#ty>(#params, &#ident)?;)
            }
        }
    });
    quote!(|#params: &mut #rt::ParamsWriter<'_>| { #(#pushes)* #rt::Ok(()) })
}

/// The `methodCall` body of one call, written when the method is called.
fn encode(m: &Method, rt: &TokenStream, options: TokenStream) -> TokenStream {
    let (wire, push) = (&m.wire_names[0], push_args(m, rt));
    quote!(#rt::encode(#options, #wire, #push))
}

/// One method of the client.
fn call(m: &Method, rt: &TokenStream) -> TokenStream {
    let (ident, ok, wire) = (&m.ident, &m.ret.ok, &m.wire_names[0]);
    let attrs = docs(m, "Calls");
    let (cfgs, deprecated) = (&m.cfgs, &m.deprecated);
    let params = params(m);
    let body = encode(m, rt, quote!(self.client.encode_options()));
    let send = match m.idempotent {
        true => quote_spanned!(m.ret.span=> #rt::call_idempotent::<#ok>),
        false => quote_spanned!(m.ret.span=> #rt::call::<#ok>),
    };
    quote! {
        #attrs
        #(#cfgs)*
        #(#deprecated)*
        pub fn #ident(&self, #params)
            -> impl #rt::Future<Output = #rt::Result<#ok, #rt::Error>> + #rt::std::marker::Send + 'static
        {
            #send(&self.client, #wire, #body)
        }
    }
}

/// One method of the blocking client.
fn blocking_call(m: &Method, rt: &TokenStream) -> TokenStream {
    let (ident, ok, wire) = (&m.ident, &m.ret.ok, &m.wire_names[0]);
    let attrs = docs(m, "Calls");
    let (cfgs, deprecated) = (&m.cfgs, &m.deprecated);
    let params = params(m);
    let body = encode(m, rt, quote!(self.client.as_async().encode_options()));
    let send = match m.idempotent {
        true => quote_spanned!(m.ret.span=> #rt::blocking_call_idempotent::<#ok>),
        false => quote_spanned!(m.ret.span=> #rt::blocking_call::<#ok>),
    };
    quote! {
        #attrs
        #(#cfgs)*
        #(#deprecated)*
        pub fn #ident(&self, #params) -> #rt::Result<#ok, #rt::Error> {
            #send(&self.client, #wire, #body)
        }
    }
}

/// One method of the batch.
fn queue(m: &Method, rt: &TokenStream) -> TokenStream {
    let (ident, ok, wire) = (&m.ident, &m.ret.ok, &m.wire_names[0]);
    let attrs = docs(m, "Queues a call of");
    let (cfgs, deprecated) = (&m.cfgs, &m.deprecated);
    let params = params(m);
    let push = push_args(m, rt);
    let queue = quote_spanned!(m.ret.span=> #rt::queue::<#ok>);
    quote! {
        #attrs
        #(#cfgs)*
        #(#deprecated)*
        pub fn #ident(&mut self, #params) -> #rt::Result<#rt::Handle<#ok>, #rt::Error> {
            #queue(&mut self.multicall, #wire, #push)
        }
    }
}
