//! The user's trait as emitted: still the trait they implement, with `Send` futures and the
//! bounds the server needs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{ext::IdentExt, ReturnType, TraitItem};

use crate::model::Service;

/// The trait with `async fn` lowered to `fn .. -> impl Future + Send`, the supertraits
/// `Send + Sync + 'static` added and, with a server side, `into_service` provided.
pub fn service_trait(service: &Service) -> TokenStream {
    let rt = service.runtime();
    let mut item = service.item.clone();
    item.supertraits
        .push(syn::parse_quote!(#rt::std::marker::Send));
    item.supertraits
        .push(syn::parse_quote!(#rt::std::marker::Sync));
    item.supertraits.push(syn::parse_quote!('static));
    if item.colon_token.is_none() {
        item.colon_token = Some(Default::default());
    }
    for trait_item in &mut item.items {
        let TraitItem::Fn(f) = trait_item else {
            continue;
        };
        if f.sig.asyncness.take().is_none() {
            continue;
        }
        let output = match &f.sig.output {
            ReturnType::Default => quote!(()),
            ReturnType::Type(_, ty) => quote!(#ty),
        };
        // `Send` in the signature lets the server spawn the future on the multi-threaded
        // runtime; an implementation whose future is not `Send` is rejected at the impl.
        f.sig.output = syn::parse_quote! {
            -> impl #rt::std::future::Future<Output = #output> + #rt::std::marker::Send
        };
        if let Some(body) = f.default.take() {
            f.default = Some(syn::parse_quote!({ async move #body }));
        }
    }
    if let Some(server) = &service.server {
        let name = service.server_name();
        let doc = format!(
            " Wraps this implementation into a [`{name}`], the service to mount on an \
             `xmlrpc_server::Server`."
        );
        item.items.push(syn::parse_quote! {
            #[doc = #doc]
            fn into_service(self) -> #name<Self>
            where
                Self: #server::__private::std::marker::Sized,
            {
                #name::new(self)
            }
        });
    }
    quote!(#item)
}

impl Service {
    /// The re-export module generated code that belongs to neither side goes through.
    pub fn runtime(&self) -> TokenStream {
        match (&self.server, &self.client) {
            (Some(path), _) | (None, Some(path)) => quote!(#path::__private),
            (None, None) => unreachable!("options always select a side"),
        }
    }

    fn base(&self) -> String {
        self.item.ident.unraw().to_string()
    }

    /// `CalculatorServer`.
    pub fn server_name(&self) -> syn::Ident {
        format_ident!("{}Server", self.base(), span = self.item.ident.span())
    }

    /// `CalculatorClient`.
    pub fn client_name(&self) -> syn::Ident {
        format_ident!("{}Client", self.base(), span = self.item.ident.span())
    }

    /// `CalculatorBlockingClient`.
    pub fn blocking_name(&self) -> syn::Ident {
        format_ident!(
            "{}BlockingClient",
            self.base(),
            span = self.item.ident.span()
        )
    }

    /// `CalculatorBatch`.
    pub fn batch_name(&self) -> syn::Ident {
        format_ident!("{}Batch", self.base(), span = self.item.ident.span())
    }
}
