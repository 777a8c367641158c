//! Points (003 §10.2–10.4): add, take off and redeem a customer's points, read their ledger,
//! and the merchant's earning rule.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use kedai_app::points::{self, AddPoints, LedgerQuery, RedeemPoints, RuleInput};
use kedai_identity::Permission;
use kedai_loyalty::{EarningRule, PointsEntry, PointsKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
    cfg.service(add_points)
        .service(redeem_points)
        .service(points_ledger)
        .service(get_points_rule)
        .service(set_points_rule);
}

/// One row of a customer's points ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointsEntryResponse {
    /// Id of the row.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// Points added (positive) or taken off (negative).
    #[schema(example = 100)]
    pub points: i64,
    /// `earn`, `adjust`, `redeem`, `reverse` or `expire`.
    #[schema(example = "adjust")]
    pub kind: String,
    /// Why.
    #[schema(example = "Purchase reward")]
    pub reason: String,
    /// What it was against: an order id, a reward id, a receipt number.
    #[schema(example = "ord_50001")]
    pub reference_no: Option<String>,
    /// The balance right after it.
    #[schema(example = 580)]
    pub balance: i64,
    /// When added points expire; null when they do not.
    pub expires_at: Option<DateTime<Utc>>,
    /// The staff member who made it; null for the system.
    pub created_by: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<PointsEntry> for PointsEntryResponse {
    fn from(e: PointsEntry) -> Self {
        let p = e.posting;
        Self {
            id: p.id.to_string(),
            customer_id: p.customer_id.to_string(),
            points: p.delta,
            kind: p.kind.as_str().to_owned(),
            reason: p.reason,
            reference_no: p.reference,
            balance: e.balance_after,
            expires_at: p.expires_at,
            created_by: p.actor,
            created_at: p.at,
        }
    }
}

/// Points to add by hand (003 §10.2); negative takes off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddPointsRequest {
    /// Points to add, or (negative) take off; not 0, at most 10 000 000 either way.
    #[schema(example = 100)]
    pub points: i64,
    /// Why, 1–200 characters.
    #[schema(example = "Purchase reward")]
    pub reason: Option<String>,
    /// A receipt, order or ticket number, up to 100 characters.
    #[schema(example = "ord_50001")]
    pub reference_no: Option<String>,
}

/// Points to spend on a reward (003 §10.3).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemPointsRequest {
    /// Points to spend, above 0.
    #[schema(example = 200)]
    pub points: i64,
    /// The reward they buy, up to 100 characters.
    #[schema(example = "rw_001")]
    pub reward_id: Option<String>,
    /// Why, in words (default "Reward redemption").
    pub reason: Option<String>,
}

/// Adds points to a customer by hand, or takes them off with a negative number. Added points
/// expire like earned ones when the earning rule has them expire.
#[utoipa::path(
    tag = "merchant-points",
    params(("id" = String, Path, description = "Customer id")),
    request_body = AddPointsRequest,
    responses(
        (status = 201, body = Envelope<PointsEntryResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks points:adjust", body = MerchantErrorBody),
        (status = 404, description = "CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad fields; INSUFFICIENT_POINTS when taking off more than the balance", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/customers/{id}/points/add")]
pub async fn add_points(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<AddPointsRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::PointsAdjust);
    let id = customer_id(&path)?;
    let req = body.0;
    let cmd = AddPoints {
        points: req.points,
        reason: req.reason,
        reference: req.reference_no,
    };
    let now = state.now();
    let entry = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| points::add_points(tx, &actor, &tenant, id, &cmd, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Points added",
        PointsEntryResponse::from(entry),
    )))
}

/// Spends a customer's points on a reward. However many redemptions race, the balance never
/// goes below zero.
#[utoipa::path(
    tag = "merchant-points",
    params(("id" = String, Path, description = "Customer id")),
    request_body = RedeemPointsRequest,
    responses(
        (status = 201, body = Envelope<PointsEntryResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks points:redeem", body = MerchantErrorBody),
        (status = 404, description = "CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad fields; INSUFFICIENT_POINTS", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/customers/{id}/points/redeem")]
pub async fn redeem_points(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<RedeemPointsRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::PointsRedeem);
    let id = customer_id(&path)?;
    let req = body.0;
    let cmd = RedeemPoints {
        points: req.points,
        reward_id: req.reward_id,
        reason: req.reason,
    };
    let now = state.now();
    let entry = staff
        .run(move |store, actor| store.write(|tx| points::redeem_points(tx, &actor, id, &cmd, now)))
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Points redeemed",
        PointsEntryResponse::from(entry),
    )))
}

/// Ledger filters and paging.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerParams {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `earn`, `adjust`, `redeem`, `reverse` or `expire`.
    pub kind: Option<String>,
    /// Rows against this reference.
    pub reference_no: Option<String>,
    /// From the start of this day, `YYYY-MM-DD`, in the merchant's time zone.
    pub date_from: Option<String>,
    /// To the end of this day, `YYYY-MM-DD`, in the merchant's time zone.
    pub date_to: Option<String>,
}

/// A customer's points ledger, newest first; each row carries the balance after it.
#[utoipa::path(
    tag = "merchant-points",
    params(("id" = String, Path, description = "Customer id"), LedgerParams),
    responses(
        (status = 200, body = MerchantList<PointsEntryResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 404, description = "CUSTOMER_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or filters", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/customers/{id}/points/ledger")]
pub async fn points_ledger(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::CustomersRead);
    let q = Query::of(&req)?;
    let page = q.page(&["limit"])?;
    let query = LedgerQuery {
        kind: q
            .text("kind")
            .map(|k| ApiError::parse_field::<PointsKind>("kind", &k))
            .transpose()?,
        reference: q.text("reference_no"),
        date_from: q.date(&["date_from"])?,
        date_to: q.date(&["date_to"])?,
    };
    let id = customer_id(&path)?;
    let (entries, total) = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| points::points_ledger(tx, &actor, &tenant, id, &query, page))
        })
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Points ledger".into(),
        data: entries.into_iter().map(PointsEntryResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// How customers earn points.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointsRuleResponse {
    /// Whether orders earn points.
    pub enabled: bool,
    /// Points earned for every `per_amount` spent.
    #[schema(example = 1)]
    pub points: i64,
    /// The spend that earns `points`, in major units.
    #[schema(example = 1.0)]
    pub per_amount: f64,
    /// ISO-4217 currency of `per_amount`.
    pub currency: String,
    /// `down`, `nearest` or `up`.
    pub rounding: String,
    /// Order types that earn: `delivery`, `pickup`, `dine_in`.
    pub order_types: Vec<String>,
    /// Channels that earn: `merchant` (staff), `online` (storefront).
    pub channels: Vec<String>,
    /// Months after which earned points expire, at the end of that day in the merchant's time
    /// zone; null: never.
    pub expiry_months: Option<i64>,
}

impl From<EarningRule> for PointsRuleResponse {
    fn from(r: EarningRule) -> Self {
        Self {
            enabled: r.enabled,
            points: r.points,
            per_amount: r.per_amount.to_f64(),
            currency: r.per_amount.currency().code().to_owned(),
            rounding: r.rounding.as_str().to_owned(),
            order_types: r
                .order_types
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect(),
            channels: r.channels.iter().map(|c| c.as_str().to_owned()).collect(),
            expiry_months: r.expiry_months,
        }
    }
}

/// A change of the earning rule; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsRuleRequest {
    /// Whether orders earn points.
    pub enabled: Option<bool>,
    /// Points for every `per_amount` spent, 1–10 000.
    #[schema(example = 1)]
    pub points: Option<i64>,
    /// The spend that earns `points`, in major units, above 0.
    #[schema(value_type = Option<f64>, example = 1)]
    pub per_amount: Option<Decimal>,
    /// `down` (default), `nearest` or `up`.
    pub rounding: Option<String>,
    /// Order types that earn (at least one).
    pub order_types: Option<Vec<String>>,
    /// Channels that earn (at least one).
    pub channels: Option<Vec<String>>,
    /// Months until earned points expire, 1–120; null: never.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub expiry_months: Option<Option<i64>>,
}

fn words<T: std::str::FromStr<Err = String>>(
    field: &str,
    list: Option<Vec<String>>,
) -> Result<Option<Vec<T>>> {
    list.map(|items| {
        items
            .iter()
            .map(|w| ApiError::parse_field::<T>(field, w))
            .collect::<std::result::Result<Vec<T>, _>>()
    })
    .transpose()
}

/// The earning rule: the standard one (1 point per currency unit, rounded down, every order,
/// never expiring) until the merchant sets one.
#[utoipa::path(
    tag = "merchant-points",
    responses(
        (status = 200, body = Envelope<PointsRuleResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/points/rule")]
pub async fn get_points_rule(mut staff: Staff<Merchant>) -> Result<HttpResponse> {
    staff.require(Permission::CustomersRead);
    let rule = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.read(|tx| points::earning_rule(tx, &actor, &tenant))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Points rule", PointsRuleResponse::from(rule))))
}

/// Changes the earning rule. Points already earned keep their expiry.
#[utoipa::path(
    tag = "merchant-points",
    request_body = PointsRuleRequest,
    responses(
        (status = 200, body = Envelope<PointsRuleResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role lacks memberships:write", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/points/rule")]
pub async fn set_points_rule(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<PointsRuleRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MembershipsWrite);
    let req = body.0;
    let input = RuleInput {
        enabled: req.enabled,
        points: req.points,
        per_amount: req.per_amount.map(|a| a.0),
        rounding: req
            .rounding
            .as_deref()
            .map(|r| ApiError::parse_field("rounding", r))
            .transpose()?,
        order_types: words("order_types", req.order_types)?,
        channels: words("channels", req.channels)?,
        expiry_months: req.expiry_months,
    };
    let now = state.now();
    let rule = staff
        .run_with_tenant(move |store, actor, tenant| {
            store.write(|tx| points::set_earning_rule(tx, &actor, &tenant, &input, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Points rule updated",
        PointsRuleResponse::from(rule),
    )))
}
