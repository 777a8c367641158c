//! Customer sign-in (`/auth/*`): the login channel, one-time codes, registration, token
//! validation, refresh with rotation, sign-out, and the registration form.

use kedai_app::Entity;
use kedai_app::customer_auth::{CustomerSession, SignInRefused};
use kedai_app::{AppError, FieldError};
use kedai_core::ErrorCode;
use kedai_identity::OtpCheck;
use kedai_identity::customer_auth::CUSTOMER_ACCESS_TTL_SECONDS;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::ApiError;
use crate::portal_v6::Result;
use crate::surface::Portal;

mod otp;
mod registration;
mod session;

pub use otp::*;
pub use registration::*;
pub use session::*;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login_channel)
        .service(request_otp)
        .service(verify_otp)
        .service(register)
        .service(validate_token)
        .service(portal_refresh)
        .service(portal_logout)
        .service(registration_form);
}

/// A signed-in customer's tokens.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthTokenResponse {
    /// The access token (the same as `accessToken`).
    pub token: String,
    /// The access token: `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Exchange at `/auth/refresh` for new tokens; each works once. Absent when the access
    /// token was renewed with only the bearer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: String,
    /// The member's id.
    pub member_uuid: String,
    /// The member's name.
    pub member_name: String,
    /// Their phone.
    pub phone: Option<String>,
    /// Their e-mail.
    pub email: Option<String>,
}

fn tokens(state: &AppState, s: &CustomerSession) -> Result<AuthTokenResponse> {
    let access = state.tokens.issue_customer(&s.caller(), state.now())?;
    Ok(AuthTokenResponse {
        token: access.clone(),
        access_token: access,
        refresh_token: s.refresh.as_ref().map(|r| r.expose().to_owned()),
        expires_in: CUSTOMER_ACCESS_TTL_SECONDS,
        token_type: "Bearer".into(),
        member_uuid: s.customer.id.to_string(),
        member_name: s.customer.name.clone(),
        phone: s.customer.phone.as_ref().map(|p| p.as_str().to_owned()),
        email: s.customer.email.as_ref().map(|e| e.as_str().to_owned()),
    })
}

/// A refused code (sign-in, registration, a new phone or e-mail) in the portal's terms.
pub(super) fn refused(why: SignInRefused) -> ApiError<Portal> {
    let invalid = |code, message: String| AppError::Validation {
        code,
        errors: vec![FieldError {
            field: "otp".into(),
            message,
        }],
    };
    match why {
        SignInRefused::NotRegistered => {
            AppError::not_found(Entity::Member, "with this phone or e-mail")
        }
        SignInRefused::Code(OtpCheck::Wrong { remaining }) => invalid(
            ErrorCode::OtpInvalid,
            format!("is not the code that was sent; {remaining} attempts left"),
        ),
        SignInRefused::Code(OtpCheck::Expired) => invalid(
            ErrorCode::OtpExpired,
            "has expired; ask for a new code".into(),
        ),
        SignInRefused::Code(OtpCheck::Locked) => AppError::Throttled {
            code: ErrorCode::OtpLocked,
            message: "too many wrong codes; ask for a new code".into(),
            retry_after: 60,
        },
        SignInRefused::Code(OtpCheck::NoChallenge | OtpCheck::Verified) => invalid(
            ErrorCode::OtpNotRequested,
            "no code is outstanding for this recipient; ask for one first".into(),
        ),
    }
    .into()
}
