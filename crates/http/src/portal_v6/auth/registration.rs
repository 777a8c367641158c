//! Registering a customer.

use std::marker::PhantomData;

use actix_web::{HttpResponse, get, post, web};
use kedai_app::registration::{self, Registration};
use kedai_app::session::new_refresh_token;
use kedai_app::storefront::settings;
use serde::Deserialize;
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::body::LenientBody;
use crate::dto::PortalErrorBody;
use crate::error::ApiError;
use crate::portal_v6::{PortalOk, Result, Shop, created, ok};
use crate::registration_form::RegistrationFormConfig;
use crate::surface::Portal;

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
    shop: Shop,
    body: LenientBody<RegisterRequest, Portal>,
) -> Result<HttpResponse> {
    let LenientBody(b, PhantomData) = body;
    let shop = shop.with_company(b.company_id.clone())?;
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
    let outcome = shop
        .run(move |store, tenant| {
            store.write(|tx| registration::register(tx, &tenant, &registration, fresh.clone(), now))
        })
        .await?;
    let session = outcome.map_err(refused)?;
    Ok(created(tokens(&state, &session)?))
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
pub async fn registration_form(state: web::Data<AppState>, shop: Shop) -> Result<HttpResponse> {
    let now = state.now();
    let s = shop
        .run(move |store, tenant| store.read(|tx| settings(tx, tenant.id, now)))
        .await?;
    Ok(ok(RegistrationFormConfig::from(s.registration_form)))
}
