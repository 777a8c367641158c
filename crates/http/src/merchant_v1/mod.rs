//! The merchant API (`/v1/*`, 003 and 002's OrderApiService): one module per resource, sharing
//! the id parsers and the query-string reader below.

use kedai_app::AppError;
use kedai_app::Entity;
use kedai_core::ProductId;
use kedai_orders::OrderId;

use crate::error::ApiError;
use crate::surface::Merchant;

mod audit;
mod campaigns;
mod catalog;
mod checkout_options;
mod coupons;
mod customers;
mod gifts;
mod orders;
mod outlets;
mod payment_gateways;
mod payments;
mod points;
mod profile;
mod session;
mod staff;
mod storefront;
mod tiers;
mod webhooks;

pub use audit::*;
pub use campaigns::*;
pub use catalog::*;
pub use checkout_options::*;
pub use coupons::*;
pub use customers::*;
pub use gifts::*;
pub use orders::*;
pub use outlets::*;
pub use payment_gateways::*;
pub use payments::*;
pub use points::*;
pub use profile::*;
pub use session::*;
pub use staff::*;
pub use storefront::*;
pub use tiers::*;
pub use webhooks::*;

type Result<T> = std::result::Result<T, ApiError<Merchant>>;

/// Registers the merchant routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(session::routes)
        .configure(audit::routes)
        .configure(catalog::routes)
        .configure(tiers::routes)
        .configure(orders::routes)
        .configure(coupons::routes)
        .configure(payments::routes)
        .configure(payment_gateways::routes)
        .configure(profile::routes)
        .configure(staff::routes)
        .configure(outlets::routes)
        .configure(customers::routes)
        .configure(points::routes)
        .configure(gifts::routes)
        .configure(campaigns::routes)
        .configure(checkout_options::routes)
        .configure(storefront::routes)
        .configure(webhooks::routes);
}

fn product_id(raw: &str) -> Result<ProductId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Product, raw).into())
}

fn customer_id(raw: &str) -> Result<kedai_identity::CustomerId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Customer, raw).into())
}

fn order_id(raw: &str) -> Result<OrderId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Order, raw).into())
}
