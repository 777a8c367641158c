//! The signed-in member's own record (`/profile`), in the FavCRM client's `ApiMember` shape.

use std::marker::PhantomData;

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::customer_auth::SignInRefused;
use kedai_app::customer_auth::random_seed;
use kedai_app::members::{self, Member, ProfileChange};
use kedai_identity::OtpCheck;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{OtpSent, refused};
use super::{PortalOk, Result, SignedIn, client_ip, ok, wake_worker};
use crate::AppState;
use crate::body::LenientBody;
use crate::dto::{PortalErrorBody, double_option};
use crate::surface::Portal;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_profile)
        .service(update_profile)
        .service(request_verification_code);
}

/// A member as the storefront reads them (`ApiMember`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiMember {
    /// Member number (an integer, per merchant).
    pub id: Option<i64>,
    /// Member code (none issued yet).
    pub code: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Points balance (Σ of the points ledger).
    pub points: i64,
    /// Stamps (no stamp cards yet: 0).
    pub stamps: i64,
    /// Store credit, a decimal string (no store credit yet: "0.00").
    pub credits: String,
    /// The member's id (the customer id of the merchant API).
    pub uuid: String,
    /// Agreed to receive promotions.
    pub agree_to_receive_promotion: bool,
    /// Gender.
    pub gender: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Membership expiry (`YYYY-MM-DD`), when a paid tier runs out.
    pub expiry_date: Option<String>,
    /// Registered.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The member's tier, when they have one.
    #[schema(value_type = Option<Object>)]
    pub membership_tier: Option<serde_json::Value>,
}

impl From<Member> for ApiMember {
    fn from(m: Member) -> Self {
        let c = m.customer;
        Self {
            id: m.profile.member_no,
            code: None,
            name: Some(c.name),
            last_name: m.profile.last_name,
            phone: c.phone.map(|p| p.as_str().to_owned()),
            email: c.email.map(|e| e.as_str().to_owned()),
            points: m.points,
            stamps: 0,
            credits: "0.00".into(),
            uuid: c.id.to_string(),
            agree_to_receive_promotion: m.profile.agree_promotion,
            gender: m.profile.gender,
            date_of_birth: c.birth_date.map(|d| d.to_string()),
            address: m.profile.address,
            district: m.profile.district,
            expiry_date: None,
            created_at: c.created_at,
            updated_at: c.updated_at,
            membership_tier: m.tier.map(|t| {
                let d = t.draft;
                serde_json::json!({
                    "id": t.id.get(),
                    "name": d.name,
                    "spendingCount": 0,
                    "totalSpendingAmount": d.min_spend.to_f64(),
                    "description": d.description,
                    "multiplier": kedai_loyalty::coupon::percentage_to_f64(d.points_multiplier),
                    "discount": kedai_loyalty::coupon::percentage_to_f64(d.discount),
                    "priority": d.sort_order,
                    "isUpgradeable": true,
                    // No tier is sold through a gateway yet; the client reads a string.
                    "paymentGateway": "",
                    "gatewayProductId": null,
                    "gatewayPriceId": null,
                    "validPeriodValue": d.valid_period_value,
                    "validPeriodUnit": d.valid_period_unit.to_string(),
                    "createdAt": t.created_at,
                    "updatedAt": t.updated_at,
                })
            }),
        }
    }
}

/// The signed-in member's record.
#[utoipa::path(
    tag = "portal-member",
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<ApiMember>),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/profile")]
pub async fn get_profile(member: SignedIn) -> Result<HttpResponse> {
    let member = member
        .run(move |store, _tenant, caller| store.read(|tx| members::profile(tx, caller)))
        .await?;
    Ok(ok(ApiMember::from(member)))
}

/// A change to the member's own record; absent fields stay, null clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePatch {
    /// Name.
    pub name: Option<String>,
    /// Family name.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub last_name: Option<Option<String>>,
    /// E-mail (cannot be removed when the merchant signs customers in by e-mail).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Phone (cannot be removed when the merchant signs customers in by phone).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// Gender.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub date_of_birth: Option<Option<String>>,
    /// Address.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    /// District.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub district: Option<Option<String>>,
    /// Promotions consent.
    pub agree_to_receive_promotion: Option<bool>,
    /// The code sent to a new phone (`POST /profile/verification-code`).
    pub phone_otp: Option<String>,
    /// The code sent to a new e-mail.
    pub email_otp: Option<String>,
    /// The code, when only one of phone and e-mail changes.
    pub otp: Option<String>,
}

/// Changes the signed-in member's own record. A new phone or e-mail needs the code sent to it
/// (`POST /profile/verification-code`) as `phoneOtp` / `emailOtp` (or `otp` when only one
/// changes); without it the answer is 422 `OTP_VERIFICATION_REQUIRED`, whoever holds it.
#[utoipa::path(
    tag = "portal-member",
    request_body = Option<ProfilePatch>,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<ApiMember>),
        (status = 400, description = "Malformed body", body = PortalErrorBody),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT", body = PortalErrorBody),
        (status = 409, description = "CUSTOMER_PHONE_TAKEN or CUSTOMER_EMAIL_TAKEN: a proven phone or e-mail another member has", body = PortalErrorBody),
        (status = 422, description = "Bad fields; OTP_VERIFICATION_REQUIRED for a new phone or e-mail without its code; OTP_INVALID, OTP_EXPIRED or OTP_NOT_REQUESTED", body = PortalErrorBody),
        (status = 429, description = "OTP_LOCKED after 5 wrong codes", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/profile")]
pub async fn update_profile(
    state: web::Data<AppState>,
    member: SignedIn,
    body: LenientBody<ProfilePatch, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(p, PhantomData) = body;
    let change = ProfileChange {
        name: p.name,
        last_name: p.last_name,
        email: p.email,
        phone: p.phone,
        gender: p.gender,
        date_of_birth: p.date_of_birth,
        address: p.address,
        district: p.district,
        agree_to_receive_promotion: p.agree_to_receive_promotion,
        phone_code: p.phone_otp.or_else(|| p.otp.clone()),
        email_code: p.email_otp.or(p.otp),
    };
    let now = state.now();
    let outcome = member
        .run(move |store, tenant, caller| {
            store.write(|tx| members::update_profile(tx, &tenant, caller, &change, now))
        })
        .await?;
    let member = outcome.map_err(|check: OtpCheck| refused(SignInRefused::Code(check)))?;
    Ok(ok(ApiMember::from(member)))
}

/// The phone or e-mail a member wants to change to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerificationCodeRequest {
    /// The new phone (international form).
    pub phone: Option<String>,
    /// The new e-mail.
    pub email: Option<String>,
}

/// Sends a 6-digit code to a phone or e-mail the signed-in member wants to change to; send it
/// back with `PATCH /profile`. A phone gets it by the merchant's phone channel (SMS when the
/// merchant signs in by e-mail), an e-mail by e-mail. The same cool-down and caps as sign-in
/// codes apply; whether another member has the identifier is not revealed.
#[utoipa::path(
    tag = "portal-member",
    request_body = VerificationCodeRequest,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<OtpSent>),
        (status = 400, description = "Malformed body", body = PortalErrorBody),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT", body = PortalErrorBody),
        (status = 422, description = "Neither or both of phone and email, or a malformed one", body = PortalErrorBody),
        (status = 429, description = "OTP_COOLDOWN, OTP_RATE_LIMITED or RATE_LIMIT_EXCEEDED, with Retry-After", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/profile/verification-code")]
pub async fn request_verification_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    member: SignedIn,
    body: LenientBody<VerificationCodeRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(body, PhantomData) = body;
    let decision = state.limits.check_otp_ip(&client_ip(&req));
    if let Some(retry_after) = decision.retry_after {
        return Err(crate::error::Failure::RateLimited { retry_after }.into());
    }
    let now = state.now();
    let seed = random_seed()?;
    let message = member
        .run(move |store, tenant, caller| {
            store.write(|tx| {
                members::request_identifier_code(
                    tx,
                    &tenant,
                    caller,
                    body.phone.as_deref(),
                    body.email.as_deref(),
                    seed,
                    now,
                )
            })
        })
        .await?;
    wake_worker(&state);
    Ok(ok(OtpSent {
        message: format!("a verification code was sent by {}", message.channel),
    }))
}
