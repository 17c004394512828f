//! What documents a derived type: its `ProblemTypes` list, always, and for a
//! type that asks with `#[problem(openapi)]` its utoipa responses, through
//! `__private::impl_openapi!` (empty without the `utoipa` feature... or a
//! `compile_error!` naming it). A child of `expand`, it reads the same
//! `Plan`s the body is rendered from, so the documents cannot drift from it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Data, Expr, GenericArgument, Lit, Meta, PathArguments, Type};

use super::{Extension, Kind, Plan, Text, head, mentions};
use crate::ast::Input;
use crate::attr::Header;
use crate::code::Code;

/// `impl ProblemTypes`: the own variants' entries as one slice of literal
/// tuples, each distinct entry once (the list keeps the first of equal
/// entries anyway), and each transparent field type's list once, at the
/// place of its first variant.
pub fn problem_types(input: &Input, plans: &[Plan]) -> TokenStream {
    let ty = &input.original.ident;
    let (impl_generics, ty_generics, where_clause) = input.original.generics.split_for_impl();
    let mut own = Code::new();
    let mut seen: BTreeSet<(&str, &str, u16, String)> = BTreeSet::new();
    let mut count = 0usize;
    let mut fields: Vec<TokenStream> = Vec::new();
    let mut field_types: BTreeSet<String> = BTreeSet::new();
    for (plan, attrs) in plans.iter().zip(original_attrs(input)) {
        match &plan.kind {
            Kind::Own(plan) => {
                let doc = docs(attrs);
                let (uri, title, code) =
                    (plan.problem_type.as_str(), plan.title.as_str(), plan.code);
                if seen.insert((uri, title, code, doc.clone())) {
                    own.text("(").str(uri).text(",").str(title);
                    let _ = write!(own, ",{code}u16,");
                    own.str(&doc).text("),");
                    count += 1;
                }
            }
            Kind::Transparent(_) => {
                let field_ty = plan.variant.fields[0].ty;
                if field_types.insert(quote!(#field_ty).to_string()) {
                    fields.push(quote! {
                        (#count, (&&__apierror::__private::TypesProbe::<#field_ty>::new()).problem_types_of())
                    });
                }
            }
        }
    }
    let own = own.finish();
    let uses = (!fields.is_empty()).then(|| {
        quote!(
            use __apierror::__private::{NoProblemTypes as _, ViaProblemTypes as _};
        )
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics __apierror::ProblemTypes for #ty #ty_generics #where_clause {
            fn problem_types() -> ::std::vec::Vec<__apierror::ProblemType> {
                #uses
                __apierror::__private::problem_types(&[#own], [#(#fields),*])
            }
        }
    }
}

/// The attributes each variant was written with, in order (the struct's
/// for a struct): the same order as the plans.
fn original_attrs<'a>(input: &'a Input) -> Vec<&'a [Attribute]> {
    match &input.original.data {
        Data::Enum(data) => data.variants.iter().map(|v| &v.attrs[..]).collect(),
        _ => vec![&input.original.attrs[..]],
    }
}

/// The variant's doc comment: each `///` line without its first space,
/// joined by newlines, trimmed.
fn docs(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
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
            // `///` alone is an empty doc string: a blank line.
            let doc = if doc.is_empty() { "\n".to_owned() } else { doc };
            doc.lines()
                .map(|line| line.strip_prefix(' ').unwrap_or(line).trim_end().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    lines.join("\n").trim().to_owned()
}

/// `utoipa::IntoResponses` for a type that asks with `#[problem(openapi)]`,
/// through `impl_openapi!`: each variant's status, type, title, members,
/// headers and static body, handed to `apierror::openapi::responses`.
pub fn into_responses(input: &Input, plans: &[Plan]) -> TokenStream {
    let Some(key) = &input.openapi else {
        return TokenStream::new();
    };
    let ty = &input.original.ident;
    let generics = &input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let params: BTreeSet<String> = generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let mut bounds: Vec<TokenStream> = Vec::new();
    let mut bound = |ty: &Type, bound: TokenStream| {
        if mentions(quote!(#ty), &params) {
            let predicate = quote!(#ty: #bound);
            if !bounds
                .iter()
                .any(|b| b.to_string() == predicate.to_string())
            {
                bounds.push(predicate);
            }
        }
    };
    let docs: Vec<TokenStream> = plans
        .iter()
        .zip(original_attrs(input))
        .map(|(plan, attrs)| match &plan.kind {
            Kind::Transparent(_) => {
                let field_ty = pointee(plan.variant.fields[0].ty);
                bound(field_ty, quote!(__apierror::__private::utoipa::IntoResponses));
                let span = Span::call_site().located_at(field_ty.span());
                let headers = plan.shared_headers.iter().map(header);
                quote_spanned! {span=>
                    __apierror::__private::openapi::Doc::Inner(
                        <#field_ty as __apierror::__private::utoipa::IntoResponses>::responses,
                        &[#(#headers),*],
                    )
                }
            }
            Kind::Own(own) => {
                let name = plan.variant.ident.to_string();
                let (status, problem_type, title) = (own.code, &own.problem_type, &own.title);
                let description = docs(attrs);
                let detail = text(&own.detail);
                let instance = text(&own.instance);
                // Flattened members are not listed: their names are only
                // known at run time (the schema leaves other members open).
                let extensions = own.extensions.iter().filter_map(|extension| {
                    let Extension::Member(name, field) = extension else {
                        return None;
                    };
                    let field_ty = field.ty;
                    bound(field_ty, quote!(__apierror::__private::utoipa::ToSchema));
                    let span = Span::call_site().located_at(field_ty.span());
                    Some(quote_spanned! {span=>
                        __apierror::__private::openapi::Extension {
                            name: #name,
                            schema: __apierror::__private::openapi::schema_of::<#field_ty>,
                        }
                    })
                });
                let headers = own.inherited.iter().chain(&own.headers).map(|h| header(h));
                let example = if own.detail.is_dynamic()
                    || own.instance.is_dynamic()
                    || !own.extensions.is_empty()
                {
                    quote!(::core::option::Option::None)
                } else {
                    let body = head(problem_type, title, status, &own.detail, &own.instance) + "}";
                    quote!(::core::option::Option::Some(#body))
                };
                quote! {
                    __apierror::__private::openapi::Doc::Own(__apierror::__private::openapi::Variant {
                        name: #name,
                        status: #status,
                        problem_type: #problem_type,
                        title: #title,
                        description: #description,
                        detail: #detail,
                        instance: #instance,
                        extensions: &[#(#extensions),*],
                        headers: &[#(#headers),*],
                        example: #example,
                    })
                }
            }
        })
        .collect();
    let own = generics
        .where_clause
        .as_ref()
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect::<Vec<_>>())
        .unwrap_or_default();
    let where_clause = if own.is_empty() && bounds.is_empty() {
        TokenStream::new()
    } else {
        quote!(where #(#own,)* #(#bounds,)*)
    };
    quote_spanned! {key.span()=>
        __apierror::__private::impl_openapi! {
            {impl #impl_generics} {#ty #ty_generics} {#where_clause}
            { __apierror::__private::openapi::responses(&[#(#docs),*]) }
        }
    }
}

fn header(header: &Header) -> TokenStream {
    let name = &header.name;
    let value = match &header.value.literal {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    };
    quote!(__apierror::__private::openapi::Header { name: #name, value: #value })
}

fn text(text: &Text) -> TokenStream {
    match text {
        Text::Absent => quote!(__apierror::__private::openapi::Text::Absent),
        Text::Static(text) => quote!(__apierror::__private::openapi::Text::Static(#text)),
        Text::Display | Text::Format(_) => quote!(__apierror::__private::openapi::Text::Dynamic),
    }
}

/// `T` for `Box<T>`, `Arc<T>` and `Rc<T>` (by their last path segment), the
/// type itself otherwise: a `transparent` field's responses are its
/// pointee's.
fn pointee(ty: &Type) -> &Type {
    if let Type::Path(path) = ty {
        if let Some(last) = path.path.segments.last() {
            if matches!(last.ident.to_string().as_str(), "Box" | "Arc" | "Rc") {
                if let PathArguments::AngleBracketed(args) = &last.arguments {
                    if let [GenericArgument::Type(inner)] = args.args.iter().collect::<Vec<_>>()[..]
                    {
                        return pointee(inner);
                    }
                }
            }
        }
    }
    ty
}
