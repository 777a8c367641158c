//! Joining a membership tier from the storefront (004; contract §12: `POST /membership/enroll`
//! and `/membership/enroll-paid`).

use actix_web::{HttpResponse, post, web};
use kedai_app::membership;
use kedai_core::ErrorCode;
use kedai_loyalty::TierId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PortalOk, Result, SignedIn, ok};
use crate::AppState;
use crate::body::JsonBody;
use crate::dto::{IntId, PortalErrorBody};
use crate::surface::Portal;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(enroll).service(enroll_paid);
}

/// The tier to join.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnrollRequest {
    /// Tier id (a number, or a string holding one).
    #[schema(value_type = i64, example = 1)]
    pub tier_id: IntId,
}

/// The tier to buy, and the payment for it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnrollPaidRequest {
    /// Tier id (a number, or a string holding one).
    #[schema(value_type = i64, example = 2)]
    pub tier_id: IntId,
    /// The payment intent that paid for it.
    pub payment_intent_id: Option<String>,
}

/// The membership.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Enrolled {
    /// The membership's id (the member's `uuid`: one membership per member).
    pub membership_id: String,
}

fn tier_id(raw: IntId) -> Result<TierId> {
    TierId::new(raw.0.get())
        .map_err(|e| kedai_app::AppError::invalid("tierId", e.to_string()).into())
}

/// Joins the signed-in member to a free tier whose minimum spend they reach (enrolling in the
/// tier they hold changes nothing). Their tier then follows their spend.
#[utoipa::path(
    tag = "portal-member",
    request_body = EnrollRequest,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<Enrolled>),
        (status = 400, description = "Malformed body", body = PortalErrorBody),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 404, description = "TIER_NOT_FOUND", body = PortalErrorBody),
        (status = 409, description = "TIER_PAID_HELD: the member holds a bought tier", body = PortalErrorBody),
        (status = 422, description = "Bad fields; TIER_PAYMENT_REQUIRED for a paid tier; TIER_NOT_QUALIFIED below its minimum spend", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/membership/enroll")]
pub async fn enroll(
    state: web::Data<AppState>,
    member: SignedIn,
    body: JsonBody<EnrollRequest, Portal>,
) -> Result<HttpResponse> {
    let tier = tier_id(body.0.tier_id)?;
    let now = state.now();
    let membership_id = member
        .run(move |store, tenant, caller| {
            store.write(|tx| membership::enroll(tx, &tenant, caller, tier, now))
        })
        .await?;
    Ok(ok(Enrolled { membership_id }))
}

/// Buying a paid tier: not offered yet — paid tiers cannot be bought online, so this answers
/// 422 `TIER_PAYMENT_UNAVAILABLE` and changes nothing.
#[utoipa::path(
    tag = "portal-member",
    request_body = EnrollPaidRequest,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 400, description = "Malformed body", body = PortalErrorBody),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 422, description = "TIER_PAYMENT_UNAVAILABLE", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/membership/enroll-paid")]
pub async fn enroll_paid(
    _member: SignedIn,
    body: JsonBody<EnrollPaidRequest, Portal>,
) -> Result<HttpResponse> {
    let EnrollPaidRequest {
        tier_id,
        payment_intent_id,
    } = body.0;
    let payment = payment_intent_id
        .map(|p| format!(" (payment {p} was not applied)"))
        .unwrap_or_default();
    Err(kedai_app::AppError::rejected(
        ErrorCode::TierPaymentUnavailable,
        "tierId",
        format!(
            "paid tiers cannot be bought online yet{payment}; ask the merchant about tier {}",
            tier_id.0.get()
        ),
    )
    .into())
}
