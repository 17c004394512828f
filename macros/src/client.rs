//! `FromProblem` for types that ask with `#[problem(client)]`: each variant's
//! problem is recognised by its `type` and status (an `about:blank` one by its
//! status and title) and read back from its extension members.
//!
//! Every variant claims the problems it could have sent, recoverable or not;
//! a problem claimed twice (two variants with one key, or a variant and a
//! `transparent` field's type) reads as `None`, never as a wrong variant.

use proc_macro2::{Literal, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Meta, Type, WherePredicate};

use crate::ast::Member;
use crate::ast::{Field, Input, Variant};
use crate::attr::StatusKind;
use crate::expand::extensions;
use crate::status;

pub fn derive(input: &Input) -> TokenStream {
    if !asked(input) {
        return TokenStream::new();
    }
    let mut bounds = Vec::new();
    let mut own: Vec<(Key, Vec<Option<TokenStream>>)> = Vec::new();
    let mut transparent = Vec::new();
    for variant in &input.variants {
        match resolve(input, variant) {
            Resolved::Transparent(field) => {
                bound(
                    input,
                    field.ty,
                    quote!(__apierror::FromProblem),
                    &mut bounds,
                );
                let ty = field.ty;
                let path = variant.path();
                let member = member(field);
                transparent.push(quote! {
                    __apierror::__private::Claim::map(
                        <#ty as __apierror::FromProblem>::__claim(__problem),
                        |__inner| #path { #member: __inner },
                    )
                });
            }
            Resolved::Own(key) => {
                let read = read(input, variant, &mut bounds);
                match own.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, reads)) => reads.push(read),
                    None => own.push((key, vec![read])),
                }
            }
        }
    }

    let arms = own.iter().map(|(key, reads)| {
        let pattern = key.pattern();
        let value = match reads.as_slice() {
            [Some(read)] => read.clone(),
            _ => quote!(::core::option::Option::None),
        };
        quote!(#pattern => __apierror::__private::Claim::Claimed(#value),)
    });
    let mut claim = if own.is_empty() {
        quote!(__apierror::__private::Claim::Unclaimed)
    } else {
        quote! {
            match (
                __apierror::__private::status_code(__problem),
                __apierror::Problem::problem_type(__problem),
                __apierror::Problem::title(__problem),
            ) {
                #(#arms)*
                _ => __apierror::__private::Claim::Unclaimed,
            }
        }
    };
    for other in transparent {
        claim = quote!(__apierror::__private::Claim::or(#claim, #other));
    }

    let ty = &input.original.ident;
    let generics = &input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let own_predicates = generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter());
    let predicates: Vec<&WherePredicate> = own_predicates.chain(&bounds).collect();
    let where_clause = if predicates.is_empty() {
        TokenStream::new()
    } else {
        quote!(where #(#predicates,)*)
    };
    quote! {
        __apierror::__private::impl_from_problem! {
            {impl #impl_generics} {#ty #ty_generics} {#where_clause}
            |__problem| { #claim }
        }
    }
}

/// `#[problem(client)]` on the type: the enum's attributes, or the struct's.
fn asked(input: &Input) -> bool {
    if input.is_enum {
        input.attrs.client.is_some()
    } else {
        input.variants.iter().any(|v| v.attrs.client.is_some())
    }
}

enum Resolved<'a> {
    Transparent(&'a Field<'a>),
    Own(Key),
}

/// What tells a variant's problem apart, with the enum's defaults applied as
/// `expand::Plan::new` applies them to the body.
#[derive(PartialEq, Eq)]
enum Key {
    /// A `type` other than `about:blank`, and the status.
    Typed(u16, String),
    /// `about:blank`: the status and the title.
    Blank(u16, String),
}

impl Key {
    fn pattern(&self) -> TokenStream {
        match self {
            Key::Typed(code, uri) => {
                let code = Literal::u16_unsuffixed(*code);
                quote!((#code, #uri, _))
            }
            Key::Blank(code, title) => {
                let code = Literal::u16_unsuffixed(*code);
                quote!((#code, "about:blank", ::core::option::Option::Some(#title)))
            }
        }
    }
}

fn resolve<'a>(input: &Input, variant: &'a Variant<'a>) -> Resolved<'a> {
    let attrs = &variant.attrs;
    let shared = &input.attrs;
    let code = match attrs
        .status
        .as_ref()
        .or(shared.status.as_ref())
        .map(|s| s.kind)
    {
        Some(StatusKind::Transparent) => return Resolved::Transparent(&variant.fields[0]),
        Some(kind) => kind.code().unwrap_or(500),
        None => 500,
    };
    let problem_type = attrs
        .problem_type
        .as_ref()
        .or(shared.problem_type.as_ref())
        .map_or_else(|| "about:blank".to_owned(), syn::LitStr::value);
    if problem_type != "about:blank" {
        return Resolved::Own(Key::Typed(code, problem_type));
    }
    let title = attrs
        .title
        .as_ref()
        .or(shared.title.as_ref())
        .map_or_else(|| status::title(code).to_owned(), syn::LitStr::value);
    Resolved::Own(Key::Blank(code, title))
}

/// The expression that reads `variant` back, an `Option<Self>`; `None` (no
/// expression) when a field is not an extension member.
fn read(input: &Input, variant: &Variant, bounds: &mut Vec<WherePredicate>) -> Option<TokenStream> {
    let members = extensions(input, variant);
    // Every field must come back from a member of its own; a field that is
    // not one (or, later, one spread by `flatten`) cannot.
    if members.len() != variant.fields.len() {
        return None;
    }
    let path = variant.path();
    if members.is_empty() {
        return Some(quote!(::core::option::Option::Some(#path {})));
    }
    let mut reads = Vec::new();
    let mut somes = Vec::new();
    let mut inits = Vec::new();
    for (i, (name, field)) in members.iter().enumerate() {
        let ty = field.ty;
        bound(
            input,
            ty,
            quote!(__apierror::__private::serde::de::DeserializeOwned),
            bounds,
        );
        let binding = format_ident!("__field{}", i);
        let member = member(field);
        // Spanned on the field's type: a type that cannot be deserialized is
        // reported there, not on the derive.
        let extension = quote_spanned!(ty.span()=> __apierror::__private::extension::<#ty>);
        reads.push(quote!(#extension(__problem, #name)));
        somes.push(quote!(::core::option::Option::Some(#binding)));
        inits.push(quote!(#member: #binding));
    }
    Some(quote! {
        match (#(#reads,)*) {
            (#(#somes,)*) => ::core::option::Option::Some(#path { #(#inits,)* }),
            _ => ::core::option::Option::None,
        }
    })
}

/// `id` or `0`, to name the field in a struct expression.
fn member(field: &Field) -> TokenStream {
    match (&field.original.ident, &field.member) {
        (Some(ident), _) => quote!(#ident),
        (None, Member::Index(index)) => {
            let index = syn::Index::from(*index);
            quote!(#index)
        }
        (None, Member::Named(_)) => quote!(0),
    }
}

/// `ty: bound` when `ty` mentions one of the type's parameters.
fn bound(input: &Input, ty: &Type, bound: TokenStream, bounds: &mut Vec<WherePredicate>) {
    let params: Vec<String> = input
        .original
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    if !mentions(quote!(#ty), &params) {
        return;
    }
    let predicate: WherePredicate = syn::parse_quote_spanned!(Span::call_site()=> #ty: #bound);
    let text = quote!(#predicate).to_string();
    if !bounds.iter().any(|b| quote!(#b).to_string() == text) {
        bounds.push(predicate);
    }
}

fn mentions(tokens: TokenStream, params: &[String]) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => params.contains(&ident.to_string()),
        TokenTree::Group(group) => mentions(group.stream(), params),
        _ => false,
    })
}

/// On invalid input, a stub `FromProblem` beside the errors when the type
/// asked for one, so code that reads problems does not add errors of its own.
pub fn fallback(input: &DeriveInput, where_clause: Option<&TokenStream>) -> TokenStream {
    let asked = input.attrs.iter().any(|attr| {
        let Meta::List(list) = &attr.meta else {
            return false;
        };
        list.path.is_ident("problem")
            && list
                .tokens
                .clone()
                .into_iter()
                .any(|t| matches!(&t, TokenTree::Ident(i) if i == "client"))
    });
    if !asked {
        return TokenStream::new();
    }
    let ty = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    quote! {
        __apierror::__private::impl_from_problem! {
            {impl #impl_generics} {#ty #ty_generics} {#where_clause}
            |__problem| { ::core::unreachable!() }
        }
    }
}
