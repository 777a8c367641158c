//! The login channel and one-time sign-in codes.

use std::marker::PhantomData;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use kedai_app::AppError;
use kedai_app::customer_auth::{self, random_seed};
use kedai_app::session::new_refresh_token;
use kedai_app::storefront::settings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::body::LenientBody;
use crate::dto::PortalErrorBody;
use crate::error::Failure;
use crate::portal_v6::{PortalOk, Result, Shop, client_ip, ok, wake_worker};
use crate::query::Query;
use crate::surface::Portal;

/// How the merchant's customers receive sign-in codes.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginChannelResponse {
    /// `sms`, `whatsapp` or `email`: whether to ask for a phone or an e-mail.
    pub channel: String,
}

/// The merchant's sign-in channel.
#[utoipa::path(
    tag = "portal-auth",
    params(
        ("companyId" = Option<String>, Query, description = "Company id (the header wins; both and different is a 400)"),
        ("X-Company-Id" = Option<String>, Header, description = "Company id"),
    ),
    responses(
        (status = 200, body = PortalOk<LoginChannelResponse>),
        (status = 400, description = "TENANT_REQUIRED or COMPANY_MISMATCH", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 422, description = "A malformed query string", body = PortalErrorBody),
    )
)]
#[get("/auth/login-channel")]
pub async fn login_channel(
    state: web::Data<AppState>,
    req: HttpRequest,
    shop: Shop,
) -> Result<HttpResponse> {
    let company = Query::of(&req)?.text("companyId");
    let shop = shop.with_company(company)?;
    let now = state.now();
    let s = shop
        .run(move |store, tenant| store.read(|tx| settings(tx, tenant.id, now)))
        .await?;
    Ok(ok(LoginChannelResponse {
        channel: s.login_channel.as_str().to_owned(),
    }))
}

/// Who to send a code to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OtpRequest {
    /// Phone (international form) when the merchant's channel is `sms` or `whatsapp`.
    #[schema(example = "+85291234567")]
    pub phone: Option<String>,
    /// E-mail when the merchant's channel is `email`.
    pub email: Option<String>,
    /// Company id (the header wins).
    pub company_id: Option<String>,
}

/// A code was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct OtpSent {
    /// What happened.
    pub message: String,
}

/// Sends a 6-digit sign-in code by the merchant's channel. Codes expire after 5 minutes;
/// another may be asked for after 60 seconds, at most 5 per hour per recipient, and a client
/// address may ask for a limited number per hour. Whether the recipient is a member is not
/// revealed.
#[utoipa::path(
    tag = "portal-auth",
    request_body = OtpRequest,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<OtpSent>),
        (status = 400, description = "Malformed body, TENANT_REQUIRED or COMPANY_MISMATCH", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 422, description = "The identifier does not fit the merchant's channel", body = PortalErrorBody),
        (status = 429, description = "OTP_COOLDOWN, OTP_RATE_LIMITED or RATE_LIMIT_EXCEEDED, with Retry-After", body = PortalErrorBody),
    )
)]
#[post("/auth/otp")]
pub async fn request_otp(
    state: web::Data<AppState>,
    req: HttpRequest,
    shop: Shop,
    body: LenientBody<OtpRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(body, PhantomData) = body;
    let shop = shop.with_company(body.company_id.clone())?;
    let decision = state.limits.check_otp_ip(&client_ip(&req));
    if let Some(retry_after) = decision.retry_after {
        return Err(Failure::RateLimited { retry_after }.into());
    }
    let now = state.now();
    let seed = random_seed()?;
    let message = shop
        .run(move |store, tenant| {
            store.write(|tx| {
                customer_auth::request_otp(
                    tx,
                    &tenant,
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
        message: format!("a sign-in code was sent by {}", message.channel),
    }))
}

/// A code to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOtpRequest {
    /// The phone the code went to.
    pub phone: Option<String>,
    /// The e-mail the code went to.
    pub email: Option<String>,
    /// The 6-digit code (the FavCRM client's name).
    #[schema(example = "123456")]
    pub otp: Option<String>,
    /// The same, under 004's name.
    pub code: Option<String>,
    /// Company id (the header wins).
    pub company_id: Option<String>,
}

/// Exchanges a sign-in code for tokens. Each guess counts: after 5 wrong ones the code is
/// locked and a new one is needed. A right code for someone who is not a member answers
/// `MEMBER_NOT_FOUND` and lets that phone or e-mail register (`/auth/register`) within 15
/// minutes; a right code for a member whose record holds the identifier without proof (typed
/// in by someone else) claims it and ends every earlier session of that record.
#[utoipa::path(
    tag = "portal-auth",
    request_body = VerifyOtpRequest,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<AuthTokenResponse>),
        (status = 400, description = "Malformed body or TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND, or MEMBER_NOT_FOUND: right code but nobody registered with it (register first)", body = PortalErrorBody),
        (status = 422, description = "OTP_INVALID (with attempts left), OTP_EXPIRED, OTP_NOT_REQUESTED, or a malformed identifier or code", body = PortalErrorBody),
        (status = 429, description = "OTP_LOCKED after 5 wrong codes", body = PortalErrorBody),
    )
)]
#[post("/auth/otp/verify")]
pub async fn verify_otp(
    state: web::Data<AppState>,
    shop: Shop,
    body: LenientBody<VerifyOtpRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(body, PhantomData) = body;
    let shop = shop.with_company(body.company_id.clone())?;
    let code = body
        .otp
        .clone()
        .or_else(|| body.code.clone())
        .ok_or_else(|| AppError::invalid("otp", "is required"))?;
    let fresh = new_refresh_token()?;
    let now = state.now();
    let outcome = shop
        .run(move |store, tenant| {
            store.write(|tx| {
                customer_auth::verify_otp(
                    tx,
                    &tenant,
                    body.phone.as_deref(),
                    body.email.as_deref(),
                    &code,
                    fresh.clone(),
                    now,
                )
            })
        })
        .await?;
    let session = outcome.map_err(refused)?;
    Ok(ok(tokens(&state, &session)?))
}
