//! OpenAPI from the same enum (feature `utoipa`, utoipa 6).
//!
//! A derived type that asks with `#[problem(openapi)]` implements
//! [`utoipa::IntoResponses`], so one line of `#[utoipa::path]` documents
//! every error a handler can return:
//!
//! ```
//! use apierror::ApiError;
//! use utoipa::IntoResponses;
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! #[problem(openapi)]
//! pub enum OrderError {
//!     /// No order has this id.
//!     #[error("order {id} not found")]
//!     #[status(404)]
//!     NotFound { id: u64 },
//!
//!     /// There is nothing left to ship.
//!     #[error("order {id} is out of stock")]
//!     #[status(409)]
//!     #[problem(type = "/problems/out-of-stock", title = "Out of stock")]
//!     OutOfStock {
//!         #[problem(extension)]
//!         id: u64,
//!     },
//! }
//!
//! #[utoipa::path(get, path = "/orders/{id}", responses((status = 200, body = u64), OrderError))]
//! async fn get_order() {}
//!
//! let responses = serde_json::to_value(OrderError::responses()).unwrap();
//! let conflict = &responses["409"]["content"]["application/problem+json"];
//! assert_eq!(responses["409"]["description"], "There is nothing left to ship.");
//! assert_eq!(
//!     conflict["schema"]["properties"]["type"]["enum"],
//!     serde_json::json!(["/problems/out-of-stock"])
//! );
//! assert_eq!(conflict["schema"]["properties"]["status"]["enum"], serde_json::json!([409]));
//! assert_eq!(
//!     conflict["schema"]["required"],
//!     serde_json::json!(["type", "title", "status", "detail"])
//! );
//! ```
//!
//! What each response says:
//!
//! - one response per status, content type `application/problem+json`;
//! - its schema describes each variant with that status: `type`, `title`
//!   and `status` as single-value `enum`s (an `about:blank` variant's `type`
//!   is not `required`, since its body leaves `type` out); `detail` and
//!   `instance` where the variant sends them, as a single-value `enum` when
//!   they are literal text; each extension member with its field type's
//!   schema (the field type must implement [`utoipa::ToSchema`]), never
//!   `required` (one can be dropped at run time); several variants with one
//!   status are an `anyOf`;
//! - the description is the variant's doc comment, else its title (several
//!   variants: each one's, one paragraph each);
//! - the headers the variant declares are listed (a fixed value as their
//!   example);
//! - a variant whose body is static has that body as a named example;
//! - a `transparent` variant contributes its field type's responses (the
//!   field type implements `IntoResponses`; for `Box<T>` and `Arc<T>`,
//!   `T` does), merged as [`merge`] does;
//! - every schema is inline (an extension type's own `$ref`s are replaced
//!   by the schemas they name), so a document that lists only the paths
//!   resolves every `$ref` with nothing registered by hand.
//!
//! utoipa keeps only the last response per status of an operation, so two
//! error sources that share a status must be combined first: [`Merge`] (a
//! type, for `responses(..)`) and [`merge`] (a function) put their
//! responses of one status into one `anyOf`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::marker::PhantomData;

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayItems, KnownFormat, ObjectBuilder, Schema,
    SchemaFormat, Type,
};
use utoipa::openapi::{Content, RefOr};
use utoipa::{IntoResponses, PartialSchema, ToSchema};

use crate::{PROBLEM_JSON, Problem};

/// What [`IntoResponses::responses`] returns: responses by status code.
pub type Responses = BTreeMap<String, RefOr<Response>>;

/// Merges the responses of several error sources: responses of one status
/// become one, whose `application/problem+json` schema is an `anyOf` of
/// theirs (nested `anyOf`s flattened), whose description lists each one's,
/// whose headers are all of theirs and whose examples are all of theirs.
/// Other content types are merged the same way, each on its own. A
/// response that is a `$ref` cannot be looked into: a later one of its
/// status replaces it, as utoipa does.
///
/// ```
/// use apierror::ApiError;
/// use utoipa::IntoResponses;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("order not found")]
/// #[status(404)]
/// #[problem(openapi)]
/// pub struct OrderNotFound;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("user not found")]
/// #[status(404)]
/// #[problem(openapi, type = "/problems/no-user")]
/// pub struct UserNotFound;
///
/// let merged = apierror::openapi::merge([OrderNotFound::responses(), UserNotFound::responses()]);
/// let json = serde_json::to_value(&merged).unwrap();
/// let any_of = &json["404"]["content"]["application/problem+json"]["schema"]["anyOf"];
/// assert_eq!(any_of.as_array().unwrap().len(), 2);
/// ```
pub fn merge(sources: impl IntoIterator<Item = Responses>) -> Responses {
    let mut out = Responses::new();
    for source in sources {
        for (status, response) in source {
            let merged = match (out.remove(&status), response) {
                (Some(RefOr::T(a)), RefOr::T(b)) => RefOr::T(merge_response(a, b)),
                (_, b) => b,
            };
            out.insert(status, merged);
        }
    }
    out
}

/// The responses of several error sources, merged as [`merge`] does: name
/// it in `responses(..)` where the sources share statuses.
///
/// `Merge<(A, B, ..)>` takes a tuple of up to eight types that implement
/// [`IntoResponses`].
///
/// ```
/// use apierror::ApiError;
/// use apierror::openapi::Merge;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("order not found")]
/// #[status(404)]
/// #[problem(openapi)]
/// pub struct OrderNotFound;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("user not found")]
/// #[status(404)]
/// #[problem(openapi, type = "/problems/no-user")]
/// pub struct UserNotFound;
///
/// #[utoipa::path(get, path = "/orders", responses(Merge<(OrderNotFound, UserNotFound)>))]
/// async fn orders() {}
/// ```
pub struct Merge<T>(PhantomData<fn() -> T>);

macro_rules! merge_tuples {
    ($($name:ident)+) => {
        impl<$($name: IntoResponses),+> IntoResponses for Merge<($($name,)+)> {
            fn responses() -> Responses {
                merge([$($name::responses()),+])
            }
        }
    };
}

merge_tuples!(A);
merge_tuples!(A B);
merge_tuples!(A B C);
merge_tuples!(A B C D);
merge_tuples!(A B C D E);
merge_tuples!(A B C D E F);
merge_tuples!(A B C D E F G);
merge_tuples!(A B C D E F G H);

fn merge_response(mut a: Response, b: Response) -> Response {
    if a.description.is_empty() {
        a.description = b.description;
    } else if !b.description.is_empty() && !a.description.split("\n\n").any(|p| p == b.description)
    {
        a.description = format!("{}\n\n{}", a.description, b.description);
    }
    for (name, header) in b.headers {
        a.headers.entry(name).or_insert(header);
    }
    for (media_type, content) in b.content {
        let merged = match (a.content.shift_remove(&media_type), content) {
            (Some(RefOr::T(x)), RefOr::T(y)) => RefOr::T(merge_content(x, y)),
            (_, y) => y,
        };
        a.content.insert(media_type, merged);
    }
    a
}

fn merge_content(mut a: Content, b: Content) -> Content {
    let mut items = Vec::new();
    for schema in [a.schema.take(), b.schema].into_iter().flatten() {
        match schema {
            RefOr::T(Schema::AnyOf(any_of)) => items.extend(any_of.items),
            other => items.push(other),
        }
    }
    a.schema = match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(any_of(items)),
    };
    let mut examples = std::mem::take(&mut a.examples);
    if let Some(value) = a.example.take() {
        insert_example(&mut examples, "example".to_owned(), example_of(value));
    }
    for (key, example) in b.examples {
        insert_example(&mut examples, key, example);
    }
    if let Some(value) = b.example {
        insert_example(&mut examples, "example".to_owned(), example_of(value));
    }
    a.examples = examples;
    a
}

fn example_of(value: serde_json::Value) -> RefOr<utoipa::openapi::example::Example> {
    RefOr::T(ExampleBuilder::new().value(Some(value)).build())
}

fn insert_example(
    examples: &mut BTreeMap<String, RefOr<utoipa::openapi::example::Example>>,
    key: String,
    example: RefOr<utoipa::openapi::example::Example>,
) {
    let mut name = key.clone();
    let mut n = 2;
    while examples.contains_key(&name) {
        name = format!("{key}_{n}");
        n += 1;
    }
    examples.insert(name, example);
}

fn any_of(items: Vec<RefOr<Schema>>) -> RefOr<Schema> {
    items
        .into_iter()
        .fold(AnyOfBuilder::new(), AnyOfBuilder::item)
        .into()
}

/// `Problem`'s schema: RFC 9457 Appendix A's, in OpenAPI 3.1 terms. Every
/// member is optional, as a recipient must read it (§3.1); other members are
/// extensions.
///
/// ```
/// use utoipa::PartialSchema;
///
/// let schema = serde_json::to_value(apierror::Problem::schema()).unwrap();
/// assert_eq!(schema["properties"]["status"]["type"], "integer");
/// assert_eq!(schema["properties"]["type"]["format"], "uri-reference");
/// ```
impl PartialSchema for Problem {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "A problem details object (RFC 9457), sent as application/problem+json.",
            ))
            .property(
                "type",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(uri_reference()))
                    .description(Some(
                        "A URI reference that identifies the problem type; absent means about:blank.",
                    )),
            )
            .property(
                "title",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("A short, human-readable summary of the problem type.")),
            )
            .property(
                "status",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                    .minimum(Some(100))
                    .maximum(Some(599))
                    .description(Some("The HTTP status code of this occurrence.")),
            )
            .property(
                "detail",
                ObjectBuilder::new().schema_type(Type::String).description(Some(
                    "A human-readable explanation specific to this occurrence.",
                )),
            )
            .property(
                "instance",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(uri_reference()))
                    .description(Some(
                        "A URI reference that identifies this occurrence of the problem.",
                    )),
            )
            .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(true)))
            .into()
    }
}

/// Named `Problem` in `components/schemas`.
///
/// ```
/// use utoipa::ToSchema;
///
/// assert_eq!(apierror::Problem::name(), "Problem");
/// ```
impl ToSchema for Problem {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Problem")
    }
}

/// What the derive knows about one variant, for its response.
#[doc(hidden)]
pub enum Doc<'a> {
    Own(Variant<'a>),
    /// A `transparent` variant: its field type's responses, with the
    /// enum's headers.
    Inner(fn() -> Responses, &'a [Header]),
}

#[doc(hidden)]
pub struct Variant<'a> {
    /// The variant's name, which names its example.
    pub name: &'static str,
    pub status: u16,
    pub problem_type: &'static str,
    pub title: &'static str,
    /// The doc comment, empty when there is none.
    pub description: &'static str,
    pub detail: Text,
    pub instance: Text,
    pub extensions: &'a [Extension],
    pub headers: &'a [Header],
    /// The whole body, when it is the same for every value.
    pub example: Option<&'static str>,
}

#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum Text {
    Absent,
    Static(&'static str),
    Dynamic,
}

#[doc(hidden)]
pub struct Extension {
    pub name: &'static str,
    pub schema: fn() -> RefOr<Schema>,
}

#[doc(hidden)]
pub struct Header {
    pub name: &'static str,
    /// The value when fixed; `None` when formatted from fields.
    pub value: Option<&'static str>,
}

/// The schema of `T`, self-contained: each `$ref` to a schema `T` depends
/// on replaced by that schema (to 32 levels; a recursive type's deeper
/// levels accept any value).
#[doc(hidden)]
pub fn schema_of<T: ToSchema + ?Sized>() -> RefOr<Schema> {
    let mut components = Vec::new();
    T::schemas(&mut components);
    let mut schema = T::schema();
    inline(&mut schema, &components, 0);
    schema
}

fn inline(schema: &mut RefOr<Schema>, components: &[(String, RefOr<Schema>)], depth: usize) {
    if let RefOr::Ref(reference) = schema {
        let name = reference
            .ref_location
            .strip_prefix("#/components/schemas/")
            .unwrap_or_default();
        let found = components.iter().find(|(n, _)| n == name);
        *schema = match found {
            Some((_, target)) if depth < 32 => target.clone(),
            _ => RefOr::T(Schema::Object(ObjectBuilder::new().build())),
        };
    }
    if let RefOr::T(schema) = schema {
        inline_schema(schema, components, depth + 1);
    }
}

fn inline_schema(schema: &mut Schema, components: &[(String, RefOr<Schema>)], depth: usize) {
    match schema {
        Schema::Object(object) => {
            for property in object.properties.values_mut() {
                inline(property, components, depth);
            }
            if let Some(AdditionalProperties::RefOr(inner)) =
                object.additional_properties.as_deref_mut()
            {
                inline(inner, components, depth);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                inline(items, components, depth);
            }
            for item in &mut array.prefix_items {
                inline_schema(item, components, depth);
            }
        }
        Schema::OneOf(one_of) => {
            for item in &mut one_of.items {
                inline(item, components, depth);
            }
        }
        Schema::AllOf(all_of) => {
            for item in &mut all_of.items {
                inline(item, components, depth);
            }
        }
        Schema::AnyOf(any_of) => {
            for item in &mut any_of.items {
                inline(item, components, depth);
            }
        }
        _ => {}
    }
}

/// `IntoResponses::responses` of a derived type.
#[doc(hidden)]
pub fn responses(docs: &[Doc<'_>]) -> Responses {
    let mut sources = Vec::with_capacity(docs.len());
    for doc in docs {
        sources.push(match doc {
            Doc::Own(variant) => {
                let mut one = Responses::new();
                one.insert(variant.status.to_string(), RefOr::T(response(variant)));
                one
            }
            Doc::Inner(inner, headers) => {
                let mut responses = inner();
                for response in responses.values_mut() {
                    if let RefOr::T(response) = response {
                        for header in *headers {
                            response
                                .headers
                                .entry(header.name.to_owned())
                                .or_insert_with(|| RefOr::T(header_doc(header)));
                        }
                    }
                }
                responses
            }
        });
    }
    merge(sources)
}

fn response(variant: &Variant<'_>) -> Response {
    let description = if variant.description.is_empty() {
        variant.title
    } else {
        variant.description
    };
    let mut content = ContentBuilder::new().schema(Some(schema(variant)));
    if let Some(body) = variant.example.and_then(|b| serde_json::from_str(b).ok()) {
        content =
            content.examples_from_iter([(variant.name, ExampleBuilder::new().value(Some(body)))]);
    }
    let mut response = ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, content.build());
    for header in variant.headers {
        response = response.header(header.name, header_doc(header));
    }
    response.build()
}

fn header_doc(header: &Header) -> utoipa::openapi::header::Header {
    let mut builder = HeaderBuilder::new().schema(Some(string()));
    if let Some(value) = header.value {
        builder = builder.example(Some(serde_json::Value::from(value)));
    }
    builder.build()
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn constant(ty: Type, value: serde_json::Value) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(ty)
        .enum_values(Some([value]))
}

fn schema(variant: &Variant<'_>) -> RefOr<Schema> {
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .title(Some(variant.title))
        .property("type", constant(Type::String, variant.problem_type.into()));
    if !variant.description.is_empty() {
        object = object.description(Some(variant.description));
    }
    if variant.problem_type != "about:blank" {
        object = object.required("type");
    }
    object = object
        .property("title", constant(Type::String, variant.title.into()))
        .required("title")
        .property("status", constant(Type::Integer, variant.status.into()))
        .required("status");
    for (name, text) in [("detail", variant.detail), ("instance", variant.instance)] {
        let property = match text {
            Text::Absent => continue,
            Text::Static(text) => constant(Type::String, text.into()),
            Text::Dynamic if name == "instance" => string().format(Some(uri_reference())),
            Text::Dynamic => string(),
        };
        object = object.property(name, property).required(name);
    }
    for extension in variant.extensions {
        object = object.property(extension.name, (extension.schema)());
    }
    object.into()
}

fn uri_reference() -> SchemaFormat {
    SchemaFormat::Custom("uri-reference".to_owned())
}

/// RFC 9457 §3's `errors` member as [`Violations`](crate::Violations) writes
/// it: an array of `{"detail", "pointer"}` objects, each `pointer` a JSON
/// Pointer (RFC 6901) in its URI fragment form.
///
/// ```
/// use utoipa::PartialSchema;
///
/// let schema = serde_json::to_value(apierror::Violations::schema()).unwrap();
/// assert_eq!(schema["type"], "array");
/// assert_eq!(schema["items"]["required"], serde_json::json!(["detail", "pointer"]));
/// ```
impl PartialSchema for crate::Violations {
    fn schema() -> RefOr<Schema> {
        let item = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property(
                "detail",
                string().description(Some("What is wrong with the value.")),
            )
            .required("detail")
            .property(
                "pointer",
                string().format(Some(uri_reference())).description(Some(
                    "The value's JSON Pointer (RFC 6901) in URI fragment form, as `#/lines/1/qty`.",
                )),
            )
            .required("pointer");
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(ArrayItems::RefOrSchema(Box::new(item.into())))
            .into()
    }
}

/// Named `Violations` in `components/schemas`.
///
/// ```
/// use utoipa::ToSchema;
///
/// assert_eq!(apierror::Violations::name(), "Violations");
/// ```
impl ToSchema for crate::Violations {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Violations")
    }
}

const ERRORS: [Extension; 1] = [Extension {
    name: "errors",
    schema: <crate::Violations as PartialSchema>::schema,
}];

/// The one response [`Violations`](crate::Violations) answers with: a 422
/// whose `errors` member points at each invalid value.
///
/// ```
/// use utoipa::IntoResponses;
///
/// let responses = serde_json::to_value(apierror::Violations::responses()).unwrap();
/// let schema = &responses["422"]["content"]["application/problem+json"]["schema"];
/// assert_eq!(schema["properties"]["status"]["enum"], serde_json::json!([422]));
/// assert_eq!(schema["properties"]["errors"]["type"], "array");
/// ```
impl IntoResponses for crate::Violations {
    fn responses() -> Responses {
        responses(&[Doc::Own(Variant {
            name: "Violations",
            status: 422,
            problem_type: crate::render::ABOUT_BLANK,
            title: "Unprocessable Content",
            description: "Values of the request are invalid: `errors` points at each one.",
            detail: Text::Dynamic,
            instance: Text::Absent,
            extensions: &ERRORS,
            headers: &[],
            example: None,
        })])
    }
}

/// The rejections of `apierror::axum::Json<T>` and `apierror::actix::Json<T>`
/// ([`JsonError`](crate::JsonError)): 400, 413, 415 and 422, so one line
/// documents them, as in `responses((status = 201, body = Order), JsonError,
/// OrderError)` (or [`Merge`] with an error type that shares a status).
///
/// ```
/// use utoipa::IntoResponses;
///
/// let responses = serde_json::to_value(apierror::JsonError::responses()).unwrap();
/// let statuses: Vec<&String> = responses.as_object().unwrap().keys().collect();
/// assert_eq!(statuses, ["400", "413", "415", "422"]);
/// ```
#[cfg(any(feature = "axum", feature = "actix-web"))]
impl IntoResponses for crate::JsonError {
    fn responses() -> Responses {
        let rejection = |status, title, description| Variant {
            name: "JsonError",
            status,
            problem_type: crate::render::ABOUT_BLANK,
            title,
            description,
            detail: Text::Dynamic,
            instance: Text::Absent,
            extensions: &[],
            headers: &[],
            example: None,
        };
        responses(&[
            Doc::Own(rejection(
                400,
                "Bad Request",
                "The request body is not valid JSON (or could not be read); `detail` says where.",
            )),
            Doc::Own(rejection(
                413,
                "Content Too Large",
                "The request body is larger than the limit.",
            )),
            Doc::Own(rejection(
                415,
                "Unsupported Media Type",
                "The request body is not sent as application/json.",
            )),
            Doc::Own(Variant {
                extensions: &ERRORS,
                ..rejection(
                    422,
                    "Unprocessable Content",
                    "The request body is valid JSON of the wrong shape; `errors` points at the place, where the framework says it.",
                )
            }),
        ])
    }
}
