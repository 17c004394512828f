//! Feeds the derive generated inputs: valid ones, valid ones with one known
//! mistake, soups of attribute keys and soups of random tokens. Whatever it is
//! given, the derive must return tokens, never panic; a valid input must yield
//! no `compile_error!`, a mistaken one at least one.
//!
//! `APIERROR_FUZZ_CASES` sets the number of cases (default 10,000),
//! `APIERROR_FUZZ_SEED` the seed.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::time::Instant;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

const DEFAULT_CASES: u64 = 10_000;

/// splitmix64: small, fast and good enough to cover the input space.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `n` must not be 0.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// A Rust string literal holding `text`, escaped as the compiler would read it.
fn lit(text: &str) -> String {
    format!("{text:?}")
}

// ---------------------------------------------------------------------------
// A model of a valid input, rendered to source text.

#[derive(Clone)]
struct Model {
    is_enum: bool,
    name: String,
    generics: String,
    where_clause: String,
    /// The enum's attributes; for a struct they stay empty.
    attrs: Vec<String>,
    /// The enum has a `#[status]` default.
    default_status: bool,
    variants: Vec<VariantModel>,
}

#[derive(Clone)]
struct VariantModel {
    name: String,
    attrs: Vec<String>,
    style: Style,
    fields: Vec<FieldModel>,
    transparent: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Unit,
    Named,
    Tuple,
}

#[derive(Clone)]
struct FieldModel {
    /// `None` for a tuple field.
    name: Option<String>,
    ty: String,
    attrs: Vec<String>,
}

impl FieldModel {
    /// How a format string names it, if it can.
    fn placeholder(&self, index: usize) -> Option<String> {
        match &self.name {
            Some(name) if name.starts_with("r#") => None,
            Some(name) => Some(name.clone()),
            None => Some(index.to_string()),
        }
    }
}

impl Model {
    fn render(&self) -> String {
        let mut out = String::new();
        for attr in &self.attrs {
            out.push_str(attr);
            out.push('\n');
        }
        if self.is_enum {
            let _ = writeln!(
                out,
                "pub enum {}{} {} {{",
                self.name, self.generics, self.where_clause
            );
            for variant in &self.variants {
                for attr in &variant.attrs {
                    out.push_str(attr);
                    out.push('\n');
                }
                out.push_str(&variant.name);
                out.push_str(&render_fields(variant));
                out.push_str(",\n");
            }
            out.push('}');
        } else {
            let variant = &self.variants[0];
            for attr in &variant.attrs {
                out.push_str(attr);
                out.push('\n');
            }
            let _ = write!(out, "pub(crate) struct {}{}", self.name, self.generics);
            match variant.style {
                Style::Named => {
                    let _ = write!(out, " {} {}", self.where_clause, render_fields(variant));
                }
                Style::Tuple => {
                    let _ = write!(out, "{} {};", render_fields(variant), self.where_clause);
                }
                Style::Unit => {
                    let _ = write!(out, " {};", self.where_clause);
                }
            }
        }
        out
    }
}

fn render_fields(variant: &VariantModel) -> String {
    let fields = variant.fields.iter().map(|field| {
        let attrs = field.attrs.join(" ");
        match &field.name {
            Some(name) => format!("{attrs} {name}: {}", field.ty),
            None => format!("{attrs} {}", field.ty),
        }
    });
    let fields: Vec<String> = fields.collect();
    match variant.style {
        Style::Unit => String::new(),
        Style::Named => format!(" {{ {} }}", fields.join(", ")),
        Style::Tuple => format!("({})", fields.join(", ")),
    }
}

// ---------------------------------------------------------------------------
// Valid inputs.

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
const ERROR_NAMES: &[&str] = &[
    "BAD_REQUEST",
    "UNAUTHORIZED",
    "PAYMENT_REQUIRED",
    "FORBIDDEN",
    "NOT_FOUND",
    "METHOD_NOT_ALLOWED",
    "PROXY_AUTHENTICATION_REQUIRED",
    "CONFLICT",
    "IM_A_TEAPOT",
    "UPGRADE_REQUIRED",
    "TOO_MANY_REQUESTS",
    "INTERNAL_SERVER_ERROR",
    "SERVICE_UNAVAILABLE",
    "NETWORK_AUTHENTICATION_REQUIRED",
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

fn code_of_name(name: &str) -> u16 {
    match name {
        "BAD_REQUEST" => 400,
        "UNAUTHORIZED" => 401,
        "METHOD_NOT_ALLOWED" => 405,
        "PROXY_AUTHENTICATION_REQUIRED" => 407,
        "UPGRADE_REQUIRED" => 426,
        _ => 0,
    }
}

/// Text a detail may hold: anything printable, braces escaped.
fn detail_text(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
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
    (0..rng.range(0, 4)).map(|_| *rng.pick(PIECES)).collect()
}

/// Text an instance may hold: URI characters only.
fn uri_text(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &["/", "orders", "/x", "%20", "?q=", "a", "-", "~", "1", "@"];
    (0..rng.range(0, 4)).map(|_| *rng.pick(PIECES)).collect()
}

/// Visible ASCII, no spaces, for header values.
fn header_text(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "Bearer", "a", "=", ";", "\"x\"", "{{", "}}", "0", "max-age", "/",
    ];
    (0..rng.range(1, 4)).map(|_| *rng.pick(PIECES)).collect()
}

/// A format string over `fields`, each placeholder naming one of them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    Detail,
    Uri,
    Header,
}

fn text(rng: &mut Rng, kind: Text) -> String {
    match kind {
        Text::Detail => detail_text(rng),
        Text::Uri => uri_text(rng),
        Text::Header => header_text(rng),
    }
}

fn format_string(rng: &mut Rng, fields: &[FieldModel], kind: Text) -> String {
    let names: Vec<String> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.placeholder(i))
        .collect();
    let mut out = text(rng, kind);
    for _ in 0..rng.range(0, 3) {
        let Some(name) = (!names.is_empty()).then(|| rng.pick(&names).clone()) else {
            break;
        };
        // Escaped braces are text, and a URI may not hold them.
        let specs: &[&str] = if kind == Text::Uri {
            &["", "", ":?", ":>8", ":#x", ":<3.2"]
        } else {
            &["", "", ":?", ":>8", ":#x", ":<3.2", ":?}}{{"]
        };
        let spec = *rng.pick(specs);
        if spec == ":?}}{{" {
            let _ = write!(out, "{{{name}:?}}}}}}{{{{");
        } else {
            let _ = write!(out, "{{{name}{spec}}}");
        }
        out.push_str(&text(rng, kind));
    }
    out
}

fn valid_model(rng: &mut Rng) -> Model {
    let is_enum = rng.chance(70);
    let (generics, where_clause, generic_types): (&str, &str, &[&str]) = match rng.below(5) {
        0 => ("<T>", "", &["T", "Vec<T>"]),
        1 => (
            "<'a, T: Clone>",
            "where T: std::fmt::Debug",
            &["&'a str", "T", "Option<T>"],
        ),
        2 => ("<T, const N: usize>", "", &["[T; N]"]),
        _ => ("", "", &[]),
    };
    let default_status = is_enum && rng.chance(40);
    let mut attrs = Vec::new();
    let mut enum_keys = Vec::new();
    if default_status {
        attrs.push(format!("#[status({})]", safe_code(rng)));
    }
    if is_enum {
        if rng.chance(30) {
            enum_keys.push(format!("type = {}", lit(rng.word(URIS))));
        }
        if rng.chance(30) {
            enum_keys.push(format!("title = {}", lit("Shared {{title}} ✓")));
        }
        if rng.chance(30) {
            enum_keys.push("client".to_owned());
        }
        for _ in 0..rng.range(0, 2) {
            let name = rng.pick(HEADER_NAMES);
            enum_keys.push(format!("header({name} = {})", lit(&header_text(rng))));
        }
        attrs.extend(split_into_attrs(rng, enum_keys));
        if rng.chance(30) {
            attrs.push("#[doc = \"docs\"]".to_owned());
        }
    }
    let count = if is_enum { rng.range(0, 6) } else { 1 };
    let variants = (0..count)
        .map(|i| {
            let name = if is_enum {
                format!("V{i}")
            } else {
                "S".to_owned()
            };
            valid_variant(rng, name, !default_status, generic_types)
        })
        .collect();
    Model {
        is_enum,
        name: if is_enum { "E" } else { "S" }.to_owned(),
        generics: generics.to_owned(),
        where_clause: where_clause.to_owned(),
        attrs,
        default_status,
        variants,
    }
}

/// A status that needs no header.
fn safe_code(rng: &mut Rng) -> String {
    loop {
        let code = rng.range(400, 599) as u16;
        if required_header(code).is_none() {
            return if rng.chance(20) {
                format!("{code}u16")
            } else {
                code.to_string()
            };
        }
    }
}

/// Spreads `key = value` entries over one to three `#[problem(..)]`.
fn split_into_attrs(rng: &mut Rng, mut keys: Vec<String>) -> Vec<String> {
    if keys.is_empty() {
        return if rng.chance(10) {
            vec!["#[problem()]".to_owned()]
        } else {
            Vec::new()
        };
    }
    rng.shuffle(&mut keys);
    let parts = rng.range(1, 3.min(keys.len()));
    let mut attrs: Vec<Vec<String>> = vec![Vec::new(); parts];
    for (i, key) in keys.into_iter().enumerate() {
        let at = if i < parts { i } else { rng.below(parts) };
        attrs[at].push(key);
    }
    attrs
        .into_iter()
        .map(|keys| {
            let comma = if rng.chance(20) { "," } else { "" };
            format!("#[problem({}{comma})]", keys.join(", "))
        })
        .collect()
}

fn valid_variant(
    rng: &mut Rng,
    name: String,
    needs_status: bool,
    generic_types: &[&str],
) -> VariantModel {
    let style = *rng.pick(&[Style::Unit, Style::Named, Style::Tuple]);
    let field_count = if style == Style::Unit {
        0
    } else {
        rng.range(0, 4)
    };
    let mut names: Vec<&str> = FIELD_NAMES.to_vec();
    rng.shuffle(&mut names);
    let mut fields: Vec<FieldModel> = (0..field_count)
        .map(|i| {
            let ty = if !generic_types.is_empty() && rng.chance(40) {
                rng.pick(generic_types)
            } else {
                rng.pick(TYPES)
            };
            FieldModel {
                name: (style == Style::Named).then(|| names[i].to_owned()),
                ty: (*ty).to_owned(),
                attrs: Vec::new(),
            }
        })
        .collect();
    let mut attrs = Vec::new();
    if rng.chance(20) {
        attrs.push("#[allow(clippy::all)]".to_owned());
    }

    if fields.len() == 1 && rng.chance(20) {
        attrs.push("#[error(transparent)]".to_owned());
        attrs.push(if rng.chance(50) {
            "#[status(transparent)]".to_owned()
        } else {
            "#[status( transparent )]".to_owned()
        });
        if rng.chance(50) {
            fields[0].attrs.push("#[from]".to_owned());
        }
        rng.shuffle(&mut attrs);
        return VariantModel {
            name,
            attrs,
            style,
            fields,
            transparent: true,
        };
    }

    let mut keys = Vec::new();
    if needs_status || rng.chance(60) {
        let (status, code) = match rng.below(3) {
            0 => {
                let name = *rng.pick(ERROR_NAMES);
                let status = match rng.below(3) {
                    0 => format!("StatusCode::{name}"),
                    1 => format!("http::StatusCode::{name}"),
                    _ => name.to_owned(),
                };
                (status, code_of_name(name))
            }
            _ => {
                let code = rng.range(400, 599) as u16;
                (code.to_string(), code)
            }
        };
        attrs.push(format!("#[status({status})]"));
        if let Some(header) = required_header(code) {
            keys.push(format!("header({header} = {})", lit(&header_text(rng))));
        }
    }
    attrs.push(match rng.below(3) {
        0 => format!("#[error({})]", lit(&detail_text(rng))),
        1 => "#[error(\"{0:?} and more\", 1)]".to_owned(),
        _ => "#[doc = \" a variant\"]".to_owned(),
    });
    if rng.chance(30) {
        keys.push(format!("type = {}", lit(rng.word(URIS))));
    }
    if rng.chance(30) {
        keys.push(format!("title = {}", lit("A {{title}} — ✓")));
    }
    if rng.chance(40) {
        let detail = format_string(rng, &fields, Text::Detail);
        keys.push(format!("detail = {}", lit(&detail)));
    }
    if rng.chance(30) {
        let mut instance = format_string(rng, &fields, Text::Uri);
        if instance.is_empty() {
            instance.push('/');
        }
        keys.push(format!("instance = {}", lit(&instance)));
    }
    for _ in 0..rng.range(0, 3) {
        let name = rng.pick(HEADER_NAMES);
        let mut value = format_string(rng, &fields, Text::Header);
        if value.starts_with('{') && !value.starts_with("{{") {
            value.insert(0, 'v');
        }
        keys.push(format!("header({name} = {})", lit(&value)));
    }
    attrs.extend(split_into_attrs(rng, keys));
    for (i, field) in fields.iter_mut().enumerate() {
        if rng.chance(40) {
            // A field's own name serves only when it is a valid member name.
            let named = field.name.as_deref().is_some_and(|name| {
                let name = name.trim_start_matches("r#");
                name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            let attr = if !named || rng.chance(40) {
                format!("#[problem(extension = \"ext_{i}\")]")
            } else {
                "#[problem(extension)]".to_owned()
            };
            field.attrs.push(attr);
        }
        if rng.chance(15) {
            field.attrs.push("#[source]".to_owned());
        }
    }
    rng.shuffle(&mut attrs);
    VariantModel {
        name,
        attrs,
        style,
        fields,
        transparent: false,
    }
}

// ---------------------------------------------------------------------------
// One known mistake, added to a valid model.

fn mistaken_model(rng: &mut Rng) -> (Model, &'static str) {
    loop {
        let mut model = valid_model(rng);
        if let Some(mistake) = add_mistake(rng, &mut model) {
            return (model, mistake);
        }
    }
}

/// Adds a mistake the derive must report; `None` when the model offers no
/// place for the one drawn.
fn add_mistake(rng: &mut Rng, model: &mut Model) -> Option<&'static str> {
    const ON_VARIANT: &[(&str, &str)] = &[
        ("status 200", "#[status(200)]"),
        ("status 0", "#[status(0)]"),
        ("status 600", "#[status(600)]"),
        ("status too large", "#[status(99999999999999999999)]"),
        ("status negative", "#[status(-404)]"),
        ("status suffix", "#[status(404u8)]"),
        ("status string", "#[status(\"404\")]"),
        ("status float", "#[status(404.0)]"),
        ("status OK", "#[status(OK)]"),
        ("status misspelt", "#[status(NOT_FOND)]"),
        ("status path", "#[status(my::NOT_FOUND)]"),
        ("status two", "#[status(404, 500)]"),
        ("status empty", "#[status()]"),
        ("status bare", "#[status]"),
        ("status keyword", "#[status(type)]"),
        ("unknown key", "#[problem(bogus = \"x\")]"),
        ("key path", "#[problem(a::b = \"x\")]"),
        ("title placeholder", "#[problem(title = \"Order {id}\")]"),
        (
            "detail unknown field",
            "#[problem(detail = \"{zz_missing}\")]",
        ),
        ("detail unknown index", "#[problem(detail = \"{9}\")]"),
        (
            "detail empty placeholder",
            "#[problem(detail = \"a {} b\")]",
        ),
        ("detail unterminated", "#[problem(detail = \"a {\")]"),
        ("detail unmatched", "#[problem(detail = \"a }\")]"),
        ("detail width", "#[problem(detail = \"{zz:>w$}\")]"),
        ("detail precision star", "#[problem(detail = \"{zz:.*}\")]"),
        ("instance not uri", "#[problem(instance = \"/a b\")]"),
        ("instance two hashes", "#[problem(instance = \"/a#b#c\")]"),
        ("type not uri", "#[problem(type = \"not a uri\")]"),
        ("type empty", "#[problem(type = \"\")]"),
        ("type number", "#[problem(type = 5)]"),
        ("title ident", "#[problem(title = Title)]"),
        ("detail no value", "#[problem(detail)]"),
        (
            "header forbidden",
            "#[problem(header(content_type = \"x\"))]",
        ),
        ("header te", "#[problem(header(te = \"x\"))]"),
        ("header control", "#[problem(header(x_a = \"a\\u{1}b\"))]"),
        (
            "header newline",
            "#[problem(header(x_a = \"a\\r\\nb: c\"))]",
        ),
        ("header unicode", "#[problem(header(x_a = \"caf\u{e9}\"))]"),
        ("header empty", "#[problem(header(x_a = \"\"))]"),
        ("header space", "#[problem(header(x_a = \" a\"))]"),
        ("header underscore", "#[problem(header(_x = \"1\"))]"),
        ("header unicode name", "#[problem(header(naïve = \"1\"))]"),
        ("header literal name", "#[problem(header(\"x\" = \"1\"))]"),
        ("header no value", "#[problem(header(x_a))]"),
        ("header number", "#[problem(header(x_a = 1))]"),
        (
            "header unknown field",
            "#[problem(header(x_a = \"{zz_missing}\"))]",
        ),
        ("header not list", "#[problem(header = \"x\")]"),
        ("extension on variant", "#[problem(extension)]"),
        ("problem bare", "#[problem]"),
        ("problem value", "#[problem = \"x\"]"),
        ("missing comma", "#[problem(type = \"/a\" title = \"b\")]"),
    ];
    const ON_FIELD: &[(&str, &str)] = &[
        ("extension type", "#[problem(extension = \"type\")]"),
        ("extension status", "#[problem(extension = \"status\")]"),
        ("extension instance", "#[problem(extension = \"instance\")]"),
        ("extension dash", "#[problem(extension = \"a-b\")]"),
        ("extension digit", "#[problem(extension = \"1a\")]"),
        ("extension empty", "#[problem(extension = \"\")]"),
        ("extension ident", "#[problem(extension = id)]"),
        ("extension list", "#[problem(extension(x))]"),
        ("field unknown key", "#[problem(extention)]"),
        ("field header", "#[problem(header(a = \"b\"))]"),
        ("status on field", "#[status(404)]"),
        ("field problem bare", "#[problem]"),
    ];
    const ON_ENUM: &[(&str, &str)] = &[
        ("enum detail", "#[problem(detail = \"x\")]"),
        ("enum instance", "#[problem(instance = \"/x\")]"),
        ("enum header field", "#[problem(header(x_a = \"{id}\"))]"),
        ("enum transparent", "#[status(transparent)]"),
        ("enum status", "#[status(302)]"),
        ("enum unknown key", "#[problem(extensions = \"x\")]"),
    ];
    let at_variant = |rng: &mut Rng, model: &mut Model| rng.below(model.variants.len().max(1));
    match rng.below(10) {
        0..=4 => {
            if model.variants.is_empty() {
                return None;
            }
            let (mistake, attr) = *rng.pick(ON_VARIANT);
            let i = at_variant(rng, model);
            let attrs = &mut model.variants[i].attrs;
            let at = rng.below(attrs.len() + 1);
            attrs.insert(at, attr.to_owned());
            Some(mistake)
        }
        5 | 6 => {
            let (mistake, attr) = *rng.pick(ON_FIELD);
            let with_fields: Vec<usize> = (0..model.variants.len())
                .filter(|&i| !model.variants[i].fields.is_empty())
                .collect();
            let i = *with_fields.get(rng.below(with_fields.len().max(1)))?;
            let fields = &mut model.variants[i].fields;
            let f = rng.below(fields.len());
            fields[f].attrs.insert(0, attr.to_owned());
            Some(mistake)
        }
        7 => {
            if !model.is_enum {
                return None;
            }
            let (mistake, attr) = *rng.pick(ON_ENUM);
            model.attrs.push(attr.to_owned());
            Some(mistake)
        }
        8 => {
            // Structural mistakes: a variant the rules reject.
            if !model.is_enum {
                return None;
            }
            let (mistake, variant) = match rng.below(6) {
                0 => ("transparent unit", "#[status(transparent)] ZzUnit"),
                1 => ("transparent two", "#[status(transparent)] ZzTwo(u8, u8)"),
                2 => (
                    "transparent key",
                    "#[status(transparent)] #[problem(title = \"x\")] ZzKey(u8)",
                ),
                3 => (
                    "transparent extension",
                    "#[status(transparent)] ZzExt { #[problem(extension)] inner: u8 }",
                ),
                4 => ("401 without header", "#[status(401)] ZzAuth"),
                _ => (
                    "duplicate extension names",
                    "#[status(409)] ZzDup { #[problem(extension = \"dup\")] a: u8, #[problem(extension = \"dup\")] b: u8 }",
                ),
            };
            model.variants.push(VariantModel {
                name: variant.to_owned(),
                attrs: Vec::new(),
                style: Style::Unit,
                fields: Vec::new(),
                transparent: false,
            });
            Some(mistake)
        }
        _ => {
            // No status anywhere.
            if model.variants.is_empty() || model.variants.iter().any(|v| v.transparent) {
                return None;
            }
            model.attrs.retain(|a| !a.starts_with("#[status"));
            model.default_status = false;
            let i = at_variant(rng, model);
            model.variants[i]
                .attrs
                .retain(|a| !a.starts_with("#[status"));
            Some("missing status")
        }
    }
}

// ---------------------------------------------------------------------------
// Soups.

/// `#[problem(..)]` / `#[status(..)]` contents built from the keys' own words,
/// in any order and combination.
fn key_soup(rng: &mut Rng, depth: usize) -> String {
    const WORDS: &[&str] = &[
        "type",
        "title",
        "detail",
        "instance",
        "header",
        "extension",
        "client",
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
    ];
    let mut out = String::new();
    for _ in 0..rng.range(0, 8) {
        match rng.below(10) {
            0..=4 => out.push_str(rng.word(WORDS)),
            5..=7 => out.push_str(&lit(&soup_text(rng))),
            _ if depth < 3 => {
                let _ = write!(out, "({})", key_soup(rng, depth + 1));
            }
            _ => out.push_str("()"),
        }
        out.push(' ');
    }
    out
}

/// Text for string literals: format syntax, URI bits, control and unicode
/// characters.
fn soup_text(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
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
    (0..rng.range(0, 6)).map(|_| *rng.pick(PIECES)).collect()
}

fn key_soup_input(rng: &mut Rng) -> String {
    let soup = key_soup(rng, 0);
    let other = key_soup(rng, 0);
    match rng.below(6) {
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
    }
}

/// Random token trees: anything the lexer can produce, nested.
fn token_soup(rng: &mut Rng, depth: usize) -> TokenStream {
    const IDENTS: &[&str] = &[
        "status",
        "problem",
        "header",
        "extension",
        "client",
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
        '#', '=', ',', ':', ';', '<', '>', '!', '-', '&', '\'', '?', '+', '*', '/', '.', '$', '@',
        '|', '~', '^', '%',
    ];
    let mut out = TokenStream::new();
    for _ in 0..rng.range(0, 10) {
        let tree: TokenTree = match rng.below(12) {
            0..=3 => {
                let name = *rng.pick(IDENTS);
                if name != "_"
                    && name != "self"
                    && name != "Self"
                    && name != "crate"
                    && rng.chance(10)
                {
                    Ident::new_raw(name, Span::call_site()).into()
                } else {
                    Ident::new(name, Span::call_site()).into()
                }
            }
            4..=6 => {
                let spacing = if rng.chance(50) {
                    Spacing::Alone
                } else {
                    Spacing::Joint
                };
                Punct::new(*rng.pick(PUNCTS), spacing).into()
            }
            7..=9 => random_literal(rng).into(),
            _ if depth < 4 => {
                let delimiter = *rng.pick(&[
                    Delimiter::Parenthesis,
                    Delimiter::Bracket,
                    Delimiter::Brace,
                    Delimiter::None,
                ]);
                Group::new(delimiter, token_soup(rng, depth + 1)).into()
            }
            _ => Group::new(Delimiter::Parenthesis, TokenStream::new()).into(),
        };
        out.extend([tree]);
    }
    out
}

fn random_literal(rng: &mut Rng) -> Literal {
    match rng.below(10) {
        0 => Literal::u16_unsuffixed(rng.next() as u16),
        1 => Literal::i64_unsuffixed(-(rng.below(1000) as i64)),
        2 => Literal::u128_unsuffixed(u128::from(rng.next()) << 64),
        3 => Literal::f64_unsuffixed(rng.below(100_000) as f64 / 100.0),
        4 => Literal::character(*rng.pick(&['x', '{', '\0', 'é', '🦀'])),
        5 => Literal::byte_string(b"\xff{}"),
        6 => {
            let text = *rng.pick(&[
                "404u8", "404u16", "404i128", "0x194", "0b1", "1e3", "404_u16",
            ]);
            text.parse().unwrap_or_else(|_| Literal::u8_suffixed(4))
        }
        _ => Literal::string(&soup_text(rng)),
    }
}

fn token_soup_input(rng: &mut Rng) -> TokenStream {
    let soup = token_soup(rng, 0);
    let text = match rng.below(8) {
        0 => return soup,
        1 => format!("#[status({soup})] pub enum E {{ A }}"),
        2 => format!("#[status(404)] #[problem({soup})] pub struct S;"),
        3 => format!("pub enum E {{ #[status(404)] #[problem(header({soup}))] A {{ x: u8 }} }}"),
        4 => format!("#[status(404)] pub struct S {{ #[problem({soup})] x: u8 }}"),
        5 => format!("pub enum E {{ {soup} }}"),
        6 => format!("#[{soup}] pub struct S;"),
        _ => format!("#[status(404)] pub struct S<{soup}>;"),
    };
    // Token soups print back to text that lexes; if one does not, the soup
    // itself is the case.
    text.parse().unwrap_or(soup)
}

// ---------------------------------------------------------------------------
// The run.

enum Expect {
    Valid,
    Invalid(&'static str),
    Anything,
}

fn has_compile_error(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == "compile_error",
        TokenTree::Group(group) => has_compile_error(group.stream()),
        _ => false,
    })
}

fn case(rng: &mut Rng) -> (TokenStream, Expect) {
    match rng.below(20) {
        0..=6 => {
            let text = valid_model(rng).render();
            (lex(&text), Expect::Valid)
        }
        7..=13 => {
            let (model, mistake) = mistaken_model(rng);
            (lex(&model.render()), Expect::Invalid(mistake))
        }
        14 => (
            lex("#[status(400)] pub union U { a: u32, b: f32 }"),
            Expect::Invalid("union"),
        ),
        15..=17 => (lex(&key_soup_input(rng)), Expect::Anything),
        _ => (token_soup_input(rng), Expect::Anything),
    }
}

#[track_caller]
fn lex(text: &str) -> TokenStream {
    match text.parse() {
        Ok(tokens) => tokens,
        Err(err) => panic!("the generator wrote text that does not lex ({err}):\n{text}"),
    }
}

#[test]
fn derive_never_panics() {
    let cases = std::env::var("APIERROR_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seed = std::env::var("APIERROR_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x00A9_1E44_0A5E_u64);
    let mut rng = Rng(seed);
    let started = Instant::now();
    let (mut valid, mut invalid, mut soups, mut soup_errors) = (0, 0, 0, 0);
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut run = 0;
    for n in 0..cases {
        run += 1;
        let (input, expect) = case(&mut rng);
        let output = match panic::catch_unwind(AssertUnwindSafe(|| crate::derive(input.clone()))) {
            Ok(output) => output,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("case {n}: the derive panicked: {message}\n{input}"));
                continue;
            }
        };
        let text = output.to_string();
        if text.parse::<TokenStream>().is_err() {
            failures.push(format!(
                "case {n}: the output does not lex:\n{input}\n=>\n{text}"
            ));
            continue;
        }
        let error = has_compile_error(output);
        match expect {
            Expect::Valid if error => {
                failures.push(format!(
                    "case {n}: a valid input was rejected:\n{input}\n=>\n{text}"
                ));
            }
            Expect::Invalid(mistake) if !error => failures.push(format!(
                "case {n}: the mistake `{mistake}` was not reported:\n{input}"
            )),
            Expect::Valid => valid += 1,
            Expect::Invalid(_) => invalid += 1,
            Expect::Anything => {
                soups += 1;
                soup_errors += usize::from(error);
            }
        }
        if failures.len() >= 5 {
            break;
        }
    }
    panic::set_hook(hook);
    println!(
        "fuzzed the derive with {run} cases in {:.1?} (seed {seed}): {valid} valid, {invalid} with a mistake, {soups} soups ({soup_errors} rejected)",
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn generators_are_deterministic() {
    let mut a = Rng(7);
    let mut b = Rng(7);
    for _ in 0..50 {
        assert_eq!(valid_model(&mut a).render(), valid_model(&mut b).render());
    }
}
