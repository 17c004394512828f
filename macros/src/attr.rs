//! Reading `#[status(..)]`, `#[problem(..)]` and thiserror's `#[error(..)]`
//! into typed values that keep their tokens for spans.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::{Attribute, Error, Ident, LitBool, LitInt, LitStr, Meta, Path, Result, Token};

use crate::case::RenameAll;
use crate::ctxt::Errors;
use crate::fmt::Fmt;
use crate::status;

/// Where an attribute stands; it decides which keys are allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Enum,
    Variant,
    Struct,
}

#[derive(Default)]
pub struct Attrs<'a> {
    pub status: Option<Status<'a>>,
    /// A `#[status]` attribute was written, valid or not: a broken one is
    /// reported as such, never again as a missing status.
    pub status_written: bool,
    pub problem_type: Option<LitStr>,
    pub title: Option<LitStr>,
    pub detail: Option<Fmt>,
    pub instance: Option<Fmt>,
    pub headers: Vec<Header>,
    /// Every `#[problem(..)]` key given, for rules about their combination.
    pub keys: Vec<Ident>,
    /// thiserror's `#[error("..")]`, when it is a plain literal: the Display
    /// text is then known at compile time.
    pub display_literal: Option<LitStr>,
    /// `crate = "path"` on the type: where the apierror crate is.
    pub crate_path: Option<(LitStr, Path)>,
    /// `framework_impls = false` on the type: no axum or actix-web impls.
    pub framework_impls: Option<LitBool>,
    /// `client` on the type: implement `FromProblem`.
    pub client: Option<Ident>,
    /// `rename_all = ".."`: how extension members named after fields are spelled.
    pub rename_all: Option<RenameAll>,
    /// `openapi` on the type: implement `utoipa::IntoResponses`.
    pub openapi: Option<Ident>,
}

pub struct Status<'a> {
    pub original: &'a Attribute,
    pub kind: StatusKind,
    /// The tokens inside `#[status(..)]`, where errors about the status point.
    pub tokens: TokenStream,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Code(u16),
    Named(&'static str, u16),
    Transparent,
}

impl StatusKind {
    pub fn code(self) -> Option<u16> {
        match self {
            StatusKind::Code(code) | StatusKind::Named(_, code) => Some(code),
            StatusKind::Transparent => None,
        }
    }
}

pub struct Header {
    /// The name as written, e.g. `retry_after`.
    pub ident: Ident,
    /// The name on the wire, lowercase, e.g. `retry-after`.
    pub name: String,
    pub value: Fmt,
}

#[derive(Default)]
pub struct FieldAttrs {
    pub extension: Option<Extension>,
    /// `flatten` as written: the field's own members become extensions.
    pub flatten: Option<Ident>,
}

pub struct Extension {
    /// `extension` as written, where errors about the attribute point.
    pub key: Ident,
    /// The member name given as `extension = "name"`.
    pub name: Option<LitStr>,
}

pub fn get<'a>(attrs: &'a [Attribute], place: Place, errors: &mut Errors) -> Attrs<'a> {
    let mut out = Attrs::default();
    for attr in attrs {
        let name = attr_name(attr);
        if name.as_deref() == Some("status") {
            out.status_written = true;
            match parse_status(attr) {
                Ok(status) => match &out.status {
                    Some(first) => errors.push(duplicate(
                        attr,
                        &first.original,
                        "duplicate `#[status(..)]`; give one status",
                        "the first `#[status(..)]` is here",
                    )),
                    None => out.status = Some(status),
                },
                Err(err) => errors.push(err),
            }
        } else if name.as_deref() == Some("problem") {
            let Some(list) = problem_list(attr, errors) else {
                continue;
            };
            let result = list.parse_nested_meta(|meta| {
                let result = parse_problem_key(&meta, place, &mut out, errors);
                recover(meta.input, errors, result)
            });
            if let Err(err) = result {
                errors.push(err);
            }
        } else if name.as_deref() == Some("error") {
            out.display_literal = display_literal(attr);
        }
    }
    out
}

/// The attribute's name when it is one identifier: read once, as every
/// comparison of a compiler identifier with a string reads its text anew.
fn attr_name(attr: &Attribute) -> Option<String> {
    attr.path().get_ident().map(Ident::to_string)
}

/// `#[problem(..)]` as a list; `#[problem]` and `#[problem = ..]` are mistakes.
fn problem_list<'a>(attr: &'a Attribute, errors: &mut Errors) -> Option<&'a syn::MetaList> {
    match &attr.meta {
        Meta::List(list) => Some(list),
        meta => {
            errors.push(Error::new_spanned(
                attr,
                format!(
                    "`#[{}]` needs keys in parentheses, as in `#[problem(type = \"https://example.com/problems/x\")]` or `#[problem(extension)]`",
                    meta.to_token_stream()
                ),
            ));
            None
        }
    }
}

/// Records a mistake in one `key = ..` entry and skips to the next entry, so
/// that every mistake of an attribute is reported in one build.
fn recover(input: ParseStream, errors: &mut Errors, result: Result<()>) -> Result<()> {
    let result = result.and_then(|()| {
        if input.is_empty() || input.peek(Token![,]) {
            return Ok(());
        }
        let token: TokenTree = input.fork().parse()?;
        Err(Error::new_spanned(
            &token,
            format!("unexpected `{token}`; separate keys with `,`"),
        ))
    });
    if let Err(err) = result {
        errors.push(err);
        while !input.is_empty() && !input.peek(Token![,]) {
            input.parse::<TokenTree>()?;
        }
    }
    Ok(())
}

fn duplicate(second: &dyn ToTokens, first: &dyn ToTokens, message: &str, note: &str) -> Error {
    let mut error = Error::new_spanned(second, message);
    error.combine(Error::new_spanned(first, note));
    error
}

const STATUS_FORMS: &str = "`#[status(404)]`, `#[status(NOT_FOUND)]` or `#[status(transparent)]`";

fn parse_status(attr: &Attribute) -> Result<Status<'_>> {
    let Meta::List(list) = &attr.meta else {
        return Err(Error::new_spanned(
            attr,
            format!(
                "`#[{}]` needs a status in parentheses: {STATUS_FORMS}",
                attr.meta.to_token_stream()
            ),
        ));
    };
    let kind = list.parse_args_with(|input: ParseStream| {
        if input.is_empty() {
            return Err(Error::new_spanned(
                attr,
                format!("`#[status()]` is empty; write a status: {STATUS_FORMS}"),
            ));
        }
        // Before `LitInt`, which also accepts `-404` but spans only the `-`.
        let kind = if input.peek(Token![-]) && input.peek2(LitInt) {
            let minus: Token![-] = input.parse()?;
            let lit: LitInt = input.parse()?;
            return Err(Error::new_spanned(
                quote!(#minus #lit),
                format!("`#[status(-{lit})]` is not an HTTP status; use a 4xx or 5xx code such as `404`"),
            ));
        } else if input.peek(LitInt) {
            status_code(&input.parse()?)?
        } else if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            return Err(Error::new_spanned(
                &lit,
                format!(
                    "`#[status({})]` is a string; write the status without quotes, as in `#[status(404)]` or `#[status(NOT_FOUND)]`",
                    lit.token()
                ),
            ));
        } else if input.peek(Ident) || input.peek(Token![::]) {
            status_name(&input.call(Path::parse_mod_style)?)?
        } else {
            let token: TokenTree = input.parse()?;
            return Err(Error::new_spanned(
                &token,
                format!("expected a status, not `{token}`: {STATUS_FORMS}"),
            ));
        };
        if !input.is_empty() {
            let rest: TokenStream = input.parse()?;
            return Err(Error::new_spanned(
                rest,
                "expected one status, as in `#[status(404)]`; remove what follows it",
            ));
        }
        Ok(kind)
    })?;
    Ok(Status {
        original: attr,
        kind,
        tokens: list.tokens.clone(),
    })
}

fn status_code(lit: &LitInt) -> Result<StatusKind> {
    if !matches!(lit.suffix(), "" | "u16") {
        return Err(Error::new_spanned(
            lit,
            format!(
                "`#[status({lit})]` has a type suffix; write the bare code, as in `#[status({})]`",
                lit.base10_digits()
            ),
        ));
    }
    match lit.base10_parse::<u16>() {
        Ok(code) => Ok(StatusKind::Code(code)),
        Err(_) => Err(Error::new_spanned(
            lit,
            format!(
                "`#[status({lit})]` is not an HTTP status; use a 4xx or 5xx code such as `404`"
            ),
        )),
    }
}

/// `transparent`, or a constant of `http::StatusCode` by its name, alone or
/// as `StatusCode::NAME` / `http::StatusCode::NAME`.
fn status_name(path: &Path) -> Result<StatusKind> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let Some((last, prefix)) = segments.split_last() else {
        return Err(Error::new_spanned(
            path,
            format!("expected a status: {STATUS_FORMS}"),
        ));
    };
    if last == "transparent" && segments.len() == 1 && path.leading_colon.is_none() {
        return Ok(StatusKind::Transparent);
    }
    let known_prefix = matches!(
        prefix
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        [] | ["StatusCode"] | ["http", "StatusCode"]
    ) && (path.leading_colon.is_none() || prefix.len() == 2);
    if !known_prefix {
        return Err(Error::new_spanned(
            path,
            format!(
                "`#[status({})]` is not a constant of `http::StatusCode`; write the constant's name alone, as in `#[status({last})]`",
                segments.join("::")
            ),
        ));
    }
    match status::by_name(last) {
        Some((name, code)) => Ok(StatusKind::Named(name, code)),
        None => {
            let hint = match closest_name(last) {
                Some(name) => format!("; did you mean `{name}`?"),
                None => "; write the code, as in `#[status(404)]`".to_owned(),
            };
            Err(Error::new_spanned(
                path,
                format!("`{last}` is not a constant of `http::StatusCode`{hint}"),
            ))
        }
    }
}

fn keys_for(place: Place) -> &'static str {
    match place {
        Place::Enum => {
            "`type`, `title`, `header(..)`, `rename_all`, `crate`, `framework_impls`, `client`, `openapi`"
        }
        Place::Variant => "`type`, `title`, `detail`, `instance`, `header(..)`, `rename_all`",
        Place::Struct => {
            "`type`, `title`, `detail`, `instance`, `header(..)`, `rename_all`, `crate`, `framework_impls`, `client`, `openapi`"
        }
    }
}

fn path_text(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let colon = if path.leading_colon.is_some() {
        "::"
    } else {
        ""
    };
    format!("{colon}{}", segments.join("::"))
}

/// `key = "string"`, with a message that shows the right form.
fn string_value(meta: &ParseNestedMeta, key: &str, example: &str) -> Result<LitStr> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format!("`{key}` needs a value, as in `{example}`")));
    }
    let value = meta.value()?;
    if value.peek(LitStr) {
        return value.parse();
    }
    let token: TokenTree = value.parse()?;
    Err(Error::new_spanned(
        &token,
        format!("`{key}` takes a string literal, not `{token}`, as in `{example}`"),
    ))
}

fn parse_problem_key(
    meta: &ParseNestedMeta,
    place: Place,
    out: &mut Attrs,
    errors: &mut Errors,
) -> Result<()> {
    let Some(key) = meta.path.get_ident().cloned() else {
        return Err(Error::new_spanned(
            &meta.path,
            format!(
                "unknown key `{}` in `#[problem(..)]`; expected one of {}",
                path_text(&meta.path),
                keys_for(place)
            ),
        ));
    };
    let name = key.to_string();
    match name.as_str() {
        "type" => {
            let value = string_value(
                meta,
                "type",
                "type = \"https://example.com/problems/out-of-stock\"",
            )?;
            set_once(&mut out.problem_type, value, &key, errors);
        }
        "title" => {
            let value = string_value(meta, "title", "title = \"Out of stock\"")?;
            set_once(&mut out.title, value, &key, errors);
        }
        "detail" | "instance" if place == Place::Enum => {
            return Err(meta.error(format!(
                "`{name}` belongs on a variant, not on the enum: it describes one occurrence; move it to the variants"
            )));
        }
        "detail" | "instance" => {
            let example = if name == "detail" {
                "detail = \"order {id} is out of stock\""
            } else {
                "instance = \"/orders/{id}\""
            };
            let fmt = Fmt::parse(&string_value(meta, &name, example)?)?;
            let slot = if name == "detail" {
                &mut out.detail
            } else {
                &mut out.instance
            };
            match slot {
                Some(first) => errors.push(duplicate_key(&key, &first.lit)),
                None => *slot = Some(fmt),
            }
        }
        "header" => {
            if !meta.input.peek(syn::token::Paren) {
                return Err(meta.error(
                    "expected `header(name = \"value\")`, as in `header(retry_after = \"30\")`",
                ));
            }
            let content;
            syn::parenthesized!(content in meta.input);
            while !content.is_empty() {
                let result = parse_header(&content, &mut out.headers);
                recover(&content, errors, result)?;
                if !content.is_empty() {
                    content.parse::<Token![,]>()?;
                }
            }
        }
        "extension" => {
            return Err(
                meta.error("`extension` belongs on a field: `#[problem(extension)] id: u64`")
            );
        }
        "openapi" if place == Place::Variant => {
            return Err(meta.error(
                "`openapi` belongs on the enum, not on a variant: it documents the whole type",
            ));
        }
        "openapi" => {
            if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                return Err(meta.error("`openapi` takes no value: write `#[problem(openapi)]`"));
            }
            match &out.openapi {
                Some(first) => errors.push(duplicate_key(&key, first)),
                None => out.openapi = Some(key),
            }
            return Ok(());
        }
        "crate" | "framework_impls" if place == Place::Variant => {
            return Err(meta.error(format!(
                "`{name}` belongs on the enum, not on a variant: it applies to the whole type"
            )));
        }
        // Keys about the whole type, not its body: not in `keys`, so that a
        // transparent struct may carry them.
        "crate" => {
            let lit = string_value(meta, "crate", "crate = \"my_crate::apierror\"")?;
            let path = lit.parse_with(Path::parse_mod_style).map_err(|_| {
                Error::new(
                    lit.span(),
                    format!(
                        "`crate = {}` is not a path; name the apierror crate as a `use` would, as in `crate = \"ae\"` or `crate = \"my_crate::apierror\"`",
                        lit.token()
                    ),
                )
            })?;
            match &out.crate_path {
                Some((first, _)) => errors.push(duplicate_key(&key, first)),
                None => out.crate_path = Some((lit, path)),
            }
            return Ok(());
        }
        "framework_impls" => {
            const EXAMPLE: &str = "`framework_impls = false`";
            if !meta.input.peek(Token![=]) {
                return Err(meta.error(format!("`framework_impls` needs a value, as in {EXAMPLE}")));
            }
            let value = meta.value()?;
            if !value.peek(LitBool) {
                let token: TokenTree = value.parse()?;
                return Err(Error::new_spanned(
                    &token,
                    format!(
                        "`framework_impls` takes `true` or `false`, not `{token}`, as in {EXAMPLE}"
                    ),
                ));
            }
            let lit: LitBool = value.parse()?;
            match &out.framework_impls {
                Some(first) => errors.push(duplicate_key(&key, first)),
                None => out.framework_impls = Some(lit),
            }
            return Ok(());
        }
        // Not in `keys`: it says what to implement, not how a variant answers.
        "client" => return parse_client(meta, key, place, out, errors),
        "rename_all" => {
            let lit = string_value(meta, "rename_all", "rename_all = \"camelCase\"")?;
            let rename_all = RenameAll::parse(lit)?;
            match &out.rename_all {
                Some(first) => errors.push(duplicate_key(&key, &first.lit)),
                None => out.rename_all = Some(rename_all),
            }
        }
        "flatten" => {
            return Err(meta.error(
                "`flatten` belongs on a field whose value is a map or a struct: `#[problem(flatten)] context: Context`",
            ));
        }
        _ => {
            let hint = match closest_key(&name, place) {
                Some(key) => format!("did you mean `{key}`? "),
                None => String::new(),
            };
            return Err(meta.error(format!(
                "unknown key `{name}` in `#[problem(..)]`; {hint}expected one of {}",
                keys_for(place)
            )));
        }
    }
    out.keys.push(key);
    Ok(())
}

/// `client`: on the type only, without a value.
fn parse_client(
    meta: &ParseNestedMeta,
    key: Ident,
    place: Place,
    out: &mut Attrs,
    errors: &mut Errors,
) -> Result<()> {
    if place == Place::Variant {
        return Err(meta.error(
            "`client` belongs on the type, not on a variant: write `#[problem(client)]` above the enum",
        ));
    }
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        return Err(meta.error("`client` takes no value; write `#[problem(client)]`"));
    }
    match &out.client {
        Some(first) => errors.push(duplicate(
            &key,
            first,
            "duplicate `client` in `#[problem(..)]`; give it once",
            "the first `client` is here",
        )),
        None => out.client = Some(key),
    }
    Ok(())
}

fn closest_key(name: &str, place: Place) -> Option<&'static str> {
    let keys: &[&'static str] = match place {
        Place::Enum => &[
            "type",
            "title",
            "header",
            "rename_all",
            "crate",
            "framework_impls",
            "client",
            "openapi",
        ],
        Place::Variant => &[
            "type",
            "title",
            "detail",
            "instance",
            "header",
            "rename_all",
        ],
        Place::Struct => &[
            "type",
            "title",
            "detail",
            "instance",
            "header",
            "rename_all",
            "crate",
            "framework_impls",
            "client",
            "openapi",
        ],
    };
    keys.iter()
        .copied()
        .filter(|key| distance(key, name) <= 2)
        .min_by_key(|key| distance(key, name))
}

/// One `name = "value"` inside `header(..)`.
fn parse_header(input: ParseStream, headers: &mut Vec<Header>) -> Result<()> {
    const EXAMPLE: &str = "`header(retry_after = \"30\")`";
    if !input.peek(Ident::peek_any) {
        let token: TokenTree = input.parse()?;
        return Err(Error::new_spanned(
            &token,
            format!("expected a header name, not `{token}`, as in {EXAMPLE}; `_` becomes `-`"),
        ));
    }
    let ident = input.call(Ident::parse_any)?;
    if !input.peek(Token![=]) {
        let rest = if input.is_empty() {
            ident.to_token_stream()
        } else {
            let token: TokenTree = input.parse()?;
            quote!(#ident #token)
        };
        return Err(Error::new_spanned(
            rest,
            format!("expected `{ident} = \"value\"`, as in {EXAMPLE}"),
        ));
    }
    input.parse::<Token![=]>()?;
    if !input.peek(LitStr) {
        let token: TokenTree = input.parse()?;
        return Err(Error::new_spanned(
            &token,
            format!("a header value is a string literal, not `{token}`, as in {EXAMPLE}"),
        ));
    }
    let value = Fmt::parse(&input.parse()?)?;
    let name = ident
        .to_string()
        .trim_start_matches("r#")
        .replace('_', "-")
        .to_ascii_lowercase();
    headers.push(Header { ident, name, value });
    Ok(())
}

fn set_once(slot: &mut Option<LitStr>, value: LitStr, key: &Ident, errors: &mut Errors) {
    match slot {
        Some(first) => errors.push(duplicate_key(key, first)),
        None => *slot = Some(value),
    }
}

fn duplicate_key(key: &Ident, first: &dyn ToTokens) -> Error {
    duplicate(
        key,
        first,
        &format!("duplicate `{key}` in `#[problem(..)]`; give it once"),
        &format!("the first `{key}` is here"),
    )
}

/// thiserror's `#[error("literal")]`, when written without arguments.
fn display_literal(attr: &Attribute) -> Option<LitStr> {
    attr.parse_args_with(|input: ParseStream| {
        let lit: LitStr = input.parse()?;
        if input.is_empty() {
            Ok(lit)
        } else {
            Err(input.error("arguments"))
        }
    })
    .ok()
}

pub fn get_field(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs {
        let name = attr_name(attr);
        if name.as_deref() == Some("status") {
            errors.push(Error::new_spanned(
                attr,
                "`#[status(..)]` belongs on the enum, a variant or the struct, not on a field",
            ));
        } else if name.as_deref() == Some("problem") {
            let Some(list) = problem_list(attr, errors) else {
                continue;
            };
            let result = list.parse_nested_meta(|meta| {
                let result = parse_field_key(&meta, &mut out, errors);
                recover(meta.input, errors, result)
            });
            if let Err(err) = result {
                errors.push(err);
            }
        }
    }
    out
}

fn parse_field_key(
    meta: &ParseNestedMeta,
    out: &mut FieldAttrs,
    errors: &mut Errors,
) -> Result<()> {
    let key = match meta.path.get_ident() {
        Some(key) if key == "flatten" => {
            if meta.input.peek(Token![=]) {
                return Err(meta.error(
                    "`flatten` takes no value: its members keep their own names; write `#[problem(flatten)]`",
                ));
            }
            match &out.flatten {
                Some(first) => errors.push(duplicate(
                    key,
                    first,
                    "duplicate `flatten` on one field; give it once",
                    "the first `flatten` is here",
                )),
                None => out.flatten = Some(key.clone()),
            }
            return Ok(());
        }
        Some(key) if key == "extension" => key.clone(),
        _ => {
            let name = path_text(&meta.path);
            let hint = if distance(&name, "extension") <= 2 {
                "did you mean `extension`? "
            } else if distance(&name, "flatten") <= 2 {
                "did you mean `flatten`? "
            } else if [
                "type",
                "title",
                "detail",
                "instance",
                "header",
                "rename_all",
            ]
            .contains(&name.as_str())
            {
                "it belongs on the variant or the struct; "
            } else {
                ""
            };
            return Err(Error::new_spanned(
                &meta.path,
                format!(
                    "unknown key `{name}` in a field's `#[problem(..)]`; {hint}expected `extension`, `extension = \"name\"` or `flatten`"
                ),
            ));
        }
    };
    let name = if meta.input.peek(Token![=]) {
        Some(string_value(meta, "extension", "extension = \"order_id\"")?)
    } else {
        None
    };
    match &out.extension {
        Some(first) => errors.push(duplicate(
            &key,
            &first.key,
            "duplicate `extension` on one field; give it once",
            "the first `extension` is here",
        )),
        None => out.extension = Some(Extension { key, name }),
    }
    Ok(())
}

/// The constant name closest to a misspelled `name`, to suggest.
fn closest_name(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_uppercase();
    status::names()
        .map(|n| (distance(n, &name), n))
        .filter(|&(d, n)| d <= n.len() / 3 + 1)
        .min()
        .map(|(_, n)| n)
}

/// The edit distance between two names, to suggest the one meant.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
