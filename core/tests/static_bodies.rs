//! Bodies the derive renders at compile time: byte for byte what serde_json
//! would write, with titles from the registry or the user, in generic types too.

use apierror::ApiError;

const TRICKY: &str = "quote \" backslash \\ nl \n cr \r tab \t bs \u{8} ff \u{c} bell \u{7} us \u{1f} del \u{7f} ü ✓ 😀 </script>";

#[derive(Debug, thiserror::Error, ApiError)]
enum Static {
    #[error("plain")]
    #[status(404)]
    Plain,

    #[error("x")]
    #[status(400)]
    #[problem(
        type = "https://example.com/p?q=%22x%22&a=b",
        title = "Tit\"le\\",
        detail = "quote \" backslash \\ nl \n cr \r tab \t bs \u{8} ff \u{c} bell \u{7} us \u{1f} del \u{7f} ü ✓ 😀 </script>",
        instance = "/a/b"
    )]
    Tricky,

    #[error("registry title")]
    #[status(413)]
    #[problem(instance = "/uploads")]
    Registry,

    #[error("unregistered")]
    #[status(499)]
    Unregistered,

    #[error("no detail for 5xx")]
    #[status(500)]
    Internal,
}

#[derive(Debug, thiserror::Error, ApiError)]
enum Generic<T: std::fmt::Debug + std::fmt::Display> {
    #[error("fixed")]
    #[status(410)]
    Fixed,
    #[error("value {0}")]
    #[status(422)]
    Value(T),
}

fn body<E: ApiError>(e: &E) -> String {
    String::from_utf8(e.body().into_owned()).unwrap()
}

#[test]
fn static_bodies_are_exact() {
    assert_eq!(
        body(&Static::Plain),
        r#"{"title":"Not Found","status":404,"detail":"plain"}"#
    );
    assert_eq!(
        body(&Static::Tricky),
        format!(
            r#"{{"type":{},"title":{},"status":400,"detail":{},"instance":"/a/b"}}"#,
            serde_json::to_string("https://example.com/p?q=%22x%22&a=b").unwrap(),
            serde_json::to_string("Tit\"le\\").unwrap(),
            serde_json::to_string(TRICKY).unwrap(),
        )
    );
    assert_eq!(
        body(&Static::Registry),
        r#"{"title":"Content Too Large","status":413,"detail":"registry title","instance":"/uploads"}"#
    );
    assert_eq!(
        body(&Static::Unregistered),
        r#"{"title":"Client Error","status":499,"detail":"unregistered"}"#
    );
    assert_eq!(
        body(&Static::Internal),
        r#"{"title":"Internal Server Error","status":500}"#
    );
    assert!(matches!(
        Static::Plain.body(),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn generic_types_get_static_bodies_too() {
    assert_eq!(
        body(&Generic::<u8>::Fixed),
        r#"{"title":"Gone","status":410,"detail":"fixed"}"#
    );
    assert_eq!(
        body(&Generic::Value("ä\"")),
        r#"{"title":"Unprocessable Content","status":422,"detail":"value ä\""}"#
    );
}

/// One variant per registered status, and some unregistered ones: the derive's
/// default titles must be `apierror::status::title`'s.
#[derive(Debug, thiserror::Error, ApiError)]
#[error("x")]
enum Every {
    #[status(400)]
    S400,
    #[status(401)]
    #[problem(header(www_authenticate = "Bearer"))]
    S401,
    #[status(402)]
    S402,
    #[status(403)]
    S403,
    #[status(404)]
    S404,
    #[status(405)]
    #[problem(header(allow = "GET"))]
    S405,
    #[status(406)]
    S406,
    #[status(407)]
    #[problem(header(proxy_authenticate = "Basic"))]
    S407,
    #[status(408)]
    S408,
    #[status(409)]
    S409,
    #[status(410)]
    S410,
    #[status(411)]
    S411,
    #[status(412)]
    S412,
    #[status(413)]
    S413,
    #[status(414)]
    S414,
    #[status(415)]
    S415,
    #[status(416)]
    S416,
    #[status(417)]
    S417,
    #[status(418)]
    S418,
    #[status(421)]
    S421,
    #[status(422)]
    S422,
    #[status(423)]
    S423,
    #[status(424)]
    S424,
    #[status(425)]
    S425,
    #[status(426)]
    #[problem(header(upgrade = "HTTP/2"))]
    S426,
    #[status(428)]
    S428,
    #[status(429)]
    S429,
    #[status(431)]
    S431,
    #[status(451)]
    S451,
    #[status(500)]
    S500,
    #[status(501)]
    S501,
    #[status(502)]
    S502,
    #[status(503)]
    S503,
    #[status(504)]
    S504,
    #[status(505)]
    S505,
    #[status(506)]
    S506,
    #[status(507)]
    S507,
    #[status(508)]
    S508,
    #[status(510)]
    S510,
    #[status(511)]
    S511,
    #[status(419)]
    S419,
    #[status(499)]
    S499,
    #[status(520)]
    S520,
    #[status(599)]
    S599,
}

#[test]
fn default_titles_are_the_registry_s() {
    let every = [
        Every::S400,
        Every::S401,
        Every::S402,
        Every::S403,
        Every::S404,
        Every::S405,
        Every::S406,
        Every::S407,
        Every::S408,
        Every::S409,
        Every::S410,
        Every::S411,
        Every::S412,
        Every::S413,
        Every::S414,
        Every::S415,
        Every::S416,
        Every::S417,
        Every::S418,
        Every::S421,
        Every::S422,
        Every::S423,
        Every::S424,
        Every::S425,
        Every::S426,
        Every::S428,
        Every::S429,
        Every::S431,
        Every::S451,
        Every::S500,
        Every::S501,
        Every::S502,
        Every::S503,
        Every::S504,
        Every::S505,
        Every::S506,
        Every::S507,
        Every::S508,
        Every::S510,
        Every::S511,
        Every::S419,
        Every::S499,
        Every::S520,
        Every::S599,
    ];
    for error in every {
        let code = error.status().as_u16();
        let body: serde_json::Value = serde_json::from_slice(&error.body()).unwrap();
        assert_eq!(body["title"], apierror::status::title(code), "{code}");
        assert_eq!(body["status"], code);
    }
}

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(header(cache_control = "no-store"))]
enum Pieces {
    #[error("x")]
    #[status(409)]
    #[problem(
        detail = "a \"{name}\" {{b}} {id:?} ü\n",
        instance = "/static/i",
        header(cache_control = "private"),
        header(x_id = "{id}")
    )]
    Plain { name: String, id: u64 },

    #[error("y")]
    #[status(422)]
    #[problem(detail = "[{0:>5}] [{1:.2}]", header(x_pad = "{0:>3}"))]
    Spec(u32, f64),

    #[error("display \"{0}\"")]
    #[status(400)]
    Display(String),
}

#[test]
fn pieces_are_escaped_once_and_in_order() {
    let e = Pieces::Plain {
        name: "q\"\\\u{1}".into(),
        id: 7,
    };
    let want = serde_json::json!({
        "title": "Conflict",
        "status": 409,
        "detail": "a \"q\"\\\u{1}\" {b} 7 ü\n",
        "instance": "/static/i",
    });
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&e.body()).unwrap(),
        want
    );
    assert_eq!(
        body(&e),
        r#"{"title":"Conflict","status":409,"detail":"a \"q\"\\\u0001\" {b} 7 ü\n","instance":"/static/i"}"#
    );
    let response = apierror::response(&e);
    let headers: Vec<_> = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
        .collect();
    assert_eq!(
        headers,
        [
            ("content-type", "application/problem+json"),
            ("cache-control", "private"),
            ("x-id", "7")
        ]
    );

    let e = Pieces::Spec(42, 1.0 / 3.0);
    assert_eq!(
        body(&e),
        r#"{"title":"Unprocessable Content","status":422,"detail":"[   42] [0.33]"}"#
    );
    // Formatted values are trimmed like static ones (`{0:>3}` pads).
    assert_eq!(apierror::response(&e).headers()["x-pad"], "42");
    assert_eq!(
        apierror::response(&e).headers()["cache-control"],
        "no-store"
    );

    assert_eq!(
        body(&Pieces::Display("ä\"".into())),
        r#"{"title":"Bad Request","status":400,"detail":"display \"ä\"\""}"#
    );
}
