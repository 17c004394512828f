// What HTTP says about each status, written once and compiled into both
// crates: `apierror-derive` (macros/src/status/table.rs) and, through a
// symlink, `apierror` (core/src/status/table.rs), as serde shares its
// internals between serde_derive and serde_derive_internals. Each crate reads
// the rows with a macro of its own; core's tests check every constant name
// against `http::StatusCode`.
//
// Error rows: code, the `http::StatusCode` constant, the IANA reason phrase
// (RFC 9110 and later, not `canonical_reason`), then the headers a
// specification ties to the status as
// `(strength, wire name, name as written in prose, reference, example value)`.
// Other rows: the constants of `http::StatusCode` below 400, which the derive
// knows only to say that they are not error statuses.

macro_rules! status_table {
    ($callback:ident) => {
        $callback! {
            errors {
                400 BAD_REQUEST "Bad Request" [];
                401 UNAUTHORIZED "Unauthorized" [
                    (Must, "www-authenticate", "WWW-Authenticate", "RFC 9110 §15.5.2", "Bearer realm=\"api\"")
                ];
                402 PAYMENT_REQUIRED "Payment Required" [];
                403 FORBIDDEN "Forbidden" [];
                404 NOT_FOUND "Not Found" [];
                405 METHOD_NOT_ALLOWED "Method Not Allowed" [
                    (Must, "allow", "Allow", "RFC 9110 §15.5.6", "GET, HEAD")
                ];
                406 NOT_ACCEPTABLE "Not Acceptable" [];
                407 PROXY_AUTHENTICATION_REQUIRED "Proxy Authentication Required" [
                    (Must, "proxy-authenticate", "Proxy-Authenticate", "RFC 9110 §15.5.8", "Basic realm=\"proxy\"")
                ];
                408 REQUEST_TIMEOUT "Request Timeout" [];
                409 CONFLICT "Conflict" [];
                410 GONE "Gone" [];
                411 LENGTH_REQUIRED "Length Required" [];
                412 PRECONDITION_FAILED "Precondition Failed" [];
                413 PAYLOAD_TOO_LARGE "Content Too Large" [
                    (May, "retry-after", "Retry-After", "RFC 9110 §15.5.14", "30")
                ];
                414 URI_TOO_LONG "URI Too Long" [];
                415 UNSUPPORTED_MEDIA_TYPE "Unsupported Media Type" [];
                416 RANGE_NOT_SATISFIABLE "Range Not Satisfiable" [
                    (Should, "content-range", "Content-Range", "RFC 9110 §15.5.17", "bytes */1000")
                ];
                417 EXPECTATION_FAILED "Expectation Failed" [];
                418 IM_A_TEAPOT "(Unused)" [];
                421 MISDIRECTED_REQUEST "Misdirected Request" [];
                422 UNPROCESSABLE_ENTITY "Unprocessable Content" [];
                423 LOCKED "Locked" [];
                424 FAILED_DEPENDENCY "Failed Dependency" [];
                425 TOO_EARLY "Too Early" [];
                426 UPGRADE_REQUIRED "Upgrade Required" [
                    (Must, "upgrade", "Upgrade", "RFC 9110 §15.5.22", "HTTP/3.0")
                ];
                428 PRECONDITION_REQUIRED "Precondition Required" [];
                429 TOO_MANY_REQUESTS "Too Many Requests" [
                    (May, "retry-after", "Retry-After", "RFC 6585 §4", "30")
                ];
                431 REQUEST_HEADER_FIELDS_TOO_LARGE "Request Header Fields Too Large" [];
                451 UNAVAILABLE_FOR_LEGAL_REASONS "Unavailable For Legal Reasons" [
                    (Should, "link", "Link", "RFC 7725 §3", "<https://example.com/legal>; rel=\"blocked-by\"")
                ];
                500 INTERNAL_SERVER_ERROR "Internal Server Error" [];
                501 NOT_IMPLEMENTED "Not Implemented" [];
                502 BAD_GATEWAY "Bad Gateway" [];
                503 SERVICE_UNAVAILABLE "Service Unavailable" [
                    (May, "retry-after", "Retry-After", "RFC 9110 §15.6.4", "30")
                ];
                504 GATEWAY_TIMEOUT "Gateway Timeout" [];
                505 HTTP_VERSION_NOT_SUPPORTED "HTTP Version Not Supported" [];
                506 VARIANT_ALSO_NEGOTIATES "Variant Also Negotiates" [];
                507 INSUFFICIENT_STORAGE "Insufficient Storage" [];
                508 LOOP_DETECTED "Loop Detected" [];
                510 NOT_EXTENDED "Not Extended (OBSOLETED)" [];
                511 NETWORK_AUTHENTICATION_REQUIRED "Network Authentication Required" [];
            }
            others {
                100 CONTINUE;
                101 SWITCHING_PROTOCOLS;
                102 PROCESSING;
                103 EARLY_HINTS;
                200 OK;
                201 CREATED;
                202 ACCEPTED;
                203 NON_AUTHORITATIVE_INFORMATION;
                204 NO_CONTENT;
                205 RESET_CONTENT;
                206 PARTIAL_CONTENT;
                207 MULTI_STATUS;
                208 ALREADY_REPORTED;
                226 IM_USED;
                300 MULTIPLE_CHOICES;
                301 MOVED_PERMANENTLY;
                302 FOUND;
                303 SEE_OTHER;
                304 NOT_MODIFIED;
                305 USE_PROXY;
                307 TEMPORARY_REDIRECT;
                308 PERMANENT_REDIRECT;
            }
        }
    };
}

pub(crate) use status_table;
