//! Tenant context: storefront domain resolution and the merchant's enabled modules and brand.

use actix_web::{HttpRequest, HttpResponse, get, web};
use kedai_app::AppError;
use kedai_app::Entity;
use kedai_app::storefront::{settings, tenant_by_host};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::{PortalOk, Result, Shop, ok};
use crate::dto::PortalErrorBody;
use crate::query::Query;
use crate::surface::Portal;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(resolve_domain).service(company_modules);
}

/// The storefront host to resolve.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResolveDomainQuery {
    /// Lower-cased host name without port, as the FavCRM client sends it.
    pub hostname: Option<String>,
    /// The same, under 004's name (`hostname` wins when both are given).
    pub domain: Option<String>,
}

/// The merchant a storefront host belongs to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedDomain {
    /// The merchant's company id: send it as `X-Company-Id`.
    pub company_id: String,
}

/// Resolves a storefront host name to its merchant. Needs no headers at all.
#[utoipa::path(
    tag = "portal-tenant",
    params(ResolveDomainQuery),
    responses(
        (status = 200, body = PortalOk<ResolvedDomain>),
        (status = 404, description = "DOMAIN_NOT_FOUND: no merchant has this host", body = PortalErrorBody),
        (status = 422, description = "No host name given", body = PortalErrorBody),
    )
)]
#[get("/storefront/resolve-domain")]
pub async fn resolve_domain(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse> {
    let q = Query::of(&req)?;
    let host = q
        .text("hostname")
        .or_else(|| q.text("domain"))
        .ok_or_else(|| AppError::invalid("hostname", "is required (or domain)"))?;
    let tenant = blocking::<_, Portal>(&state, move |store| {
        store.lookup(|tx| {
            tenant_by_host(tx, &host)?
                .ok_or_else(|| AppError::not_found(Entity::StorefrontDomain, &host))
        })
    })
    .await?;
    Ok(ok(ResolvedDomain {
        company_id: tenant.id.to_string(),
    }))
}

/// An enabled module.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleCode {
    /// `bookings`, `events`, `payment_gateway`, `card_builder`, `orders_shop`, `pages`,
    /// `gift_offers` or `tutor_courses`.
    pub code: String,
}

/// Analytics ids a storefront loads.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsConfig {
    /// Google Tag Manager container.
    pub gtm_id: Option<String>,
    /// Google Analytics 4 measurement id.
    pub ga4_id: Option<String>,
    /// Meta pixel.
    pub meta_pixel_id: Option<String>,
}

/// The merchant's storefront configuration.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompanyModules {
    /// Enabled modules.
    pub modules: Vec<ModuleCode>,
    /// Brand name (the merchant's name unless a brand name is set).
    pub brand_name: String,
    /// The same, under the other name storefronts read.
    pub name: String,
    /// Brand e-mail.
    pub brand_email: Option<String>,
    /// The same, under the other name.
    pub email: Option<String>,
    /// Brand logo URL.
    pub brand_logo_url: Option<String>,
    /// The same, under the other name.
    pub logo_url: Option<String>,
    /// ISO-4217 currency of the merchant's prices.
    pub currency: String,
    /// Analytics ids, or null.
    pub analytics_config: Option<AnalyticsConfig>,
}

/// The merchant's enabled portal modules and brand (storefronts load this on every page).
#[utoipa::path(
    tag = "portal-tenant",
    params(("X-Company-Id" = Option<String>, Header, description = "Company id; may be omitted on a registered storefront domain")),
    responses(
        (status = 200, body = PortalOk<CompanyModules>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/company/modules")]
pub async fn company_modules(state: web::Data<AppState>, shop: Shop) -> Result<HttpResponse> {
    let now = state.now();
    let (tenant, s) = shop
        .run(move |store, tenant| {
            let s = store.read(|tx| settings(tx, tenant.id, now))?;
            Ok((tenant, s))
        })
        .await?;
    let brand = s.brand_name.clone().unwrap_or_else(|| tenant.name.clone());
    let email = s
        .brand_email
        .clone()
        .or_else(|| tenant.email.as_ref().map(|e| e.as_str().to_owned()));
    Ok(ok(CompanyModules {
        modules: s
            .modules
            .iter()
            .map(|m| ModuleCode { code: m.clone() })
            .collect(),
        name: brand.clone(),
        brand_name: brand,
        brand_email: email.clone(),
        email,
        brand_logo_url: s.brand_logo_url.clone(),
        logo_url: s.brand_logo_url,
        currency: tenant.currency.code().to_owned(),
        analytics_config: s.analytics.map(|a| AnalyticsConfig {
            gtm_id: a.gtm_id,
            ga4_id: a.ga4_id,
            meta_pixel_id: a.meta_pixel_id,
        }),
    }))
}
