//! Membership tier definitions (003 §10.1): what each tier costs, how long it lasts, its
//! discount, the spend that qualifies and its benefits.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::tiers::{self, TierInput};
use kedai_identity::Permission;
use kedai_loyalty::coupon::percentage_to_f64;
use kedai_loyalty::{Tier, TierId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{Decimal, MerchantErrorBody, MerchantOk as Envelope, double_option};
use crate::error::ApiError;
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_membership_tiers)
        .service(create_membership_tier)
        .service(update_membership_tier)
        .service(delete_membership_tier);
}

fn tier_id(raw: &str) -> Result<TierId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::MembershipTier, raw).into())
}

/// A membership tier.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierResponse {
    /// Id (an integer, as a string).
    #[schema(example = "1")]
    pub id: String,
    /// Name.
    #[schema(example = "Gold")]
    pub name: String,
    /// Spend that qualifies, in major units.
    #[schema(example = 2000)]
    pub min_spend: f64,
    /// Benefits.
    pub benefits: Vec<String>,
    /// Description.
    pub description: Option<String>,
    /// Price of joining in major units (0: free).
    pub price: f64,
    /// ISO-4217 currency of the amounts.
    pub currency: String,
    /// How many units a membership lasts.
    pub valid_period_value: i64,
    /// `MONTHS` or `YEARS`.
    pub valid_period_unit: String,
    /// Members' discount in percent (`12.5`).
    pub discount: f64,
    /// What members earn per point the earning rule gives (`1.5`).
    #[schema(example = 1.5)]
    pub points_multiplier: f64,
    /// Highlighted on the storefront.
    pub is_popular: bool,
    /// Display order.
    pub sort_order: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Tier> for TierResponse {
    fn from(t: Tier) -> Self {
        let d = t.draft;
        Self {
            id: t.id.to_string(),
            name: d.name,
            min_spend: d.min_spend.to_f64(),
            benefits: d.benefits,
            description: d.description,
            price: d.price.to_f64(),
            currency: d.price.currency().code().to_owned(),
            valid_period_value: d.valid_period_value,
            valid_period_unit: d.valid_period_unit.to_string(),
            discount: percentage_to_f64(d.discount),
            points_multiplier: percentage_to_f64(d.points_multiplier),
            is_popular: d.is_popular,
            sort_order: d.sort_order,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A tier to create (name required; the rest default to free, 12 months, no discount, no
/// minimum spend, no benefits) or change (absent fields stay).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TierRequest {
    /// Name, 1–100 characters, unique per merchant in any case.
    #[schema(example = "Gold")]
    pub name: Option<String>,
    /// Description (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Price in major units, not negative.
    #[schema(value_type = Option<f64>, example = 99)]
    pub price: Option<Decimal>,
    /// 1–120 months or 1–10 years.
    #[schema(example = 12)]
    pub valid_period_value: Option<i64>,
    /// `MONTHS` or `YEARS`.
    #[schema(example = "MONTHS")]
    pub valid_period_unit: Option<String>,
    /// Members' discount in percent, 0–100, up to 2 decimals.
    #[schema(value_type = Option<f64>, example = 10)]
    pub discount: Option<Decimal>,
    /// Spend that qualifies, in major units, not negative.
    #[schema(value_type = Option<f64>, example = 2000)]
    pub min_spend: Option<Decimal>,
    /// Points multiplier, above 0 and at most 10, up to 2 decimals (default 1).
    #[schema(value_type = Option<f64>, example = 1.5)]
    pub points_multiplier: Option<Decimal>,
    /// Up to 50 benefits of 1–200 characters.
    pub benefits: Option<Vec<String>>,
    /// Highlighted on the storefront.
    pub is_popular: Option<bool>,
    /// Display order.
    pub sort_order: Option<i64>,
}

impl TierRequest {
    fn into_input(self) -> Result<TierInput> {
        Ok(TierInput {
            name: self.name,
            description: self.description,
            price: self.price.map(|p| p.0),
            valid_period_value: self.valid_period_value,
            valid_period_unit: self
                .valid_period_unit
                .as_deref()
                .map(|u| ApiError::parse_field("valid_period_unit", u))
                .transpose()?,
            discount: self.discount.map(|d| d.0),
            min_spend: self.min_spend.map(|m| m.0),
            points_multiplier: self.points_multiplier.map(|m| m.0),
            benefits: self.benefits,
            is_popular: self.is_popular,
            sort_order: self.sort_order,
        })
    }
}

/// A deleted tier.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedTier {
    /// Id.
    pub id: String,
    /// Always true.
    pub deleted: bool,
}

/// The merchant's membership tiers in display order.
#[utoipa::path(
    tag = "merchant-memberships",
    responses(
        (status = 200, body = Envelope<Vec<TierResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not read customers", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/memberships/tiers")]
pub async fn list_membership_tiers(staff: Staff<Merchant>) -> Result<HttpResponse> {
    let list = staff
        .run(move |store, actor| store.read(|tx| tiers::list_tiers(tx, &actor)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Membership tiers",
        list.into_iter().map(TierResponse::from).collect::<Vec<_>>(),
    )))
}

/// Defines a membership tier.
#[utoipa::path(
    tag = "merchant-memberships",
    request_body = TierRequest,
    responses(
        (status = 201, body = Envelope<TierResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not define tiers", body = MerchantErrorBody),
        (status = 409, description = "TIER_NAME_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/memberships/tiers")]
pub async fn create_membership_tier(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<TierRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MembershipsWrite);
    let input = body.0.into_input()?;
    let now = state.now();
    let tier = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| tiers::create_tier(tx, &actor, &tenant, &input, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Membership tier created",
        TierResponse::from(tier),
    )))
}

/// Changes a membership tier.
#[utoipa::path(
    tag = "merchant-memberships",
    params(("id" = String, Path, description = "Tier id")),
    request_body = TierRequest,
    responses(
        (status = 200, body = Envelope<TierResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not define tiers", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "TIER_NAME_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/memberships/tiers/{id}")]
pub async fn update_membership_tier(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<TierRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MembershipsWrite);
    let id = tier_id(&path)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let tier = staff
        .run(move |store, actor| store.write(|tx| tiers::update_tier(tx, &actor, id, &input, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Membership tier updated",
        TierResponse::from(tier),
    )))
}

/// Deletes a membership tier.
#[utoipa::path(
    tag = "merchant-memberships",
    params(("id" = String, Path, description = "Tier id")),
    responses(
        (status = 200, body = Envelope<DeletedTier>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not define tiers", body = MerchantErrorBody),
        (status = 404, description = "NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/memberships/tiers/{id}")]
pub async fn delete_membership_tier(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::MembershipsWrite);
    let id = tier_id(&path)?;
    staff
        .run(move |store, actor| store.write(|tx| tiers::delete_tier(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Membership tier deleted",
        DeletedTier {
            id: id.to_string(),
            deleted: true,
        },
    )))
}
