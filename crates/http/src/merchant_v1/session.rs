//! Signing in.

use actix_web::{HttpResponse, post, web};
use kedai_app::identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::auth::STAFF_TOKEN_TTL_SECONDS;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, Ok as Envelope};
use crate::error::ApiError;
use crate::surface::Merchant;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login);
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
    /// The merchant (tenant) id.
    pub merchant_id: String,
    /// Who signed in.
    pub user: LoginUser,
}

/// Signs a staff member in and returns a bearer token valid for two hours.
#[utoipa::path(
    tag = "merchant-auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = Envelope<LoginData>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "AUTH_INVALID_CREDENTIALS", body = MerchantErrorBody),
        (status = 422, description = "Missing fields, or merchant_id needed", body = MerchantErrorBody),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: JsonBody<LoginRequest, Merchant>,
) -> Result<HttpResponse> {
    let req = body.0;
    let merchant = match req
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
    let signed = blocking(&state, move |store| {
        store.read(|tx| identity::login(tx, &req.email, &req.password, merchant))
    })
    .await?;
    let token = state.tokens.issue(&signed.staff, state.now())?;
    tracing::info!(staff.id = %signed.staff.id, tenant.id = %signed.tenant.id, "staff signed in");
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Signed in",
        LoginData {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: STAFF_TOKEN_TTL_SECONDS,
            merchant_id: signed.tenant.id.to_string(),
            user: LoginUser {
                id: signed.staff.id.to_string(),
                name: signed.staff.name,
                role: signed.staff.role.to_string(),
            },
        },
    )))
}
