//! The problem+xml bodies of variants that use no field, rendered here as
//! string literals like their JSON ones (RFC 9457 Appendix B; apierror's
//! feature `xml` decides whether the method is kept: see
//! `apierror::__private::impl_xml_body!`). A child of `expand`, whose plan it
//! reads.

use proc_macro2::TokenStream;
use quote::quote;

use super::{
    Arm, Extension, Kind, Own, Piece, Plan, Text, Writes, format_args_of, pieces, span_of, use_of,
    yielding,
};
use crate::ast::Member;

/// `xml_body()`'s body: static bodies are literals the match yields, as in
/// `body()`.
pub(super) fn xml_body(scrutinee: &str, plans: &[Plan]) -> TokenStream {
    yielding(
        "__apierror::__private::static_body",
        scrutinee,
        plans.iter().map(Plan::xml_arm),
    )
}

impl Plan<'_> {
    /// `xml_body()`'s arm: the literal body of a static variant, the inner
    /// error's for `transparent`; a variant with fields writes its body into
    /// one buffer as its JSON arm does, except that a formatted `instance`
    /// (percent-encoded by the JSON writer) has its JSON body transcoded.
    fn xml_arm(&self) -> Arm {
        let own = match &self.kind {
            Kind::Transparent(_) => return self.delegated("xml_body"),
            Kind::Own(own) => own,
        };
        // Every field of the plan, so that a new one is not overlooked here.
        let Own {
            code,
            problem_type,
            title,
            detail,
            instance,
            extensions,
            inherited: _,
            headers: _,
        } = own;
        // A formatted `instance` (percent-encoded by the JSON writer) and
        // flattened members (checked against each other as the JSON writer
        // writes them) come from the JSON body, so the formats never differ.
        let flattens = extensions
            .iter()
            .any(|extension| matches!(extension, Extension::Flatten(_)));
        if instance.is_dynamic() || flattens {
            let mut arm = self.plain_arm(
                "__apierror::__private::xml_transcoded(self)".to_owned(),
                String::new(),
            );
            // Not a literal: shared, but never a static body.
            arm.returns = true;
            arm.shared = Some("\0transcoded".to_owned());
            return arm;
        }
        let mut out = Writes::new(head(problem_type, title, *code));
        if !detail.is_dynamic() && extensions.is_empty() {
            let body = body(
                problem_type,
                title,
                *code,
                detail.as_static(),
                instance.as_static(),
            );
            return self.static_arm(body);
        }

        let mut used: Vec<&Member> = Vec::new();
        match detail {
            Text::Absent => {}
            Text::Static(text) => element(&mut out.head, "detail", text),
            Text::Display => {
                out.raw("<detail>");
                out.text("error_display", "self", 48);
                out.raw("</detail>");
            }
            Text::Format(fmt) => {
                used.extend(fmt.args.iter().map(|a| &a.member));
                let span = span_of(fmt);
                let pieces = pieces(fmt);
                // A width, precision or other trait: one `format_args!` for
                // the whole detail, as the JSON arm does.
                if pieces.iter().any(|p| matches!(p, Piece::Formatted(_))) {
                    let args = format_args_of(fmt);
                    out.call(
                        span,
                        "string_member",
                        quote!("<detail>", "</detail>", #args),
                        48,
                    );
                } else {
                    out.raw("<detail>");
                    for piece in pieces {
                        match piece {
                            Piece::Text(text) => out.raw(&escape(text)),
                            Piece::Display(value) => out.call(span, "display", quote!(#value), 24),
                            Piece::Debug(value) => out.call(span, "debug", quote!(#value), 24),
                            Piece::Formatted(_) => {}
                        }
                    }
                    out.raw("</detail>");
                }
            }
        }
        if let Some(text) = instance.as_static() {
            let mut element_text = String::new();
            element(&mut element_text, "instance", text);
            out.raw(&element_text);
        }
        for extension in extensions {
            let Extension::Member(name, field) = extension else {
                continue;
            };
            let member = &field.member;
            used.push(member);
            let open = format!("<{name}>");
            let close = format!("</{name}>");
            let span = self.field_span(member);
            let binding = use_of(member, span);
            let expected = 24 + open.len() + close.len();
            out.call(span, "extension", quote!(#open, #close, #binding), expected);
        }
        out.raw("</problem>");
        self.writer_arm("__apierror::__private::XmlWriter", out, None, used)
    }
}

/// The opening every body of a variant shares: up to `status`.
fn head(problem_type: &str, title: &str, code: u16) -> String {
    let mut head = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#,
    );
    if problem_type != "about:blank" {
        element(&mut head, "type", problem_type);
    }
    element(&mut head, "title", title);
    element(&mut head, "status", &code.to_string());
    head
}

/// The whole body, as apierror's `Problem::to_xml_body` writes it.
fn body(
    problem_type: &str,
    title: &str,
    code: u16,
    detail: Option<&str>,
    instance: Option<&str>,
) -> String {
    let mut body = head(problem_type, title, code);
    if let Some(detail) = detail {
        element(&mut body, "detail", detail);
    }
    if let Some(instance) = instance {
        element(&mut body, "instance", instance);
    }
    body.push_str("</problem>");
    body
}

/// `<name>text</name>`, the text escaped.
fn element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `text` as element content: markup characters as entities, a CR as
/// `&#13;`, a character XML 1.0 forbids as U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_runtime() {
        assert_eq!(
            body(
                "urn:a&b",
                "<T>",
                404,
                Some("a\r\n\tb\u{1}\u{fffe}\u{ffff}]]>"),
                None
            ),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><problem xmlns=\"urn:ietf:rfc:7807\">\
             <type>urn:a&amp;b</type><title>&lt;T&gt;</title><status>404</status>\
             <detail>a&#13;\n\tb\u{fffd}\u{fffd}\u{fffd}]]&gt;</detail></problem>"
        );
    }

    #[test]
    fn about_blank_is_left_out() {
        assert_eq!(
            body("about:blank", "Gone", 410, None, Some("/x")),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><problem xmlns=\"urn:ietf:rfc:7807\">\
             <title>Gone</title><status>410</status><instance>/x</instance></problem>"
        );
    }
}
