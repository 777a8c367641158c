//! Coupons and promotions (003 §11).

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::coupons::{self, CouponQuote, CreateCoupon, ValidateCoupon};
use kedai_identity::Permission;
use kedai_loyalty::coupon::percentage_to_f64;
use kedai_loyalty::{Coupon, CouponId, CouponStatus, DiscountType};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{Decimal, MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta};
use crate::error::ApiError;
use crate::query::Query;
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // `validate` before `{id}` so the literal path wins.
    cfg.service(list_coupons)
        .service(create_coupon)
        .service(validate_coupon)
        .service(get_coupon)
        .service(disable_coupon);
}

fn coupon_id(raw: &str) -> Result<CouponId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::Coupon, raw).into())
}

/// A coupon.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponResponse {
    /// Coupon id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Code, upper case.
    pub code: String,
    /// `percentage` or `fixed`.
    pub discount_type: String,
    /// Percent (`10` is 10%) or an amount in major units.
    pub discount_value: f64,
    /// ISO-4217 currency of the amounts.
    pub currency: String,
    /// Smallest cart total it applies to.
    pub min_cart_total: Option<f64>,
    /// Largest discount it gives.
    pub max_discount: Option<f64>,
    /// Not usable before.
    pub valid_from: Option<DateTime<Utc>>,
    /// Not usable after.
    pub valid_to: Option<DateTime<Utc>>,
    /// Most uses (null: unlimited).
    pub usage_limit: Option<i64>,
    /// Uses so far.
    pub used_count: i64,
    /// Outlets it applies at (empty: all).
    pub applicable_outlet_ids: Vec<String>,
    /// `active` or `disabled`.
    pub status: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was disabled.
    pub disabled_at: Option<DateTime<Utc>>,
}

fn discount_value(c: &Coupon) -> f64 {
    match c.discount_type {
        DiscountType::Percentage => percentage_to_f64(c.discount_value),
        DiscountType::Fixed => kedai_core::Money::from_minor(c.discount_value, c.currency).to_f64(),
    }
}

impl From<Coupon> for CouponResponse {
    fn from(c: Coupon) -> Self {
        Self {
            discount_value: discount_value(&c),
            id: c.id.to_string(),
            title: c.title,
            code: c.code.to_string(),
            discount_type: c.discount_type.to_string(),
            currency: c.currency.code().to_owned(),
            min_cart_total: c.min_cart_total.map(|m| m.to_f64()),
            max_discount: c.max_discount.map(|m| m.to_f64()),
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            usage_limit: c.usage_limit,
            used_count: c.used_count,
            applicable_outlet_ids: c.applicable_outlet_ids,
            status: c.status.to_string(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            disabled_at: c.disabled_at,
        }
    }
}

/// A new coupon.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateCouponRequest {
    /// Title, 1–200 characters.
    #[schema(example = "10% OFF Lunch Promo")]
    pub title: String,
    /// Code: 3–32 letters, digits, `_` or `-`; stored upper case, unique per merchant.
    #[schema(example = "LUNCH10")]
    pub code: String,
    /// `percentage` or `fixed`.
    #[schema(example = "percentage")]
    pub discount_type: String,
    /// Percent (above 0, at most 100, up to 2 decimals) or an amount in major units (above 0).
    #[schema(value_type = f64, example = 10)]
    pub discount_value: Decimal,
    /// Not usable before (RFC 3339).
    #[schema(example = "2026-04-15T00:00:00Z")]
    pub valid_from: Option<DateTime<Utc>>,
    /// Not usable after (RFC 3339; after `valid_from`).
    #[schema(example = "2026-05-15T23:59:59Z")]
    pub valid_to: Option<DateTime<Utc>>,
    /// Most uses, above 0 (absent: unlimited).
    #[schema(example = 500)]
    pub usage_limit: Option<i64>,
    /// Outlets of the merchant it applies at (empty or absent: all).
    #[serde(default)]
    pub applicable_outlet_ids: Vec<String>,
    /// Smallest cart total it applies to.
    #[schema(value_type = Option<f64>)]
    pub min_cart_total: Option<Decimal>,
    /// Largest discount it gives.
    #[schema(value_type = Option<f64>)]
    pub max_discount: Option<Decimal>,
}

/// A cart to check a coupon against.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ValidateCouponRequest {
    /// The code (any case).
    #[schema(example = "LUNCH10")]
    pub code: String,
    /// The customer, when known.
    #[schema(example = "cus_20001")]
    pub customer_id: Option<String>,
    /// Cart total in major units.
    #[schema(value_type = f64, example = 120.0)]
    pub cart_total: Decimal,
    /// The outlet; required for coupons limited to some outlets.
    pub outlet_id: Option<String>,
}

/// A coupon that applies, and its effect on the cart.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponValidationResponse {
    /// Always true (an invalid coupon is a 422).
    pub valid: bool,
    /// Coupon id.
    pub coupon_id: String,
    /// Code.
    pub code: String,
    /// `percentage` or `fixed`.
    pub discount_type: String,
    /// Percent or amount, as in the coupon.
    pub discount_value: f64,
    /// What it takes off this cart.
    pub discount_amount: f64,
    /// Cart total minus the discount.
    pub final_total: f64,
    /// ISO-4217 currency.
    pub currency: String,
}

impl From<CouponQuote> for CouponValidationResponse {
    fn from(q: CouponQuote) -> Self {
        Self {
            valid: true,
            discount_value: discount_value(&q.coupon),
            coupon_id: q.coupon.id.to_string(),
            code: q.coupon.code.to_string(),
            discount_type: q.coupon.discount_type.to_string(),
            discount_amount: q.discount.to_f64(),
            final_total: q.final_total.to_f64(),
            currency: q.final_total.currency().code().to_owned(),
        }
    }
}

/// Paging and filters of the coupon list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouponListQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `active` or `disabled`.
    pub status: Option<String>,
}

/// Lists the merchant's coupons, newest first.
#[utoipa::path(
    tag = "merchant-coupons",
    params(CouponListQuery),
    responses(
        (status = 200, body = MerchantList<CouponResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or status", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/coupons")]
pub async fn list_coupons(
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::CouponsRead);
    let query = Query::of(&req)?;
    let page = query.page(&["limit"])?;
    let status = query
        .text("status")
        .map(|s| ApiError::parse_field::<CouponStatus>("status", &s))
        .transpose()?;
    let (list, total) = staff
        .run(move |store, actor| store.read(|tx| coupons::list_coupons(tx, &actor, status, page)))
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Coupons".into(),
        data: list.into_iter().map(CouponResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// Creates a coupon.
#[utoipa::path(
    tag = "merchant-coupons",
    request_body = CreateCouponRequest,
    responses(
        (status = 201, body = Envelope<CouponResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage coupons", body = MerchantErrorBody),
        (status = 409, description = "COUPON_CODE_TAKEN", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/coupons")]
pub async fn create_coupon(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CreateCouponRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CouponsWrite);
    let req = body.0;
    let cmd = CreateCoupon {
        title: req.title,
        code: req.code,
        discount_type: req.discount_type,
        discount_value: req.discount_value.0,
        valid_from: req.valid_from,
        valid_to: req.valid_to,
        usage_limit: req.usage_limit,
        applicable_outlet_ids: req.applicable_outlet_ids,
        min_cart_total: req.min_cart_total.map(|d| d.0),
        max_discount: req.max_discount.map(|d| d.0),
    };
    let now = state.now();
    let coupon = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| coupons::create_coupon(tx, &actor, &tenant, &cmd, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Coupon created",
        CouponResponse::from(coupon),
    )))
}

/// Checks a coupon against a cart without using it: the discount and the total after it, or
/// 422 `COUPON_INVALID` / `COUPON_EXPIRED` naming `code`.
#[utoipa::path(
    tag = "merchant-coupons",
    request_body = ValidateCouponRequest,
    responses(
        (status = 200, body = Envelope<CouponValidationResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 422, description = "COUPON_INVALID, COUPON_EXPIRED or bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/coupons/validate")]
pub async fn validate_coupon(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<ValidateCouponRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::CouponsRead);
    let req = body.0;
    let cmd = ValidateCoupon {
        code: req.code,
        customer_id: req.customer_id,
        cart_total: req.cart_total.0,
        outlet_id: req.outlet_id,
    };
    let now = state.now();
    let quote = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| coupons::validate_coupon(tx, &actor, &tenant, &cmd, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Coupon is valid",
        CouponValidationResponse::from(quote),
    )))
}

/// One coupon.
#[utoipa::path(
    tag = "merchant-coupons",
    params(("id" = String, Path, description = "Coupon id")),
    responses(
        (status = 200, body = Envelope<CouponResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "COUPON_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/coupons/{id}")]
pub async fn get_coupon(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::CouponsRead);
    let id = coupon_id(&path)?;
    let coupon = staff
        .run(move |store, actor| store.read(|tx| coupons::get_coupon(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Coupon", CouponResponse::from(coupon))))
}

/// Disables a coupon for good. Disabling a disabled coupon answers it unchanged.
#[utoipa::path(
    tag = "merchant-coupons",
    params(("id" = String, Path, description = "Coupon id")),
    responses(
        (status = 200, body = Envelope<CouponResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage coupons", body = MerchantErrorBody),
        (status = 404, description = "COUPON_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/coupons/{id}/disable")]
pub async fn disable_coupon(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::CouponsWrite);
    let id = coupon_id(&path)?;
    let now = state.now();
    let coupon = staff
        .run(move |store, actor| store.write(|tx| coupons::disable_coupon(tx, &actor, id, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Coupon disabled",
        CouponResponse::from(coupon),
    )))
}
