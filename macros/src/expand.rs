//! Code generation, from input that `valid` has accepted.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::{Ident, LitStr, Type, WherePredicate};

use crate::ast::{Input, Variant};
use crate::attr::{Attrs, Header, StatusKind};
use crate::fmt::{Fmt, Member};

pub fn derive(input: &Input) -> TokenStream {
    let ty = &input.original.ident;
    let mut bounds = Bounds::new(input);
    let variants: Vec<Plan> = input
        .variants
        .iter()
        .map(|v| Plan::new(input, v, &mut bounds))
        .collect();

    let status_arms = variants.iter().map(Plan::status_arm);
    let body_arms = variants.iter().map(Plan::body_arm);
    let header_arms = variants.iter().map(Plan::headers_arm);
    let type_arms = variants.iter().map(Plan::type_arm);
    let scrutinee = if variants.is_empty() {
        quote!(*self)
    } else {
        quote!(self)
    };

    let (impl_generics, ty_generics, _) = input.original.generics.split_for_impl();
    let where_clause = bounds.where_clause();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::apierror::ApiError for #ty #ty_generics #where_clause {
            fn status(&self) -> ::apierror::__private::StatusCode {
                match #scrutinee {
                    #(#status_arms)*
                }
            }

            fn problem(&self) -> ::apierror::Problem {
                ::apierror::__private::problem_of(self)
            }

            fn body(&self) -> ::apierror::__private::Cow<'static, [u8]> {
                match #scrutinee {
                    #(#body_arms)*
                }
            }

            fn headers(&self, __headers: &mut ::apierror::__private::HeaderMap) {
                match #scrutinee {
                    #(#header_arms)*
                }
            }

            fn problem_type(&self) -> ::apierror::__private::Cow<'static, str> {
                match #scrutinee {
                    #(#type_arms)*
                }
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

/// What one variant renders, with its enum's defaults applied.
struct Plan<'a> {
    variant: &'a Variant<'a>,
    kind: Kind<'a>,
}

enum Kind<'a> {
    Transparent(&'a Member),
    Own(Own<'a>),
}

struct Own<'a> {
    code: u16,
    problem_type: String,
    title: TokenStream,
    detail: Text<'a>,
    instance: Text<'a>,
    extensions: Vec<(String, &'a Member)>,
    headers: Vec<&'a Header>,
}

enum Text<'a> {
    Absent,
    Static(String),
    /// The error's own `Display`.
    Display,
    Format(&'a Fmt),
}

impl Text<'_> {
    fn is_dynamic(&self) -> bool {
        matches!(self, Text::Display | Text::Format(_))
    }

    fn as_static(&self) -> TokenStream {
        match self {
            Text::Static(text) => quote!(::core::option::Option::Some(#text)),
            _ => quote!(::core::option::Option::None),
        }
    }
}

impl<'a> Plan<'a> {
    fn new(input: &'a Input<'a>, variant: &'a Variant<'a>, bounds: &mut Bounds) -> Plan<'a> {
        let attrs = &variant.attrs;
        let shared: &Attrs = &input.attrs;
        let status = attrs.status.as_ref().or(shared.status.as_ref());
        let code = match status.map(|s| s.kind) {
            Some(StatusKind::Transparent) => {
                let field = &variant.fields[0];
                bounds.add(field.ty, quote!(::apierror::ApiError));
                return Plan {
                    variant,
                    kind: Kind::Transparent(&field.member),
                };
            }
            Some(kind) => kind.code().unwrap_or(500),
            None => 500,
        };

        let problem_type = attrs
            .problem_type
            .as_ref()
            .or(shared.problem_type.as_ref())
            .map_or_else(|| "about:blank".to_owned(), LitStr::value);
        let title = match attrs.title.as_ref().or(shared.title.as_ref()) {
            Some(title) => quote!(#title),
            None => quote!(::apierror::__private::title(#code)),
        };
        let detail = match &attrs.detail {
            Some(fmt) => Text::of(fmt),
            None if code < 500 => match attrs
                .display_literal
                .as_ref()
                .and_then(|lit| Fmt::parse(lit).ok())
            {
                Some(Fmt {
                    literal: Some(text),
                    ..
                }) => Text::Static(text),
                _ => Text::Display,
            },
            None => Text::Absent,
        };
        let instance = attrs.instance.as_ref().map_or(Text::Absent, Text::of);
        let extensions = variant
            .fields
            .iter()
            .filter_map(|field| {
                let extension = field.attrs.extension.as_ref()?;
                let name = match (&extension.name, &field.member) {
                    (Some(name), _) => name.value(),
                    (None, member) => member.binding().trim_start_matches("r#").to_owned(),
                };
                bounds.add(field.ty, quote!(::apierror::__private::serde::Serialize));
                Some((name, &field.member))
            })
            .collect();
        let overridden: BTreeSet<&str> = attrs.headers.iter().map(|h| h.name.as_str()).collect();
        let headers: Vec<&Header> = shared
            .headers
            .iter()
            .filter(|h| !overridden.contains(h.name.as_str()))
            .chain(&attrs.headers)
            .collect();

        let formats = attrs
            .detail
            .iter()
            .chain(&attrs.instance)
            .chain(attrs.headers.iter().map(|h| &h.value));
        for fmt in formats {
            for arg in &fmt.args {
                if let (Some(field), Some(trait_name)) =
                    (variant.field(&arg.member), arg.trait_name)
                {
                    let trait_name = Ident::new(trait_name, Span::call_site());
                    bounds.add(field.ty, quote!(::core::fmt::#trait_name));
                }
            }
        }

        Plan {
            variant,
            kind: Kind::Own(Own {
                code,
                problem_type,
                title,
                detail,
                instance,
                extensions,
                headers,
            }),
        }
    }

    /// `Self::Variant { a, 0: __0, .. }`, binding only `members`.
    fn pattern<'m>(&self, members: impl IntoIterator<Item = &'m Member>) -> TokenStream {
        let path = &self.variant.path;
        let members: BTreeSet<String> = members.into_iter().map(Member::binding).collect();
        let fields = self
            .variant
            .fields
            .iter()
            .filter(|f| members.contains(&f.member.binding()))
            .map(|field| match &field.original.ident {
                Some(ident) => quote!(#ident),
                None => {
                    let index = syn::Index::from(match field.member {
                        Member::Index(index) => index,
                        Member::Named(_) => 0,
                    });
                    let binding = format_ident!("{}", field.member.binding());
                    quote!(#index: #binding)
                }
            });
        quote!(#path { #(#fields,)* .. })
    }

    fn transparent(&self, member: &Member, call: TokenStream) -> TokenStream {
        let pattern = self.pattern([member]);
        let binding = binding(member);
        quote!(#pattern => ::apierror::ApiError::#call(#binding),)
    }

    fn status_arm(&self) -> TokenStream {
        match &self.kind {
            Kind::Transparent(member) => self.transparent(member, quote!(status)),
            Kind::Own(own) => {
                let pattern = self.pattern([]);
                let code = own.code;
                quote!(#pattern => ::apierror::__private::status(#code),)
            }
        }
    }

    fn type_arm(&self) -> TokenStream {
        match &self.kind {
            Kind::Transparent(member) => self.transparent(member, quote!(problem_type)),
            Kind::Own(own) => {
                let pattern = self.pattern([]);
                let problem_type = &own.problem_type;
                quote!(#pattern => ::apierror::__private::Cow::Borrowed(#problem_type),)
            }
        }
    }

    fn headers_arm(&self) -> TokenStream {
        let own = match &self.kind {
            Kind::Transparent(member) => {
                let pattern = self.pattern([*member]);
                let binding = binding(member);
                return quote!(#pattern => ::apierror::ApiError::headers(#binding, __headers),);
            }
            Kind::Own(own) => own,
        };
        let used = own
            .headers
            .iter()
            .flat_map(|h| h.value.args.iter().map(|a| &a.member));
        let pattern = self.pattern(used);
        let appends = own.headers.iter().map(|header| {
            let name = &header.name;
            let value = &header.value;
            let append = match &value.literal {
                Some(literal) => quote! {
                    const __VALUE: ::apierror::__private::HeaderValue =
                        ::apierror::__private::HeaderValue::from_static(#literal);
                    ::apierror::__private::HeaderMap::append(__headers, __NAME, __VALUE);
                },
                None => {
                    let lit = value.rewritten_lit();
                    quote! {
                        ::apierror::__private::append_formatted(__headers, __NAME, ::core::format_args!(#lit));
                    }
                }
            };
            quote! {{
                const __NAME: ::apierror::__private::HeaderName =
                    ::apierror::__private::HeaderName::from_static(#name);
                #append
            }}
        });
        quote!(#pattern => { #(#appends)* })
    }

    fn body_arm(&self) -> TokenStream {
        let own = match &self.kind {
            Kind::Transparent(member) => return self.transparent(member, quote!(body)),
            Kind::Own(own) => own,
        };
        let Own {
            code,
            problem_type,
            title,
            detail,
            instance,
            extensions,
            ..
        } = own;

        let instance_in_head = !detail.is_dynamic() && !instance.is_dynamic();
        let complete = instance_in_head && extensions.is_empty();
        let head_detail = detail.as_static();
        let head_instance = if instance_in_head {
            instance.as_static()
        } else {
            quote!(::core::option::Option::None)
        };
        let head = quote! {
            const __PROBLEM: ::apierror::__private::StaticProblem = ::apierror::__private::StaticProblem {
                problem_type: #problem_type,
                title: #title,
                status: #code,
                detail: #head_detail,
                instance: #head_instance,
                complete: #complete,
            };
            const __HEAD: [u8; __PROBLEM.len()] = __PROBLEM.render();
        };
        if complete {
            let pattern = self.pattern([]);
            return quote! {
                #pattern => {
                    #head
                    ::apierror::__private::Cow::Borrowed(&__HEAD)
                }
            };
        }

        let mut used: Vec<&Member> = Vec::new();
        let mut writes = Vec::new();
        let mut extra = 16;
        for (name, text) in [("detail", detail), ("instance", instance)] {
            let opening = format!(",\"{name}\":\"");
            let args = match text {
                Text::Display => quote!(::core::format_args!("{}", self)),
                Text::Format(fmt) => {
                    used.extend(fmt.args.iter().map(|a| &a.member));
                    let lit = fmt.rewritten_lit();
                    quote!(::core::format_args!(#lit))
                }
                Text::Static(text) if name == "instance" && !instance_in_head => {
                    quote!(::core::format_args!("{}", #text))
                }
                _ => continue,
            };
            extra += 48 + opening.len();
            writes.push(quote!(__writer.string_member(#opening, #args);));
        }
        for (name, member) in extensions {
            used.push(member);
            let opening = format!(",\"{name}\":");
            extra += 24 + opening.len();
            let binding = binding(member);
            writes.push(quote!(__writer.extension(#opening, #binding);));
        }
        let pattern = self.pattern(used);
        quote! {
            #pattern => {
                #head
                let mut __writer = ::apierror::__private::BodyWriter::new(&__HEAD, #extra);
                #(#writes)*
                __writer.finish()
            }
        }
    }
}

impl<'a> Text<'a> {
    fn of(fmt: &'a Fmt) -> Text<'a> {
        match &fmt.literal {
            Some(text) => Text::Static(text.clone()),
            None => Text::Format(fmt),
        }
    }
}

fn binding(member: &Member) -> TokenStream {
    let ident = format_ident!("{}", member.binding());
    quote!(#ident)
}

/// The where clause: the type's own, plus a bound for each field of a generic
/// type that the generated code formats, serializes or delegates to.
struct Bounds<'a> {
    input: &'a Input<'a>,
    params: BTreeSet<String>,
    extra: Vec<WherePredicate>,
    seen: BTreeSet<String>,
}

impl<'a> Bounds<'a> {
    fn new(input: &'a Input<'a>) -> Self {
        let params = input
            .original
            .generics
            .type_params()
            .map(|p| p.ident.to_string())
            .collect();
        Bounds {
            input,
            params,
            extra: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    fn add(&mut self, ty: &Type, bound: TokenStream) {
        if !mentions(quote!(#ty), &self.params) {
            return;
        }
        let predicate: WherePredicate = syn::parse_quote_spanned!(Span::call_site()=> #ty: #bound);
        if self.seen.insert(quote!(#predicate).to_string()) {
            self.extra.push(predicate);
        }
    }

    fn where_clause(&self) -> TokenStream {
        let generics = &self.input.original.generics;
        let own = generics
            .where_clause
            .as_ref()
            .map(|w| w.predicates.iter().collect::<Vec<_>>())
            .unwrap_or_default();
        let extra = &self.extra;
        let error_bound = if generics.params.is_empty() {
            None
        } else {
            let ty = &self.input.original.ident;
            let (_, ty_generics, _) = generics.split_for_impl();
            Some(quote_spanned!(Span::call_site()=> #ty #ty_generics: ::std::error::Error,))
        };
        if own.is_empty() && extra.is_empty() && error_bound.is_none() {
            return TokenStream::new();
        }
        quote!(where #(#own,)* #(#extra,)* #error_bound)
    }
}

fn mentions(tokens: TokenStream, params: &BTreeSet<String>) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => params.contains(&ident.to_string()),
        TokenTree::Group(group) => mentions(group.stream(), params),
        _ => false,
    })
}
