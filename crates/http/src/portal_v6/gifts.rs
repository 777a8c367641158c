//! Gifts on the storefront (004; contract §9): offers, redeeming for points, claiming with a
//! code, and the member's redemptions — `{items, total, limit, offset}` lists, empty-body POSTs.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use kedai_app::gifts;
use kedai_loyalty::gift::{
    GiftOffer, GiftOfferId, GiftRedemption, GiftRedemptionId, RedemptionStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::shop::Shop;
use super::{PortalOk, Result, SignedIn, ok};
use crate::AppState;
use crate::body::JsonBody;
use crate::dto::PortalErrorBody;
use crate::query::Query;
use crate::surface::Portal;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // Fixed paths before `{id}`.
    cfg.service(list_offers)
        .service(get_offer)
        .service(redeem_offer)
        .service(claim_gift)
        .service(list_redemptions)
        .service(get_redemption)
        .service(fulfill_redemption);
}

/// A gift offer as the storefront reads it (`ApiGiftOffer`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiGiftOffer {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Points price; null when it is claimed with a code.
    pub points: Option<i64>,
    /// Stamps price (stamp cards are not offered yet: always null).
    pub stamps: Option<i64>,
    /// Its value: an amount, or a percentage.
    pub face_value: Option<f64>,
    /// `PERCENTAGE` or `AMOUNT`.
    pub face_value_type: Option<String>,
    /// Image URL.
    pub image: Option<String>,
    /// Terms and conditions.
    pub terms_and_conditions: Option<String>,
    /// How long a redemption stays valid (a number, as a string).
    pub expiry_period: Option<String>,
    /// `days`.
    pub expiry_period_unit: Option<String>,
    /// Only for this tier's members.
    pub membership_tier_id: Option<i64>,
    /// How many in all (0: no limit).
    pub quota: i64,
    /// How many per member (0: no limit).
    pub quota_per_member: i64,
    /// From.
    pub start_date: Option<DateTime<Utc>>,
    /// Until.
    pub end_date: Option<DateTime<Utc>>,
    /// Whether the shopper can redeem it for points now.
    pub is_redeemable: bool,
    /// `active` or `inactive`.
    pub status: String,
}

/// An offer in the storefront's shape.
#[must_use]
pub fn api_offer(o: &GiftOffer, redeemable: bool, currency: kedai_core::Currency) -> ApiGiftOffer {
    let d = &o.draft;
    ApiGiftOffer {
        id: o.id.to_string(),
        name: d.name.clone(),
        description: d.description.clone(),
        points: d.points,
        stamps: None,
        face_value: o.face_value_number(currency),
        face_value_type: d.face_value_type.map(|t| t.as_str().to_owned()),
        image: d.image.clone(),
        terms_and_conditions: d.terms.clone(),
        expiry_period: d.expiry_days.map(|n| n.to_string()),
        expiry_period_unit: d.expiry_days.map(|_| "days".to_owned()),
        membership_tier_id: d.membership_tier_id.map(kedai_loyalty::TierId::get),
        quota: d.quota,
        quota_per_member: d.quota_per_member,
        start_date: d.start_at,
        end_date: d.end_at,
        is_redeemable: redeemable,
        status: d.status.as_str().to_owned(),
    }
}

/// A redemption as the storefront reads it (`ApiRewardRedemption`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiRewardRedemption {
    /// Id.
    pub id: String,
    /// `VALID`, `FULFILLED`, `USED`, `EXPIRED` or `VOIDED`.
    pub status: String,
    /// The single-use code shown at the counter.
    pub coupon_code: Option<String>,
    /// Points it cost.
    pub points: Option<i64>,
    /// When it was redeemed.
    pub redemption_date: Option<DateTime<Utc>>,
    /// Its last valid day, `YYYY-MM-DD`.
    pub expires_at: Option<String>,
    /// When it was fulfilled.
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// How.
    pub fulfillment_method: Option<String>,
    /// Remarks.
    pub remarks: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// The offer, in brief.
    #[schema(value_type = Option<Object>)]
    pub gift_offer: Option<serde_json::Value>,
}

fn api_redemption(
    r: GiftRedemption,
    offer: Option<GiftOffer>,
    today: chrono::NaiveDate,
    currency: kedai_core::Currency,
) -> ApiRewardRedemption {
    ApiRewardRedemption {
        id: r.id.to_string(),
        status: r.status_at(today).as_str().to_owned(),
        coupon_code: Some(r.code.clone()),
        points: r.points,
        redemption_date: Some(r.created_at),
        expires_at: r.expires_on.map(|d| d.to_string()),
        fulfilled_at: r.fulfilled_at,
        fulfillment_method: r.fulfillment_method,
        remarks: r.remarks,
        created_at: r.created_at,
        gift_offer: offer.map(|o| {
            serde_json::json!({
                "id": o.id.to_string(),
                "name": o.draft.name,
                "description": o.draft.description,
                "points": o.draft.points,
                "stamps": null,
                "image": o.draft.image,
                "faceValue": o.face_value_number(currency),
                "faceValueType": o.draft.face_value_type.map(|t| t.as_str()),
                "termsAndConditions": o.draft.terms,
            })
        }),
    }
}

/// An `{items, total, limit, offset}` page.
#[derive(Debug, Serialize, ToSchema)]
pub struct OffsetPage<T> {
    /// This page.
    pub items: Vec<T>,
    /// How many in all.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Skipped.
    pub offset: i64,
}

fn paging(req: &HttpRequest) -> Result<(i64, i64)> {
    let q = Query::of(req)?;
    let limit = q.number("limit")?.unwrap_or(20);
    let offset = q.number("offset")?.unwrap_or(0);
    if !(1..=100).contains(&limit) {
        return Err(kedai_app::AppError::invalid("limit", "must be between 1 and 100").into());
    }
    if offset < 0 {
        return Err(kedai_app::AppError::invalid("offset", "must not be negative").into());
    }
    Ok((limit, offset))
}

fn offer_id(raw: &str) -> Result<GiftOfferId> {
    raw.parse()
        .map_err(|_| kedai_app::AppError::not_found(kedai_app::Entity::GiftOffer, raw).into())
}

fn redemption_id(raw: &str) -> Result<GiftRedemptionId> {
    raw.parse()
        .map_err(|_| kedai_app::AppError::not_found(kedai_app::Entity::GiftRedemption, raw).into())
}

/// The gift offers on show now; with a token, `isRedeemable` says whether the member can
/// redeem each for points now.
#[utoipa::path(
    tag = "portal-gifts",
    params(
        ("X-Company-Id" = Option<String>, Header, description = "Company id"),
        ("limit" = Option<i64>, Query, description = "1–100 (default 20)"),
        ("offset" = Option<i64>, Query, description = "Skipped (default 0)"),
    ),
    responses(
        (status = 200, body = PortalOk<OffsetPage<ApiGiftOffer>>),
        (status = 422, description = "Bad paging", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[get("/gifts/offers")]
pub async fn list_offers(
    state: web::Data<AppState>,
    shop: Shop,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let (limit, offset) = paging(&req)?;
    let now = state.now();
    let (offers, total, currency) = shop
        .shopper(move |store, shopper| {
            let (offers, total) = store.read(|tx| {
                gifts::public_offers(tx, &shopper.tenant, shopper.customer, limit, offset, now)
            })?;
            Ok((offers, total, shopper.tenant.currency))
        })
        .await?;
    Ok(ok(OffsetPage {
        items: offers
            .iter()
            .map(|(o, r)| api_offer(o, *r, currency))
            .collect(),
        total,
        limit,
        offset,
    }))
}

/// One gift offer.
#[utoipa::path(
    tag = "portal-gifts",
    params(
        ("X-Company-Id" = Option<String>, Header, description = "Company id"),
        ("id" = String, Path, description = "Offer id"),
    ),
    responses(
        (status = 200, body = PortalOk<ApiGiftOffer>),
        (status = 404, description = "GIFT_OFFER_NOT_FOUND", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[get("/gifts/offers/{id}")]
pub async fn get_offer(
    state: web::Data<AppState>,
    shop: Shop,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = offer_id(&path)?;
    let now = state.now();
    let (offer, redeemable, currency) = shop
        .shopper(move |store, shopper| {
            let (o, r) = store
                .read(|tx| gifts::public_offer(tx, &shopper.tenant, shopper.customer, id, now))?;
            Ok((o, r, shopper.tenant.currency))
        })
        .await?;
    Ok(ok(api_offer(&offer, redeemable, currency)))
}

/// Redeems an offer for its points price; the answer holds the single-use code. No body.
#[utoipa::path(
    tag = "portal-gifts",
    params(
        ("X-Company-Id" = Option<String>, Header, description = "Company id"),
        ("id" = String, Path, description = "Offer id"),
    ),
    responses(
        (status = 200, body = PortalOk<ApiRewardRedemption>),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 404, description = "GIFT_OFFER_NOT_FOUND", body = PortalErrorBody),
        (status = 409, description = "GIFT_NOT_AVAILABLE, GIFT_SOLD_OUT, GIFT_WRONG_TIER, GIFT_MEMBER_QUOTA or GIFT_NOT_FOR_POINTS", body = PortalErrorBody),
        (status = 422, description = "INSUFFICIENT_POINTS", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/gifts/offers/{id}/redeem")]
pub async fn redeem_offer(
    state: web::Data<AppState>,
    member: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = offer_id(&path)?;
    let now = state.now();
    let answer = member
        .run(move |store, tenant, caller| {
            let (r, o) = store.write(|tx| gifts::redeem_offer(tx, &tenant, caller, id, now))?;
            Ok(api_redemption(
                r,
                Some(o),
                tenant.time_zone.local_date(now),
                tenant.currency,
            ))
        })
        .await?;
    Ok(ok(answer))
}

/// A claim: the code from a link or a campaign (`code`, or `claimToken`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClaimRequest {
    /// The claim code.
    pub code: Option<String>,
    /// The same, as 004 names it.
    pub claim_token: Option<String>,
    /// The offer (informational: the code names it).
    pub offer_id: Option<String>,
}

/// Claims the gift a code names, without points.
#[utoipa::path(
    tag = "portal-gifts",
    request_body = ClaimRequest,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<ApiRewardRedemption>),
        (status = 400, description = "Malformed body", body = PortalErrorBody),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 409, description = "GIFT_NOT_AVAILABLE, GIFT_SOLD_OUT, GIFT_WRONG_TIER or GIFT_MEMBER_QUOTA", body = PortalErrorBody),
        (status = 422, description = "No code, or GIFT_CODE_INVALID", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/gifts/claim")]
pub async fn claim_gift(
    state: web::Data<AppState>,
    member: SignedIn,
    body: JsonBody<ClaimRequest, Portal>,
) -> Result<HttpResponse> {
    let req = body.0;
    let _ = req.offer_id;
    let code = req
        .code
        .or(req.claim_token)
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| kedai_app::AppError::invalid("code", "is required"))?;
    let now = state.now();
    let answer = member
        .run(move |store, tenant, caller| {
            let (r, o) = store.write(|tx| gifts::claim_offer(tx, &tenant, caller, &code, now))?;
            Ok(api_redemption(
                r,
                Some(o),
                tenant.time_zone.local_date(now),
                tenant.currency,
            ))
        })
        .await?;
    Ok(ok(answer))
}

/// The member's redemptions, newest first; `status` (any case) filters.
#[utoipa::path(
    tag = "portal-gifts",
    params(
        ("X-Company-Id" = Option<String>, Header, description = "Company id"),
        ("status" = Option<String>, Query, description = "valid, fulfilled, used, expired or voided"),
        ("limit" = Option<i64>, Query, description = "1–100 (default 20)"),
        ("offset" = Option<i64>, Query, description = "Skipped (default 0)"),
    ),
    responses(
        (status = 200, body = PortalOk<OffsetPage<ApiRewardRedemption>>),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 422, description = "Bad status or paging", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/gifts/redemptions")]
pub async fn list_redemptions(
    state: web::Data<AppState>,
    member: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let (limit, offset) = paging(&req)?;
    let status = Query::of(&req)?.parsed::<RedemptionStatus>("status", "a redemption status")?;
    let now = state.now();
    let (items, total) = member
        .run(move |store, tenant, caller| {
            let (list, total) = store.read(|tx| {
                gifts::member_redemptions(tx, &tenant, caller, status, limit, offset, now)
            })?;
            let today = tenant.time_zone.local_date(now);
            let items: Vec<ApiRewardRedemption> = list
                .into_iter()
                .map(|(r, o)| api_redemption(r, o, today, tenant.currency))
                .collect();
            Ok((items, total))
        })
        .await?;
    Ok(ok(OffsetPage {
        items,
        total,
        limit,
        offset,
    }))
}

/// One of the member's redemptions.
#[utoipa::path(
    tag = "portal-gifts",
    params(
        ("X-Company-Id" = Option<String>, Header, description = "Company id"),
        ("id" = String, Path, description = "Redemption id"),
    ),
    responses(
        (status = 200, body = PortalOk<ApiRewardRedemption>),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 404, description = "REDEMPTION_NOT_FOUND", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/gifts/redemptions/{id}")]
pub async fn get_redemption(
    state: web::Data<AppState>,
    member: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = redemption_id(&path)?;
    let now = state.now();
    let answer = member
        .run(move |store, tenant, caller| {
            let (r, o) = store.read(|tx| gifts::member_redemption(tx, &tenant, caller, id))?;
            Ok(api_redemption(
                r,
                o,
                tenant.time_zone.local_date(now),
                tenant.currency,
            ))
        })
        .await?;
    Ok(ok(answer))
}

/// Marks a valid redemption fulfilled. No body.
#[utoipa::path(
    tag = "portal-gifts",
    params(
        ("X-Company-Id" = Option<String>, Header, description = "Company id"),
        ("id" = String, Path, description = "Redemption id"),
    ),
    responses(
        (status = 200, body = PortalOk<ApiRewardRedemption>),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 404, description = "REDEMPTION_NOT_FOUND", body = PortalErrorBody),
        (status = 409, description = "REDEMPTION_NOT_USABLE", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/gifts/redemptions/{id}/fulfill")]
pub async fn fulfill_redemption(
    state: web::Data<AppState>,
    member: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = redemption_id(&path)?;
    let now = state.now();
    let answer = member
        .run(move |store, tenant, caller| {
            let (r, o) =
                store.write(|tx| gifts::fulfill_redemption(tx, &tenant, caller, id, now))?;
            Ok(api_redemption(
                r,
                o,
                tenant.time_zone.local_date(now),
                tenant.currency,
            ))
        })
        .await?;
    Ok(ok(answer))
}
