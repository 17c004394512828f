//! Valid inputs. Every choice that depends on another one (a placeholder
//! naming a field, the header a status requires) is resolved when the model
//! is built, so whatever proptest shrinks, the input stays valid.

use proptest::bool::weighted;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};

use super::model::{Field, Model, Style, Variant, lit};

const TYPES: &[&str] = &[
    "u64",
    "u8",
    "String",
    "std::io::Error",
    "Box<dyn std::error::Error + Send + Sync>",
    "Option<&'static str>",
    "[u8; 4]",
    "(u8, u16)",
    "Vec<Option<u32>>",
    "::core::num::NonZeroU16",
];

const FIELD_NAMES: &[&str] = &[
    "id", "secs", "order_id", "name", "r#match", "r#fn", "naïve", "_private", "x", "value2",
    "Upper",
];

const URIS: &[&str] = &[
    "https://example.com/problems/out-of-stock",
    "urn:example:x",
    "tag:example.com,2026:x",
    "/problems/x",
    "about:blank",
    "http://[::1]:8080/p?q=1#f",
    "x",
    "https://e.com/a%20b",
];

const HEADER_NAMES: &[&str] = &[
    "retry_after",
    "cache_control",
    "x_request_id",
    "link",
    "X_Custom_2",
    "vary",
    "r#type",
    "content_language",
];

/// Every 4xx/5xx name, with the four that need a header.
const ERROR_NAMES: &[(&str, u16)] = &[
    ("BAD_REQUEST", 400),
    ("UNAUTHORIZED", 401),
    ("PAYMENT_REQUIRED", 402),
    ("FORBIDDEN", 403),
    ("NOT_FOUND", 404),
    ("METHOD_NOT_ALLOWED", 405),
    ("PROXY_AUTHENTICATION_REQUIRED", 407),
    ("CONFLICT", 409),
    ("IM_A_TEAPOT", 418),
    ("UPGRADE_REQUIRED", 426),
    ("TOO_MANY_REQUESTS", 429),
    ("INTERNAL_SERVER_ERROR", 500),
    ("SERVICE_UNAVAILABLE", 503),
    ("NETWORK_AUTHENTICATION_REQUIRED", 511),
];

/// Generic parameters, their where clause and field types that use them;
/// the plain case twice, as often as the old generator drew it.
const GENERICS: &[(&str, &str, &[&str])] = &[
    ("", "", &[]),
    ("", "", &[]),
    ("<T>", "", &["T", "Vec<T>"]),
    (
        "<'a, T: Clone>",
        "where T: std::fmt::Debug",
        &["&'a str", "T", "Option<T>"],
    ),
    ("<T, const N: usize>", "", &["[T; N]"]),
];

fn required_header(code: u16) -> Option<&'static str> {
    match code {
        401 => Some("www_authenticate"),
        405 => Some("allow"),
        407 => Some("proxy_authenticate"),
        426 => Some("upgrade"),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    Detail,
    Uri,
    Header,
}

/// Text a format string may hold besides placeholders: anything printable
/// with braces escaped for a detail, URI characters for an instance, visible
/// ASCII for a header value.
fn text(kind: Text) -> impl Strategy<Value = String> {
    const DETAIL: &[&str] = &[
        "order ",
        "not found",
        " ",
        "{{",
        "}}",
        "é",
        "✓",
        "\"q\"",
        "\\",
        "\n",
        "\t",
        "%",
        "a",
        "1",
        "$",
        "::",
        ":?",
    ];
    const URI: &[&str] = &["/", "orders", "/x", "%20", "?q=", "a", "-", "~", "1", "@"];
    const HEADER: &[&str] = &[
        "Bearer", "a", "=", ";", "\"x\"", "{{", "}}", "0", "max-age", "/",
    ];
    let (pieces, len) = match kind {
        Text::Detail => (DETAIL, 0..=4),
        Text::Uri => (URI, 0..=4),
        Text::Header => (HEADER, 1..=4),
    };
    vec(select(pieces), len).prop_map(|pieces| pieces.concat())
}

/// A format string: text, then up to three placeholders each followed by
/// text. A placeholder is an index, resolved against the variant's fields.
#[derive(Clone, Debug)]
struct Format {
    head: String,
    tail: Vec<(Index, &'static str, String)>,
}

fn format(kind: Text) -> impl Strategy<Value = Format> {
    // Escaped braces are text, and a URI may not hold them.
    let specs: &'static [&'static str] = if kind == Text::Uri {
        &["", "", ":?", ":>8", ":#x", ":<3.2"]
    } else {
        &["", "", ":?", ":>8", ":#x", ":<3.2", ":?}}{{"]
    };
    (
        text(kind),
        vec((any::<Index>(), select(specs), text(kind)), 0..=3),
    )
        .prop_map(|(head, tail)| Format { head, tail })
}

impl Format {
    fn render(&self, fields: &[Field]) -> String {
        let names: Vec<String> = fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.placeholder(i))
            .collect();
        let mut out = self.head.clone();
        if names.is_empty() {
            return out;
        }
        for (index, spec, text) in &self.tail {
            let name = index.get(&names);
            if *spec == ":?}}{{" {
                out.push_str(&format!("{{{name}:?}}}}}}{{{{"));
            } else {
                out.push_str(&format!("{{{name}{spec}}}"));
            }
            out.push_str(text);
        }
        out
    }
}

/// A status that needs no header, sometimes with the suffix `u16`.
fn safe_code() -> impl Strategy<Value = String> {
    (400u16..600, weighted(0.2)).prop_map(|(code, suffix)| {
        let code = if required_header(code).is_some() {
            code + 1
        } else {
            code
        };
        if suffix {
            format!("{code}u16")
        } else {
            code.to_string()
        }
    })
}

/// A variant's status as written, and its code.
fn status() -> impl Strategy<Value = (String, u16)> {
    prop_oneof![
        2 => (400u16..600).prop_map(|code| (code.to_string(), code)),
        1 => (select(ERROR_NAMES), 0..3usize).prop_map(|((name, code), path)| {
            let written = match path {
                0 => format!("StatusCode::{name}"),
                1 => format!("http::StatusCode::{name}"),
                _ => name.to_owned(),
            };
            (written, code)
        }),
    ]
}

/// Spreads `key = value` entries over one to three `#[problem(..)]`: entry
/// `i` goes to attribute `buckets[i] % parts`.
#[derive(Clone, Debug)]
struct Split {
    parts: usize,
    buckets: Vec<usize>,
    trailing_comma: Vec<bool>,
    empty_attr: bool,
    /// The keys' order, as for [`reorder`].
    order: Vec<u8>,
}

fn split() -> impl Strategy<Value = Split> {
    (
        1..=3usize,
        vec(0..3usize, 8),
        vec(weighted(0.2), 3),
        weighted(0.1),
        vec(any::<u8>(), 8),
    )
        .prop_map(
            |(parts, buckets, trailing_comma, empty_attr, order)| Split {
                parts,
                buckets,
                trailing_comma,
                empty_attr,
                order,
            },
        )
}

impl Split {
    fn attrs(&self, keys: Vec<String>) -> Vec<String> {
        if keys.is_empty() {
            return if self.empty_attr {
                vec!["#[problem()]".to_owned()]
            } else {
                Vec::new()
            };
        }
        let keys = reorder(keys, &self.order);
        let parts = self.parts.min(keys.len());
        let mut groups: Vec<Vec<String>> = vec![Vec::new(); parts];
        for (i, key) in keys.into_iter().enumerate() {
            let at = if i < parts {
                i
            } else {
                self.buckets.get(i).copied().unwrap_or(0) % parts
            };
            groups[at].push(key);
        }
        groups
            .into_iter()
            .enumerate()
            .map(|(i, keys)| {
                let comma = if self.trailing_comma[i] { "," } else { "" };
                format!("#[problem({}{comma})]", keys.join(", "))
            })
            .collect()
    }
}

/// Puts `items` in the order of `keys` (stable, so all-zero keys, where
/// shrinking goes, keep the order they were built in).
fn reorder<T>(items: Vec<T>, keys: &[u8]) -> Vec<T> {
    let mut keyed: Vec<(u8, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (keys.get(i).copied().unwrap_or(0), item))
        .collect();
    keyed.sort_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, item)| item).collect()
}

fn field_type(generic_types: &'static [&'static str]) -> BoxedStrategy<&'static str> {
    if generic_types.is_empty() {
        select(TYPES).boxed()
    } else {
        prop_oneof![3 => select(TYPES), 2 => select(generic_types)].boxed()
    }
}

fn fields(generic_types: &'static [&'static str]) -> impl Strategy<Value = (Style, Vec<Field>)> {
    (
        select(&[Style::Unit, Style::Named, Style::Tuple][..]),
        vec(field_type(generic_types), 0..=4),
        Just(FIELD_NAMES.to_vec()).prop_shuffle(),
    )
        .prop_map(|(style, types, names)| {
            if style == Style::Unit {
                return (style, Vec::new());
            }
            let fields = types
                .into_iter()
                .zip(names)
                .map(|(ty, name)| Field {
                    name: (style == Style::Named).then_some(name),
                    ty,
                    attrs: Vec::new(),
                })
                .collect();
            (style, fields)
        })
}

fn transparent_variant(generic_types: &'static [&'static str]) -> impl Strategy<Value = Variant> {
    (
        select(&[Style::Named, Style::Tuple][..]),
        field_type(generic_types),
        select(FIELD_NAMES),
        select(&["#[status(transparent)]", "#[status( transparent )]"][..]),
        any::<bool>(),
        weighted(0.2),
        vec(any::<u8>(), 3),
    )
        .prop_map(|(style, ty, name, status, from, allow, order)| {
            let attrs = if from {
                vec!["#[from]".to_owned()]
            } else {
                Vec::new()
            };
            let field = Field {
                name: (style == Style::Named).then_some(name),
                ty,
                attrs,
            };
            let mut attrs = vec!["#[error(transparent)]".to_owned(), status.to_owned()];
            if allow {
                attrs.push("#[allow(clippy::all)]".to_owned());
            }
            Variant {
                name: String::new(),
                attrs: reorder(attrs, &order),
                style,
                fields: vec![field],
                transparent: true,
            }
        })
}

/// Per-field choices: an extension (`extension` or `extension = "ext_i"`)
/// and `#[source]`.
#[derive(Clone, Debug)]
struct FieldChoice {
    extension: bool,
    explicit_name: bool,
    source: bool,
}

fn field_choice() -> impl Strategy<Value = FieldChoice> {
    (weighted(0.4), weighted(0.4), weighted(0.15)).prop_map(|(extension, explicit_name, source)| {
        FieldChoice {
            extension,
            explicit_name,
            source,
        }
    })
}

fn plain_variant(
    needs_status: bool,
    generic_types: &'static [&'static str],
) -> impl Strategy<Value = Variant> {
    let status = if needs_status {
        status().prop_map(Some).boxed()
    } else {
        proptest::option::weighted(0.6, status()).boxed()
    };
    let error = prop_oneof![
        text(Text::Detail).prop_map(|text| format!("#[error({})]", lit(&text))),
        Just("#[error(\"{0:?} and more\", 1)]".to_owned()),
        Just("#[doc = \" a variant\"]".to_owned()),
    ];
    let keys = (
        proptest::option::weighted(0.3, select(URIS)),
        weighted(0.3),
        proptest::option::weighted(0.4, format(Text::Detail)),
        proptest::option::weighted(0.3, format(Text::Uri)),
        vec((select(HEADER_NAMES), format(Text::Header)), 0..=3),
        text(Text::Header),
    );
    (
        fields(generic_types),
        (weighted(0.2), status, error),
        keys,
        split(),
        vec(field_choice(), 5),
        vec(any::<u8>(), 12),
    )
        .prop_map(
            |(
                (style, mut fields),
                (allow, status, error),
                (problem_type, title, detail, instance, headers, required_value),
                split,
                choices,
                order,
            )| {
                let mut attrs = Vec::new();
                let mut keys = Vec::new();
                if allow {
                    attrs.push("#[allow(clippy::all)]".to_owned());
                }
                if let Some((status, code)) = status {
                    attrs.push(format!("#[status({status})]"));
                    if let Some(header) = required_header(code) {
                        keys.push(format!("header({header} = {})", lit(&required_value)));
                    }
                }
                attrs.push(error);
                if let Some(uri) = problem_type {
                    keys.push(format!("type = {}", lit(uri)));
                }
                if title {
                    keys.push(format!("title = {}", lit("A {{title}} — ✓")));
                }
                if let Some(detail) = detail {
                    keys.push(format!("detail = {}", lit(&detail.render(&fields))));
                }
                if let Some(instance) = instance {
                    let mut instance = instance.render(&fields);
                    if instance.is_empty() {
                        instance.push('/');
                    }
                    keys.push(format!("instance = {}", lit(&instance)));
                }
                for (name, value) in headers {
                    let mut value = value.render(&fields);
                    if value.starts_with('{') && !value.starts_with("{{") {
                        value.insert(0, 'v');
                    }
                    keys.push(format!("header({name} = {})", lit(&value)));
                }
                attrs.extend(split.attrs(keys));
                for (i, (field, choice)) in fields.iter_mut().zip(&choices).enumerate() {
                    if choice.extension {
                        // A field's own name serves only when it is a valid
                        // member name.
                        let named = field.name.is_some_and(|name| {
                            let name = name.trim_start_matches("r#");
                            name.starts_with(|c: char| c.is_ascii_alphabetic())
                                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        });
                        field.attrs.push(if !named || choice.explicit_name {
                            format!("#[problem(extension = \"ext_{i}\")]")
                        } else {
                            "#[problem(extension)]".to_owned()
                        });
                    }
                    if choice.source {
                        field.attrs.push("#[source]".to_owned());
                    }
                }
                Variant {
                    name: String::new(),
                    attrs: reorder(attrs, &order),
                    style,
                    fields,
                    transparent: false,
                }
            },
        )
}

/// A variant; its name is given by the model.
fn variant(
    needs_status: bool,
    generic_types: &'static [&'static str],
) -> impl Strategy<Value = Variant> {
    prop_oneof![
        4 => plain_variant(needs_status, generic_types),
        1 => transparent_variant(generic_types),
    ]
}

/// The enum's own attributes: a default status, `type`, `title`, headers
/// every variant inherits, a doc comment.
fn enum_attrs(default_status: bool) -> impl Strategy<Value = Vec<String>> {
    (
        safe_code(),
        proptest::option::weighted(0.3, select(URIS)),
        weighted(0.3),
        vec((select(HEADER_NAMES), text(Text::Header)), 0..=2),
        split(),
        weighted(0.3),
    )
        .prop_map(move |(code, problem_type, title, headers, split, doc)| {
            let mut attrs = Vec::new();
            if default_status {
                attrs.push(format!("#[status({code})]"));
            }
            let mut keys = Vec::new();
            if let Some(uri) = problem_type {
                keys.push(format!("type = {}", lit(uri)));
            }
            if title {
                keys.push(format!("title = {}", lit("Shared {{title}} ✓")));
            }
            for (name, value) in headers {
                keys.push(format!("header({name} = {})", lit(&value)));
            }
            attrs.extend(split.attrs(keys));
            if doc {
                attrs.push("#[doc = \"docs\"]".to_owned());
            }
            attrs
        })
}

pub fn model() -> impl Strategy<Value = Model> {
    (weighted(0.7), select(GENERICS), weighted(0.4)).prop_flat_map(
        |(is_enum, (generics, where_clause, generic_types), default_status)| {
            let default_status = is_enum && default_status;
            let count = if is_enum { 0..=6 } else { 1..=1 };
            let variants = vec(variant(!default_status, generic_types), count);
            let attrs = if is_enum {
                enum_attrs(default_status).boxed()
            } else {
                Just(Vec::new()).boxed()
            };
            (attrs, variants).prop_map(move |(attrs, mut variants)| {
                for (i, variant) in variants.iter_mut().enumerate() {
                    variant.name = if is_enum {
                        format!("V{i}")
                    } else {
                        "S".to_owned()
                    };
                }
                Model {
                    is_enum,
                    generics,
                    where_clause,
                    attrs,
                    variants,
                }
            })
        },
    )
}
