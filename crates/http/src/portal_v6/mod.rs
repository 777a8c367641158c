//! The customer portal (`/v6/customer-portal/*`, 004), answering in the shapes the real FavCRM
//! client and storefronts read (`contracts/favcrm-v6.md`): `{ success: true, data }` with bare
//! arrays for lists, `{ success: false, error: { code, message, details? } }` for errors,
//! camelCase fields, shop money as numbers, CORS for browser storefronts, and 401 only where a
//! token is required (a bad token on a public route is anonymous).
//!
//! The tenant comes from `X-Company-Id`, else from the storefront host name the request was
//! sent to, else from a valid customer token.

use kedai_app::Entity;
use kedai_core::ErrorCode;
use std::future::ready;

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderName};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::future::LocalBoxFuture;
use kedai_app::customer_auth::{self, CustomerCaller};
use kedai_app::storefront::{portal_tenant, tenant_by_host};
use kedai_app::{AppError, AuthFailure};
use kedai_core::TenantId;
use kedai_identity::Tenant;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Failure};
use crate::idempotency::{Identify, Principal};
use crate::surface::Portal;
use crate::token::bearer;
use crate::{AppState, blocking};
use kedai_app::checkout::Shopper;

mod auth;
mod catalog;
mod checkout;
mod page;
mod profile;
mod tenant;
mod tiers;

pub use auth::*;
pub use catalog::*;
pub use checkout::*;
pub use page::{ListMeta, Pagination, PortalPage};
pub use profile::*;
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

/// The tenant (merchant) a portal request is for.
#[derive(Debug, Clone)]
pub struct PortalTenant(pub Tenant);

/// What the request says about its tenant, read once and kept in the request.
#[derive(Debug, Clone)]
struct ResolvedTenant(std::result::Result<Tenant, (u16, &'static str)>);

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

/// The merchant a request names: its `X-Company-Id`, else the storefront host it was sent to,
/// else the tenant of its customer token (`None` when it names none).
///
/// # Errors
/// [`AppError::NotFound`] `company` for an unknown or malformed `X-Company-Id`,
/// [`AppError::Storage`].
fn find_tenant(
    store: &dyn kedai_app::Store,
    header: Option<&str>,
    host: &str,
    from_token: Option<TenantId>,
) -> std::result::Result<Option<Tenant>, AppError> {
    store.lookup(|tx| {
        if let Some(raw) = header {
            let id: TenantId = raw
                .parse()
                .map_err(|_| AppError::not_found(Entity::Company, raw))?;
            return portal_tenant(tx, id)
                .map(Some)
                .map_err(|_| AppError::not_found(Entity::Company, raw));
        }
        if let Some(t) = tenant_by_host(tx, host)? {
            return Ok(Some(t));
        }
        match from_token {
            Some(id) => portal_tenant(tx, id).map(Some),
            None => Ok(None),
        }
    })
}

/// Resolves the request's tenant (once per request).
fn resolve_tenant(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Tenant>> {
    if let Some(ResolvedTenant(kept)) = req.extensions().get::<ResolvedTenant>().cloned() {
        return Box::pin(ready(kept.map_err(|_| tenant_missing())));
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Box::pin(ready(Err(tenant_missing())));
    };
    let header = company_header(req);
    let host = req.connection_info().host().to_owned();
    let from_token = token_caller(req).ok().flatten().map(|c| c.tenant);
    let req = req.clone();
    Box::pin(async move {
        let found = blocking::<_, Portal>(&state, move |store| {
            find_tenant(store, header.as_deref(), &host, from_token)
        })
        .await?;
        match found {
            Some(t) => {
                req.extensions_mut().insert(ResolvedTenant(Ok(t.clone())));
                Ok(t)
            }
            None => Err(tenant_missing()),
        }
    })
}

/// The shopper of a creating request, for [`crate::idempotency::create`], found inside its
/// one hop: the shop the request names, and its customer when the request carries a valid,
/// live token of that shop (anonymous otherwise, as on every public route). Storefront keys
/// are the signed-in customer's (`customer:<id>`), or the shop's guests' together (`guest`:
/// keys are random per checkout, and a different request with a used key is refused, not
/// replayed).
pub(crate) fn shopper_principal(
    req: &HttpRequest,
    now: chrono::DateTime<chrono::Utc>,
) -> impl Identify<Portal, Shopper> {
    let header = company_header(req);
    let host = req.connection_info().host().to_owned();
    let token = token_caller(req).ok().flatten();
    move |store: &dyn kedai_app::Store| {
        let tenant = find_tenant(store, header.as_deref(), &host, token.map(|c| c.tenant))?
            .ok_or_else(tenant_missing)?;
        let customer = token
            .filter(|c| c.tenant == tenant.id)
            .filter(|c| {
                store
                    .lookup(|tx| customer_auth::authenticate(tx, *c, now))
                    .is_ok()
            })
            .map(|c| c.customer);
        Ok(Principal {
            tenant: tenant.id,
            caller: Shopper { tenant, customer },
            owner: customer.map_or_else(|| "guest".to_owned(), |c| format!("customer:{c}")),
        })
    }
}

impl FromRequest for PortalTenant {
    type Error = ApiError<Portal>;
    type Future = LocalBoxFuture<'static, Result<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let tenant = resolve_tenant(req);
        Box::pin(async move { tenant.await.map(Self) })
    }
}

/// Checks a token's customer against the request's tenant and the session store.
async fn checked_caller(
    req: HttpRequest,
    caller: CustomerCaller,
) -> Result<std::result::Result<CustomerCaller, ApiError<Portal>>> {
    let tenant = resolve_tenant(&req).await?;
    if tenant.id != caller.tenant {
        return Ok(Err(AppError::NotAllowed {
            code: ErrorCode::ForbiddenTenant,
            message: "this token belongs to another merchant".into(),
        }
        .into()));
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(Err(
            AppError::Unauthenticated(AuthFailure::InvalidToken).into()
        ));
    };
    let now = state.now();
    let live = blocking::<_, Portal>(&state, move |store| {
        store.lookup(|tx| customer_auth::authenticate(tx, caller, now))
    })
    .await;
    Ok(live.map(|()| caller))
}

/// A signed-in customer of the request's tenant; 401 without a valid, live customer token,
/// 403 `FORBIDDEN_TENANT` for a token of another merchant.
#[derive(Debug, Clone, Copy)]
pub struct SignedInCustomer(pub CustomerCaller);

impl FromRequest for SignedInCustomer {
    type Error = ApiError<Portal>;
    type Future = LocalBoxFuture<'static, Result<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = token_caller(req);
        let req = req.clone();
        Box::pin(async move {
            let caller = match token {
                Ok(Some(c)) => c,
                Ok(None) => return Err(AppError::Unauthenticated(AuthFailure::Missing).into()),
                Err(why) => return Err(AppError::Unauthenticated(why).into()),
            };
            checked_caller(req, caller).await?.map(Self)
        })
    }
}

/// The signed-in customer when the request carries a valid, live token of this tenant;
/// anonymous otherwise (a missing, bad, expired or foreign token is not an error on a public
/// route).
#[derive(Debug, Clone, Copy)]
pub struct MaybeCustomer(pub Option<CustomerCaller>);

impl FromRequest for MaybeCustomer {
    type Error = ApiError<Portal>;
    type Future = LocalBoxFuture<'static, Result<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = token_caller(req).ok().flatten();
        let req = req.clone();
        Box::pin(async move {
            let Some(caller) = token else {
                return Ok(Self(None));
            };
            match checked_caller(req, caller).await? {
                Ok(c) => Ok(Self(Some(c))),
                Err(_) => Ok(Self(None)),
            }
        })
    }
}

/// The request's client address, for per-address limits.
pub(crate) fn client_ip(req: &HttpRequest) -> String {
    let trust = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.limits.config().trust_forwarded_for);
    crate::ratelimit::client_ip(req, trust)
}

/// Hands committed messages to the notifier.
pub(crate) fn deliver(state: &AppState, messages: &[kedai_identity::OutgoingMessage]) {
    for m in messages {
        state.notifier.deliver(m);
    }
}
