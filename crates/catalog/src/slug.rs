//! Slugs: the URL-safe names storefronts address products, categories, brands and collections
//! by.

use crate::field::SLUG_MAX;

/// A URL-safe name: lower-case ASCII letters and digits in words joined by single hyphens,
/// at most 120 characters, and not all digits (a storefront path segment may be a product's
/// integer id instead of its slug).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Reads a slug as given, trimmed and lower-cased.
    ///
    /// # Errors
    /// A message saying what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if s.len() > SLUG_MAX {
            return Err(format!("must be at most {SLUG_MAX} characters"));
        }
        if !s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }) {
            return Err(
                "must be lower-case letters and digits in words joined by single hyphens".into(),
            );
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("must not be only digits".into());
        }
        Ok(Self(s))
    }

    /// A slug made from a name (`"Iced Latte (L)"` → `iced-latte-l`), when the name has
    /// letters or digits it can use.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        let mut out = String::new();
        for c in name.trim().chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let mut out = out.trim_end_matches('-').to_owned();
        if out.len() > SLUG_MAX {
            out.truncate(SLUG_MAX);
            out = out.trim_end_matches('-').to_owned();
        }
        Self::parse(&out).ok()
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
