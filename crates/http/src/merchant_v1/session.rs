//! Signing in, refreshing tokens and signing out.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, post, web};
use kedai_app::session;
use kedai_app::{AppError, AuthFailure};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantOk as Envelope};
use crate::error::{ApiError, Failure};
use crate::ratelimit::client_ip;
use crate::surface::Merchant;
use crate::token::STAFF_TOKEN_TTL_SECONDS;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}

/// Sign in with e-mail and password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Staff e-mail.
    #[schema(example = "owner@demo.kedai.dev")]
    pub email: String,
    /// Password.
    #[schema(example = "kedai-demo-2026")]
    pub password: String,
    /// Merchant id, needed only when the e-mail signs in to several merchants.
    pub merchant_id: Option<String>,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginUser {
    /// Staff id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
}

/// A staff token.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginData {
    /// Bearer token (JWT).
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds until it expires (7200).
    pub expires_in: i64,
    /// Exchange it at `/v1/auth/refresh` for new tokens; it works once.
    pub refresh_token: String,
    /// Seconds until the refresh token expires (30 days).
    pub refresh_expires_in: i64,
    /// The merchant (tenant) id.
    pub merchant_id: String,
    /// Who signed in.
    pub user: LoginUser,
}

/// Signs a staff member in and returns a bearer token valid for two hours and a refresh token
/// valid for 30 days. Repeated failures for one e-mail or from one address are refused for a
/// while with 429 before the password is checked.
#[utoipa::path(
    tag = "merchant-auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = Envelope<LoginData>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "AUTH_INVALID_CREDENTIALS", body = MerchantErrorBody),
        (status = 422, description = "Missing fields, or merchant_id needed", body = MerchantErrorBody),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: too many failed sign-ins; see Retry-After", body = MerchantErrorBody),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginRequest, Merchant>,
) -> Result<HttpResponse> {
    let body = body.0;
    let merchant = match body
        .merchant_id
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(m) => Some(
            m.parse()
                .map_err(|_| ApiError::invalid("merchant_id", "must be a merchant id"))?,
        ),
        None => None,
    };
    let limits = Arc::clone(&state.limits);
    let ip = client_ip(&req, limits.config().trust_forwarded_for);
    // Held until this attempt's failure, if any, is counted.
    let _attempt = limits
        .begin_login(&body.email, &ip)
        .map_err(|retry_after| ApiError::from(Failure::RateLimited { retry_after }))?;
    if let Some(retry_after) = limits.login_blocked(&body.email, &ip) {
        tracing::warn!(client.ip = %ip, "sign-in refused: too many failures");
        return Err(Failure::RateLimited { retry_after }.into());
    }
    let credentials = session::Credentials {
        email: body.email,
        password: body.password,
        merchant,
        ip: Some(ip.clone()),
    };
    let email = credentials.email.clone();
    let now = state.now();
    let signed = blocking(&state, move |store| {
        session::sign_in(store, &credentials, now)
    })
    .await;
    let signed = match signed {
        Err(e) if e.is_invalid_credentials() => {
            limits.login_failed(&email, &ip);
            return Err(e);
        }
        other => other?,
    };
    let token = state.tokens.issue(&signed.actor, signed.id, now)?;
    tracing::info!(staff.id = %signed.actor.staff, tenant.id = %signed.actor.tenant, "staff signed in");
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Signed in",
        LoginData {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: STAFF_TOKEN_TTL_SECONDS,
            refresh_token: signed.refresh.expose().to_owned(),
            refresh_expires_in: (signed.refresh_expires_at - now).num_seconds(),
            merchant_id: signed.signed.tenant.id.to_string(),
            user: LoginUser {
                id: signed.signed.staff.id.to_string(),
                name: signed.signed.staff.name,
                role: signed.signed.staff.role.to_string(),
            },
        },
    )))
}

/// A refresh token to exchange.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token from sign-in or the last refresh.
    pub refresh_token: String,
}

/// New tokens; the refresh token presented no longer works.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefreshData {
    /// Bearer token (JWT).
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds until it expires (7200).
    pub expires_in: i64,
    /// The next refresh token.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: i64,
}

/// Exchanges a refresh token for a new access token and a new refresh token (rotation: the old
/// refresh token is refused from then on). Presenting a refresh token that was already
/// exchanged ends its whole session: someone replayed it.
#[utoipa::path(
    tag = "merchant-auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = Envelope<RefreshData>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "AUTH_TOKEN_INVALID: unknown, revoked or expired refresh token, or one already used (which ends its session)", body = MerchantErrorBody),
        (status = 422, description = "Missing refresh_token", body = MerchantErrorBody),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<RefreshRequest, Merchant>,
) -> Result<HttpResponse> {
    let presented = body.0.refresh_token;
    if presented.trim().is_empty() {
        return Err(ApiError::invalid("refresh_token", "is required"));
    }
    let fresh = session::new_refresh_token()?;
    let now = state.now();
    let ip = client_ip(&req, state.limits.config().trust_forwarded_for);
    let outcome = blocking(&state, move |store| {
        store.write(|tx| session::refresh_session(tx, &presented, &fresh, Some(&ip), now))
    })
    .await?;
    let refreshed = outcome.map_err(|refused| {
        if refused == session::RefreshRefused::Reused {
            tracing::warn!("a spent staff refresh token was presented; its session is ended");
        }
        ApiError::from(AppError::Unauthenticated(AuthFailure::InvalidToken))
    })?;
    let token = state.tokens.issue(&refreshed.actor, refreshed.id, now)?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Token refreshed",
        RefreshData {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: STAFF_TOKEN_TTL_SECONDS,
            refresh_token: refreshed.refresh.expose().to_owned(),
            refresh_expires_in: (refreshed.refresh_expires_at - now).num_seconds(),
        },
    )))
}

/// Nothing to return.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogoutData {
    /// Always true.
    pub signed_out: bool,
}

/// Signs out: the session ends, so its access token and refresh token stop working at once.
#[utoipa::path(
    tag = "merchant-auth",
    responses(
        (status = 200, body = Envelope<LogoutData>),
        (status = 401, description = "No, bad or already signed-out token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff<Merchant>,
) -> Result<HttpResponse> {
    let ip = client_ip(&req, state.limits.config().trust_forwarded_for);
    let now = state.now();
    let signed_in = staff.session();
    staff
        .run(move |store, actor| {
            store.write(|tx| session::logout(tx, &actor, signed_in, Some(&ip), now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Signed out", LogoutData { signed_out: true })))
}
