//! What documents a derived type: its `ProblemTypes` list, always, and for a
//! type that asks with `#[problem(openapi)]` its utoipa responses, through
//! `__private::impl_openapi!` (empty without the `utoipa` feature... or a
//! `compile_error!` naming it). A child of `expand`, it reads the same
//! `Plan`s the body is rendered from, so the documents cannot drift from it.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Data, Expr, Lit, Meta};

use super::{Kind, Plan};
use crate::ast::Input;

/// `impl ProblemTypes`: one entry per own variant in a `const`-friendly
/// slice, a transparent field's list in its place.
pub fn problem_types(input: &Input, plans: &[Plan]) -> TokenStream {
    let ty = &input.original.ident;
    let (impl_generics, ty_generics, where_clause) = input.original.generics.split_for_impl();
    let mut pushes = Vec::new();
    let mut run = Vec::new();
    let mut probes = false;
    for plan in plans {
        match &plan.kind {
            Kind::Own(own) => {
                let (uri, title, code) = (&own.problem_type, &own.title, own.code);
                let doc = docs(input, plan);
                run.push(quote!(__apierror::ProblemType::__new(#uri, #title, #code, #doc)));
            }
            Kind::Transparent(_) => {
                if !run.is_empty() {
                    pushes.push(
                        quote!(::std::vec::Vec::extend_from_slice(&mut __types, &[#(#run),*]);),
                    );
                    run.clear();
                }
                let field_ty = plan.variant.fields[0].ty;
                probes = true;
                pushes.push(quote! {
                    ::std::vec::Vec::append(
                        &mut __types,
                        &mut (&&__apierror::__private::TypesProbe::<#field_ty>::new()).problem_types_of(),
                    );
                });
            }
        }
    }
    let body = if pushes.is_empty() {
        quote!(<[__apierror::ProblemType]>::to_vec(&[#(#run),*]))
    } else {
        if !run.is_empty() {
            pushes.push(quote!(::std::vec::Vec::extend_from_slice(&mut __types, &[#(#run),*]);));
        }
        let uses = probes.then(|| {
            quote!(
                use __apierror::__private::{NoProblemTypes as _, ViaProblemTypes as _};
            )
        });
        quote! {{
            #uses
            let mut __types = ::std::vec::Vec::new();
            #(#pushes)*
            __types
        }}
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics __apierror::ProblemTypes for #ty #ty_generics #where_clause {
            fn problem_types() -> ::std::vec::Vec<__apierror::ProblemType> {
                __apierror::__private::problem_types(#body)
            }
        }
    }
}

/// The attributes the variant was written with (the struct's for a struct).
fn original_attrs<'a>(input: &'a Input, plan: &Plan) -> &'a [Attribute] {
    match &input.original.data {
        Data::Enum(data) => data
            .variants
            .iter()
            .find(|v| &v.ident == plan.variant.ident)
            .map_or(&[], |v| &v.attrs),
        _ => &input.original.attrs,
    }
}

/// The variant's doc comment: each `///` line without its first space,
/// joined by newlines, trimmed.
fn docs(input: &Input, plan: &Plan) -> String {
    let lines: Vec<String> = original_attrs(input, plan)
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|doc| {
            doc.lines()
                .map(|line| line.strip_prefix(' ').unwrap_or(line).trim_end().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    lines.join("\n").trim().to_owned()
}
