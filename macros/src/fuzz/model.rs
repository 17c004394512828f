//! A derive input as the generators build it, rendered to source text.

use std::fmt::Write as _;

#[derive(Clone, Debug)]
pub struct Model {
    pub is_enum: bool,
    pub generics: &'static str,
    pub where_clause: &'static str,
    /// The enum's attributes; for a struct they stay empty.
    pub attrs: Vec<String>,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug)]
pub struct Variant {
    pub name: String,
    pub attrs: Vec<String>,
    pub style: Style,
    pub fields: Vec<Field>,
    pub transparent: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Unit,
    Named,
    Tuple,
}

#[derive(Clone, Debug)]
pub struct Field {
    /// `None` for a tuple field.
    pub name: Option<&'static str>,
    pub ty: &'static str,
    pub attrs: Vec<String>,
}

impl Field {
    /// How a format string names it, if it can.
    pub fn placeholder(&self, index: usize) -> Option<String> {
        match self.name {
            Some(name) if name.starts_with("r#") => None,
            Some(name) => Some(name.to_owned()),
            None => Some(index.to_string()),
        }
    }
}

impl Model {
    pub fn render(&self) -> String {
        let mut out = String::new();
        for attr in &self.attrs {
            out.push_str(attr);
            out.push('\n');
        }
        if self.is_enum {
            let _ = writeln!(out, "pub enum E{} {} {{", self.generics, self.where_clause);
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
        } else if let Some(variant) = self.variants.first() {
            for attr in &variant.attrs {
                out.push_str(attr);
                out.push('\n');
            }
            let _ = write!(out, "pub(crate) struct S{}", self.generics);
            let fields = render_fields(variant);
            let where_clause = self.where_clause;
            let _ = match variant.style {
                Style::Named => write!(out, " {where_clause} {fields}"),
                Style::Tuple => write!(out, "{fields} {where_clause};"),
                Style::Unit => write!(out, " {where_clause};"),
            };
        }
        out
    }
}

fn render_fields(variant: &Variant) -> String {
    let fields: Vec<String> = variant
        .fields
        .iter()
        .map(|field| {
            let attrs = field.attrs.join(" ");
            match field.name {
                Some(name) => format!("{attrs} {name}: {}", field.ty),
                None => format!("{attrs} {}", field.ty),
            }
        })
        .collect();
    match variant.style {
        Style::Unit => String::new(),
        Style::Named => format!(" {{ {} }}", fields.join(", ")),
        Style::Tuple => format!("({})", fields.join(", ")),
    }
}

/// A Rust string literal holding `text`, escaped as the compiler would read it.
pub fn lit(text: &str) -> String {
    format!("{text:?}")
}
