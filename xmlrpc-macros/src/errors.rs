//! Collects every error of one expansion so a user sees them all in one build.

use std::fmt::Display;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// A growing list of spanned errors.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Records an error spanned on `tokens` (all of their span, not just the first token).
    pub fn push(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.add(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error spanned on `span`.
    pub fn push_at(&mut self, span: proc_macro2::Span, message: impl Display) {
        self.add(syn::Error::new(span, message));
    }

    /// Records an error built elsewhere (e.g. by syn's parser).
    pub fn add(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// How many errors were recorded.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |e| e.into_iter().count())
    }

    /// One `compile_error!` per recorded error.
    pub fn into_compile_errors(self) -> TokenStream {
        self.0.map(|e| e.to_compile_error()).unwrap_or_default()
    }
}
