//! Code generation, from input that `valid` has accepted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, LitStr, Type, WherePredicate};

use crate::ast::{Field, Input, Member, Variant};
use crate::attr::{Attrs, Header, StatusKind};
use crate::case;
use crate::code::{self, Code};
use crate::fmt::Fmt;
use crate::status;

#[path = "xml.rs"]
mod xml;
// A child of this module, so that it reads the same plans.
#[path = "openapi.rs"]
mod openapi;

pub fn derive(input: &Input) -> TokenStream {
    let ty = &input.original.ident;
    let mut bounds = Bounds::new(input);
    let shared = Shared::new(input);
    let variants: Vec<Plan> = input
        .variants
        .iter()
        .map(|v| Plan::new(input, v, &shared, &mut bounds))
        .collect();

    let scrutinee = if variants.is_empty() { "*self" } else { "self" };
    let transparent = Transparent::new(&variants);
    let status = yielding(
        "__apierror::__private::status",
        scrutinee,
        variants.iter().map(Plan::status_arm),
    );
    let body = yielding(
        "__apierror::__private::static_body",
        scrutinee,
        variants.iter().map(Plan::body_arm),
    );
    let mut header_consts = HeaderConsts::default();
    // The enum's headers first, in a match of their own: most variants share
    // them, so it is mostly one `_` arm (one match for both was measured
    // dearer to check: each variant's own arm then appends them too).
    let inherited_arms: Vec<Arm> = variants
        .iter()
        .map(|p| p.inherited_headers_arm(&mut header_consts))
        .collect();
    // With no variant, the match below is the whole body: a second one would
    // make it unreachable code.
    let inherited = if input.attrs.headers.is_empty() || variants.is_empty() {
        TokenStream::new()
    } else {
        wrapped(None, scrutinee, inherited_arms)
    };
    let header_arms: Vec<Arm> = variants
        .iter()
        .map(|p| p.headers_arm(&mut header_consts))
        .collect();
    let header_match = wrapped(None, scrutinee, header_arms);
    let header_consts = header_consts.items();
    let problem_type = yielding(
        "__apierror::__private::Cow::Borrowed",
        scrutinee,
        variants.iter().map(Plan::type_arm),
    );
    // Only with apierror's `xml` feature, which sets this crate's.
    let xml_body = cfg!(feature = "xml").then(|| {
        let body = xml::xml_body(scrutinee, &variants);
        quote! {
            __apierror::__private::impl_xml_body! {
                fn xml_body(&self) -> __apierror::__private::Cow<'static, [u8]> {
                    #body
                }
            }
        }
    });
    let transparent = transparent.method();

    let (impl_generics, ty_generics, _) = input.original.generics.split_for_impl();
    let where_clause = bounds.where_clause();
    let framework_impls = framework_impls(
        input,
        &quote!({impl #impl_generics} {#ty #ty_generics} {#where_clause}),
    );
    let client = crate::client::derive(input);
    let problem_types = openapi::problem_types(input, &variants);
    let into_responses = openapi::into_responses(input, &variants);
    let impls = quote! {
        #[automatically_derived]
        impl #impl_generics __apierror::ApiError for #ty #ty_generics #where_clause {
            fn status(&self) -> __apierror::__private::StatusCode {
                #status
            }

            fn problem(&self) -> __apierror::Problem {
                __apierror::__private::problem_of(self)
            }

            fn body(&self) -> __apierror::__private::Cow<'static, [u8]> {
                #body
            }

            fn headers(&self, __headers: &mut __apierror::__private::HeaderMap) {
                #header_consts
                #inherited
                #header_match
            }

            fn problem_type(&self) -> __apierror::__private::Cow<'static, str> {
                #problem_type
            }

            #[inline]
            fn __checks_required_headers(&self) -> bool {
                true
            }

            #transparent

            #xml_body
        }

        #framework_impls
        #client
        #problem_types
        #into_responses
    };
    wrap_in_const(input.crate_path.as_ref(), impls)
}

/// The impls in an anonymous `const` that names the apierror crate
/// `__apierror`: `::apierror`, or the path `crate = ".."` gives (serde's
/// `crate = ".."` does the same).
pub fn wrap_in_const(crate_path: Option<&syn::Path>, impls: TokenStream) -> TokenStream {
    let krate = match crate_path {
        Some(path) => quote!(#path),
        None => quote!(::apierror),
    };
    quote! {
        #[doc(hidden)]
        #[allow(unused_qualifications)]
        const _: () = {
            use #krate as __apierror;
            #impls
        };
    }
}

/// The axum and actix-web impls, each a macro of the runtime crate that
/// expands to nothing when its feature is off; none with
/// `framework_impls = false`.
pub fn framework_impls(input: &Input, impl_head: &TokenStream) -> TokenStream {
    if !input.framework_impls {
        return TokenStream::new();
    }
    quote! {
        __apierror::__private::impl_axum! { #impl_head }
        __apierror::__private::impl_actix! { #impl_head }
    }
}

/// The extension members of `variant` that are one field each, with their
/// names on the wire as [`case::extension_name`] gives them (the body writer
/// names them the same way); `flatten` fields are not among them.
pub fn extensions<'a>(input: &Input, variant: &'a Variant<'a>) -> Vec<(String, &'a Field<'a>)> {
    variant
        .fields
        .iter()
        .filter_map(|field| Some((case::extension_name(input, variant, field)?.value, field)))
        .collect()
}

/// The transparent variants, answered by each method's `_` arm through one
/// hidden method, `__transparent()`, that gives the field as an
/// `&dyn ApiError`: that method's match is the only one with an arm per
/// transparent variant (an arm per variant per method cost the compiler
/// about 0.4 M instructions each on the benchmark crate), and a field type
/// that is not an `ApiError` is one error, at the field's type.
struct Transparent {
    arms: Vec<(String, TokenStream)>,
}

impl Transparent {
    fn new(plans: &[Plan]) -> Transparent {
        let arms = plans
            .iter()
            .filter_map(|plan| match &plan.kind {
                Kind::Transparent(member) => {
                    let span = plan.field_span(member);
                    let binding = use_of(member, span);
                    Some((
                        plan.pattern([*member]),
                        quote_spanned!(span=> ::core::option::Option::Some(#binding)),
                    ))
                }
                Kind::Own(_) => None,
            })
            .collect();
        Transparent { arms }
    }

    /// `__transparent()`, when some variant is transparent.
    fn method(self) -> TokenStream {
        if self.arms.is_empty() {
            return TokenStream::new();
        }
        let mut code = Code::new();
        code.text(
            "#[inline] fn __transparent(&self) \
             -> ::core::option::Option<&dyn __apierror::ApiError>",
        );
        code.group(Delimiter::Brace, |code| {
            code.text("match self");
            code.group(Delimiter::Brace, |code| {
                for (pattern, some) in self.arms {
                    code.text(&pattern).text(" => ").tokens(some).text(",");
                }
                code.text("_ => ::core::option::Option::None,");
            });
        });
        code.finish()
    }
}

/// The enum's `type` and `title`, read once rather than once per variant.
struct Shared {
    problem_type: String,
    title: Option<String>,
}

impl Shared {
    fn new(input: &Input) -> Shared {
        Shared {
            problem_type: input
                .attrs
                .problem_type
                .as_ref()
                .map_or_else(|| "about:blank".to_owned(), LitStr::value),
            title: input.attrs.title.as_ref().map(LitStr::value),
        }
    }
}

/// What one variant renders, with its enum's defaults applied.
struct Plan<'a> {
    variant: &'a Variant<'a>,
    kind: Kind<'a>,
    /// The enum's headers, which a transparent variant adds to its field's
    /// unless the field sends one of the same name.
    shared_headers: &'a [Header],
}

enum Kind<'a> {
    Transparent(&'a Member),
    Own(Own<'a>),
}

struct Own<'a> {
    code: u16,
    problem_type: String,
    title: String,
    detail: Text<'a>,
    instance: Text<'a>,
    extensions: Vec<Extension<'a>>,
    /// The enum's headers this variant does not override.
    inherited: Vec<&'a Header>,
    /// The variant's own headers.
    headers: Vec<&'a Header>,
}

/// How a field reaches the body, in field order.
enum Extension<'a> {
    /// One member, by this name.
    Member(String, &'a Field<'a>),
    /// Each member of the field's value (`flatten`).
    Flatten(&'a Field<'a>),
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

    fn as_static(&self) -> Option<&str> {
        match self {
            Text::Static(text) => Some(text),
            _ => None,
        }
    }
}

impl<'a> Plan<'a> {
    fn new(
        input: &'a Input<'a>,
        variant: &'a Variant<'a>,
        values: &Shared,
        bounds: &mut Bounds,
    ) -> Plan<'a> {
        let attrs = &variant.attrs;
        let shared: &Attrs = &input.attrs;
        let status = attrs.status.as_ref().or(shared.status.as_ref());
        let code = match status.map(|s| s.kind) {
            Some(StatusKind::Transparent) => {
                let field = &variant.fields[0];
                bounds.add(field.ty, || quote!(__apierror::ApiError));
                return Plan {
                    variant,
                    kind: Kind::Transparent(&field.member),
                    shared_headers: &shared.headers,
                };
            }
            Some(kind) => kind.code().unwrap_or(500),
            None => 500,
        };

        let problem_type = match &attrs.problem_type {
            Some(lit) => lit.value(),
            None => values.problem_type.clone(),
        };
        let title = match (&attrs.title, &values.title) {
            (Some(lit), _) => lit.value(),
            (None, Some(title)) => title.clone(),
            (None, None) => status::title(code).to_owned(),
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
                let extension = match field.attrs.flatten {
                    Some(_) => Extension::Flatten(field),
                    None => {
                        Extension::Member(case::extension_name(input, variant, field)?.value, field)
                    }
                };
                bounds.add(field.ty, || quote!(__apierror::__private::serde::Serialize));
                Some(extension)
            })
            .collect();
        let overridden: BTreeSet<&str> = attrs.headers.iter().map(|h| h.name.as_str()).collect();
        let inherited: Vec<&Header> = shared
            .headers
            .iter()
            .filter(|h| !overridden.contains(h.name.as_str()))
            .collect();
        let headers: Vec<&Header> = attrs.headers.iter().collect();

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
                    bounds.add(field.ty, || {
                        let trait_name = Ident::new(trait_name, Span::call_site());
                        quote!(::core::fmt::#trait_name)
                    });
                }
            }
        }

        Plan {
            variant,
            shared_headers: &shared.headers,
            kind: Kind::Own(Own {
                code,
                problem_type,
                title,
                detail,
                instance,
                extensions,
                inherited,
                headers,
            }),
        }
    }

    /// `Self::Variant { a: __field_a, 0: __field_0, .. }`, binding only
    /// `members`.
    fn pattern<'m>(&self, members: impl IntoIterator<Item = &'m Member>) -> String {
        let mut pattern = self.variant.path_text.clone();
        pattern.push_str(" {");
        let members: BTreeSet<String> = members.into_iter().map(Member::binding).collect();
        for field in &self.variant.fields {
            let binding = field.member.binding();
            if !members.contains(&binding) {
                continue;
            }
            let _ = match (&field.original.ident, &field.member) {
                (Some(ident), _) => write!(pattern, " {ident}: {binding},"),
                (None, Member::Index(index)) => write!(pattern, " {index}: {binding},"),
                (None, Member::Named(_)) => write!(pattern, " 0: {binding},"),
            };
        }
        pattern.push_str(" .. }");
        pattern
    }

    /// A transparent variant's arm, `body` on its field (see
    /// [`Transparent`]): it binds nothing, so the transparent variants share
    /// one arm.
    fn transparent(&self, body: String) -> Arm {
        Arm {
            pattern: self.pattern([]),
            body: Body::Text(body),
            returns: true,
            shared: Some("\0transparent".to_owned()),
        }
    }

    /// A transparent variant's arm that returns `method()` of its field.
    fn delegated(&self, method: &str) -> Arm {
        self.transparent(format!(
            "__apierror::__private::transparent(self).{method}()"
        ))
    }

    /// Where code that needs a trait of a field points: the field's type.
    fn field_span(&self, member: &Member) -> Span {
        match self.variant.field(member) {
            Some(field) => Span::call_site().located_at(field.ty.span()),
            None => Span::call_site(),
        }
    }

    /// An arm that binds no field, so it can share its body with the arms
    /// whose `key` is the same.
    fn plain_arm(&self, body: String, key: String) -> Arm {
        Arm {
            pattern: self.pattern([]),
            body: Body::Text(body),
            returns: false,
            shared: Some(key),
        }
    }

    /// The variant's code, or, for a transparent one, its field's status.
    fn status_arm(&self) -> Arm {
        match &self.kind {
            Kind::Transparent(_) => self.delegated("status"),
            Kind::Own(own) => {
                let code = own.code;
                self.plain_arm(format!("{code}u16"), code.to_string())
            }
        }
    }

    /// The variant's type as a string literal, or, for a transparent one,
    /// its field's.
    fn type_arm(&self) -> Arm {
        match &self.kind {
            Kind::Transparent(_) => self.delegated("problem_type"),
            Kind::Own(own) => {
                let mut literal = String::new();
                code::str_literal(&mut literal, &own.problem_type);
                self.plain_arm(literal, own.problem_type.clone())
            }
        }
    }

    fn inherited_headers_arm(&self, consts: &mut HeaderConsts) -> Arm {
        match &self.kind {
            Kind::Transparent(_) => self.plain_arm("{}".to_owned(), String::new()),
            Kind::Own(own) => self.appends_arm(&own.inherited, consts),
        }
    }

    /// A variant's own headers; a transparent variant's field's, then the
    /// enum's that the field did not send.
    fn headers_arm(&self, consts: &mut HeaderConsts) -> Arm {
        match &self.kind {
            Kind::Transparent(_) => {
                let mut arm = self.transparent(if self.shared_headers.is_empty() {
                    "__apierror::__private::transparent(self).headers(__headers)".to_owned()
                } else {
                    format!(
                        "__apierror::__private::inherit(__headers, \
                         __apierror::__private::transparent(self), {})",
                        consts.inherited(self.shared_headers)
                    )
                });
                // `headers()` returns nothing: the arm's value is its own.
                arm.returns = false;
                arm
            }
            Kind::Own(own) => self.appends_arm(&own.headers, consts),
        }
    }

    fn appends_arm(&self, headers: &[&Header], consts: &mut HeaderConsts) -> Arm {
        let used: Vec<&Member> = headers
            .iter()
            .flat_map(|h| h.value.args.iter().map(|a| &a.member))
            .collect();
        // Fixed values only: text, which arms sending the same share. A value
        // formatted from fields is a call pointing at its format string.
        let body = if headers.iter().all(|h| h.value.literal.is_some()) {
            let mut text = String::from("{");
            for header in headers {
                consts.append_fixed(&mut text, header);
            }
            text.push('}');
            Body::Text(text)
        } else {
            let mut code = Code::new();
            code.group(Delimiter::Brace, |code| {
                for header in headers {
                    if header.value.literal.is_some() {
                        consts.append_fixed(code, header);
                        continue;
                    }
                    let name = Ident::new(&consts.name(&header.name), Span::call_site());
                    let value = &header.value;
                    let span = span_of(value);
                    code.tokens(match single_display(value) {
                        Some(value) => quote_spanned! {span=>
                            __apierror::__private::append_display(__headers, #name, #value);
                        },
                        None => {
                            let args = format_args_of(value);
                            quote_spanned! {span=>
                                __apierror::__private::append_formatted(__headers, #name, #args);
                            }
                        }
                    });
                }
            });
            Body::Code(code)
        };
        let shared = used.is_empty().then(|| {
            headers
                .iter()
                .map(|h| format!("{}: {}\n", h.name, h.value.rewritten))
                .collect()
        });
        Arm {
            pattern: self.pattern(used.iter().copied()),
            body,
            returns: false,
            shared,
        }
    }

    /// `body()`'s arm: a static body is a string literal the match yields
    /// (see [`yielding`]); the other arms return their `Cow`.
    fn body_arm(&self) -> Arm {
        let own = match &self.kind {
            Kind::Transparent(_) => return self.delegated("body"),
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
        let head_instance = if instance_in_head {
            instance
        } else {
            &Text::Absent
        };
        let mut out = Writes::new(head(problem_type, title, *code, detail, head_instance));
        if complete {
            out.head.push('}');
            return self.static_arm(out.head);
        }

        let mut used: Vec<&Member> = Vec::new();
        for (name, text) in [("detail", detail), ("instance", instance)] {
            let opening = format!(",\"{name}\":\"");
            let uri = name == "instance";
            match text {
                Text::Display => {
                    out.raw(&opening);
                    out.text("error_display", "self", 48);
                    out.raw("\"");
                }
                Text::Format(fmt) => {
                    used.extend(fmt.args.iter().map(|a| &a.member));
                    let span = span_of(fmt);
                    let pieces = pieces(fmt);
                    // A detail with a width or precision goes through one
                    // `format_args!`; an instance never does: only its
                    // fields' text is percent-encoded.
                    if !uri && pieces.iter().any(|p| matches!(p, Piece::Formatted(_))) {
                        let args = format_args_of(fmt);
                        out.call(span, "string_member", quote!(#opening, #args), 48);
                        continue;
                    }
                    out.raw(&opening);
                    for piece in pieces {
                        let (method, args) = match (piece, uri) {
                            (Piece::Text(text), _) => {
                                out.raw(&json_inner(text));
                                continue;
                            }
                            (Piece::Display(v), false) => ("display", quote!(#v)),
                            (Piece::Debug(v), false) => ("debug", quote!(#v)),
                            (Piece::Formatted(args), false) => ("formatted", args),
                            (Piece::Display(v), true) => ("uri_display", quote!(#v)),
                            (Piece::Debug(v), true) => ("uri_debug", quote!(#v)),
                            (Piece::Formatted(args), true) => ("uri_formatted", args),
                        };
                        out.call(span, method, args, 24);
                    }
                    out.raw("\"");
                }
                Text::Static(text) if uri && !instance_in_head => {
                    out.raw(&format!(",\"instance\":{}", json_string(text)));
                }
                _ => {}
            }
        }
        let taken: Vec<&str> = extensions
            .iter()
            .filter_map(|extension| match extension {
                Extension::Member(name, _) => Some(name.as_str()),
                Extension::Flatten(_) => None,
            })
            .collect();
        for extension in extensions {
            match extension {
                Extension::Member(name, field) => {
                    used.push(&field.member);
                    let opening = format!(",\"{name}\":");
                    let span = self.field_span(&field.member);
                    let binding = use_of(&field.member, span);
                    let expected = 24 + opening.len();
                    out.call(span, "extension", quote!(#opening, #binding), expected);
                }
                Extension::Flatten(field) => {
                    used.push(&field.member);
                    let name = match &field.member {
                        Member::Named(name) => name.trim_start_matches("r#").to_owned(),
                        Member::Index(index) => index.to_string(),
                    };
                    // Located at the field's type: a type that is not
                    // `Serialize` is reported there.
                    let span = self.field_span(&field.member);
                    let binding = use_of(&field.member, span);
                    out.call(
                        span,
                        "flatten",
                        quote!(&mut __flattened, #name, #binding, &[#(#taken),*]),
                        64,
                    );
                }
            }
        }
        out.raw("}");
        // The names the variant's `flatten` fields write, checked across them.
        let flattened = extensions
            .iter()
            .any(|extension| matches!(extension, Extension::Flatten(..)))
            .then_some("let mut __flattened = __apierror::__private::Flattened::new();");
        self.writer_arm("__apierror::__private::BodyWriter", out, flattened, used)
    }

    /// The arm of a body known whole at compile time: a string literal
    /// (see `__private::static_body`).
    fn static_arm(&self, body: String) -> Arm {
        let mut literal = String::new();
        code::str_literal(&mut literal, &body);
        self.plain_arm(literal, body)
    }

    /// The arm of a body written at run time by `writer` (JSON's or XML's),
    /// binding the fields in `used`: one chain of calls, after `setup`.
    fn writer_arm(
        &self,
        writer: &str,
        out: Writes,
        setup: Option<&str>,
        used: Vec<&Member>,
    ) -> Arm {
        let Writes {
            head,
            calls,
            pending,
            extra,
            ..
        } = out;
        let chain = |code: &mut Code| {
            let _ = write!(code, "{writer}::new(");
            code.str(&head);
            let _ = write!(code, ", {extra}usize)");
            for call in calls {
                match call {
                    Call::Text(text) => code.text(&text),
                    Call::Tokens(tokens) => code.tokens(tokens),
                };
            }
            code.text(".finish(").str(&pending).text(")");
        };
        let mut code = Code::new();
        match setup {
            Some(setup) => {
                code.group(Delimiter::Brace, |code| {
                    code.text(setup);
                    chain(code);
                });
            }
            None => chain(&mut code),
        }
        Arm {
            pattern: self.pattern(used),
            body: Body::Code(code),
            returns: true,
            shared: None,
        }
    }
}

/// One call of a body writer: text when it needs no span of the user's.
enum Call {
    Text(String),
    Tokens(TokenStream),
}

/// The writes of a body that uses fields, as one chain of calls (see
/// `__private::BodyWriter`'s `then_` methods): static text goes into the
/// compile-time opening until the first runtime write, then into the next
/// call's `before`, then into `finish`.
struct Writes {
    head: String,
    calls: Vec<Call>,
    /// Static text since the last runtime write.
    pending: String,
    started: bool,
    /// Bytes to reserve beyond the opening.
    extra: usize,
}

impl Writes {
    fn new(head: String) -> Writes {
        Writes {
            head,
            calls: Vec::new(),
            pending: String::new(),
            started: false,
            extra: 0,
        }
    }

    fn raw(&mut self, text: &str) {
        if self.started {
            self.pending.push_str(text);
            self.extra += text.len();
        } else {
            self.head.push_str(text);
        }
    }

    /// `.then_<method>(before, args)`, pointing at `span`, the user's token
    /// whose field the call needs a trait of.
    fn call(&mut self, span: Span, method: &str, args: TokenStream, expected: usize) {
        let before = LitStr::new(&std::mem::take(&mut self.pending), span);
        let method = Ident::new(&format!("then_{method}"), span);
        self.calls.push(Call::Tokens(
            quote_spanned!(span=> .#method(#before, #args)),
        ));
        self.started = true;
        self.extra += expected;
    }

    /// `.then_<method>(before, args)`, needing no span.
    fn text(&mut self, method: &str, args: &str, expected: usize) {
        let mut call = format!(".then_{method}(");
        code::str_literal(&mut call, &std::mem::take(&mut self.pending));
        call.push_str(", ");
        call.push_str(args);
        call.push(')');
        self.calls.push(Call::Text(call));
        self.started = true;
        self.extra += expected;
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

/// The body's opening known at compile time, rendered here so that it is a
/// byte-string literal: members in RFC 9457 order, `type` left out when
/// `about:blank`.
fn head(problem_type: &str, title: &str, code: u16, detail: &Text, instance: &Text) -> String {
    let mut head = String::from("{");
    if problem_type != "about:blank" {
        head += &format!("\"type\":{},", json_string(problem_type));
    }
    head += &format!("\"title\":{},\"status\":{code}", json_string(title));
    for (name, text) in [("detail", detail), ("instance", instance)] {
        if let Some(text) = text.as_static() {
            head += &format!(",\"{name}\":{}", json_string(text));
        }
    }
    head
}

/// `text` as a JSON string, quotes included, escaped as serde_json does.
fn json_string(text: &str) -> String {
    format!("\"{}\"", json_inner(text))
}

/// `text` escaped for the inside of a JSON string, as serde_json does.
fn json_inner(text: &str) -> String {
    // Most text needs no escape: one scan, one copy.
    if !text.bytes().any(|b| b == b'"' || b == b'\\' || b < b' ') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// One match arm.
struct Arm {
    pattern: String,
    body: Body,
    /// The body is returned from the method rather than yielded.
    returns: bool,
    /// For an arm that binds no field: what its body says, so that arms
    /// saying the same become one or-pattern arm (less code to check).
    shared: Option<String>,
}

enum Body {
    Text(String),
    Code(Code),
}

/// `match scrutinee { arms }`, passed to `wrapper` when there is one.
fn wrapped(
    wrapper: Option<&str>,
    scrutinee: &str,
    arms: impl IntoIterator<Item = Arm>,
) -> TokenStream {
    let mut code = Code::new();
    let matched = |code: &mut Code| {
        code.text("match ").text(scrutinee);
        code.group(Delimiter::Brace, |code| write_arms(code, arms));
    };
    match wrapper {
        Some(wrapper) => {
            code.text(wrapper).group(Delimiter::Parenthesis, matched);
        }
        None => matched(&mut code),
    }
    code.finish()
}

/// A method's match whose static arms yield a plain value (a code, a
/// literal) that `wrapper` makes the method's value once, while the other
/// arms return theirs; with no static arm, the match is the whole body and
/// nothing returns.
fn yielding(wrapper: &str, scrutinee: &str, arms: impl IntoIterator<Item = Arm>) -> TokenStream {
    let mut arms: Vec<Arm> = arms.into_iter().collect();
    if arms.iter().any(|arm| !arm.returns) {
        return wrapped(Some(wrapper), scrutinee, arms);
    }
    for arm in &mut arms {
        arm.returns = false;
    }
    wrapped(None, scrutinee, arms)
}

fn write_arms(code: &mut Code, arms: impl IntoIterator<Item = Arm>) {
    let mut merged: Vec<(String, Body, bool, bool)> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for arm in arms {
        if let Some(key) = arm.shared {
            if let Some(&at) = seen.get(&key) {
                merged[at].0.push_str(" | ");
                merged[at].0.push_str(&arm.pattern);
                merged[at].3 = true;
                continue;
            }
            seen.insert(key, merged.len());
            merged.push((arm.pattern, arm.body, arm.returns, false));
        } else {
            merged.push((arm.pattern, arm.body, arm.returns, false));
        }
    }
    // Every variant has exactly one arm, so the largest shared one can come
    // last as `_`: fewer patterns to check.
    let largest = merged
        .iter()
        .enumerate()
        .filter(|(_, (.., several))| *several)
        .max_by_key(|(i, (patterns, ..))| (patterns.matches(" | ").count(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let last = largest.map(|i| {
        let mut arm = merged.remove(i);
        arm.0 = "_".to_owned();
        arm
    });
    for (pattern, body, returns, _) in merged.into_iter().chain(last) {
        code.text(&pattern).text(" => ");
        if returns {
            code.text("return ");
        }
        match body {
            Body::Text(text) => code.text(&text),
            Body::Code(inner) => code.append(inner),
        };
        code.text(",");
    }
}

/// The header names and fixed values of `headers()`, each an item once per
/// impl rather than once per variant that sends it: a name a `const` (one of
/// `http`'s when it has one), the values one `static`
/// `__private::FixedValues`, made on first use and named by index (a `const`
/// `HeaderValue` cost the compiler about 50,000 instructions per byte to
/// evaluate; see `FixedValues`).
#[derive(Default)]
struct HeaderConsts {
    names: Vec<String>,
    values: Vec<String>,
    /// The enum's headers, for transparent variants, and how many.
    inherited: Option<(String, usize)>,
}

impl HeaderConsts {
    fn name(&mut self, name: &str) -> String {
        format!("__NAME_{}", index(&mut self.names, name))
    }

    /// The index of a fixed value in `__VALUES`.
    fn value(&mut self, value: &str) -> usize {
        index(&mut self.values, value)
    }

    /// `append(__headers, NAME, VALUE);` for a header with a fixed value.
    fn append_fixed(&mut self, out: &mut impl std::fmt::Write, header: &Header) {
        let name = self.name(&header.name);
        let value = self.value(header.value.literal.as_deref().unwrap_or(""));
        let _ = write!(
            out,
            "__apierror::__private::append(__headers, {name}, &__VALUES, {value});"
        );
    }

    /// `&__VALUES, &__INHERITED`: the enum's (fixed) headers as pairs of a
    /// name and the index of its value, an array `const` (a `const` slice
    /// cannot hold `HeaderName`'s atomics).
    fn inherited(&mut self, headers: &[Header]) -> &'static str {
        if self.inherited.is_none() {
            let mut pairs = String::new();
            for header in headers {
                let name = self.name(&header.name);
                let value = self.value(header.value.literal.as_deref().unwrap_or(""));
                let _ = write!(pairs, "({name}, {value}),");
            }
            self.inherited = Some((pairs, headers.len()));
        }
        "&__VALUES, &__INHERITED"
    }

    fn items(&self) -> TokenStream {
        let mut code = Code::new();
        for (i, name) in self.names.iter().enumerate() {
            match standard_header(name) {
                Some(constant) => {
                    let _ = write!(
                        code,
                        "const __NAME_{i}: __apierror::__private::HeaderName = \
                         __apierror::__private::header::{constant};"
                    );
                }
                None => {
                    let _ = write!(
                        code,
                        "const __NAME_{i}: __apierror::__private::HeaderName = \
                         __apierror::__private::HeaderName::from_static("
                    );
                    code.str(name).text(");");
                }
            }
        }
        if !self.values.is_empty() {
            code.text(
                "static __VALUES: __apierror::__private::FixedValues = \
                 __apierror::__private::FixedValues::new(&[",
            );
            for value in &self.values {
                code.str(value).text(",");
            }
            code.text("]);");
        }
        if let Some((pairs, count)) = &self.inherited {
            let _ = write!(
                code,
                "const __INHERITED: [(__apierror::__private::HeaderName, usize); {count}] = \
                 [{pairs}];"
            );
        }
        code.finish()
    }
}

/// The constant of the `http` crate for a header name it defines: using it
/// saves the compiler evaluating `HeaderName::from_static`.
fn standard_header(name: &str) -> Option<String> {
    STANDARD_HEADERS
        .contains(&name)
        .then(|| name.replace('-', "_").to_ascii_uppercase())
}

/// Every name `http::header` has a constant for, lowercase.
const STANDARD_HEADERS: &[&str] = &[
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "accept-ranges",
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-request-headers",
    "access-control-request-method",
    "age",
    "allow",
    "alt-svc",
    "authorization",
    "cache-control",
    "cache-status",
    "cdn-cache-control",
    "connection",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-range",
    "content-security-policy",
    "content-security-policy-report-only",
    "content-type",
    "cookie",
    "dnt",
    "date",
    "etag",
    "expect",
    "expires",
    "forwarded",
    "from",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "last-modified",
    "link",
    "location",
    "max-forwards",
    "origin",
    "pragma",
    "proxy-authenticate",
    "proxy-authorization",
    "public-key-pins",
    "public-key-pins-report-only",
    "range",
    "referer",
    "referrer-policy",
    "refresh",
    "retry-after",
    "sec-websocket-accept",
    "sec-websocket-extensions",
    "sec-websocket-key",
    "sec-websocket-protocol",
    "sec-websocket-version",
    "server",
    "set-cookie",
    "strict-transport-security",
    "te",
    "trailer",
    "transfer-encoding",
    "user-agent",
    "upgrade",
    "upgrade-insecure-requests",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "x-content-type-options",
    "x-dns-prefetch-control",
    "x-frame-options",
    "x-xss-protection",
];

fn index(list: &mut Vec<String>, item: &str) -> usize {
    match list.iter().position(|x| x == item) {
        Some(i) => i,
        None => {
            list.push(item.to_owned());
            list.len() - 1
        }
    }
}

/// The field a format string of exactly one `{field}` shows, to pass it
/// without a `format_args!` (cheaper to compile).
fn single_display(fmt: &Fmt) -> Option<Ident> {
    match (fmt.placeholders.as_slice(), fmt.pieces.as_slice()) {
        ([placeholder], [before, after])
            if placeholder.spec.is_none() && before.is_empty() && after.is_empty() =>
        {
            Some(use_of(&placeholder.member, span_of(fmt)))
        }
        _ => None,
    }
}

/// A piece of a format string over fields.
enum Piece<'a> {
    Text(&'a str),
    Display(Ident),
    Debug(Ident),
    /// A placeholder with a width, precision or other trait: its own
    /// `format_args!`.
    Formatted(TokenStream),
}

/// The pieces of `fmt`, to write one by one: the text is escaped here, once,
/// and plain `{field}` and `{field:?}` need no `format_args!` (faster to
/// compile).
fn pieces(fmt: &Fmt) -> Vec<Piece<'_>> {
    let span = span_of(fmt);
    let mut pieces = Vec::new();
    for (i, text) in fmt.pieces.iter().enumerate() {
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        let Some(placeholder) = fmt.placeholders.get(i) else {
            continue;
        };
        let value = use_of(&placeholder.member, span);
        pieces.push(match placeholder.spec.as_deref() {
            None => Piece::Display(value),
            Some("?") => Piece::Debug(value),
            Some(_) => Piece::Formatted(format_args(
                &placeholder.format_string(),
                std::iter::once(&placeholder.member).chain(&placeholder.spec_members),
                span,
            )),
        });
    }
    pieces
}

/// The same local where generated code uses it: it resolves as the
/// pattern's binding (the derive's call site, whatever macro wrote the
/// field's name) but points at `span`, the user's token that asked for it.
fn use_of(member: &Member, span: Span) -> Ident {
    Ident::new(&member.binding(), span)
}

/// The derive's call site, located at the format string: code that formats
/// fields points there when a field lacks the trait it asks for.
fn span_of(fmt: &Fmt) -> Span {
    Span::call_site().located_at(fmt.span())
}

/// `format_args!` over a whole format string.
fn format_args_of(fmt: &Fmt) -> TokenStream {
    format_args(
        &fmt.rewritten,
        fmt.args.iter().map(|arg| &arg.member),
        span_of(fmt),
    )
}

/// `format_args!(text, __field_x = __field_x, ..)`: every field passed by
/// name, since a name captured from the string would resolve in the
/// literal's context, which is the caller's when a macro passed it.
fn format_args<'m>(
    text: &str,
    members: impl IntoIterator<Item = &'m Member>,
    span: Span,
) -> TokenStream {
    let lit = LitStr::new(text, span);
    let mut seen = BTreeSet::new();
    let args = members
        .into_iter()
        .filter(|member| seen.insert(member.binding()))
        .map(|member| {
            let value = use_of(member, span);
            quote!(#value = #value)
        });
    quote_spanned!(span=> ::core::format_args!(#lit, #(#args),*))
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

    /// Bounds `ty` by what `bound` makes, when `ty` names a type parameter.
    fn add(&mut self, ty: &Type, bound: impl FnOnce() -> TokenStream) {
        if self.params.is_empty() || !mentions(quote!(#ty), &self.params) {
            return;
        }
        let bound = bound();
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

#[cfg(test)]
mod tests {
    use proc_macro2::{TokenStream, TokenTree};
    use quote::quote;

    fn idents(tokens: TokenStream, out: &mut Vec<String>) {
        for token in tokens {
            match token {
                TokenTree::Ident(ident) => out.push(ident.to_string()),
                TokenTree::Group(group) => idents(group.stream(), out),
                _ => {}
            }
        }
    }

    #[test]
    fn crate_path_replaces_every_apierror_path() {
        let input = quote! {
            #[problem(crate = "ae", header(x_a = "a"))]
            #[status(500)]
            pub enum E<T> {
                #[error("x")]
                #[status(404)]
                #[problem(detail = "{x:>3}", instance = "/{x}", header(x_b = "{x}"))]
                A {
                    #[problem(extension)]
                    x: T,
                },
                #[status(transparent)]
                B(Inner),
                C,
            }
        };
        for input in [input.clone(), quote!(#[status(200)] #input)] {
            let mut seen = Vec::new();
            idents(crate::derive(input), &mut seen);
            assert!(seen.iter().any(|i| i == "ae"), "{seen:?}");
            assert!(!seen.iter().any(|i| i == "apierror"), "{seen:?}");
        }
    }
}
