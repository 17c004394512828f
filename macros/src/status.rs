//! What the derive must know about statuses at compile time: the names of
//! `http::StatusCode`'s constants, the headers HTTP requires with a status, and
//! the default titles, so that bodies are byte-string literals the compiler
//! need not build (evaluating `apierror::status::title` in a `const` for every
//! variant more than doubled `cargo check` of a large enum). The titles are
//! `apierror::status`'s, which stays the reference: core's tests derive every
//! registered status and compare.

/// The constants of `http::StatusCode`, by name.
const NAMES: &[(&str, u16)] = &[
    ("CONTINUE", 100),
    ("SWITCHING_PROTOCOLS", 101),
    ("PROCESSING", 102),
    ("EARLY_HINTS", 103),
    ("OK", 200),
    ("CREATED", 201),
    ("ACCEPTED", 202),
    ("NON_AUTHORITATIVE_INFORMATION", 203),
    ("NO_CONTENT", 204),
    ("RESET_CONTENT", 205),
    ("PARTIAL_CONTENT", 206),
    ("MULTI_STATUS", 207),
    ("ALREADY_REPORTED", 208),
    ("IM_USED", 226),
    ("MULTIPLE_CHOICES", 300),
    ("MOVED_PERMANENTLY", 301),
    ("FOUND", 302),
    ("SEE_OTHER", 303),
    ("NOT_MODIFIED", 304),
    ("USE_PROXY", 305),
    ("TEMPORARY_REDIRECT", 307),
    ("PERMANENT_REDIRECT", 308),
    ("BAD_REQUEST", 400),
    ("UNAUTHORIZED", 401),
    ("PAYMENT_REQUIRED", 402),
    ("FORBIDDEN", 403),
    ("NOT_FOUND", 404),
    ("METHOD_NOT_ALLOWED", 405),
    ("NOT_ACCEPTABLE", 406),
    ("PROXY_AUTHENTICATION_REQUIRED", 407),
    ("REQUEST_TIMEOUT", 408),
    ("CONFLICT", 409),
    ("GONE", 410),
    ("LENGTH_REQUIRED", 411),
    ("PRECONDITION_FAILED", 412),
    ("PAYLOAD_TOO_LARGE", 413),
    ("URI_TOO_LONG", 414),
    ("UNSUPPORTED_MEDIA_TYPE", 415),
    ("RANGE_NOT_SATISFIABLE", 416),
    ("EXPECTATION_FAILED", 417),
    ("IM_A_TEAPOT", 418),
    ("MISDIRECTED_REQUEST", 421),
    ("UNPROCESSABLE_ENTITY", 422),
    ("LOCKED", 423),
    ("FAILED_DEPENDENCY", 424),
    ("TOO_EARLY", 425),
    ("UPGRADE_REQUIRED", 426),
    ("PRECONDITION_REQUIRED", 428),
    ("TOO_MANY_REQUESTS", 429),
    ("REQUEST_HEADER_FIELDS_TOO_LARGE", 431),
    ("UNAVAILABLE_FOR_LEGAL_REASONS", 451),
    ("INTERNAL_SERVER_ERROR", 500),
    ("NOT_IMPLEMENTED", 501),
    ("BAD_GATEWAY", 502),
    ("SERVICE_UNAVAILABLE", 503),
    ("GATEWAY_TIMEOUT", 504),
    ("HTTP_VERSION_NOT_SUPPORTED", 505),
    ("VARIANT_ALSO_NEGOTIATES", 506),
    ("INSUFFICIENT_STORAGE", 507),
    ("LOOP_DETECTED", 508),
    ("NOT_EXTENDED", 510),
    ("NETWORK_AUTHENTICATION_REQUIRED", 511),
];

/// The `http::StatusCode` constant `name`, with its code.
pub fn by_name(name: &str) -> Option<(&'static str, u16)> {
    NAMES.iter().find(|(n, _)| *n == name).copied()
}

/// The names of `http::StatusCode`'s constants.
pub fn names() -> impl Iterator<Item = &'static str> {
    NAMES.iter().map(|&(name, _)| name)
}

/// A header that RFC 9110 says a response with this status MUST carry:
/// its name in an attribute, its name on the wire, and where it is required.
pub struct Required {
    pub attr: &'static str,
    pub header: &'static str,
    pub example: &'static str,
    pub reference: &'static str,
}

pub fn required_header(code: u16) -> Option<Required> {
    let (attr, header, example, reference) = match code {
        401 => (
            "www_authenticate",
            "WWW-Authenticate",
            "Bearer realm=\\\"api\\\"",
            "RFC 9110 §15.5.2",
        ),
        405 => ("allow", "Allow", "GET, HEAD", "RFC 9110 §15.5.6"),
        407 => (
            "proxy_authenticate",
            "Proxy-Authenticate",
            "Basic realm=\\\"proxy\\\"",
            "RFC 9110 §15.5.8",
        ),
        426 => ("upgrade", "Upgrade", "HTTP/3.0", "RFC 9110 §15.5.22"),
        _ => return None,
    };
    Some(Required {
        attr,
        header,
        example,
        reference,
    })
}

/// The default title of a 4xx or 5xx `code`: its IANA reason phrase, or the
/// class's title for an unregistered code (as `apierror::status::title`).
pub fn title(code: u16) -> &'static str {
    match code {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "(Unused)",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended (OBSOLETED)",
        511 => "Network Authentication Required",
        _ => match code / 100 {
            4 => "Client Error",
            5 => "Server Error",
            _ => "Error",
        },
    }
}
