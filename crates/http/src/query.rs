//! The query-string reader every surface shares. Its failures are use-case validation errors,
//! which each surface renders in its own envelope.

use kedai_app::AppError;
use kedai_core::{Page, PageError};

/// A query string read leniently: every parameter as text, so that a bad value is a 422 naming
/// the parameter rather than a generic 400. Repeated keys and comma-separated values both give
/// lists (`status=paid&status=completed`, `status=paid,completed`).
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Reads the request's query string.
    pub(crate) fn of(req: &actix_web::HttpRequest) -> Result<Self, AppError> {
        serde_urlencoded::from_str(req.query_string())
            .map(Self)
            .map_err(|e| AppError::invalid("query", e.to_string()))
    }

    /// The trimmed, non-empty value of `name`, if given (the last one wins).
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The value of the first of `names` that is given (for `snake_case` and camelCase spellings).
    pub(crate) fn text_any(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| self.text(n))
    }

    /// A `YYYY-MM-DD` date under any of `names`; errors name the first.
    pub(crate) fn date(&self, names: &[&str]) -> Result<Option<chrono::NaiveDate>, AppError> {
        let field = names.first().copied().unwrap_or("date");
        self.text_any(names)
            .map(|v| {
                chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| AppError::invalid(field, "must be a date, YYYY-MM-DD"))
            })
            .transpose()
    }

    /// Every value of `name`, split on commas, trimmed, empty ones dropped.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A `true`/`false` (or `1`/`0`) parameter.
    pub(crate) fn flag(&self, name: &str) -> Result<Option<bool>, AppError> {
        match self.text(name).as_deref() {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(_) => Err(AppError::invalid(name, "must be true or false")),
        }
    }

    /// A whole number parameter. Unlike text, a number given empty is not a number, and each
    /// of its repetitions must be one (the last one wins).
    pub(crate) fn number(&self, name: &str) -> Result<Option<i64>, AppError> {
        let mut number = None;
        for (_, v) in self.0.iter().filter(|(k, _)| k == name) {
            number = Some(
                v.trim()
                    .parse()
                    .map_err(|_| AppError::invalid(name, "must be a whole number"))?,
            );
        }
        Ok(number)
    }

    /// A parameter parsed with `FromStr`, its error message naming what was expected.
    pub(crate) fn parsed<T: std::str::FromStr>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<Option<T>, AppError> {
        self.text(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| AppError::invalid(name, format!("must be {expected}")))
            })
            .transpose()
    }

    /// `page` and the page size, read from `size_name` (`limit`, or 002's `per_page`).
    pub(crate) fn page(&self, size_names: &[&str]) -> Result<Page, AppError> {
        let size_name = size_names
            .iter()
            .copied()
            .find(|n| self.text(n).is_some())
            .unwrap_or(size_names.first().copied().unwrap_or("limit"));
        Page::new(self.number("page")?, self.number(size_name)?).map_err(|e| {
            let field = if matches!(e, PageError::Page) {
                "page"
            } else {
                size_name
            };
            AppError::invalid(field, e.to_string())
        })
    }
}
