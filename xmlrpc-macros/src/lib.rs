//! The `#[xmlrpc_service]` attribute (to be written).
use proc_macro::TokenStream;

/// Generates typed server dispatch and a typed client from a trait.
#[proc_macro_attribute]
pub fn xmlrpc_service(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
