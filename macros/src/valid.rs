//! Rules that span several attributes or variants. Expansion only ever sees
//! input that passed them.

use std::collections::BTreeMap;

use proc_macro2::Span;
use quote::ToTokens;
use syn::Error;

use crate::ast::{Input, Variant};
use crate::attr::{Attrs, Header, Status, StatusKind};
use crate::case;
use crate::ctxt::Errors;
use crate::fmt::{Fmt, quoted};
use crate::status;

/// The members RFC 9457 §3.1 defines; no extension may take their names.
const STANDARD_MEMBERS: [&str; 5] = ["type", "title", "status", "detail", "instance"];

/// Headers the crate sets or the connection owns; an error cannot declare them.
const FORBIDDEN_HEADERS: [(&str, &str); 7] = [
    (
        "content-type",
        "apierror sets it to `application/problem+json`",
    ),
    ("content-length", "the server computes it from the body"),
    ("transfer-encoding", "the server decides the framing"),
    (
        "connection",
        "it belongs to the connection, not to an error",
    ),
    (
        "keep-alive",
        "it belongs to the connection, not to an error",
    ),
    ("te", "it is a request header"),
    ("trailer", "problem bodies have no trailers"),
];

pub fn check(input: &Input, errors: &mut Errors) {
    check_shared(&input.attrs, errors);
    if let Some(status) = &input.attrs.status {
        match status.kind {
            StatusKind::Transparent => errors.push(Error::new_spanned(
                &status.tokens,
                "`#[status(transparent)]` belongs on a variant with one field, not on the enum; give the enum a default such as `#[status(500)]` and each delegating variant `#[status(transparent)]`",
            )),
            kind => check_code(status, kind, errors),
        }
    }
    for header in &input.attrs.headers {
        if !header.value.args.is_empty() {
            errors.push(Error::new(
                header.value.span(),
                format!(
                    "a header on the enum is a fixed string that every variant inherits; {} names a field, so move `{}` to the variants that have it",
                    quoted(&header.value.lit),
                    header.ident
                ),
            ));
        }
    }
    for variant in &input.variants {
        check_variant(input, variant, errors);
    }
}

/// Rules for the keys an enum and a variant share.
fn check_shared(attrs: &Attrs, errors: &mut Errors) {
    if let Some(uri) = &attrs.problem_type {
        if let Err(reason) = uri_reference(&uri.value()) {
            errors.push(Error::new(
                uri.span(),
                format!(
                    "`type = {}` is not a URI reference ({reason}); use an absolute URI such as \"https://example.com/problems/out-of-stock\"",
                    quoted(uri)
                ),
            ));
        }
    }
    if let Some(title) = &attrs.title {
        if let Ok(fmt) = Fmt::parse(title) {
            if let Some(arg) = fmt.args.first() {
                errors.push(Error::new(
                    title.span(),
                    format!(
                        "`title` is not a format string: it stays the same for every occurrence (RFC 9457 §3.1.3); put {} in `detail` instead",
                        arg.member.placeholder()
                    ),
                ));
            }
        }
    }
    for header in &attrs.headers {
        check_header(header, errors);
    }
}

fn check_code(status: &Status, kind: StatusKind, errors: &mut Errors) {
    let Some(code) = kind.code() else { return };
    let message = match kind {
        _ if (400..=599).contains(&code) => return,
        StatusKind::Named(name, code) => format!(
            "`#[status({name})]` is {code}, not an error status; use a 4xx or 5xx status such as `#[status(BAD_REQUEST)]`"
        ),
        _ if (100..=399).contains(&code) => {
            format!("`#[status({code})]` is not an error status; use a 4xx or 5xx code")
        }
        _ => format!(
            "`#[status({code})]` is not an HTTP status; use a 4xx or 5xx code such as `404`"
        ),
    };
    errors.push(Error::new_spanned(&status.tokens, message));
}

fn check_variant(input: &Input, variant: &Variant, errors: &mut Errors) {
    let attrs = &variant.attrs;
    check_shared(attrs, errors);
    // The enum's `transparent` is reported once, on the enum; its variants do
    // not inherit it.
    let default = input
        .attrs
        .status
        .as_ref()
        .filter(|status| status.kind != StatusKind::Transparent);
    let status = attrs.status.as_ref().or(default);
    match status {
        Some(status) if status.kind == StatusKind::Transparent => {
            check_transparent(variant, status, errors);
            return;
        }
        Some(status) => {
            if let Some(own) = &attrs.status {
                check_code(own, own.kind, errors);
            }
            if let Some(code) = status.kind.code() {
                check_required_header(input, variant, code, errors);
            }
        }
        None if attrs.status_written || input.attrs.status_written => {}
        None => {
            let message = if input.is_enum {
                format!(
                    "variant `{}` has no status; add one, as in `#[status(404)]`, or give the enum a default such as `#[status(500)]`",
                    variant.ident
                )
            } else {
                format!(
                    "`{}` has no status; add one, as in `#[status(404)]`",
                    variant.ident
                )
            };
            errors.push(Error::new(variant.ident.span(), message));
        }
    }
    for fmt in attrs.detail.iter().chain(&attrs.instance) {
        check_members(variant, fmt, errors);
    }
    for header in &attrs.headers {
        check_members(variant, &header.value, errors);
    }
    if let Some(instance) = &attrs.instance {
        check_instance(instance, errors);
    }
    check_extensions(input, variant, errors);
}

fn check_transparent(variant: &Variant, status: &Status, errors: &mut Errors) {
    if variant.fields.len() != 1 {
        errors.push(Error::new_spanned(
            &status.tokens,
            format!(
                "`#[status(transparent)]` needs exactly one field, whose own `ApiError` decides status, body and headers; `{}` has {}",
                variant.ident,
                variant.fields.len()
            ),
        ));
    }
    for key in &variant.attrs.keys {
        let written = if key == "header" {
            "header(..)".to_owned()
        } else {
            format!("{key} = ..")
        };
        errors.push(Error::new(
            key.span(),
            format!(
                "`#[problem({written})]` cannot be combined with `#[status(transparent)]`: the field's own `ApiError` decides everything; remove one of them"
            ),
        ));
    }
    for field in &variant.fields {
        if let Some(extension) = &field.attrs.extension {
            errors.push(Error::new_spanned(
                &extension.key,
                "`#[problem(extension)]` cannot be used in a `#[status(transparent)]` variant: the field's own `ApiError` decides the body",
            ));
        }
        if let Some(flatten) = &field.attrs.flatten {
            errors.push(Error::new_spanned(
                flatten,
                "`#[problem(flatten)]` cannot be used in a `#[status(transparent)]` variant: the field's own `ApiError` decides the body",
            ));
        }
    }
}

fn check_required_header(input: &Input, variant: &Variant, code: u16, errors: &mut Errors) {
    let Some(required) = status::required_header(code) else {
        return;
    };
    let has = |headers: &[Header]| {
        headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(required.header))
    };
    if has(&variant.attrs.headers) || has(&input.attrs.headers) {
        return;
    }
    let span = match &variant.attrs.status {
        Some(own) => own.tokens.clone(),
        None => variant.ident.to_token_stream(),
    };
    errors.push(Error::new_spanned(
        span,
        format!(
            "a {code} response must carry the `{}` header ({}); add `#[problem(header({} = \"{}\"))]`",
            required.header,
            required.reference,
            required.attr,
            required.example.replace('"', "\\\"")
        ),
    ));
}

fn check_header(header: &Header, errors: &mut Errors) {
    let name = &header.name;
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid {
        errors.push(Error::new(
            header.ident.span(),
            format!(
                "`{}` is not a valid header name; start with an ASCII letter, then use ASCII letters, digits and `_` (written for `-`), as in `retry_after`",
                header.ident
            ),
        ));
        return;
    }
    if let Some((_, why)) = FORBIDDEN_HEADERS
        .iter()
        .find(|(forbidden, _)| forbidden == name)
    {
        errors.push(Error::new(
            header.ident.span(),
            format!("`{name}` cannot be set by an error: {why}; remove it"),
        ));
    }
    let fmt = &header.value;
    let text: String = fmt.pieces.concat();
    if let Some(bad) = text
        .chars()
        .find(|&c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()))
    {
        errors.push(Error::new(
            fmt.span(),
            format!(
                "{} is not a valid value for header `{name}`: {bad:?} is not allowed; use visible ASCII characters, spaces and tabs",
                quoted(&fmt.lit)
            ),
        ));
    } else if fmt.literal.as_deref() == Some("") {
        errors.push(Error::new(
            fmt.span(),
            format!("the value of header `{name}` is empty; give it a value or remove the header"),
        ));
    } else if fmt
        .literal
        .as_deref()
        .is_some_and(|v| v.starts_with([' ', '\t']) || v.ends_with([' ', '\t']))
    {
        errors.push(Error::new(
            fmt.span(),
            format!(
                "{} is not a valid value for header `{name}`: it starts or ends with whitespace, which HTTP strips; remove it",
                quoted(&fmt.lit)
            ),
        ));
    }
}

fn check_members(variant: &Variant, fmt: &Fmt, errors: &mut Errors) {
    for arg in &fmt.args {
        if variant.field(&arg.member).is_some() {
            continue;
        }
        let fields: Vec<String> = variant.fields.iter().map(|f| f.member.describe()).collect();
        let known = if fields.is_empty() {
            format!("`{}` has no fields", variant.ident)
        } else {
            format!("its fields are {}", fields.join(", "))
        };
        errors.push(Error::new(
            fmt.span(),
            format!(
                "{} names {}, which is not a field of `{}`; {known}",
                quoted(&fmt.lit),
                arg.member.describe(),
                variant.ident
            ),
        ));
    }
}

fn check_instance(fmt: &Fmt, errors: &mut Errors) {
    let result = match &fmt.literal {
        Some(literal) => uri_reference(literal),
        None => fmt.pieces.iter().try_for_each(|piece| uri_chars(piece)),
    };
    if let Err(reason) = result {
        errors.push(Error::new(
            fmt.span(),
            format!(
                "`instance = {}` is not a URI reference ({reason}); use a path such as \"/orders/{{id}}\"",
                quoted(&fmt.lit)
            ),
        ));
    }
}

fn check_extensions(input: &Input, variant: &Variant, errors: &mut Errors) {
    let mut seen: BTreeMap<String, (Span, String)> = BTreeMap::new();
    for field in &variant.fields {
        let Some(extension) = &field.attrs.extension else {
            continue;
        };
        if let Some(flatten) = &field.attrs.flatten {
            let mut error = Error::new_spanned(
                flatten,
                "`flatten` and `extension` cannot be combined on one field: `extension` sends the field as one member, `flatten` sends each of its members; keep one",
            );
            error.combine(Error::new_spanned(&extension.key, "`extension` is here"));
            errors.push(error);
            continue;
        }
        let Some(name) = case::extension_name(input, variant, field) else {
            errors.push(Error::new(
                extension.key.span(),
                "a tuple field has no name to use; give one: `#[problem(extension = \"name\")]`",
            ));
            continue;
        };
        let span = name.span;
        let note = name.renamed_note();
        let shown = format!("`{}`{note}", name.value);
        let name = name.value;
        if STANDARD_MEMBERS.contains(&name.as_str()) {
            errors.push(Error::new(
                span,
                format!(
                    "an extension cannot be named {shown}: RFC 9457 §3.1 defines that member; rename it, as in `#[problem(extension = \"{name}_value\")]`"
                ),
            ));
            continue;
        }
        let mut chars = name.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            let shown = format!("{name:?}{note}");
            errors.push(Error::new(
                span,
                format!(
                    "extension name {shown} is not allowed: RFC 9457 §3.2 asks for a letter first, then letters, digits or `_`; rename it, as in `#[problem(extension = \"{}\")]`",
                    extension_name_like(&name)
                ),
            ));
            continue;
        }
        if let Some((first, first_note)) = seen.get(&name) {
            let mut error = Error::new(
                span,
                format!(
                    "two extension members are named {shown} in `{}`; rename one",
                    variant.ident
                ),
            );
            error.combine(Error::new(
                *first,
                format!("the first `{name}`{first_note} is here"),
            ));
            errors.push(error);
            continue;
        }
        seen.insert(name, (span, note));
    }
}

/// A valid extension name close to `name`, to suggest.
fn extension_name_like(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let name = name.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    if name.is_empty() {
        "name".to_owned()
    } else {
        name.to_owned()
    }
}

fn is_unreserved_or_reserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)
}

/// Characters a URI reference may hold, with `%` only before two hex digits.
fn uri_chars(s: &str) -> Result<(), String> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return Err("`%` must start a percent-encoding such as `%20`".to_owned());
            }
            i += 3;
            continue;
        }
        if !is_unreserved_or_reserved(b) {
            let c = s[i..].chars().next().unwrap_or('?');
            return Err(format!("{c:?} must be percent-encoded"));
        }
        i += 1;
    }
    Ok(())
}

/// RFC 3986 §4.1: `URI-reference = URI / relative-ref`.
fn uri_reference(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("it is empty".to_owned());
    }
    uri_chars(s)?;
    if s.matches('#').count() > 1 {
        return Err("it has more than one `#`".to_owned());
    }
    let end = s.find(['/', '?', '#']).unwrap_or(s.len());
    if let Some(colon) = s[..end].find(':') {
        let scheme = &s[..colon];
        let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !valid {
            return Err(format!(
                "{scheme:?} is not a scheme, and a relative reference cannot have `:` in its first segment"
            ));
        }
    }
    let authority = s
        .split_once("//")
        .filter(|(before, _)| !before.contains(['/', '?', '#']))
        .map(|(_, rest)| &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())]);
    let brackets = s.matches(['[', ']']).count();
    if brackets > 0 && authority.is_none_or(|a| a.matches(['[', ']']).count() != brackets) {
        return Err("`[` and `]` are only allowed around an IP literal host".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::uri_reference;

    #[test]
    fn uri_references() {
        for ok in [
            "https://example.com/problems/x",
            "urn:example:out-of-stock",
            "tag:example.com,2026:x",
            "/problems/x",
            "x",
            "about:blank",
            "http://[::1]:8080/p",
            "https://e.com/a%20b?q=1#frag",
        ] {
            assert_eq!(uri_reference(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "has space",
            "1http://x",
            "a:b c",
            "%zz",
            "x#a#b",
            "/a[1]",
            "ä",
            "{x}",
        ] {
            assert!(uri_reference(bad).is_err(), "{bad}");
        }
    }
}
