//! A signed-in customer's session: validating, refreshing and ending it.

use std::marker::PhantomData;

use actix_web::{HttpRequest, HttpResponse, post, web};
use kedai_app::customer_auth::{self};
use kedai_app::session::new_refresh_token;
use kedai_app::{AppError, AuthFailure};
use kedai_identity::RefreshCheck;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::body::LenientBody;
use crate::dto::PortalErrorBody;
use crate::portal_v6::{PortalOk, Result, Shop, SignedIn, ok};
use crate::surface::Portal;

/// The token is good.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenValidity {
    /// Always true (a bad token is a 401).
    pub valid: bool,
    /// The member's id.
    pub member_uuid: String,
    /// The member's name.
    pub member_name: String,
}

/// Checks the customer token: 200 while it and its session are good, 401 otherwise.
#[utoipa::path(
    tag = "portal-auth",
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<TokenValidity>),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT: a token of another merchant", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/auth/validate-token")]
pub async fn validate_token(member: SignedIn) -> Result<HttpResponse> {
    let member = member
        .run(move |store, _tenant, caller| store.read(|tx| kedai_app::members::profile(tx, caller)))
        .await?;
    Ok(ok(TokenValidity {
        valid: true,
        member_uuid: member.customer.id.to_string(),
        member_name: member.customer.name,
    }))
}

/// A refresh token to exchange.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalRefreshRequest {
    /// The refresh token from sign-in or the last refresh.
    pub refresh_token: Option<String>,
}

/// Exchanges a refresh token for new tokens; the old refresh token stops working. Presenting
/// a used refresh token ends the whole session (someone replayed it). Works after the access
/// token has expired, which is what it is for. Called as 004 does, with only a (still valid)
/// access token as the bearer and no `refreshToken`, it renews the access token of that live
/// session and answers without a refresh token.
#[utoipa::path(
    tag = "portal-auth",
    request_body = Option<PortalRefreshRequest>,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<AuthTokenResponse>),
        (status = 400, description = "Malformed body or TENANT_REQUIRED", body = PortalErrorBody),
        (status = 401, description = "Unknown, used (the session is now revoked), revoked or expired refresh token; or, without one, a missing, bad or expired bearer", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT: a bearer of another merchant", body = PortalErrorBody),
        (status = 422, description = "No refresh token and no bearer", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[post("/auth/refresh")]
pub async fn portal_refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    shop: Shop,
    body: LenientBody<PortalRefreshRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(body, PhantomData) = body;
    let Some(token) = body.refresh_token.filter(|t| !t.trim().is_empty()) else {
        if req
            .headers()
            .contains_key(actix_web::http::header::AUTHORIZATION)
        {
            use actix_web::FromRequest;
            let now = state.now();
            let session = SignedIn::extract(&req)
                .await?
                .run(move |store, _tenant, caller| {
                    store.read(|tx| customer_auth::renew(tx, caller, now))
                })
                .await?;
            return Ok(ok(tokens(&state, &session)?));
        }
        return Err(AppError::invalid("refreshToken", "is required").into());
    };
    let next = new_refresh_token()?;
    let now = state.now();
    let (tenant, outcome) = shop
        .run(move |store, tenant| {
            let outcome = store
                .write(|tx| customer_auth::refresh(tx, tenant.id, &token, next.clone(), now))?;
            Ok((tenant.id, outcome))
        })
        .await?;
    match outcome {
        Ok(session) => Ok(ok(tokens(&state, &session)?)),
        Err(RefreshCheck::Reused) => {
            tracing::warn!(tenant.id = %tenant, "a used refresh token was presented; its session is revoked");
            Err(AppError::Unauthenticated(AuthFailure::InvalidToken).into())
        }
        Err(_) => Err(AppError::Unauthenticated(AuthFailure::InvalidToken).into()),
    }
}

/// Signed out.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoggedOut {
    /// Always true.
    pub logged_out: bool,
}

/// Ends the session: the access token and every refresh token of it stop working.
#[utoipa::path(
    tag = "portal-auth",
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<LoggedOut>),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/auth/logout")]
pub async fn portal_logout(state: web::Data<AppState>, member: SignedIn) -> Result<HttpResponse> {
    let now = state.now();
    member
        .run(move |store, _tenant, caller| store.write(|tx| customer_auth::logout(tx, caller, now)))
        .await?;
    Ok(ok(LoggedOut { logged_out: true }))
}
