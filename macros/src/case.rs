//! Extension member names: serde's `rename_all` rules, and the one function
//! that says which name a field's member takes, for every part of the derive
//! that reads extension names (validation, the body, OpenAPI, `FromProblem`).

use proc_macro2::Span;
use syn::{Error, LitStr, Result};

use crate::ast::Member;
use crate::ast::{Field, Input, Variant};

/// A `rename_all` rule, with serde's spelling and behaviour on field names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
}

/// `#[problem(rename_all = "..")]` as written.
pub struct RenameAll {
    pub rule: RenameRule,
    pub lit: LitStr,
}

const RULES: [(&str, RenameRule); 6] = [
    ("lowercase", RenameRule::Lower),
    ("UPPERCASE", RenameRule::Upper),
    ("PascalCase", RenameRule::Pascal),
    ("camelCase", RenameRule::Camel),
    ("snake_case", RenameRule::Snake),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
];

impl RenameAll {
    /// Reads the rule; the kebab cases and unknown spellings are errors on
    /// the literal.
    pub fn parse(lit: LitStr) -> Result<RenameAll> {
        let value = lit.value();
        if let Some(&(_, rule)) = RULES.iter().find(|(name, _)| *name == value) {
            return Ok(RenameAll { rule, lit });
        }
        let valid = RULES
            .iter()
            .map(|(name, _)| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let message = match value.as_str() {
            "kebab-case" | "SCREAMING-KEBAB-CASE" => format!(
                "`rename_all = \"{value}\"` would put `-` in member names, which RFC 9457 §3.2 does not allow (letters, digits and `_` only); use \"{}\" instead",
                if value == "kebab-case" {
                    "snake_case"
                } else {
                    "SCREAMING_SNAKE_CASE"
                }
            ),
            _ => {
                let hint = match closest_rule(&value) {
                    Some(name) => format!("did you mean \"{name}\"? "),
                    None => String::new(),
                };
                format!("unknown `rename_all` rule {value:?}; {hint}expected one of {valid}")
            }
        };
        Err(Error::new(lit.span(), message))
    }
}

/// The rule meant by a spelling that differs only in case and separators.
fn closest_rule(value: &str) -> Option<&'static str> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = squash(value);
    RULES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| squash(name) == wanted)
}

impl RenameRule {
    /// `field` (a Rust field name, `r#` removed) as this rule spells it.
    /// Matches serde's `RenameRule::apply_to_field`, without its panics on a
    /// name that leaves nothing or starts with a non-ASCII character.
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Pascal => {
                let mut pascal = String::with_capacity(field.len());
                let mut capitalize = true;
                for c in field.chars() {
                    if c == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(c.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(c);
                    }
                }
                pascal
            }
            RenameRule::Camel => {
                let pascal = RenameRule::Pascal.apply_to_field(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => pascal,
                }
            }
        }
    }
}

/// The name an extension member is sent under.
pub struct Name {
    pub value: String,
    /// The explicit name's literal, or the field's name.
    pub span: Span,
    /// The rule that made `value` from the field's name, when one applied.
    pub renamed: Option<&'static str>,
}

impl Name {
    /// For messages: ` (renamed by `rename_all = ".."`)` when a rule made
    /// the name, else nothing.
    pub fn renamed_note(&self) -> String {
        match self.renamed {
            Some(rule) => format!(" (renamed by `rename_all = \"{rule}\"`)"),
            None => String::new(),
        }
    }
}

/// The `rename_all` rule for `variant`'s fields: its own, else the type's.
pub fn rename_rule<'a>(input: &'a Input, variant: &'a Variant) -> Option<&'a RenameAll> {
    variant
        .attrs
        .rename_all
        .as_ref()
        .or(input.attrs.rename_all.as_ref())
}

/// The member name of `field`, a field of `variant`, when it is an
/// `#[problem(extension)]` that has one: `extension = "name"` as written,
/// else the field's name (`r#` removed) under the `rename_all` rule in force.
/// `None` for a field that is not such an extension (a `flatten` field, an
/// ordinary one) and for a tuple field without an explicit name, which
/// validation reports.
pub fn extension_name(input: &Input, variant: &Variant, field: &Field) -> Option<Name> {
    let extension = field.attrs.extension.as_ref()?;
    if let Some(lit) = &extension.name {
        return Some(Name {
            value: lit.value(),
            span: lit.span(),
            renamed: None,
        });
    }
    let (Member::Named(name), Some(ident)) = (&field.member, &field.original.ident) else {
        return None;
    };
    let name = name.trim_start_matches("r#");
    let rule = rename_rule(input, variant);
    Some(Name {
        value: match rule {
            Some(rule) => rule.rule.apply_to_field(name),
            None => name.to_owned(),
        },
        span: ident.span(),
        renamed: rule.map(|rule| {
            RULES
                .iter()
                .find(|(_, r)| *r == rule.rule)
                .map_or("", |(name, _)| *name)
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::RenameRule::*;
    use super::*;

    /// serde's documented examples and its own test table
    /// (`serde_derive/src/internals/case.rs`, `rename_fields`).
    #[test]
    fn fields_as_serde_renames_them() {
        for &(original, lower, upper, pascal, camel, snake, screaming) in &[
            (
                "outcome", "outcome", "OUTCOME", "Outcome", "outcome", "outcome", "OUTCOME",
            ),
            (
                "very_tasty",
                "very_tasty",
                "VERY_TASTY",
                "VeryTasty",
                "veryTasty",
                "very_tasty",
                "VERY_TASTY",
            ),
            ("a", "a", "A", "A", "a", "a", "A"),
            ("z42", "z42", "Z42", "Z42", "z42", "z42", "Z42"),
        ] {
            assert_eq!(Lower.apply_to_field(original), lower);
            assert_eq!(Upper.apply_to_field(original), upper);
            assert_eq!(Pascal.apply_to_field(original), pascal);
            assert_eq!(Camel.apply_to_field(original), camel);
            assert_eq!(Snake.apply_to_field(original), snake);
            assert_eq!(ScreamingSnake.apply_to_field(original), screaming);
        }
    }

    #[test]
    fn edge_names_never_panic() {
        assert_eq!(Camel.apply_to_field("__"), "");
        assert_eq!(Pascal.apply_to_field("_status"), "Status");
        assert_eq!(Camel.apply_to_field("_status"), "status");
        assert_eq!(Camel.apply_to_field("_1st"), "1st");
        assert_eq!(Camel.apply_to_field("élan_vital"), "élanVital");
        assert_eq!(Upper.apply_to_field("größe"), "GRößE");
        assert_eq!(Camel.apply_to_field("user__id_"), "userId");
    }

    #[test]
    fn spellings() {
        let parse = |s: &str| RenameAll::parse(LitStr::new(s, Span::call_site()));
        for (name, rule) in RULES {
            assert_eq!(parse(name).map(|r| r.rule).ok(), Some(rule));
        }
        for kebab in ["kebab-case", "SCREAMING-KEBAB-CASE"] {
            let message = parse(kebab)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(message.contains("RFC 9457 §3.2"), "{message}");
        }
        let message = parse("camelcase")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("did you mean \"camelCase\""), "{message}");
        assert_eq!(closest_rule("UPPER_CASE"), Some("UPPERCASE"));
        assert_eq!(closest_rule("Pascal_Case"), Some("PascalCase"));
        assert_eq!(
            closest_rule("screaming-snake-case"),
            Some("SCREAMING_SNAKE_CASE")
        );
        assert_eq!(closest_rule("title case"), None);
    }
}
