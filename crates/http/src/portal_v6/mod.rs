//! The customer portal (`/v6/customer-portal/*`): `{ success: true, data }`, errors as
//! `{ success: false, error: { code, message, details? } }`, camelCase fields. The tenant comes
//! from `X-Company-Id`. Customer sign-in is not served yet: every caller is anonymous.

use std::future::ready;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use futures_util::future::LocalBoxFuture;
use kedai_app::{AppError, AuthFailure};
use kedai_core::TenantId;
use kedai_identity::{CustomerId, Tenant};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Failure};
use crate::surface::Portal;
use crate::{AppState, blocking};

mod checkout;

pub use checkout::*;

/// A portal handler's result.
pub type Result<T> = std::result::Result<T, ApiError<Portal>>;

/// The tenant header every SDK request carries.
pub const COMPANY_HEADER: &str = "x-company-id";

/// Registers the portal routes.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(checkout::routes);
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

impl FromRequest for PortalTenant {
    type Error = ApiError<Portal>;
    type Future = LocalBoxFuture<'static, Result<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header = req
            .headers()
            .get(COMPANY_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
            return Box::pin(ready(Err(Failure::Malformed("no state".into()).into())));
        };
        Box::pin(async move {
            let Some(raw) = header else {
                return Err(Failure::Malformed("X-Company-Id is required".into()).into());
            };
            let tenant = blocking::<_, Portal>(&state, move |store| {
                store.lookup(|tx| {
                    let id: TenantId = raw
                        .parse()
                        .map_err(|_| AppError::not_found("tenant", &raw))?;
                    tx.find_tenant(id)?
                        .ok_or_else(|| AppError::not_found("tenant", &raw))
                })
            })
            .await?;
            Ok(Self(tenant))
        })
    }
}

/// A customer signed in to the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerCaller {
    /// Their tenant.
    pub tenant: TenantId,
    /// The customer.
    pub customer: CustomerId,
}

/// A signed-in customer: not served yet, so always 401.
#[derive(Debug, Clone, Copy)]
pub struct SignedInCustomer(pub CustomerCaller);

impl FromRequest for SignedInCustomer {
    type Error = ApiError<Portal>;
    type Future = LocalBoxFuture<'static, Result<Self>>;

    fn from_request(_: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(ready(Err(
            AppError::Unauthenticated(AuthFailure::Missing).into()
        )))
    }
}

/// The signed-in customer, if any: not served yet, so always anonymous.
#[derive(Debug, Clone, Copy)]
pub struct MaybeCustomer(pub Option<CustomerCaller>);

impl FromRequest for MaybeCustomer {
    type Error = ApiError<Portal>;
    type Future = LocalBoxFuture<'static, Result<Self>>;

    fn from_request(_: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(ready(Ok(Self(None))))
    }
}
