//! Format strings over fields, in thiserror's shorthand: `{id}`, `{0}`,
//! `{id:?}`, `{0:>8}`, `{{` for a brace.

use proc_macro2::Span;
use syn::{Error, LitStr, Result};

use crate::ast::Member;

/// A parsed format string.
pub struct Fmt {
    pub lit: LitStr,
    /// The fields it names, in order of appearance.
    pub args: Vec<Arg>,
    /// The text with `{{`/`}}` unescaped, when it names no field.
    pub literal: Option<String>,
    /// The literal text between placeholders, unescaped: one more than
    /// `placeholders`.
    pub pieces: Vec<String>,
    /// The placeholders, in order.
    pub placeholders: Vec<Placeholder>,
    /// The string to hand to `format_args!`: `{id}` becomes `{__field_id}`
    /// and `{0}` `{__field_0}`, the locals the fields are bound to.
    pub rewritten: String,
}

/// A field a format string names.
/// One `{..}` of a format string.
pub struct Placeholder {
    pub member: Member,
    /// The spec after `:`, rewritten like `Fmt::rewritten`; `None` for `{x}`.
    pub spec: Option<String>,
    /// The fields its spec names as width or precision (`{x:>w$}`).
    pub spec_members: Vec<Member>,
}

impl Placeholder {
    /// The placeholder alone, as a format string: `{__field_x:>__field_w$}`.
    pub fn format_string(&self) -> String {
        match &self.spec {
            Some(spec) => format!("{{{}:{spec}}}", self.member.binding()),
            None => format!("{{{}}}", self.member.binding()),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct Arg {
    pub member: Member,
    /// The formatting trait it is used through; `None` for a width or
    /// precision argument (`{x:1$}`), which must be a `usize`.
    pub trait_name: Option<&'static str>,
}

impl Fmt {
    pub fn parse(lit: &LitStr) -> Result<Fmt> {
        let text = lit.value();
        let err = |message: String| Error::new(lit.span(), message);
        let mut args = Vec::new();
        let mut pieces = vec![String::new()];
        let mut placeholders = Vec::new();
        let mut rewritten = String::with_capacity(text.len());
        let mut chars = text.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                    rewritten.push_str("{{");
                    push_piece(&mut pieces, '{');
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                    rewritten.push_str("}}");
                    push_piece(&mut pieces, '}');
                }
                '}' => {
                    return Err(err(format!(
                        "unmatched `}}` in {}; write `}}}}` for a literal brace",
                        quoted(lit)
                    )));
                }
                '{' => {
                    let mut inner = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        inner.push(c);
                    }
                    if !closed {
                        return Err(err(format!(
                            "unterminated `{{` in {}; close it with `}}`, or write `{{{{` for a literal brace",
                            quoted(lit)
                        )));
                    }
                    let (name, spec) = match inner.split_once(':') {
                        Some((name, spec)) => (name.trim(), Some(spec)),
                        None => (inner.trim(), None),
                    };
                    if spec.is_some_and(|spec| spec.contains(".*")) {
                        return Err(err(format!(
                            "`{{{inner}}}` in {} takes its precision from a positional argument, which a field format string has none of; name a `usize` field instead, as in `{{{name}:.prec$}}`",
                            quoted(lit)
                        )));
                    }
                    let member = parse_member(name).ok_or_else(|| {
                        err(format!(
                            "`{{{inner}}}` in {} names no field; name one, as in `{{id}}`, `{{0}}` or `{{id:?}}`",
                            quoted(lit)
                        ))
                    })?;
                    let before = args.len();
                    let spec_rewritten = match spec {
                        Some(spec) => Some(rewrite_spec(spec, &mut args, lit)?),
                        None => None,
                    };
                    let spec_members = args[before..].iter().map(|a| a.member.clone()).collect();
                    let placeholder = Placeholder {
                        member: member.clone(),
                        spec: spec_rewritten,
                        spec_members,
                    };
                    rewritten.push_str(&placeholder.format_string());
                    placeholders.push(placeholder);
                    args.push(Arg {
                        member,
                        trait_name: Some(trait_of(spec.unwrap_or(""))),
                    });
                    pieces.push(String::new());
                }
                c => {
                    rewritten.push(c);
                    push_piece(&mut pieces, c);
                }
            }
        }
        let literal = if args.is_empty() {
            Some(pieces.concat())
        } else {
            None
        };
        Ok(Fmt {
            lit: lit.clone(),
            args,
            literal,
            pieces,
            placeholders,
            rewritten,
        })
    }

    pub fn span(&self) -> Span {
        self.lit.span()
    }
}

fn push_piece(pieces: &mut [String], c: char) {
    if let Some(last) = pieces.last_mut() {
        last.push(c);
    }
}

pub fn quoted(lit: &LitStr) -> String {
    format!("{:?}", lit.value())
}

fn parse_member(name: &str) -> Option<Member> {
    if name.is_empty() {
        return None;
    }
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return name.parse().ok().map(Member::Index);
    }
    let mut chars = name.chars();
    let first = chars.next()?;
    let ident =
        (first == '_' || first.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric());
    ident.then(|| Member::Named(name.to_owned()))
}

/// Rewrites the `name$` / `0$` width and precision arguments of a spec,
/// recording them as arguments.
fn rewrite_spec(spec: &str, args: &mut Vec<Arg>, lit: &LitStr) -> Result<String> {
    if !spec.contains('$') {
        return Ok(spec.to_owned());
    }
    let mut out = String::new();
    let mut word = String::new();
    for c in spec.chars() {
        if c == '_' || c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        if c == '$' {
            let member = parse_member(&word).ok_or_else(|| {
                Error::new(
                    lit.span(),
                    format!(
                        "`{word}$` in {} names no field; a width or precision argument names a `usize` field, as in `{{id:>width$}}`",
                        quoted(lit)
                    ),
                )
            })?;
            out.push_str(&member.binding());
            args.push(Arg {
                member,
                trait_name: None,
            });
        } else {
            out.push_str(&word);
        }
        word.clear();
        out.push(c);
    }
    out.push_str(&word);
    Ok(out)
}

fn trait_of(spec: &str) -> &'static str {
    let spec = spec.trim_end();
    if spec.ends_with('?') {
        return "Debug";
    }
    match spec.chars().last() {
        Some('x') => "LowerHex",
        Some('X') => "UpperHex",
        Some('o') => "Octal",
        Some('b') => "Binary",
        Some('e') => "LowerExp",
        Some('E') => "UpperExp",
        _ => "Display",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Fmt> {
        Fmt::parse(&LitStr::new(s, Span::call_site()))
    }

    #[test]
    fn shorthand() {
        let f = parse("order {id} of {0:?} ({{x}}) {1:>5}").unwrap();
        assert_eq!(
            f.rewritten,
            "order {__field_id} of {__field_0:?} ({{x}}) {__field_1:>5}"
        );
        let members: Vec<_> = f
            .args
            .iter()
            .map(|a| (a.member.clone(), a.trait_name))
            .collect();
        assert_eq!(
            members,
            [
                (Member::Named("id".into()), Some("Display")),
                (Member::Index(0), Some("Debug")),
                (Member::Index(1), Some("Display")),
            ]
        );
        assert_eq!(f.pieces, ["order ", " of ", " ({x}) ", ""]);
        assert!(f.literal.is_none());
    }

    #[test]
    fn literal() {
        let f = parse("a {{b}} c").unwrap();
        assert_eq!(f.literal.as_deref(), Some("a {b} c"));
    }

    #[test]
    fn width_argument() {
        let f = parse("{x:>w$}").unwrap();
        assert_eq!(f.rewritten, "{__field_x:>__field_w$}");
        assert_eq!(f.args.len(), 2);
    }

    #[test]
    fn malformed() {
        for bad in ["{", "}", "{}", "{:?}", "{a-b}", "x {", "{x:.*}", "{x:>$}"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
