//! The customer portal (`/v6/customer-portal/*`, 004), answering in the shapes the real FavCRM
//! client and storefronts read (`contracts/favcrm-v6.md`): `{ success: true, data }` with bare
//! arrays for lists, `{ success: false, error: { code, message, details? } }` for errors,
//! camelCase fields, shop money as numbers, CORS for browser storefronts, and 401 only where a
//! token is required (a bad token on a public route is anonymous).
//!
//! The tenant comes from `X-Company-Id`, else from the storefront host name the request was
//! sent to, else from a valid customer token.

use kedai_core::ErrorCode;

use actix_web::http::header::{self, HeaderName};
use actix_web::{HttpRequest, HttpResponse, web};
use kedai_app::AuthFailure;
use kedai_app::customer_auth::CustomerCaller;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::surface::Portal;
use crate::token::bearer;

mod auth;
mod catalog;
mod checkout;
mod gifts;
mod membership;
mod page;
mod profile;
mod shop;
mod tenant;
mod tiers;

pub use auth::*;
pub use catalog::*;
pub use checkout::*;
pub use page::{ListMeta, Pagination, PortalPage};
pub use profile::*;
pub(crate) use shop::UncheckedShopper;
pub use shop::{Shop, SignedIn};
pub use tenant::*;
pub use tiers::*;

/// A portal handler's result.
pub type Result<T> = std::result::Result<T, ApiError<Portal>>;

/// The tenant header every SDK request carries.
pub const COMPANY_HEADER: &str = "x-company-id";

/// Registers the portal routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(tenant::routes)
        .configure(auth::routes)
        .configure(profile::routes)
        .configure(catalog::routes)
        .configure(tiers::routes)
        .configure(membership::routes)
        .configure(gifts::routes)
        .configure(checkout::routes);
}

/// CORS for browser storefronts: any origin (customer calls carry a bearer token in a header,
/// never cookies, so no credentials mode), the headers the SDK sends, GET, POST, PATCH and
/// DELETE; preflights are answered here and cached for ten minutes.
pub fn cors() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allow_any_origin()
        .allowed_methods(["GET", "POST", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static(COMPANY_HEADER),
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
            HeaderName::from_static("x-ratelimit-reset"),
        ])
        .max_age(600)
}

/// The portal's success envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalOk<T> {
    /// Always true.
    pub success: bool,
    /// The result.
    pub data: T,
}

/// `200 { success: true, data }`.
pub fn ok<T: Serialize>(data: T) -> HttpResponse {
    HttpResponse::Ok().json(PortalOk {
        success: true,
        data,
    })
}

/// `201 { success: true, data }`.
pub fn created<T: Serialize>(data: T) -> HttpResponse {
    HttpResponse::Created().json(PortalOk {
        success: true,
        data,
    })
}

pub(crate) fn company_header(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(COMPANY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The customer an access token names, verified only against its signature and expiry.
fn token_caller(req: &HttpRequest) -> std::result::Result<Option<CustomerCaller>, AuthFailure> {
    let Some(token) = bearer(req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(AuthFailure::InvalidToken)?;
    state.tokens.verify_customer(token).map(Some)
}

fn tenant_missing() -> ApiError<Portal> {
    Failure::BadRequest {
        code: ErrorCode::TenantRequired,
        message: "name the merchant with the X-Company-Id header (its company id) or call \
                  from one of its storefront domains"
            .into(),
    }
    .into()
}

/// The request's client address, for per-address limits.
pub(crate) fn client_ip(req: &HttpRequest) -> String {
    let trust = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.limits.config().trust_forwarded_for);
    crate::ratelimit::client_ip(req, trust)
}

/// Tells this instance's outbox worker that messages were queued, so that a sign-in code goes
/// out at once rather than at the worker's next poll.
pub(crate) fn wake_worker(state: &AppState) {
    (state.wake)();
}
