//! Membership tiers as storefronts list them (contract §8).

use actix_web::{HttpResponse, get};
use kedai_app::tiers::public_tiers;
use kedai_loyalty::Tier;
use kedai_loyalty::coupon::percentage_to_f64;
use serde::Serialize;
use utoipa::ToSchema;

use super::{PortalOk, Result, Shop, ok};
use crate::dto::PortalErrorBody;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(portal_list_membership_tiers);
}

/// A membership tier on offer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalTier {
    /// Id (string).
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Price of joining in major units (0: free).
    pub price: f64,
    /// How many units a membership lasts.
    pub valid_period_value: i64,
    /// `MONTHS` or `YEARS`.
    pub valid_period_unit: String,
    /// Members' discount in percent.
    pub discount: f64,
    /// Benefits.
    pub benefits: Vec<String>,
    /// Highlighted.
    pub is_popular: bool,
    /// Display order.
    pub sort_order: i64,
}

impl From<Tier> for PortalTier {
    fn from(t: Tier) -> Self {
        let d = t.draft;
        Self {
            id: t.id.to_string(),
            name: d.name,
            description: d.description,
            price: d.price.to_f64(),
            valid_period_value: d.valid_period_value,
            valid_period_unit: d.valid_period_unit.to_string(),
            discount: percentage_to_f64(d.discount),
            benefits: d.benefits,
            is_popular: d.is_popular,
            sort_order: d.sort_order,
        }
    }
}

/// The merchant's membership tiers in display order, as a bare array.
#[utoipa::path(
    tag = "portal-membership",
    responses(
        (status = 200, body = PortalOk<Vec<PortalTier>>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/membership-tiers")]
pub async fn portal_list_membership_tiers(shop: Shop) -> Result<HttpResponse> {
    let tiers = shop
        .run(move |store, tenant| store.read(|tx| public_tiers(tx, tenant.id)))
        .await?;
    Ok(ok(tiers
        .into_iter()
        .map(PortalTier::from)
        .collect::<Vec<_>>()))
}
