//! On invalid input: the errors, plus a stub impl of every trait the derive
//! would have implemented, so that code using the type reports only the real
//! mistakes, not a cascade of "`ApiError` is not implemented" errors.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Data, DeriveInput};

use crate::ast::Input;
use crate::expand;

pub fn expand(input: &DeriveInput, parsed: Option<&Input>, error: syn::Error) -> TokenStream {
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
    // Without parsed input (a union), nothing but the errors is emitted.
    let Some(parsed) = parsed else {
        return error;
    };
    let framework_impls = expand::framework_impls(
        parsed,
        &quote!({impl #impl_generics} {#ty #ty_generics} {#where_clause}),
    );
    let client = crate::client::fallback(input, where_clause.as_ref());
    let openapi = parsed.openapi.as_ref().map(|key| {
        quote_spanned! {key.span()=>
            __apierror::__private::impl_openapi! {
                {impl #impl_generics} {#ty #ty_generics} {#where_clause}
                { ::core::unreachable!() }
            }
        }
    });
    let impls = quote! {
        #[allow(unused_qualifications)]
        #[automatically_derived]
        impl #impl_generics __apierror::ApiError for #ty #ty_generics #where_clause {
            fn status(&self) -> __apierror::__private::StatusCode {
                ::core::unreachable!()
            }

            fn problem(&self) -> __apierror::Problem {
                ::core::unreachable!()
            }
        }

        #framework_impls
        #client

        #[automatically_derived]
        impl #impl_generics __apierror::ProblemTypes for #ty #ty_generics #where_clause {
            fn problem_types() -> ::std::vec::Vec<__apierror::ProblemType> {
                ::core::unreachable!()
            }
        }

        #openapi
    };
    let stub = expand::wrap_in_const(parsed.crate_path.as_ref(), impls);
    quote! {
        #error
        #stub
    }
}
