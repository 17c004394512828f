//! The problem types a derived error can send, and the small HTML page that
//! documents each one (RFC 9457 §3.1.1: a type URI should lead to
//! human-readable documentation).
//!
//! ```
//! use apierror::{ApiError, ProblemTypes};
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! pub enum OrderError {
//!     /// The order is known, but there is nothing left to ship.
//!     #[error("order {id} is out of stock")]
//!     #[status(409)]
//!     #[problem(type = "/problems/out-of-stock", title = "Out of stock")]
//!     OutOfStock { id: u64 },
//!
//!     #[error("order {id} not found")]
//!     #[status(404)]
//!     NotFound { id: u64 },
//! }
//!
//! let types = OrderError::problem_types();
//! assert_eq!(types.len(), 2);
//! assert_eq!(types[0].uri(), "/problems/out-of-stock");
//! assert_eq!(types[0].title(), "Out of stock");
//! assert_eq!(types[0].status(), http::StatusCode::CONFLICT);
//! assert_eq!(types[0].description(), "The order is known, but there is nothing left to ship.");
//! assert_eq!(types[0].page_path(), Some("/problems/out-of-stock"));
//! // about:blank is listed too (it is what the variant sends), but has no page.
//! assert!(types[1].is_about_blank());
//! assert_eq!(types[1].page_path(), None);
//! ```

use std::sync::Arc;

use http::StatusCode;

use crate::Problem;

/// One problem type a derived error can send: what one variant puts in
/// `type`, `title` and `status`, with the variant's doc comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProblemType {
    uri: &'static str,
    title: &'static str,
    status: u16,
    description: &'static str,
}

impl ProblemType {
    /// Made by the derive, from values it has checked.
    #[doc(hidden)]
    pub const fn __new(
        uri: &'static str,
        title: &'static str,
        status: u16,
        description: &'static str,
    ) -> ProblemType {
        ProblemType {
            uri,
            title,
            status,
            description,
        }
    }

    /// The `type` URI reference, `about:blank` when the variant sets none.
    ///
    /// ```
    /// # use apierror::{ApiError, ProblemTypes};
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("gone")]
    /// #[status(410)]
    /// #[problem(type = "/problems/gone")]
    /// struct Gone;
    ///
    /// assert_eq!(Gone::problem_types()[0].uri(), "/problems/gone");
    /// ```
    pub fn uri(&self) -> &'static str {
        self.uri
    }

    /// The `title` the variant sends.
    ///
    /// ```
    /// # use apierror::{ApiError, ProblemTypes};
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("gone")]
    /// #[status(410)]
    /// struct Gone;
    ///
    /// assert_eq!(Gone::problem_types()[0].title(), "Gone");
    /// ```
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// The status the variant answers with.
    ///
    /// ```
    /// # use apierror::{ApiError, ProblemTypes};
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("gone")]
    /// #[status(410)]
    /// struct Gone;
    ///
    /// assert_eq!(Gone::problem_types()[0].status(), http::StatusCode::GONE);
    /// ```
    pub fn status(&self) -> StatusCode {
        crate::__private::status(self.status)
    }

    /// The variant's doc comment (for a struct, the struct's), each line
    /// without the space after `///`, trimmed; empty when there is none.
    ///
    /// ```
    /// # use apierror::{ApiError, ProblemTypes};
    /// /// The resource was deleted
    /// /// and will not come back.
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("gone")]
    /// #[status(410)]
    /// struct Gone;
    ///
    /// assert_eq!(
    ///     Gone::problem_types()[0].description(),
    ///     "The resource was deleted\nand will not come back."
    /// );
    /// ```
    pub fn description(&self) -> &'static str {
        self.description
    }

    /// Whether the type is `about:blank`: the problem has no semantics
    /// beyond its status (RFC 9457 §4.2.1), and its body leaves `type` out.
    ///
    /// ```
    /// # use apierror::{ApiError, ProblemTypes};
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("gone")]
    /// #[status(410)]
    /// struct Gone;
    ///
    /// assert!(Gone::problem_types()[0].is_about_blank());
    /// ```
    pub fn is_about_blank(&self) -> bool {
        self.uri == "about:blank"
    }

    /// The path this type's page is served at: the URI when it is an
    /// absolute-path reference (`/problems/out-of-stock`) that a router can
    /// match as it is (no `//` start, query, fragment, `{`, `}`, `*` or
    /// segment starting with `:`); `None` for anything else (`about:blank`,
    /// absolute URIs, which are documented where they point).
    ///
    /// ```
    /// # use apierror::{ApiError, ProblemTypes};
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// pub enum E {
    ///     #[error("a")]
    ///     #[status(410)]
    ///     #[problem(type = "/problems/a")]
    ///     A,
    ///     #[error("b")]
    ///     #[status(410)]
    ///     #[problem(type = "https://example.com/problems/b")]
    ///     B,
    /// }
    ///
    /// let types = E::problem_types();
    /// assert_eq!(types[0].page_path(), Some("/problems/a"));
    /// assert_eq!(types[1].page_path(), None);
    /// ```
    pub fn page_path(&self) -> Option<&'static str> {
        let uri = self.uri;
        let routable = uri.starts_with('/')
            && !uri.starts_with("//")
            && !uri.contains(['?', '#', '{', '}', '*'])
            && !uri.contains("/:")
            && uri.len() > 1;
        routable.then_some(uri)
    }
}

/// The problem types a type can send, for documentation: implemented by
/// `#[derive(ApiError)]` for every derived type, with no feature needed.
///
/// The list has one entry per variant, in declaration order, `about:blank`
/// variants included (they are what the variant sends; they have no page).
/// A `transparent` variant contributes its field's list, in its place, when
/// the field's type implements `ProblemTypes` (derived types, [`Problem`],
/// `Box<T>` and `Arc<T>` of those); a field type that does not, or one that
/// is a generic parameter, contributes nothing. Entries equal in every part
/// are listed once.
///
/// ```
/// use apierror::{ApiError, ProblemTypes};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("payment declined")]
/// #[status(402)]
/// #[problem(type = "/problems/payment-declined")]
/// pub struct PaymentDeclined;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// pub enum OrderError {
///     #[error("order {id} not found")]
///     #[status(404)]
///     NotFound { id: u64 },
///     #[error(transparent)]
///     #[status(transparent)]
///     Payment(#[from] PaymentDeclined),
/// }
///
/// let uris: Vec<&str> = OrderError::problem_types().iter().map(|t| t.uri()).collect();
/// assert_eq!(uris, ["about:blank", "/problems/payment-declined"]);
/// ```
pub trait ProblemTypes {
    /// Every problem type this type can send; see the trait.
    fn problem_types() -> Vec<ProblemType>;
}

impl<T: ProblemTypes + ?Sized> ProblemTypes for Box<T> {
    fn problem_types() -> Vec<ProblemType> {
        T::problem_types()
    }
}

impl<T: ProblemTypes + ?Sized> ProblemTypes for Arc<T> {
    fn problem_types() -> Vec<ProblemType> {
        T::problem_types()
    }
}

/// A `Problem` is built at run time: it lists no type.
impl ProblemTypes for Problem {
    fn problem_types() -> Vec<ProblemType> {
        Vec::new()
    }
}

#[cfg(any(feature = "axum", feature = "actix-web"))]
/// The entries of `types` with page paths, grouped by path in first-seen
/// order: one page per path, describing every variant that sends it.
pub(crate) fn pages(types: &[ProblemType]) -> Vec<(&'static str, String)> {
    let mut paths: Vec<&'static str> = Vec::new();
    for path in types.iter().filter_map(ProblemType::page_path) {
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    paths
        .into_iter()
        .map(|path| {
            let entries: Vec<&ProblemType> = types
                .iter()
                .filter(|t| t.page_path() == Some(path))
                .collect();
            (path, page(path, &entries))
        })
        .collect()
}

#[cfg(any(feature = "axum", feature = "actix-web"))]
/// The `Content-Type` of a page.
pub(crate) const PAGE_CONTENT_TYPE: &str = "text/html; charset=utf-8";

#[cfg(any(feature = "axum", feature = "actix-web"))]
/// Sent with every page: it runs nothing and loads nothing.
pub(crate) const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

#[cfg(any(feature = "axum", feature = "actix-web"))]
/// The HTML page of one type URI: its title, then each variant's status and
/// description. Every text is escaped; no script, nothing loaded.
fn page(uri: &str, entries: &[&ProblemType]) -> String {
    let title = entries.first().map_or(uri, |t| t.title);
    let mut html = String::with_capacity(512);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
    escape(&mut html, title);
    html.push_str("</title>\n<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}code{background:#eee;padding:0 .2em}</style>\n</head>\n<body>\n<h1>");
    escape(&mut html, title);
    html.push_str("</h1>\n<p>Problem type <code>");
    escape(&mut html, uri);
    html.push_str(
        "</code>, sent in <code>application/problem+json</code> bodies (RFC 9457).</p>\n",
    );
    for entry in entries {
        html.push_str("<section>\n");
        if entries.len() > 1 {
            html.push_str("<h2>");
            escape(&mut html, entry.title);
            html.push_str("</h2>\n");
        }
        let status = entry.status();
        html.push_str(&format!("<p>Status: <code>{}</code> ", status.as_u16()));
        escape(&mut html, crate::status::title(status.as_u16()));
        html.push_str("</p>\n");
        for paragraph in entry
            .description
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            html.push_str("<p>");
            escape(&mut html, paragraph);
            html.push_str("</p>\n");
        }
        html.push_str("</section>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

#[cfg(any(feature = "axum", feature = "actix-web"))]
/// HTML-escapes `text` into `out`: `&`, `<`, `>`, `"` and `'`.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(all(test, any(feature = "axum", feature = "actix-web")))]
mod tests {
    use super::*;

    const A: ProblemType =
        ProblemType::__new("/p/a", "A <b>", 409, "one & two\n\n<script>x</script>");
    const A2: ProblemType = ProblemType::__new("/p/a", "A again", 422, "");
    const BLANK: ProblemType = ProblemType::__new("about:blank", "Not Found", 404, "");

    #[test]
    fn one_page_per_path_escaped() {
        let pages = pages(&[A, BLANK, A2]);
        assert_eq!(pages.len(), 1);
        let (path, html) = &pages[0];
        assert_eq!(*path, "/p/a");
        assert!(html.contains("<title>A &lt;b&gt;</title>"), "{html}");
        assert!(html.contains("<p>one &amp; two</p>"), "{html}");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("<code>409</code> Conflict"), "{html}");
        assert!(
            html.contains("<code>422</code> Unprocessable Content"),
            "{html}"
        );
    }

    #[test]
    fn only_plain_absolute_paths_get_pages() {
        for uri in [
            "about:blank",
            "https://example.com/p",
            "//example.com/p",
            "/p?x",
            "/p#x",
            "/p/{x}",
            "/p/:x",
            "/p/*x",
            "/",
            "p/x",
        ] {
            let t = ProblemType::__new(uri, "t", 400, "");
            assert_eq!(t.page_path(), None, "{uri}");
        }
    }
}
