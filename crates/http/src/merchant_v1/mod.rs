//! The merchant API (`/v1/*`, 003 and 002's OrderApiService): one module per resource, sharing
//! the id parsers and the query-string reader below.

use kedai_app::AppError;
use kedai_core::{Page, PageError, ProductId};
use kedai_orders::OrderId;

use crate::error::ApiError;
use crate::surface::Merchant;

mod audit;
mod catalog;
mod checkout_options;
mod coupons;
mod customers;
mod orders;
mod outlets;
mod payments;
mod profile;
mod session;
pub(crate) mod shop;
mod staff;
mod storefront;
mod tiers;

pub use audit::*;
pub use catalog::*;
pub use checkout_options::*;
pub use coupons::*;
pub use customers::*;
pub use orders::*;
pub use outlets::*;
pub use payments::*;
pub use profile::*;
pub use session::*;
pub use shop::*;
pub use staff::*;
pub use storefront::*;
pub use tiers::*;

type Result<T> = std::result::Result<T, ApiError<Merchant>>;

/// Registers the merchant routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(session::routes)
        .configure(audit::routes)
        .configure(catalog::routes)
        .configure(shop::routes)
        .configure(tiers::routes)
        .configure(orders::routes)
        .configure(coupons::routes)
        .configure(payments::routes)
        .configure(profile::routes)
        .configure(staff::routes)
        .configure(outlets::routes)
        .configure(customers::routes)
        .configure(checkout_options::routes)
        .configure(storefront::routes);
}

fn product_id(raw: &str) -> Result<ProductId> {
    raw.parse()
        .map_err(|_| AppError::not_found("product", raw).into())
}

fn order_id(raw: &str) -> Result<OrderId> {
    raw.parse()
        .map_err(|_| AppError::not_found("order", raw).into())
}

/// A query string read leniently: every parameter as text, so that a bad value is a 422 naming
/// the parameter rather than a generic 400. Repeated keys and comma-separated values both give
/// lists (`status=paid&status=completed`, `status=paid,completed`).
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Reads the request's query string.
    pub(crate) fn of(req: &actix_web::HttpRequest) -> Result<Self> {
        serde_urlencoded::from_str(req.query_string())
            .map(Self)
            .map_err(|e| ApiError::invalid("query", e.to_string()))
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
    pub(crate) fn date(&self, names: &[&str]) -> Result<Option<chrono::NaiveDate>> {
        let field = names.first().copied().unwrap_or("date");
        self.text_any(names)
            .map(|v| {
                chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| ApiError::invalid(field, "must be a date, YYYY-MM-DD"))
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

    /// A whole number parameter. Unlike text, a number given empty is not a number, and each
    /// of its repetitions must be one (the last one wins).
    pub(crate) fn number(&self, name: &str) -> Result<Option<i64>> {
        let mut number = None;
        for (_, v) in self.0.iter().filter(|(k, _)| k == name) {
            number = Some(
                v.trim()
                    .parse()
                    .map_err(|_| ApiError::invalid(name, "must be a whole number"))?,
            );
        }
        Ok(number)
    }

    /// A parameter parsed with `FromStr`, its error message naming what was expected.
    pub(crate) fn parsed<T: std::str::FromStr>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<Option<T>> {
        self.text(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| ApiError::invalid(name, format!("must be {expected}")))
            })
            .transpose()
    }

    /// `page` and the page size, read from `size_name` (`limit`, or 002's `per_page`).
    pub(crate) fn page(&self, size_names: &[&str]) -> Result<Page> {
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
            ApiError::invalid(field, e.to_string())
        })
    }
}
