//! Gift offers (004 gifts) as the merchant defines them, and redemptions used at the counter.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::gifts::{self, OfferInput};
use kedai_identity::Permission;
use kedai_loyalty::TierId;
use kedai_loyalty::gift::{GiftOffer, GiftOfferId, GiftRedemption};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{
    Decimal, MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta, double_option,
};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_gift_offers)
        .service(create_gift_offer)
        .service(get_gift_offer)
        .service(update_gift_offer)
        .service(use_gift_redemption);
}

fn offer_id(raw: &str) -> Result<GiftOfferId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::GiftOffer, raw).into())
}

/// A gift offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftOfferResponse {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Points price; null when only claimed with a code.
    pub points: Option<i64>,
    /// Its value: an amount in major units, or a percentage.
    pub face_value: Option<f64>,
    /// `PERCENTAGE` or `AMOUNT`.
    pub face_value_type: Option<String>,
    /// Image URL.
    pub image: Option<String>,
    /// Terms and conditions.
    pub terms_and_conditions: Option<String>,
    /// Days a redemption stays valid.
    pub expiry_days: Option<i64>,
    /// Only for this tier's members.
    pub membership_tier_id: Option<i64>,
    /// In all (0: no limit).
    pub quota: i64,
    /// Per member (0: no limit).
    pub quota_per_member: i64,
    /// Redeemed so far.
    pub redeemed_count: i64,
    /// From.
    pub start_at: Option<DateTime<Utc>>,
    /// Until.
    pub end_at: Option<DateTime<Utc>>,
    /// `active` or `inactive`.
    pub status: String,
    /// The code that claims it without points.
    pub claim_code: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

fn respond(o: GiftOffer, currency: kedai_core::Currency) -> GiftOfferResponse {
    let face_value = o.face_value_number(currency);
    let d = o.draft;
    GiftOfferResponse {
        id: o.id.to_string(),
        name: d.name,
        description: d.description,
        points: d.points,
        face_value,
        face_value_type: d.face_value_type.map(|t| t.as_str().to_owned()),
        image: d.image,
        terms_and_conditions: d.terms,
        expiry_days: d.expiry_days,
        membership_tier_id: d.membership_tier_id.map(TierId::get),
        quota: d.quota,
        quota_per_member: d.quota_per_member,
        redeemed_count: o.redeemed_count,
        start_at: d.start_at,
        end_at: d.end_at,
        status: d.status.as_str().to_owned(),
        claim_code: d.claim_code,
        created_at: o.created_at,
        updated_at: o.updated_at,
    }
}

/// An offer to create (`name` and a `points` price or a `claim_code` required) or change
/// (absent fields stay; null clears).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftOfferRequest {
    /// Name, 1–200 characters.
    #[schema(example = "Free Iced Latte")]
    pub name: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Points price, 1–10 000 000.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, example = 200)]
    pub points: Option<Option<i64>>,
    /// Face value: an amount in major units, or a percentage (with `face_value_type`).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>, example = 14.9)]
    pub face_value: Option<Option<Decimal>>,
    /// `PERCENTAGE` or `AMOUNT`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "AMOUNT")]
    pub face_value_type: Option<Option<String>>,
    /// Image URL.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub image: Option<Option<String>>,
    /// Terms and conditions.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub terms_and_conditions: Option<Option<String>>,
    /// Days a redemption stays valid, 1–3650; null: until used.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, example = 30)]
    pub expiry_days: Option<Option<i64>>,
    /// Only for this tier's members.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub membership_tier_id: Option<Option<i64>>,
    /// In all; 0 (default): no limit.
    #[schema(example = 100)]
    pub quota: Option<i64>,
    /// Per member; 0 (default): no limit.
    #[schema(example = 1)]
    pub quota_per_member: Option<i64>,
    /// From (RFC 3339).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub start_at: Option<Option<DateTime<Utc>>>,
    /// Until (RFC 3339), after `start_at`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub end_at: Option<Option<DateTime<Utc>>>,
    /// `active` (default) or `inactive`.
    pub status: Option<String>,
    /// A code that claims it without points: letters, digits, `-`, `_`; unique.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "LATTE2026")]
    pub claim_code: Option<Option<String>>,
}

impl GiftOfferRequest {
    fn into_input(self) -> Result<OfferInput> {
        Ok(OfferInput {
            name: self.name,
            description: self.description,
            points: self.points,
            face_value: self.face_value.map(|v| v.map(|d| d.0)),
            face_value_type: self
                .face_value_type
                .map(|t| {
                    t.map(|t| ApiError::parse_field("face_value_type", &t))
                        .transpose()
                })
                .transpose()?,
            image: self.image,
            terms: self.terms_and_conditions,
            expiry_days: self.expiry_days,
            membership_tier_id: self
                .membership_tier_id
                .map(|t| {
                    t.map(|t| {
                        TierId::new(t).map_err(|_| {
                            AppError::invalid("membership_tier_id", "is not a tier id")
                        })
                    })
                    .transpose()
                })
                .transpose()?,
            quota: self.quota,
            quota_per_member: self.quota_per_member,
            start_at: self.start_at,
            end_at: self.end_at,
            status: self
                .status
                .as_deref()
                .map(|s| ApiError::parse_field("status", s))
                .transpose()?,
            claim_code: self.claim_code,
        })
    }
}

/// Every gift offer, newest first.
#[utoipa::path(
    tag = "merchant-gifts",
    params(
        ("page" = Option<i64>, Query, description = "1-based page (default 1)"),
        ("limit" = Option<i64>, Query, description = "1–100 (default 20)"),
    ),
    responses(
        (status = 200, body = MerchantList<GiftOfferResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad paging", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/gift-offers")]
pub async fn list_gift_offers(
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersRead);
    let page = Query::of(&req)?.page(&["limit"])?;
    let (offers, total, currency) = staff
        .run_with_tenant(move |store, actor, tenant| {
            let (o, t) = store.read(|tx| {
                gifts::list_offers(tx, &actor, i64::from(page.limit()), page.offset())
            })?;
            Ok((o, t, tenant.currency))
        })
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Gift offers".into(),
        data: offers.into_iter().map(|o| respond(o, currency)).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// Defines a gift offer.
#[utoipa::path(
    tag = "merchant-gifts",
    request_body = GiftOfferRequest,
    responses(
        (status = 201, body = Envelope<GiftOfferResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks memberships:write", body = MerchantErrorBody),
        (status = 409, description = "GIFT_CODE_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/gift-offers")]
pub async fn create_gift_offer(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<GiftOfferRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MembershipsWrite);
    let input = body.0.into_input()?;
    let now = state.now();
    let (offer, currency) = staff
        .run_with_tenant(move |store, actor, tenant| {
            let o = store.write(|tx| gifts::create_offer(tx, &actor, &tenant, &input, now))?;
            Ok((o, tenant.currency))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Gift offer created",
        respond(offer, currency),
    )))
}

/// One gift offer.
#[utoipa::path(
    tag = "merchant-gifts",
    params(("id" = String, Path, description = "Offer id")),
    responses(
        (status = 200, body = Envelope<GiftOfferResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "GIFT_OFFER_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/gift-offers/{id}")]
pub async fn get_gift_offer(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersRead);
    let id = offer_id(&path)?;
    let (offer, currency) = staff
        .run_with_tenant(move |store, actor, tenant| {
            let o = store.read(|tx| gifts::get_offer(tx, &actor, id))?;
            Ok((o, tenant.currency))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Gift offer", respond(offer, currency))))
}

/// Changes a gift offer; its redeemed count stays.
#[utoipa::path(
    tag = "merchant-gifts",
    params(("id" = String, Path, description = "Offer id")),
    request_body = GiftOfferRequest,
    responses(
        (status = 200, body = Envelope<GiftOfferResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks memberships:write", body = MerchantErrorBody),
        (status = 404, description = "GIFT_OFFER_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "GIFT_CODE_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/gift-offers/{id}")]
pub async fn update_gift_offer(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<GiftOfferRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MembershipsWrite);
    let id = offer_id(&path)?;
    let input = body.0.into_input()?;
    let now = state.now();
    let (offer, currency) = staff
        .run_with_tenant(move |store, actor, tenant| {
            let o = store.write(|tx| gifts::update_offer(tx, &actor, &tenant, id, &input, now))?;
            Ok((o, tenant.currency))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Gift offer updated",
        respond(offer, currency),
    )))
}

/// A redemption code shown at the counter.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UseRedemptionRequest {
    /// The code (`GF-…`), any case.
    #[schema(example = "GF-7Q2M9K4T1B")]
    pub code: String,
}

/// A used redemption.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsedRedemptionResponse {
    /// Id.
    pub id: String,
    /// The code.
    pub code: String,
    /// The offer.
    pub offer_id: String,
    /// The member.
    pub customer_id: String,
    /// `USED`.
    pub status: String,
    /// When.
    pub used_at: Option<DateTime<Utc>>,
}

impl From<GiftRedemption> for UsedRedemptionResponse {
    fn from(r: GiftRedemption) -> Self {
        Self {
            id: r.id.to_string(),
            code: r.code,
            offer_id: r.offer_id.to_string(),
            customer_id: r.customer_id.to_string(),
            status: r.status.as_str().to_owned(),
            used_at: r.used_at,
        }
    }
}

/// Marks a redemption used at the counter, by its code: once, however many tills race.
#[utoipa::path(
    tag = "merchant-gifts",
    request_body = UseRedemptionRequest,
    responses(
        (status = 200, body = Envelope<UsedRedemptionResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks points:redeem", body = MerchantErrorBody),
        (status = 404, description = "REDEMPTION_NOT_FOUND", body = MerchantErrorBody),
        (status = 409, description = "REDEMPTION_NOT_USABLE: used, voided or expired", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/gift-redemptions/use")]
pub async fn use_gift_redemption(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<UseRedemptionRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::PointsRedeem);
    let code = body.0.code;
    let now = state.now();
    let used = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| gifts::use_redemption(tx, &actor, &tenant, &code, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Redemption used",
        UsedRedemptionResponse::from(used),
    )))
}
