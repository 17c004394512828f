//! The derive macro of [`apierror`](https://docs.rs/apierror). Use it through
//! `apierror::ApiError`, which documents every attribute; this crate is an
//! implementation detail and pinned by `apierror`.

#![forbid(unsafe_code)]

// parse: syn's input into the IR, collecting every mistake
mod ast;
mod attr;
mod case;
mod client;
mod code;
mod ctxt;
mod fmt;
// validate: rules across attributes and variants
mod valid;
// expand: code from valid input, or the errors plus a stub
mod expand;
mod fallback;
// what HTTP says about statuses, shared with `apierror::status`
mod status;

#[cfg(test)]
mod fuzz;

use proc_macro::TokenStream;

/// Derives `apierror::ApiError`; see that trait's crate for the attributes.
#[proc_macro_derive(ApiError, attributes(status, problem))]
pub fn derive_api_error(input: TokenStream) -> TokenStream {
    derive(input.into()).into()
}

/// The whole derive over `proc_macro2` tokens, so tests can call it outside
/// the compiler. Never panics: every mistake becomes a spanned
/// `compile_error!`.
fn derive(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    let mut errors = ctxt::Errors::default();
    let parsed = ast::Input::from_syn(&input, &mut errors);
    if let Some(parsed) = &parsed {
        valid::check(parsed, &mut errors);
    }
    match (parsed, errors.finish()) {
        (Some(parsed), Ok(())) => expand::derive(&parsed),
        (parsed, Err(error)) => fallback::expand(&input, parsed.as_ref(), error),
        (None, Ok(())) => proc_macro2::TokenStream::new(),
    }
}
