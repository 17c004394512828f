//! Reading `#[status(..)]`, `#[problem(..)]` and thiserror's `#[error(..)]`
//! into typed values that keep their tokens for spans.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Error, Ident, LitInt, LitStr, Path, Result, Token};

use crate::ast::Errors;
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
}

pub struct Extension {
    /// The member name, when the attribute or the field gives one.
    pub name: Option<String>,
    /// The tokens of the attribute, where errors about it point.
    pub tokens: TokenStream,
}

pub fn get<'a>(attrs: &'a [Attribute], place: Place, errors: &mut Errors) -> Attrs<'a> {
    let mut out = Attrs::default();
    for attr in attrs {
        if attr.path().is_ident("status") {
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
        } else if attr.path().is_ident("problem") {
            let result =
                attr.parse_nested_meta(|meta| parse_problem_key(&meta, place, &mut out, errors));
            if let Err(err) = result {
                errors.push(err);
            }
        } else if attr.path().is_ident("error") {
            out.display_literal = display_literal(attr);
        }
    }
    out
}

fn duplicate(second: &dyn ToTokens, first: &dyn ToTokens, message: &str, note: &str) -> Error {
    let mut error = Error::new_spanned(second, message);
    error.combine(Error::new_spanned(first, note));
    error
}

fn parse_status(attr: &Attribute) -> Result<Status<'_>> {
    let tokens = match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => {
            return Err(Error::new_spanned(
                attr,
                "expected a status: `#[status(404)]`, `#[status(NOT_FOUND)]` or `#[status(transparent)]`",
            ));
        }
    };
    let kind = attr.parse_args_with(|input: syn::parse::ParseStream| {
        let lookahead = input.lookahead1();
        let kind = if lookahead.peek(LitInt) {
            let lit: LitInt = input.parse()?;
            match lit.base10_parse::<u16>() {
                Ok(code) if lit.suffix().is_empty() || lit.suffix() == "u16" => StatusKind::Code(code),
                _ => {
                    return Err(Error::new(
                        lit.span(),
                        format!("`#[status({lit})]` is not an HTTP status; use a 4xx or 5xx code such as `404`"),
                    ));
                }
            }
        } else if input.peek(Token![_]) || lookahead.peek(Ident) || lookahead.peek(Token![::]) {
            let path: Path = input.call(Path::parse_mod_style)?;
            let last = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            if last == "transparent" && path.segments.len() == 1 {
                StatusKind::Transparent
            } else {
                match status::by_name(&last) {
                    Some((name, code)) => StatusKind::Named(name, code),
                    None => {
                        let hint = match status::closest_name(&last) {
                            Some(name) => format!("; did you mean `{name}`?"),
                            None => "; write the code, as in `#[status(404)]`".to_owned(),
                        };
                        return Err(Error::new_spanned(
                            &path,
                            format!("`{last}` is not a constant of `http::StatusCode`{hint}"),
                        ));
                    }
                }
            }
        } else {
            return Err(lookahead.error());
        };
        if !input.is_empty() {
            return Err(input.error("expected one status, as in `#[status(404)]`"));
        }
        Ok(kind)
    })?;
    Ok(Status {
        original: attr,
        kind,
        tokens,
    })
}

fn keys_for(place: Place) -> &'static str {
    match place {
        Place::Enum => "`type`, `title`, `header(..)`",
        Place::Variant | Place::Struct => "`type`, `title`, `detail`, `instance`, `header(..)`",
    }
}

fn parse_problem_key(
    meta: &ParseNestedMeta,
    place: Place,
    out: &mut Attrs,
    errors: &mut Errors,
) -> Result<()> {
    let Some(key) = meta.path.get_ident().cloned() else {
        return Err(meta.error(format!(
            "unknown key in `#[problem(..)]`; expected one of {}",
            keys_for(place)
        )));
    };
    let name = key.to_string();
    match name.as_str() {
        "type" => set_once(&mut out.problem_type, meta.value()?.parse()?, &key, errors),
        "title" => set_once(&mut out.title, meta.value()?.parse()?, &key, errors),
        "detail" | "instance" if place == Place::Enum => {
            return Err(meta.error(format!(
                "`{name}` belongs on a variant, not on the enum: it describes one occurrence"
            )));
        }
        "detail" | "instance" => {
            let fmt = Fmt::parse(&meta.value()?.parse()?)?;
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
            meta.parse_nested_meta(|header| {
                let Some(ident) = header.path.get_ident().cloned() else {
                    return Err(header
                        .error("expected a header name, as in `header(retry_after = \"30\")`"));
                };
                let value = Fmt::parse(&header.value()?.parse()?)?;
                let name = ident
                    .to_string()
                    .trim_start_matches("r#")
                    .replace('_', "-")
                    .to_ascii_lowercase();
                out.headers.push(Header { ident, name, value });
                Ok(())
            })?;
        }
        "extension" => {
            return Err(
                meta.error("`extension` belongs on a field: `#[problem(extension)] id: u64`")
            );
        }
        _ => {
            return Err(meta.error(format!(
                "unknown key `{name}` in `#[problem(..)]`; expected one of {}",
                keys_for(place)
            )));
        }
    }
    out.keys.push(key);
    Ok(())
}

fn set_once(slot: &mut Option<LitStr>, value: LitStr, key: &Ident, errors: &mut Errors) {
    match slot {
        Some(first) => errors.push(duplicate_key(key, first)),
        None => *slot = Some(value),
    }
}

fn duplicate_key(key: &Ident, first: &LitStr) -> Error {
    duplicate(
        key,
        first,
        &format!("duplicate `{key}` in `#[problem(..)]`; give it once"),
        &format!("the first `{key}` is here"),
    )
}

/// thiserror's `#[error("literal")]`, when written without arguments.
fn display_literal(attr: &Attribute) -> Option<LitStr> {
    attr.parse_args_with(|input: syn::parse::ParseStream| {
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
        if attr.path().is_ident("status") {
            errors.push(Error::new_spanned(
                attr,
                "`#[status(..)]` belongs on the enum, a variant or the struct, not on a field",
            ));
        } else if attr.path().is_ident("problem") {
            let result = attr.parse_nested_meta(|meta| {
                if !meta.path.is_ident("extension") {
                    return Err(meta.error(
                        "unknown key in a field's `#[problem(..)]`; expected `extension` or `extension = \"name\"`",
                    ));
                }
                let name = if meta.input.peek(Token![=]) {
                    Some(meta.value()?.parse::<LitStr>()?.value())
                } else {
                    None
                };
                let extension = Extension {
                    name,
                    tokens: attr.to_token_stream(),
                };
                match &out.extension {
                    Some(first) => errors.push(duplicate(
                        attr,
                        &first.tokens,
                        "duplicate `extension` on one field; give it once",
                        "the first `extension` is here",
                    )),
                    None => out.extension = Some(extension),
                }
                Ok(())
            });
            if let Err(err) = result {
                errors.push(err);
            }
        }
    }
    out
}

pub fn span_of(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}
