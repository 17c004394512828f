//! [`Violations`] from the reports of the validator crates (features
//! `validator` and `garde`): nested structs and list items become pointer
//! segments, the output is sorted by pointer.

use crate::Violations;
use crate::violations::push_token;

#[cfg(feature = "validator")]
mod validator_impl {
    use std::fmt::Write as _;

    use serde_json::Value;
    use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

    use super::*;

    /// The violations of a [`validator`] report, sorted by pointer.
    ///
    /// Each field is a pointer segment under its Rust name (validator does
    /// not see serde renames); nested structs and list items add theirs
    /// (`/lines/1/qty`); a struct-level error (`__all__`) points at the
    /// struct itself. `detail` is the error's message, or a sentence made from
    /// its code and parameters (`"must be at least 1"`).
    ///
    /// validator reports the entries of any collection by their position, the
    /// same for a `Vec`, a `HashSet` or a `HashMap`: the pointer has that
    /// position, which names the right item only for a list.
    ///
    /// ```
    /// use apierror::Violations;
    /// use validator::{ValidationError, ValidationErrors};
    ///
    /// let mut errors = ValidationErrors::new();
    /// let mut length = ValidationError::new("length");
    /// length.add_param("min".into(), &3);
    /// errors.add("name", length);
    /// errors.add("email", ValidationError::new("email").with_message("not an address".into()));
    ///
    /// let violations = Violations::from(errors);
    /// let entries: Vec<(&str, &str)> =
    ///     violations.iter().map(|v| (v.pointer(), v.detail())).collect();
    /// assert_eq!(
    ///     entries,
    ///     [("/email", "not an address"), ("/name", "must have a length of at least 3")]
    /// );
    /// ```
    impl From<ValidationErrors> for Violations {
        fn from(errors: ValidationErrors) -> Violations {
            Violations::from(&errors)
        }
    }

    /// As the owned conversion.
    impl From<&ValidationErrors> for Violations {
        fn from(errors: &ValidationErrors) -> Violations {
            let mut violations = Violations::new();
            let mut pointer = String::new();
            walk(errors, &mut pointer, &mut violations);
            violations.sort_by_pointer();
            violations
        }
    }

    fn walk(errors: &ValidationErrors, pointer: &mut String, out: &mut Violations) {
        for (field, kind) in errors.errors() {
            let base = pointer.len();
            // `__all__` holds struct-level errors; `_tmp_validator` is what
            // validator names a collection validated on its own.
            if field != "__all__" && field != "_tmp_validator" {
                pointer.push('/');
                push_token(pointer, field);
            }
            match kind {
                ValidationErrorsKind::Field(list) => {
                    for error in list {
                        out.push(pointer, detail(error));
                    }
                }
                ValidationErrorsKind::Struct(inner) => walk(inner, pointer, out),
                ValidationErrorsKind::List(items) => {
                    for (index, inner) in items {
                        let before = pointer.len();
                        let _ = write!(pointer, "/{index}");
                        walk(inner, pointer, out);
                        pointer.truncate(before);
                    }
                }
            }
            pointer.truncate(base);
        }
    }

    /// The message, or a sentence from the code and parameters.
    fn detail(error: &ValidationError) -> String {
        if let Some(message) = &error.message {
            return message.to_string();
        }
        let param = |name: &str| error.params.get(name).map(text);
        let code = error.code.as_ref();
        let sentence = match code {
            "email" => Some("must be a valid email address".to_owned()),
            "url" => Some("must be a valid URL".to_owned()),
            "ip" => Some("must be a valid IP address".to_owned()),
            "credit_card" => Some("must be a valid credit card number".to_owned()),
            "non_control_character" => Some("must not contain control characters".to_owned()),
            "required" => Some("is required".to_owned()),
            "regex" => Some("does not match the expected pattern".to_owned()),
            "must_match" => param("other").map(|_| "must match the other field".to_owned()),
            "contains" => param("needle").map(|n| format!("must contain {n}")),
            "does_not_contain" => param("needle").map(|n| format!("must not contain {n}")),
            "length" => match (param("equal"), param("min"), param("max")) {
                (Some(equal), _, _) => Some(format!("must have a length of exactly {equal}")),
                (None, Some(min), Some(max)) => {
                    Some(format!("must have a length between {min} and {max}"))
                }
                (None, Some(min), None) => Some(format!("must have a length of at least {min}")),
                (None, None, Some(max)) => Some(format!("must have a length of at most {max}")),
                (None, None, None) => None,
            },
            "range" => {
                let bounds: Vec<String> = [
                    ("min", "at least"),
                    ("exclusive_min", "greater than"),
                    ("max", "at most"),
                    ("exclusive_max", "less than"),
                ]
                .into_iter()
                .filter_map(|(name, words)| param(name).map(|v| format!("{words} {v}")))
                .collect();
                (!bounds.is_empty()).then(|| format!("must be {}", bounds.join(" and ")))
            }
            _ => None,
        };
        sentence.unwrap_or_else(|| {
            let mut names: Vec<&str> = error
                .params
                .keys()
                .map(|k| k.as_ref())
                .filter(|k| *k != "value")
                .collect();
            names.sort_unstable();
            let mut sentence = format!("failed the `{code}` check");
            for (i, name) in names.iter().enumerate() {
                sentence.push_str(if i == 0 { " (" } else { ", " });
                let _ = write!(sentence, "{name}: {}", param(name).unwrap_or_default());
            }
            if !names.is_empty() {
                sentence.push(')');
            }
            sentence
        })
    }

    /// A parameter as text: JSON, so strings keep their quotes.
    fn text(value: &Value) -> String {
        match value {
            Value::String(s) => format!("\"{s}\""),
            other => other.to_string(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn error(code: &'static str, params: &[(&'static str, Value)]) -> ValidationError {
            let mut error = ValidationError::new(code);
            for (name, value) in params {
                error.add_param((*name).into(), value);
            }
            error.add_param("value".into(), &"secret");
            error
        }

        #[test]
        fn sentences_from_codes_and_params() {
            use serde_json::json;
            for (error, sentence) in [
                (error("email", &[]), "must be a valid email address"),
                (
                    error("length", &[("min", json!(2)), ("max", json!(5))]),
                    "must have a length between 2 and 5",
                ),
                (
                    error("length", &[("equal", json!(4))]),
                    "must have a length of exactly 4",
                ),
                (
                    error("length", &[("max", json!(4))]),
                    "must have a length of at most 4",
                ),
                (
                    error(
                        "range",
                        &[("min", json!(1)), ("exclusive_max", json!(10.5))],
                    ),
                    "must be at least 1 and less than 10.5",
                ),
                (
                    error("contains", &[("needle", json!("@"))]),
                    "must contain \"@\"",
                ),
                (
                    error("must_match", &[("other", json!("x"))]),
                    "must match the other field",
                ),
                (
                    error("even", &[("divisor", json!(2)), ("base", json!("b"))]),
                    "failed the `even` check (base: \"b\", divisor: 2)",
                ),
                (error("odd", &[]), "failed the `odd` check"),
            ] {
                assert_eq!(detail(&error), sentence);
            }
        }
    }
}

#[cfg(feature = "garde")]
mod garde_impl {
    use serde_json::Value;

    use super::*;

    /// The violations of a [`garde`] report, sorted by pointer.
    ///
    /// Paths are read through garde's `serde` form: each key or index is a
    /// pointer segment (`/lines/1/qty`, map entries under their key); the
    /// `detail` is garde's message.
    ///
    /// ```
    /// use apierror::Violations;
    /// use garde::{Error, Path, Report};
    ///
    /// let mut report = Report::new();
    /// report.append(Path::new("lines").join(1).join("qty"), Error::new("lower than 1"));
    /// report.append(Path::new("a/b"), Error::new("odd"));
    ///
    /// let violations = Violations::from(report);
    /// let entries: Vec<(&str, &str)> =
    ///     violations.iter().map(|v| (v.pointer(), v.detail())).collect();
    /// assert_eq!(entries, [("/a~1b", "odd"), ("/lines/1/qty", "lower than 1")]);
    /// ```
    impl From<garde::Report> for Violations {
        fn from(report: garde::Report) -> Violations {
            Violations::from(&report)
        }
    }

    /// As the owned conversion.
    impl From<&garde::Report> for Violations {
        fn from(report: &garde::Report) -> Violations {
            let mut violations = Violations::new();
            for (path, error) in report.iter() {
                violations.push(&pointer(path), error.message());
            }
            violations.sort_by_pointer();
            violations
        }
    }

    /// `[["key", "lines"], ["index", "1"], ["none", ""]]` → `/lines/1`.
    fn pointer(path: &garde::Path) -> String {
        let mut pointer = String::new();
        let Ok(Value::Array(components)) = serde_json::to_value(path) else {
            return pointer;
        };
        for component in &components {
            let (Some(kind), Some(name)) = (
                component.get(0).and_then(Value::as_str),
                component.get(1).and_then(Value::as_str),
            ) else {
                continue;
            };
            if kind == "key" || kind == "index" {
                pointer.push('/');
                push_token(&mut pointer, name);
            }
        }
        pointer
    }
}
