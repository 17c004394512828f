//! The problem+xml bodies of variants that use no field, rendered here as
//! byte-string literals like their JSON ones (RFC 9457 Appendix B; apierror's
//! feature `xml` decides whether the method is kept: see
//! `apierror::__private::impl_xml_body!`). A child of `expand`, whose plan it
//! reads.

use proc_macro2::Span;
use quote::quote;
use syn::LitByteStr;

use super::{Arm, Kind, Plan};

impl Plan<'_> {
    /// `xml_body()`'s arm: the literal body of a static variant, the inner
    /// error's for `transparent`, else the JSON body transcoded at run time.
    pub(super) fn xml_arm(&self) -> Arm {
        let own = match &self.kind {
            Kind::Transparent(member) => return self.transparent(member, quote!(xml_body)),
            Kind::Own(own) => own,
        };
        if own.detail.is_dynamic() || own.instance.is_dynamic() || !own.extensions.is_empty() {
            return self.plain_arm(
                quote!(::apierror::__private::xml_transcoded(self)),
                String::new(),
            );
        }
        let body = body(
            &own.problem_type,
            &own.title,
            own.code,
            own.detail.as_static(),
            own.instance.as_static(),
        );
        let literal = LitByteStr::new(body.as_bytes(), Span::call_site());
        self.plain_arm(quote!(::apierror::__private::Cow::Borrowed(#literal)), body)
    }
}

/// The whole body, as apierror's `Problem::to_xml_body` writes it.
fn body(
    problem_type: &str,
    title: &str,
    code: u16,
    detail: Option<&str>,
    instance: Option<&str>,
) -> String {
    let mut body = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#,
    );
    if problem_type != "about:blank" {
        element(&mut body, "type", problem_type);
    }
    element(&mut body, "title", title);
    element(&mut body, "status", &code.to_string());
    if let Some(detail) = detail {
        element(&mut body, "detail", detail);
    }
    if let Some(instance) = instance {
        element(&mut body, "instance", instance);
    }
    body.push_str("</problem>");
    body
}

/// `<name>text</name>`, the text escaped: markup characters as entities, a CR
/// as `&#13;`, a character XML 1.0 forbids as U+FFFD.
fn element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
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
    out.push_str("</");
    out.push_str(name);
    out.push('>');
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
