//! What a derived error renders: statuses, headers and bodies compared as
//! JSON, for every attribute of the contract.

use apierror::{ApiError, Problem};
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

fn body<E: ApiError>(error: &E) -> Value {
    serde_json::from_slice(&error.body()).expect("the body is JSON")
}

fn headers<E: ApiError>(error: &E) -> HeaderMap {
    let mut headers = HeaderMap::new();
    error.headers(&mut headers);
    headers
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("payment declined")]
#[status(402)]
#[problem(type = "https://example.com/problems/payment")]
pub struct PaymentError;

#[derive(Debug, thiserror::Error, ApiError)]
pub enum OrderError {
    #[error("order {id} not found")]
    #[status(404)]
    NotFound { id: u64 },

    #[error("order {id} already exists")]
    #[status(CONFLICT)]
    #[problem(
        type = "https://example.com/problems/duplicate-order",
        title = "Duplicate order"
    )]
    Duplicate {
        #[problem(extension)]
        id: u64,
    },

    #[error("too many requests")]
    #[status(429)]
    #[problem(header(retry_after = "{secs}"))]
    RateLimited { secs: u64 },

    #[error("missing or invalid token")]
    #[status(401)]
    #[problem(header(www_authenticate = "Bearer realm=\"orders\""))]
    Unauthenticated,

    #[error("database unavailable: {0}")]
    #[status(503)]
    Database(#[source] std::io::Error),

    #[error(transparent)]
    #[status(transparent)]
    Payment(#[from] PaymentError),
}

#[test]
fn contract_example() {
    let e = OrderError::NotFound { id: 7 };
    assert_eq!(e.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        body(&e),
        json!({"title": "Not Found", "status": 404, "detail": "order 7 not found"})
    );
    assert!(headers(&e).is_empty());

    let e = OrderError::Duplicate { id: 7 };
    assert_eq!(e.status(), StatusCode::CONFLICT);
    assert_eq!(
        body(&e),
        json!({
            "type": "https://example.com/problems/duplicate-order",
            "title": "Duplicate order",
            "status": 409,
            "detail": "order 7 already exists",
            "id": 7
        })
    );

    let e = OrderError::RateLimited { secs: 30 };
    assert_eq!(headers(&e)["retry-after"], "30");
    assert_eq!(
        body(&e),
        json!({"title": "Too Many Requests", "status": 429, "detail": "too many requests"})
    );

    let e = OrderError::Unauthenticated;
    assert_eq!(headers(&e)["www-authenticate"], "Bearer realm=\"orders\"");
    assert!(
        matches!(e.body(), std::borrow::Cow::Borrowed(_)),
        "a unit variant's body is static"
    );

    let e = OrderError::Database(std::io::Error::other("password=hunter2"));
    assert_eq!(
        body(&e),
        json!({"title": "Service Unavailable", "status": 503})
    );
    assert!(
        matches!(e.body(), std::borrow::Cow::Borrowed(_)),
        "a 5xx without detail is static"
    );

    let e = OrderError::Payment(PaymentError);
    assert_eq!(e.status(), StatusCode::PAYMENT_REQUIRED);
    assert_eq!(
        body(&e),
        json!({"type": "https://example.com/problems/payment", "title": "Payment Required", "status": 402, "detail": "payment declined"})
    );
    assert_eq!(e.problem_type(), "https://example.com/problems/payment");
}

#[test]
fn member_order_is_rfc_9457s() {
    let e = OrderError::Duplicate { id: 1 };
    let text = String::from_utf8(e.body().into_owned()).unwrap();
    assert_eq!(
        text,
        r#"{"type":"https://example.com/problems/duplicate-order","title":"Duplicate order","status":409,"detail":"order 1 already exists","id":1}"#
    );
}

#[test]
fn problem_agrees_with_body() {
    let e = OrderError::Duplicate { id: 9 };
    let p = e.problem();
    assert_eq!(p.status(), Some(StatusCode::CONFLICT));
    assert_eq!(p.title(), Some("Duplicate order"));
    assert_eq!(p.detail(), Some("order 9 already exists"));
    assert_eq!(p.extension("id"), Some(&json!(9)));
    assert_eq!(serde_json::to_value(&p).unwrap(), body(&e));
}

#[derive(Debug, thiserror::Error, ApiError)]
pub enum Located {
    #[error("user {name} not found")]
    #[status(404)]
    #[problem(instance = "/users/{name}")]
    User { name: String },

    #[error("item {id} of {tag:?}")]
    #[status(409)]
    #[problem(instance = "/items/{id:>4}/{tag:?}/{id:03}?v=1#top")]
    Item { id: u32, tag: String },
}

/// DESIGN.md: field values in `instance` are percent-encoded, everything but
/// RFC 3986's unreserved characters (§2.3) becoming `%XX` of its UTF-8 bytes
/// (§2.1, §2.5), so a field never changes the path, query or fragment.
#[test]
fn instance_fields_are_percent_encoded() {
    let e = Located::User {
        name: "a b/../c?d=1#frag".into(),
    };
    let expected = json!({
        "title": "Not Found",
        "status": 404,
        "detail": "user a b/../c?d=1#frag not found",
        "instance": "/users/a%20b%2F..%2Fc%3Fd%3D1%23frag"
    });
    assert_eq!(body(&e), expected);
    assert_eq!(serde_json::to_value(e.problem()).unwrap(), expected);

    // "Zoë ✓": Z o, ë = C3 AB, space, ✓ = E2 9C 93; `~._-` stay.
    let e = Located::User {
        name: "Zoë ✓~._-".into(),
    };
    assert_eq!(body(&e)["instance"], "/users/Zo%C3%AB%20%E2%9C%93~._-");
    assert_eq!(
        e.problem().instance(),
        Some("/users/Zo%C3%AB%20%E2%9C%93~._-")
    );

    // With a format spec and `{x:?}`: the formatted text is encoded, the
    // literal `/`, `?` and `#` of the attribute are kept.
    let e = Located::Item {
        id: 7,
        tag: "x/y".into(),
    };
    let expected = "/items/%20%20%207/%22x%2Fy%22/007?v=1#top";
    assert_eq!(body(&e)["instance"], expected);
    assert_eq!(e.problem().instance(), Some(expected));
}

#[derive(Debug, thiserror::Error, ApiError)]
#[status(500)]
#[problem(
    type = "https://example.com/problems/internal",
    header(cache_control = "no-store")
)]
pub enum Defaults {
    #[error("boom: {0}")]
    Inherits(String),

    #[error("bad input {field}")]
    #[status(422)]
    #[problem(detail = "field `{field}` is invalid", instance = "/inputs/{field}")]
    Invalid { field: String },

    #[error("{0} is gone")]
    #[status(410)]
    #[problem(
        title = "Gone for good",
        detail = "{0:?} was removed",
        header(cache_control = "max-age=60")
    )]
    Gone(String),

    #[error("literal {{braces}}")]
    #[status(400)]
    Braces,

    #[error("server said {msg}")]
    #[status(502)]
    #[problem(detail = "upstream failed")]
    Upstream { msg: String },
}

#[test]
fn enum_defaults_and_overrides() {
    let e = Defaults::Inherits("secret".into());
    assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body(&e),
        json!({"type": "https://example.com/problems/internal", "title": "Internal Server Error", "status": 500})
    );
    assert_eq!(headers(&e)["cache-control"], "no-store");

    let e = Defaults::Invalid {
        field: "na\"me".into(),
    };
    assert_eq!(
        body(&e),
        json!({
            "type": "https://example.com/problems/internal",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "field `na\"me` is invalid",
            // RFC 3986 §2.1: `"` is not unreserved, so it is `%22`.
            "instance": "/inputs/na%22me"
        })
    );

    let e = Defaults::Gone("x".into());
    assert_eq!(body(&e)["detail"], "\"x\" was removed");
    assert_eq!(body(&e)["title"], "Gone for good");
    let h = headers(&e);
    assert_eq!(
        h.get_all("cache-control").iter().collect::<Vec<_>>(),
        ["max-age=60"]
    );

    let e = Defaults::Braces;
    assert_eq!(body(&e)["detail"], "literal {braces}");
    assert!(matches!(e.body(), std::borrow::Cow::Borrowed(_)));

    let e = Defaults::Upstream {
        msg: "s3cr3t".into(),
    };
    assert_eq!(body(&e)["detail"], "upstream failed");
    assert!(!String::from_utf8_lossy(&e.body()).contains("s3cr3t"));
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("item {0} of {1}")]
#[status(404)]
#[problem(detail = "{1}: {0}")]
pub struct Tuple(
    u32,
    &'static str,
    #[problem(extension = "extra_info")] Option<Vec<u8>>,
);

#[test]
fn tuple_fields_and_null_extensions() {
    assert_eq!(
        body(&Tuple(3, "list", Some(vec![1]))),
        json!({"title": "Not Found", "status": 404, "detail": "list: 3", "extra_info": [1]})
    );
    assert_eq!(
        body(&Tuple(3, "list", None)),
        json!({"title": "Not Found", "status": 404, "detail": "list: 3"})
    );
}

#[derive(Debug, thiserror::Error, ApiError)]
pub enum Generic<T: std::fmt::Debug + 'static, U, E: std::error::Error + 'static>
where
    U: std::fmt::Display,
{
    #[error("bad {0:?}")]
    #[status(400)]
    #[problem(detail = "bad {0:?}")]
    Bad(T),

    #[error("ext")]
    #[status(409)]
    Ext {
        #[problem(extension)]
        value: U,
    },

    #[error(transparent)]
    #[status(transparent)]
    Inner(E),
}

#[test]
fn generics_get_bounds_where_needed() {
    let e: Generic<u8, String, OrderError> = Generic::Bad(5);
    assert_eq!(body(&e)["detail"], "bad 5");
    let e: Generic<u8, String, OrderError> = Generic::Ext { value: "v".into() };
    assert_eq!(body(&e)["value"], "v");
    let e: Generic<u8, String, OrderError> = Generic::Inner(OrderError::RateLimited { secs: 1 });
    assert_eq!(e.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers(&e)["retry-after"], "1");
}

#[derive(Debug, thiserror::Error, ApiError)]
pub enum Never {}

#[test]
fn every_registered_title_is_the_iana_phrase() {
    #[derive(Debug, thiserror::Error, ApiError)]
    pub enum Titles {
        #[error("a")]
        #[status(413)]
        A,
        #[error("b")]
        #[status(UNPROCESSABLE_ENTITY)]
        B,
        #[error("c")]
        #[status(499)]
        C,
        #[error("d")]
        #[status(599)]
        D,
    }
    assert_eq!(body(&Titles::A)["title"], "Content Too Large");
    assert_eq!(body(&Titles::B)["title"], "Unprocessable Content");
    assert_eq!(body(&Titles::C)["title"], "Client Error");
    assert_eq!(
        body(&Titles::D),
        json!({"title": "Server Error", "status": 599})
    );
}

/// Every registered error status, derived by its `http::StatusCode` name: the
/// status and the title the derive renders are the ones `apierror::status`
/// lists, for every entry of the registry.
macro_rules! every_registered_status {
    ($($name:ident),* $(,)?) => {
        #[derive(Debug, thiserror::Error, ApiError)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[problem(header(
            www_authenticate = "Bearer",
            allow = "GET",
            proxy_authenticate = "Basic",
            upgrade = "HTTP/3.0"
        ))]
        pub enum Registered {
            $(#[error("e")] #[status($name)] $name,)*
        }

        #[test]
        fn every_registered_status_by_name_has_the_registry_title() {
            let derived = [$((StatusCode::$name, Registered::$name)),*];
            let registry = apierror::status::registered();
            assert_eq!(derived.len(), registry.len());
            for ((status, error), info) in derived.iter().zip(registry) {
                assert_eq!(*status, info.code());
                assert_eq!(error.status(), *status);
                // A 5xx keeps its Display text out of the body.
                let expected = match info.class() {
                    apierror::status::Class::ClientError => {
                        json!({"title": info.phrase(), "status": info.code(), "detail": "e"})
                    }
                    apierror::status::Class::ServerError => {
                        json!({"title": info.phrase(), "status": info.code()})
                    }
                };
                assert_eq!(body(error), expected);
            }
        }
    };
}

every_registered_status!(
    BAD_REQUEST,
    UNAUTHORIZED,
    PAYMENT_REQUIRED,
    FORBIDDEN,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    PROXY_AUTHENTICATION_REQUIRED,
    REQUEST_TIMEOUT,
    CONFLICT,
    GONE,
    LENGTH_REQUIRED,
    PRECONDITION_FAILED,
    PAYLOAD_TOO_LARGE,
    URI_TOO_LONG,
    UNSUPPORTED_MEDIA_TYPE,
    RANGE_NOT_SATISFIABLE,
    EXPECTATION_FAILED,
    IM_A_TEAPOT,
    MISDIRECTED_REQUEST,
    UNPROCESSABLE_ENTITY,
    LOCKED,
    FAILED_DEPENDENCY,
    TOO_EARLY,
    UPGRADE_REQUIRED,
    PRECONDITION_REQUIRED,
    TOO_MANY_REQUESTS,
    REQUEST_HEADER_FIELDS_TOO_LARGE,
    UNAVAILABLE_FOR_LEGAL_REASONS,
    INTERNAL_SERVER_ERROR,
    NOT_IMPLEMENTED,
    BAD_GATEWAY,
    SERVICE_UNAVAILABLE,
    GATEWAY_TIMEOUT,
    HTTP_VERSION_NOT_SUPPORTED,
    VARIANT_ALSO_NEGOTIATES,
    INSUFFICIENT_STORAGE,
    LOOP_DETECTED,
    NOT_EXTENDED,
    NETWORK_AUTHENTICATION_REQUIRED,
);

#[test]
fn header_values_formatted_from_fields_are_checked() {
    #[derive(Debug, thiserror::Error, ApiError)]
    #[error("x")]
    #[status(400)]
    #[problem(
        header(x_reason = "{0}"),
        header(link = "</a>; rel=\"a\""),
        header(link = "</b>; rel=\"b\"")
    )]
    pub struct Injected(String);

    let h = headers(&Injected("ok\r\nset-cookie: a=b".into()));
    assert!(h.get("x-reason").is_none(), "a value with CR/LF is dropped");
    assert!(h.get("set-cookie").is_none());
    assert_eq!(h.get_all("link").iter().count(), 2);
    let h = headers(&Injected("fine".into()));
    assert_eq!(h["x-reason"], "fine");
}

#[test]
fn hand_built_problem_is_an_api_error() {
    let p = Problem::new(StatusCode::GONE).with_detail("bye");
    assert_eq!(ApiError::status(&p), StatusCode::GONE);
    assert_eq!(
        body(&p),
        json!({"title": "Gone", "status": 410, "detail": "bye"})
    );
    let p = Problem::default();
    assert_eq!(ApiError::status(&p), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body(&p), json!({"status": 500}));
}
