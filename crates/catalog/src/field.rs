//! Field rules every catalogue record shares: text lengths, URLs, and the error naming the
//! field.

use crate::{CatalogError, Slug};

pub(crate) const SLUG_MAX: usize = 120;
pub(crate) const NAME_MAX: usize = 200;
pub(crate) const SHORT_MAX: usize = 200;
pub(crate) const TEXT_MAX: usize = 2000;
pub(crate) const URL_MAX: usize = 2000;
pub(crate) const WEIGHT_MAX: usize = 32;
pub(crate) const OPTION_MAX: usize = 100;
pub(crate) const VALUES_MAX: usize = 100;
/// Largest image dimension accepted, in pixels.
pub const IMAGE_SIDE_MAX: i64 = 100_000;

pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        field,
        message: message.into(),
    }
}

pub(crate) fn clean_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, CatalogError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(Some(v.to_owned()))
}

pub(crate) fn clean_slug(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<Slug>, CatalogError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Slug::parse(v).map(Some).map_err(|m| invalid(field, m)),
    }
}

/// Checks an absolute http(s) URL: a scheme of `http` or `https`, a host, no spaces or
/// control characters, at most 2000 characters.
///
/// # Errors
/// A message saying what is wrong.
pub fn check_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    if url.len() > URL_MAX {
        return Err(format!("must be at most {URL_MAX} characters"));
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or("must be an http or https URL")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') || host.starts_with('@') {
        return Err("must name a host".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces".into());
    }
    Ok(url.to_owned())
}
