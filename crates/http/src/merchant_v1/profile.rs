//! The merchant profile (003 §6).

use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use kedai_app::merchant;
use kedai_identity::{Email, Permission, ProfileUpdate, Tenant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantOk as Envelope, double_option};
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_merchant_profile)
        .service(update_merchant_profile);
}

/// The merchant's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    /// Merchant (tenant) id.
    pub merchant_id: String,
    /// Brand name.
    #[schema(example = "Demo Cafe")]
    pub brand_name: String,
    /// Kind of business.
    #[schema(example = "F&B")]
    pub business_type: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Contact phone, as written.
    #[schema(example = "+60-12-3456789")]
    pub phone: Option<String>,
    /// `active` or `suspended`.
    pub status: String,
    /// ISO-4217 currency of every amount.
    #[schema(example = "MYR")]
    pub currency: String,
    /// IANA time zone of its day boundaries.
    #[schema(example = "Asia/Kuala_Lumpur")]
    pub time_zone: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last profile change (the creation time until the first).
    pub updated_at: DateTime<Utc>,
}

impl From<Tenant> for ProfileResponse {
    fn from(t: Tenant) -> Self {
        Self {
            merchant_id: t.id.to_string(),
            brand_name: t.name,
            business_type: t.business_type,
            email: t.email.as_ref().map(Email::as_str).map(str::to_owned),
            phone: t.phone,
            status: t.status.to_string(),
            currency: t.currency.code().to_owned(),
            time_zone: t.time_zone.name().to_owned(),
            updated_at: t.updated_at.unwrap_or(t.created_at),
            created_at: t.created_at,
        }
    }
}

/// Changes to the profile: absent fields stay; `null` clears business type, e-mail or phone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProfileRequest {
    /// Brand name, 1–200 characters.
    #[schema(example = "Demo Cafe Group")]
    pub brand_name: Option<String>,
    /// Kind of business.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "Retail & F&B")]
    pub business_type: Option<Option<String>>,
    /// Contact e-mail.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Contact phone.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "+60-12-8888888")]
    pub phone: Option<Option<String>>,
    /// ISO-4217 currency; refused (409 `CURRENCY_LOCKED`) once there are products or orders.
    pub currency: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
}

/// The caller's merchant profile.
#[utoipa::path(
    tag = "merchant-profile",
    responses(
        (status = 200, body = Envelope<ProfileResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/merchant/profile")]
pub async fn get_merchant_profile(staff: Staff<Merchant>) -> Result<HttpResponse> {
    let t = staff
        .run_with_tenant(move |_, _, tenant| Ok(tenant))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Merchant profile", ProfileResponse::from(t))))
}

/// Changes the merchant profile; absent fields stay as they are.
#[utoipa::path(
    tag = "merchant-profile",
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, body = Envelope<ProfileResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not change the profile", body = MerchantErrorBody),
        (status = 409, description = "CURRENCY_LOCKED", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/merchant/profile")]
pub async fn update_merchant_profile(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<UpdateProfileRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let req = body.0;
    let update = ProfileUpdate {
        brand_name: req.brand_name,
        business_type: req.business_type,
        email: req.email,
        phone: req.phone,
        currency: req.currency,
        time_zone: req.time_zone,
    };
    let now = state.now();
    let t = staff
        .run(move |store, actor| {
            store.write(|tx| merchant::update_profile(tx, &actor, &update, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Merchant profile updated",
        ProfileResponse::from(t),
    )))
}
