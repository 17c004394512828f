//! Soups: `#[problem(..)]` and `#[status(..)]` contents made of the keys' own
//! words in any order, and random token trees. Nothing is expected of the
//! derive's answer but that it comes, as tokens that lex.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use proptest::bool::weighted;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::model::lit;

/// Words of the attributes, punctuation and literals of every kind.
const WORDS: &[&str] = &[
    "type",
    "title",
    "detail",
    "instance",
    "header",
    "extension",
    "transparent",
    "status",
    "retry_after",
    "content_type",
    "_",
    "r#type",
    "naïve",
    "NOT_FOUND",
    "OK",
    "self",
    "=",
    "==",
    ",",
    ",",
    "::",
    "-",
    "#",
    "404",
    "-1",
    "0",
    "65536",
    "18446744073709551616",
    "404u8",
    "404u16",
    "404i128",
    "4.04e2",
    "'x'",
    "b\"x\"",
    "r#\"raw {\"#",
    "true",
    // Keys of other releases: `crate`, `framework_impls`, `rename_all`,
    // `flatten`, `openapi`, `client`.
    "crate",
    "framework_impls",
    "false",
    "rename_all",
    "camelCase",
    "flatten",
    "openapi",
    "client",
];

/// Text for string literals: format syntax, URI bits, control and unicode
/// characters.
const SOUP_TEXT: &[&str] = &[
    "{",
    "}",
    "{{",
    "}}",
    "{id}",
    "{0}",
    "{}",
    "{:?}",
    "{id:?}",
    "{x:>w$}",
    "{1$}",
    "{r#type}",
    "{é}",
    "{_}",
    "{0x}",
    "{99999999999999999999}",
    "{id:",
    "/",
    " ",
    "\t",
    "\r\n",
    "\0",
    "\u{7f}",
    "\u{200b}",
    "é",
    "🦀",
    "%",
    "%2",
    "%zz",
    "#",
    "[",
    "]",
    ":",
    "https://",
    "a",
    "1",
    "\"",
    "\\",
];

const IDENTS: &[&str] = &[
    "status",
    "problem",
    "header",
    "extension",
    "transparent",
    "enum",
    "struct",
    "union",
    "pub",
    "where",
    "type",
    "title",
    "detail",
    "instance",
    "error",
    "E",
    "A",
    "T",
    "u8",
    "_",
    "self",
    "Self",
    "crate",
    "naïve",
    "ß",
    "NOT_FOUND",
];
const PUNCTS: &[char] = &[
    '#', '=', ',', ':', ';', '<', '>', '!', '-', '&', '\'', '?', '+', '*', '/', '.', '$', '@', '|',
    '~', '^', '%',
];

fn soup_text() -> impl Strategy<Value = String> {
    vec(select(SOUP_TEXT), 0..=6).prop_map(|pieces| pieces.concat())
}

fn key_soup(depth: usize) -> BoxedStrategy<String> {
    let nested = if depth < 3 {
        key_soup(depth + 1)
            .prop_map(|soup| format!("({soup})"))
            .boxed()
    } else {
        Just("()".to_owned()).boxed()
    };
    let item = prop_oneof![
        5 => select(WORDS).prop_map(str::to_owned),
        3 => soup_text().prop_map(|text| lit(&text)),
        2 => nested,
    ];
    vec(item, 0..=8)
        .prop_map(|items| items.iter().map(|item| format!("{item} ")).collect())
        .boxed()
}

/// A derive input with key soups in its attributes.
pub fn key_soup_input() -> impl Strategy<Value = String> {
    (0..6usize, key_soup(0), key_soup(0)).prop_map(|(template, soup, other)| match template {
        0 => format!("#[status({soup})] pub enum E {{ #[status(404)] A, B(u8) }}"),
        1 => format!("#[status(404)] #[problem({soup})] pub struct S {{ id: u64 }}"),
        2 => format!(
            "pub enum E {{ #[status(404)] #[problem({soup})] #[problem({other})] A {{ id: u64 }}, #[status({other})] B(u8) }}"
        ),
        3 => {
            format!("#[status(404)] pub struct S(#[problem({soup})] u8, #[problem({other})] u16);")
        }
        4 => format!(
            "#[problem(header({soup}))] pub enum E {{ #[status(400)] #[problem(header({other}))] A {{ id: u8 }} }}"
        ),
        _ => format!(
            "#[status(500)] #[problem({soup})] pub enum E<T> {{ #[problem({other})] A(T), #[status(transparent)] B(T) }}"
        ),
    })
}

fn ident() -> impl Strategy<Value = TokenTree> {
    (select(IDENTS), weighted(0.1)).prop_map(|(name, raw)| {
        let raw = raw && !matches!(name, "_" | "self" | "Self" | "crate");
        if raw {
            Ident::new_raw(name, Span::call_site()).into()
        } else {
            Ident::new(name, Span::call_site()).into()
        }
    })
}

fn punct() -> impl Strategy<Value = TokenTree> {
    (select(PUNCTS), any::<bool>()).prop_map(|(c, joint)| {
        let spacing = if joint {
            Spacing::Joint
        } else {
            Spacing::Alone
        };
        Punct::new(c, spacing).into()
    })
}

fn literal() -> impl Strategy<Value = TokenTree> {
    let literal = prop_oneof![
        1 => any::<u16>().prop_map(Literal::u16_unsuffixed),
        1 => (0..1000i64).prop_map(|n| Literal::i64_unsuffixed(-n)),
        1 => any::<u64>().prop_map(|n| Literal::u128_unsuffixed(u128::from(n) << 64)),
        1 => (0..100_000u32).prop_map(|n| Literal::f64_unsuffixed(f64::from(n) / 100.0)),
        1 => select(&['x', '{', '\0', 'é', '🦀'][..]).prop_map(Literal::character),
        1 => Just(()).prop_map(|()| Literal::byte_string(b"\xff{}")),
        1 => select(&["404u8", "404u16", "404i128", "0x194", "0b1", "1e3", "404_u16"][..])
            .prop_map(|text| text.parse().unwrap_or_else(|_| Literal::u8_suffixed(4))),
        3 => soup_text().prop_map(|text| Literal::string(&text)),
    ];
    literal.prop_map(TokenTree::from)
}

fn token_soup(depth: usize) -> BoxedStrategy<TokenStream> {
    let group = if depth < 4 {
        (
            select(
                &[
                    Delimiter::Parenthesis,
                    Delimiter::Bracket,
                    Delimiter::Brace,
                    Delimiter::None,
                ][..],
            ),
            token_soup(depth + 1),
        )
            .prop_map(|(delimiter, soup)| TokenTree::from(Group::new(delimiter, soup)))
            .boxed()
    } else {
        Just(())
            .prop_map(|()| Group::new(Delimiter::Parenthesis, TokenStream::new()).into())
            .boxed()
    };
    let tree = prop_oneof![4 => ident(), 3 => punct(), 3 => literal(), 2 => group];
    vec(tree, 0..=10)
        .prop_map(|trees| trees.into_iter().collect())
        .boxed()
}

/// A token soup alone, or in a place of a derive input.
pub fn token_soup_input() -> impl Strategy<Value = TokenStream> {
    (0..8usize, token_soup(0)).prop_map(|(template, soup)| {
        let text = match template {
            0 => return soup,
            1 => format!("#[status({soup})] pub enum E {{ A }}"),
            2 => format!("#[status(404)] #[problem({soup})] pub struct S;"),
            3 => {
                format!("pub enum E {{ #[status(404)] #[problem(header({soup}))] A {{ x: u8 }} }}")
            }
            4 => format!("#[status(404)] pub struct S {{ #[problem({soup})] x: u8 }}"),
            5 => format!("pub enum E {{ {soup} }}"),
            6 => format!("#[{soup}] pub struct S;"),
            _ => format!("#[status(404)] pub struct S<{soup}>;"),
        };
        // A soup prints back to text that lexes; if one does not, the soup
        // itself is the case.
        text.parse().unwrap_or(soup)
    })
}
