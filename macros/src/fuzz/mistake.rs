//! Valid inputs with one known mistake that the derive must report.

use proptest::prelude::*;
use proptest::sample::{Index, select};

use super::model::{Model, Style, Variant};

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
    ("enum crate number", "#[problem(crate = 5)]"),
    (
        "enum framework_impls string",
        "#[problem(framework_impls = \"no\")]",
    ),
];

/// Whole variants the rules reject.
const VARIANTS: &[(&str, &str)] = &[
    ("transparent unit", "#[status(transparent)] ZzUnit"),
    ("transparent two", "#[status(transparent)] ZzTwo(u8, u8)"),
    (
        "transparent key",
        "#[status(transparent)] #[problem(title = \"x\")] ZzKey(u8)",
    ),
    (
        "transparent extension",
        "#[status(transparent)] ZzExt { #[problem(extension)] inner: u8 }",
    ),
    ("401 without header", "#[status(401)] ZzAuth"),
    (
        "duplicate extension names",
        "#[status(409)] ZzDup { #[problem(extension = \"dup\")] a: u8, #[problem(extension = \"dup\")] b: u8 }",
    ),
];

/// Where a mistake goes; the indices pick a variant, an attribute position,
/// a field among those the model has.
#[derive(Clone, Debug)]
enum Place {
    Variant(&'static (&'static str, &'static str), Index, Index),
    Field(&'static (&'static str, &'static str), Index, Index),
    Enum(&'static (&'static str, &'static str)),
    NewVariant(&'static (&'static str, &'static str)),
    /// No status anywhere: the enum's default and one variant's go.
    NoStatus(Index),
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        5 => (select(ON_VARIANT.iter().collect::<Vec<_>>()), any::<Index>(), any::<Index>())
            .prop_map(|(m, v, at)| Place::Variant(m, v, at)),
        2 => (select(ON_FIELD.iter().collect::<Vec<_>>()), any::<Index>(), any::<Index>())
            .prop_map(|(m, v, f)| Place::Field(m, v, f)),
        1 => select(ON_ENUM.iter().collect::<Vec<_>>()).prop_map(Place::Enum),
        1 => select(VARIANTS.iter().collect::<Vec<_>>()).prop_map(Place::NewVariant),
        1 => any::<Index>().prop_map(Place::NoStatus),
    ]
}

/// Adds the mistake to the model; `None` when the model has no place for it.
fn add(mut model: Model, place: &Place) -> Option<(Model, &'static str)> {
    match *place {
        Place::Variant(&(mistake, attr), ref v, ref at) => {
            if model.variants.is_empty() {
                return None;
            }
            let attrs = &mut v.get_mut(&mut model.variants).attrs;
            attrs.insert(at.index(attrs.len() + 1), attr.to_owned());
            Some((model, mistake))
        }
        Place::Field(&(mistake, attr), ref v, ref f) => {
            let mut with_fields: Vec<&mut Variant> = model
                .variants
                .iter_mut()
                .filter(|variant| !variant.fields.is_empty())
                .collect();
            if with_fields.is_empty() {
                return None;
            }
            let fields = &mut v.get_mut(&mut with_fields).fields;
            f.get_mut(fields).attrs.insert(0, attr.to_owned());
            Some((model, mistake))
        }
        Place::Enum(&(mistake, attr)) => {
            if !model.is_enum {
                return None;
            }
            model.attrs.push(attr.to_owned());
            Some((model, mistake))
        }
        Place::NewVariant(&(mistake, variant)) => {
            if !model.is_enum {
                return None;
            }
            model.variants.push(Variant {
                name: variant.to_owned(),
                attrs: Vec::new(),
                style: Style::Unit,
                fields: Vec::new(),
                transparent: false,
            });
            Some((model, mistake))
        }
        Place::NoStatus(ref v) => {
            if model.variants.is_empty() || model.variants.iter().any(|v| v.transparent) {
                return None;
            }
            model.attrs.retain(|a| !a.starts_with("#[status"));
            v.get_mut(&mut model.variants)
                .attrs
                .retain(|a| !a.starts_with("#[status"));
            Some((model, "missing status"))
        }
    }
}

/// A valid model with one mistake, and the mistake's name.
pub fn model() -> impl Strategy<Value = (Model, &'static str)> {
    (super::valid::model(), place())
        .prop_filter_map("no place for the mistake", |(model, place)| {
            add(model, &place)
        })
}
