//! Generated code written as text, with spanned tokens where it needs them.
//!
//! `quote!` builds one token at a time, and in a proc macro each token is a
//! call into the compiler; the derive is built without optimization in the
//! dev profile, so for a large enum building its output cost more than
//! checking it. Text that needs no span of the user's (match patterns,
//! literals, calls of the runtime crate) is collected in a `String` that the
//! compiler lexes in one call; code whose errors must point at a user's
//! token (a field lacking a trait, a format string) is still `quote_spanned!`
//! and goes in between. Text gets the call-site span, as `quote!` gives it.
//!
//! Nothing reaches the compiler until [`Code::finish`]: each run of text is
//! lexed in one call and every piece joined in one more, where joining
//! streams piece by piece through `proc_macro2` made several calls each.
//!
//! Measured on the 200-variant benchmark crate (`bench/scripts/compile-time.sh`,
//! callgrind), the derive's own run went from 173 M instructions (`quote!`
//! throughout) to 104 M with text, and to 93 M with the pieces joined once
//! (README, "Compile time").

use std::fmt::{self, Write as _};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// Code being generated: finished pieces, then text not yet ended by a
/// spanned piece. Nothing reaches the compiler until [`Code::finish`], which
/// lexes each run of text in one call and joins every piece in one more
/// (each call into the compiler costs thousands of instructions of this
/// crate's unoptimized build).
#[derive(Default)]
pub struct Code {
    pieces: Vec<Piece>,
    text: String,
}

enum Piece {
    Text(String),
    Tokens(TokenStream),
    Group(Delimiter, Code),
}

impl Code {
    pub fn new() -> Code {
        Code::default()
    }

    /// Appends `text`, which must leave every delimiter it opens closed
    /// before the next [`Code::tokens`] or [`Code::group`].
    pub fn text(&mut self, text: &str) -> &mut Code {
        self.text.push_str(text);
        self
    }

    /// Appends tokens that keep their spans (by value: interpolating a
    /// stream by reference, as `quote!` does, copies every token first).
    pub fn tokens(&mut self, tokens: TokenStream) -> &mut Code {
        self.end_text();
        self.pieces.push(Piece::Tokens(tokens));
        self
    }

    /// Appends `delimiter`-delimited code that `inner` writes, so that text
    /// inside it may surround spanned tokens.
    pub fn group(&mut self, delimiter: Delimiter, inner: impl FnOnce(&mut Code)) -> &mut Code {
        let mut code = Code::new();
        inner(&mut code);
        self.end_text();
        self.pieces.push(Piece::Group(delimiter, code));
        self
    }

    /// Appends `other`, whose leading text joins this one's.
    pub fn append(&mut self, other: Code) -> &mut Code {
        let Code { pieces, text } = other;
        let mut pieces = pieces.into_iter();
        match pieces.next() {
            Some(Piece::Text(first)) => self.text.push_str(&first),
            Some(piece) => {
                self.end_text();
                self.pieces.push(piece);
            }
            None => {}
        }
        if pieces.len() > 0 {
            self.end_text();
            self.pieces.extend(pieces);
        }
        self.text.push_str(&text);
        self
    }

    /// Appends `text` as a string literal.
    pub fn str(&mut self, text: &str) -> &mut Code {
        str_literal(&mut self.text, text);
        self
    }

    pub fn finish(self) -> TokenStream {
        // Inside the compiler, straight to its own types: `proc_macro2`
        // would lex text itself first, in this crate's unoptimized build,
        // and join streams one call at a time.
        if proc_macro::is_available() {
            TokenStream::from(self.finish_compiler())
        } else {
            self.finish_fallback()
        }
    }

    fn end_text(&mut self) {
        if !self.text.is_empty() {
            self.pieces
                .push(Piece::Text(std::mem::take(&mut self.text)));
        }
    }

    fn finish_compiler(mut self) -> proc_macro::TokenStream {
        self.end_text();
        let mut streams = Vec::with_capacity(self.pieces.len());
        for piece in self.pieces {
            streams.push(match piece {
                Piece::Text(text) => match text.parse::<proc_macro::TokenStream>() {
                    Ok(tokens) => tokens,
                    Err(error) => lex_error(&error.to_string()).into(),
                },
                Piece::Tokens(tokens) => tokens.into(),
                Piece::Group(delimiter, code) => {
                    let delimiter = match delimiter {
                        Delimiter::Parenthesis => proc_macro::Delimiter::Parenthesis,
                        Delimiter::Brace => proc_macro::Delimiter::Brace,
                        Delimiter::Bracket => proc_macro::Delimiter::Bracket,
                        Delimiter::None => proc_macro::Delimiter::None,
                    };
                    let group = proc_macro::Group::new(delimiter, code.finish_compiler());
                    proc_macro::TokenTree::Group(group).into()
                }
            });
        }
        streams.into_iter().collect()
    }

    fn finish_fallback(mut self) -> TokenStream {
        self.end_text();
        let mut out = TokenStream::new();
        for piece in self.pieces {
            match piece {
                Piece::Text(text) => match text.parse::<TokenStream>() {
                    Ok(tokens) => out.extend(tokens),
                    Err(error) => out.extend(lex_error(&error.to_string())),
                },
                Piece::Tokens(tokens) => out.extend(tokens),
                Piece::Group(delimiter, code) => out.extend(std::iter::once(TokenTree::Group(
                    Group::new(delimiter, code.finish_fallback()),
                ))),
            }
        }
        out
    }
}

/// The derive writes the text itself, so it always lexes; were it ever not
/// to, the user gets an error rather than a panic.
fn lex_error(error: &str) -> TokenStream {
    syn::Error::new(
        proc_macro2::Span::call_site(),
        format!("apierror: generated code did not lex ({error}); please report this"),
    )
    .into_compile_error()
}

impl fmt::Write for Code {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.text.push_str(text);
        Ok(())
    }
}

/// `text` as a Rust string literal: `Debug` escapes exactly what a literal
/// needs (quotes, backslashes, control characters), in the standard
/// library's optimized code (a loop here would run unoptimized, and was
/// measured slower).
pub fn str_literal(out: &mut String, text: &str) {
    let _ = write!(out, "{text:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_lex_back_to_their_value() {
        for text in ["", "plain", "\"q\" \\ \n\r\t\0 \u{7f} é ✓ \u{2028} {x}"] {
            let mut out = String::new();
            str_literal(&mut out, text);
            let lit: syn::LitStr = syn::parse_str(&out).unwrap();
            assert_eq!(lit.value(), text);
        }
        let all: String = (0..=0x10ffff).filter_map(char::from_u32).collect();
        let mut out = String::new();
        str_literal(&mut out, &all);
        let lit: syn::LitStr = syn::parse_str(&out).unwrap();
        assert_eq!(lit.value(), all);
    }

    #[test]
    fn text_and_tokens_keep_their_order() {
        let mut code = Code::new();
        code.text("a(1) ")
            .tokens(quote::quote!(b))
            .group(Delimiter::Brace, |inner| {
                inner.text("c ").tokens(quote::quote!(d)).text(" e");
            })
            .str("f");
        assert_eq!(code.finish().to_string(), "a (1) b { c d e } \"f\"");
    }

    #[test]
    fn appended_code_keeps_its_order_and_its_leading_text_joins() {
        let mut inner = Code::new();
        inner
            .text("(2)")
            .tokens(quote::quote!(x))
            .group(Delimiter::Bracket, |code| {
                code.text("y");
            })
            .text(" z");
        let mut code = Code::new();
        code.text("f").append(inner).text("(3)").append(Code::new());
        assert_eq!(code.finish().to_string(), "f (2) x [y] z (3)");
    }
}
