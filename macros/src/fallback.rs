//! On invalid input: the errors, plus a stub impl of every trait the derive
//! would have implemented, so that code using the type reports only the real
//! mistakes, not a cascade of "`ApiError` is not implemented" errors.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Data, DeriveInput};

pub fn expand(input: &DeriveInput, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    // A union can never be an `ApiError`; a stub would only add errors about
    // its missing `Error` impl.
    if let Data::Union(_) = input.data {
        return error;
    }
    let ty = &input.ident;
    let generics = &input.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    // As in the real impl: the type is an `Error` only under the bounds
    // thiserror infers, so the stub asks for exactly that.
    let own = generics
        .where_clause
        .as_ref()
        .map(|w| w.predicates.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    let where_clause = if generics.params.is_empty() {
        generics.where_clause.as_ref().map(|w| quote!(#w))
    } else {
        let error_bound = quote_spanned!(Span::call_site()=> #ty #ty_generics: ::std::error::Error);
        Some(quote!(where #(#own,)* #error_bound))
    };
    let client = crate::client::fallback(input, where_clause.as_ref());
    quote! {
        #error

        #[allow(unused_qualifications)]
        #[automatically_derived]
        impl #impl_generics ::apierror::ApiError for #ty #ty_generics #where_clause {
            fn status(&self) -> ::apierror::__private::StatusCode {
                ::core::unreachable!()
            }

            fn problem(&self) -> ::apierror::Problem {
                ::core::unreachable!()
            }
        }

        ::apierror::__private::impl_axum! {
            {impl #impl_generics} {#ty #ty_generics} {#where_clause}
        }

        ::apierror::__private::impl_actix! {
            {impl #impl_generics} {#ty #ty_generics} {#where_clause}
        }

        #client
    }
}
