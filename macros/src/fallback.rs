//! On invalid input: the errors, plus a stub impl of every trait the derive
//! would have implemented, so that code using the type reports only the real
//! mistakes, not a cascade of "`ApiError` is not implemented" errors.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

pub fn expand(input: &DeriveInput, error: syn::Error) -> TokenStream {
    let ty = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let error = error.into_compile_error();
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
    }
}
