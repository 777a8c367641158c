//! Customer sign-in (`/auth/*`): the login channel, one-time codes, registration, token
//! validation, refresh with rotation, sign-out, and the registration form.

use std::marker::PhantomData;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use kedai_app::customer_auth::{self, CustomerSession, SignInRefused, random_seed};
use kedai_app::registration::{self, Registration};
use kedai_app::session::new_refresh_token;
use kedai_app::storefront::{portal_tenant, settings};
use kedai_app::{AppError, AuthFailure, FieldError};
use kedai_core::TenantId;
use kedai_identity::customer_auth::CUSTOMER_ACCESS_TTL_SECONDS;
use kedai_identity::{OtpCheck, RefreshCheck, RegistrationForm, Tenant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    PortalOk, PortalTenant, Result, SignedInCustomer, client_ip, company_header, created, deliver,
    ok, resolve_tenant,
};
use crate::body::LenientBody;
use crate::dto::PortalErrorBody;
use crate::error::{ApiError, Failure};
use crate::query::Query;
use crate::surface::Portal;
use crate::{AppState, blocking};

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

/// The tenant of an auth call, which may also name it as `companyId` in the body or query:
/// the header wins, and both given and different is a 400.
async fn tenant_with(req: &HttpRequest, company_id: Option<String>) -> Result<Tenant> {
    let company_id = company_id
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    match (company_header(req), company_id) {
        (Some(h), Some(c)) if !h.eq_ignore_ascii_case(&c) => Err(Failure::BadRequest {
            code: "COMPANY_MISMATCH",
            message: "companyId differs from the X-Company-Id header".into(),
        }
        .into()),
        (None, Some(c)) => {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::not_found("company", &c))?;
            blocking::<_, Portal>(&state, move |store| {
                store.lookup(|tx| {
                    let id: TenantId = c.parse().map_err(|_| AppError::not_found("company", &c))?;
                    portal_tenant(tx, id).map_err(|_| AppError::not_found("company", &c))
                })
            })
            .await
        }
        _ => resolve_tenant(req).await,
    }
}

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
pub async fn login_channel(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse> {
    let company = Query::of(&req)?.text("companyId");
    let tenant = tenant_with(&req, company).await?;
    let now = state.now();
    let s = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| settings(tx, tenant.id, now))
    })
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
    body: LenientBody<OtpRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(body, PhantomData) = body;
    let tenant = tenant_with(&req, body.company_id.clone()).await?;
    let decision = state.limits.check_otp_ip(&client_ip(&req));
    if let Some(retry_after) = decision.retry_after {
        return Err(Failure::RateLimited { retry_after }.into());
    }
    let now = state.now();
    let seed = random_seed()?;
    let message = blocking::<_, Portal>(&state, move |store| {
        store.write(|tx| {
            customer_auth::request_otp(
                tx,
                tenant.id,
                body.phone.as_deref(),
                body.email.as_deref(),
                seed,
                now,
            )
        })
    })
    .await?;
    deliver(&state, std::slice::from_ref(&message));
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
        SignInRefused::NotRegistered => AppError::not_found("member", "with this phone or e-mail"),
        SignInRefused::Code(OtpCheck::Wrong { remaining }) => invalid(
            "OTP_INVALID",
            format!("is not the code that was sent; {remaining} attempts left"),
        ),
        SignInRefused::Code(OtpCheck::Expired) => {
            invalid("OTP_EXPIRED", "has expired; ask for a new code".into())
        }
        SignInRefused::Code(OtpCheck::Locked) => AppError::Throttled {
            code: "OTP_LOCKED",
            message: "too many wrong codes; ask for a new code".into(),
            retry_after: 60,
        },
        SignInRefused::Code(OtpCheck::NoChallenge | OtpCheck::Verified) => invalid(
            "OTP_NOT_REQUESTED",
            "no code is outstanding for this recipient; ask for one first".into(),
        ),
    }
    .into()
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
    req: HttpRequest,
    body: LenientBody<VerifyOtpRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(body, PhantomData) = body;
    let tenant = tenant_with(&req, body.company_id.clone()).await?;
    let code = body
        .otp
        .clone()
        .or_else(|| body.code.clone())
        .ok_or_else(|| AppError::invalid("otp", "is required"))?;
    let fresh = new_refresh_token()?;
    let now = state.now();
    let outcome = blocking::<_, Portal>(&state, move |store| {
        store.write(|tx| {
            customer_auth::verify_otp(
                tx,
                tenant.id,
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

/// A registration, as the FavCRM client sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisterRequest {
    /// Name (first or display name).
    pub name: String,
    /// Phone, international form.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Age range.
    pub age_range: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Agrees to receive promotions.
    #[serde(default)]
    pub agree_to_receive_promotion: bool,
    /// Agrees to the terms.
    #[serde(default)]
    pub agree_to_terms: bool,
    /// Referrer's phone.
    pub referred_by_phone: Option<String>,
    /// Referrer's member id (accepted, not used yet).
    pub referred_by_account_id: Option<String>,
    /// A membership tier chosen at sign-up (accepted; tiers are enrolled separately).
    #[schema(value_type = Option<Object>)]
    pub tier_id: Option<serde_json::Value>,
    /// Where they signed up (`storefront` when absent).
    pub source: Option<String>,
    /// Campaign attribution (an object, or null).
    #[serde(rename = "utm_data")]
    #[schema(value_type = Option<Object>)]
    pub utm_data: Option<serde_json::Value>,
    /// Company id (the header wins).
    pub company_id: Option<String>,
    /// The one-time code sent to the phone (or e-mail) the merchant signs customers in by,
    /// when it was not checked at `/auth/otp/verify` just before.
    #[schema(example = "123456")]
    pub otp: Option<String>,
    /// The same, under 004's name.
    pub code: Option<String>,
}

/// Registers a customer of the merchant (the same record the merchant API lists) and signs
/// them in. The phone (or e-mail, by the merchant's channel) must be proven first: ask for a
/// code at `/auth/otp` and check it at `/auth/otp/verify` (which answers `MEMBER_NOT_FOUND`
/// for a newcomer and lets them register within 15 minutes), or send the code here as `otp`.
/// Without proof the answer is 422 `OTP_VERIFICATION_REQUIRED` whoever the number belongs to.
/// An e-mail (or phone) no code proved is kept only when no other customer has it.
#[utoipa::path(
    tag = "portal-auth",
    request_body = RegisterRequest,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 201, body = PortalOk<AuthTokenResponse>),
        (status = 400, description = "Malformed body, TENANT_REQUIRED or COMPANY_MISMATCH", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
        (status = 409, description = "CUSTOMER_PHONE_TAKEN or CUSTOMER_EMAIL_TAKEN: the proven phone or e-mail is a member's already (sign in instead)", body = PortalErrorBody),
        (status = 422, description = "OTP_VERIFICATION_REQUIRED; OTP_INVALID, OTP_EXPIRED or OTP_NOT_REQUESTED for a code sent with the form; a field the merchant's form requires is missing, or a bad value", body = PortalErrorBody),
        (status = 429, description = "OTP_LOCKED after 5 wrong codes", body = PortalErrorBody),
    )
)]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: LenientBody<RegisterRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(b, PhantomData) = body;
    let tenant = tenant_with(&req, b.company_id.clone()).await?;
    let utm_data = match b.utm_data {
        None | Some(serde_json::Value::Null) => None,
        Some(v @ serde_json::Value::Object(_)) => Some(v.to_string()),
        Some(_) => return Err(ApiError::invalid("utm_data", "must be an object or null")),
    };
    let registration = Registration {
        name: b.name,
        phone: b.phone,
        email: b.email,
        last_name: b.last_name,
        gender: b.gender,
        date_of_birth: b.date_of_birth,
        age_range: b.age_range,
        address: b.address,
        district: b.district,
        agree_to_receive_promotion: b.agree_to_receive_promotion,
        agree_to_terms: b.agree_to_terms,
        referred_by_phone: b.referred_by_phone,
        source: b.source,
        utm_data,
        code: b.otp.or(b.code),
    };
    let fresh = new_refresh_token()?;
    let now = state.now();
    let outcome = blocking::<_, Portal>(&state, move |store| {
        store.write(|tx| registration::register(tx, tenant.id, &registration, fresh.clone(), now))
    })
    .await?;
    let session = outcome.map_err(refused)?;
    Ok(created(tokens(&state, &session)?))
}

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
pub async fn validate_token(
    state: web::Data<AppState>,
    SignedInCustomer(caller): SignedInCustomer,
) -> Result<HttpResponse> {
    let member = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| kedai_app::members::profile(tx, caller))
    })
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
pub struct RefreshRequest {
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
    request_body = Option<RefreshRequest>,
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
    PortalTenant(tenant): PortalTenant,
    body: LenientBody<RefreshRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(body, PhantomData) = body;
    let Some(token) = body.refresh_token.filter(|t| !t.trim().is_empty()) else {
        if req
            .headers()
            .contains_key(actix_web::http::header::AUTHORIZATION)
        {
            use actix_web::FromRequest;
            let SignedInCustomer(caller) = SignedInCustomer::extract(&req).await?;
            let now = state.now();
            let session = blocking::<_, Portal>(&state, move |store| {
                store.read(|tx| customer_auth::renew(tx, caller, now))
            })
            .await?;
            return Ok(ok(tokens(&state, &session)?));
        }
        return Err(AppError::invalid("refreshToken", "is required").into());
    };
    let next = new_refresh_token()?;
    let now = state.now();
    let outcome = blocking::<_, Portal>(&state, move |store| {
        store.write(|tx| customer_auth::refresh(tx, tenant.id, &token, next.clone(), now))
    })
    .await?;
    match outcome {
        Ok(session) => Ok(ok(tokens(&state, &session)?)),
        Err(RefreshCheck::Reused) => {
            tracing::warn!(tenant.id = %tenant.id, "a used refresh token was presented; its session is revoked");
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
pub async fn portal_logout(
    state: web::Data<AppState>,
    SignedInCustomer(caller): SignedInCustomer,
) -> Result<HttpResponse> {
    let now = state.now();
    blocking::<_, Portal>(&state, move |store| {
        store.write(|tx| customer_auth::logout(tx, caller, now))
    })
    .await?;
    Ok(ok(LoggedOut { logged_out: true }))
}

/// A field of the registration form.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationField {
    /// The registration body key it fills (`name`, `phone`, `email`, `dateOfBirth`, ...).
    pub key: String,
    /// What the customer sees.
    pub label: String,
    /// `text`, `phone`, `email`, `select`, `date` or `checkbox`.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Must be filled in.
    pub required: bool,
    /// Shown at all.
    pub enabled: bool,
    /// Position, ascending.
    pub order: i64,
    /// Text beside a tick box.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkbox_label: Option<String>,
}

/// The merchant's registration form (the FavCRM client's `RegistrationFormConfig`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationFormConfig {
    /// Fields, in order.
    pub fields: Vec<RegistrationField>,
    /// Country calling code phone inputs start with.
    pub default_country_code: String,
    /// The same.
    pub country_code: String,
    /// The calling code with its `+`.
    pub country_phone_prefix: String,
}

impl From<RegistrationForm> for RegistrationFormConfig {
    fn from(f: RegistrationForm) -> Self {
        Self {
            fields: f
                .fields
                .into_iter()
                .map(|x| RegistrationField {
                    key: x.key,
                    label: x.label,
                    field_type: x.field_type.as_str().to_owned(),
                    required: x.required,
                    enabled: x.enabled,
                    order: x.order,
                    checkbox_label: x.checkbox_label,
                })
                .collect(),
            country_phone_prefix: format!("+{}", f.default_country_code),
            country_code: f.default_country_code.clone(),
            default_country_code: f.default_country_code,
        }
    }
}

/// The fields the merchant asks new customers for.
#[utoipa::path(
    tag = "portal-auth",
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<RegistrationFormConfig>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "COMPANY_NOT_FOUND", body = PortalErrorBody),
    )
)]
#[get("/auth/registration-form")]
pub async fn registration_form(
    state: web::Data<AppState>,
    PortalTenant(tenant): PortalTenant,
) -> Result<HttpResponse> {
    let now = state.now();
    let s = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| settings(tx, tenant.id, now))
    })
    .await?;
    Ok(ok(RegistrationFormConfig::from(s.registration_form)))
}
