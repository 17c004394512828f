//! A small IR borrowed from syn. A struct reads as an enum of one variant whose
//! path is `Self`, so validation and expansion treat both alike.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Error, Fields, Ident, Type};

use crate::attr::{self, Attrs, FieldAttrs, Place};
use crate::ctxt::Errors;

pub struct Input<'a> {
    pub original: &'a DeriveInput,
    pub is_enum: bool,
    /// The enum's attributes: defaults for its variants. Empty for a struct.
    pub attrs: Attrs<'a>,
    pub variants: Vec<Variant<'a>>,
    /// `crate = "path"`: where the apierror crate is, if not `::apierror`.
    pub crate_path: Option<syn::Path>,
    /// `framework_impls = false` turns off the axum and actix-web impls.
    pub framework_impls: bool,
    /// `openapi`: implement `utoipa::IntoResponses`, where the key is.
    pub openapi: Option<Ident>,
}

pub struct Variant<'a> {
    /// The variant's name, or the struct's.
    pub ident: &'a Ident,
    /// `Self::Name` for a variant, `Self` for a struct, as text (see
    /// [`Variant::path`] for tokens).
    pub path_text: String,
    pub attrs: Attrs<'a>,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    pub original: &'a syn::Field,
    pub member: Member,
    pub attrs: FieldAttrs,
    pub ty: &'a Type,
}

impl<'a> Input<'a> {
    fn new(
        original: &'a DeriveInput,
        is_enum: bool,
        attrs: Attrs<'a>,
        variants: Vec<Variant<'a>>,
    ) -> Input<'a> {
        // The type's own attributes: the enum's, or the struct's (read as
        // its only variant's).
        let own = if is_enum {
            Some(&attrs)
        } else {
            variants.first().map(|v| &v.attrs)
        };
        let crate_path = own
            .and_then(|a| a.crate_path.as_ref())
            .map(|(_, path)| path.clone());
        let framework_impls = own
            .and_then(|a| a.framework_impls.as_ref())
            .is_none_or(|lit| lit.value);
        let openapi = own.and_then(|a| a.openapi.clone());
        Input {
            original,
            is_enum,
            attrs,
            variants,
            crate_path,
            framework_impls,
            openapi,
        }
    }

    pub fn from_syn(node: &'a DeriveInput, errors: &mut Errors) -> Option<Input<'a>> {
        match &node.data {
            Data::Enum(data) => {
                let attrs = attr::get(&node.attrs, Place::Enum, errors);
                let variants = data
                    .variants
                    .iter()
                    .map(|variant| {
                        let ident = &variant.ident;
                        Variant {
                            ident,
                            path_text: format!("Self::{ident}"),
                            attrs: attr::get(&variant.attrs, Place::Variant, errors),
                            fields: Field::multiple_from_syn(&variant.fields, errors),
                        }
                    })
                    .collect();
                Some(Input::new(node, true, attrs, variants))
            }
            Data::Struct(data) => {
                let variant = Variant {
                    ident: &node.ident,
                    path_text: "Self".to_owned(),
                    attrs: attr::get(&node.attrs, Place::Struct, errors),
                    fields: Field::multiple_from_syn(&data.fields, errors),
                };
                Some(Input::new(node, false, Attrs::default(), vec![variant]))
            }
            Data::Union(data) => {
                errors.push(Error::new_spanned(
                    data.union_token,
                    "`ApiError` cannot be derived for a union; use an enum or a struct",
                ));
                None
            }
        }
    }
}

impl<'a> Field<'a> {
    fn multiple_from_syn(fields: &'a Fields, errors: &mut Errors) -> Vec<Field<'a>> {
        fields
            .iter()
            .enumerate()
            .map(|(index, field)| Field {
                original: field,
                member: match &field.ident {
                    // `r#type` is `{type}` in a format string, as in thiserror.
                    Some(ident) => Member::Named(ident.unraw().to_string()),
                    None => Member::Index(index),
                },
                attrs: attr::get_field(&field.attrs, errors),
                ty: &field.ty,
            })
            .collect()
    }
}

impl Variant<'_> {
    /// `Self::Name` for a variant, `Self` for a struct.
    pub fn path(&self) -> TokenStream {
        if self.path_text == "Self" {
            quote!(Self)
        } else {
            let ident = self.ident;
            quote!(Self::#ident)
        }
    }

    pub fn field(&self, member: &Member) -> Option<&Field<'_>> {
        self.fields.iter().find(|field| &field.member == member)
    }
}

/// A field as format strings and patterns name it: `id`, or `0` for a tuple
/// field.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Member {
    Named(String),
    Index(usize),
}

impl Member {
    /// The local a match arm binds this field to: `__field_` and the name,
    /// so no field name can shadow another binding or a generated local.
    pub fn binding(&self) -> String {
        match self {
            Member::Named(name) => format!("__field_{name}"),
            Member::Index(index) => format!("__field_{index}"),
        }
    }

    /// The placeholder that formats it: `{id}`, `{0}`.
    pub fn placeholder(&self) -> String {
        match self {
            Member::Named(name) => format!("`{{{name}}}`"),
            Member::Index(index) => format!("`{{{index}}}`"),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Member::Named(name) => format!("`{name}`"),
            Member::Index(index) => format!("`{index}`"),
        }
    }
}
