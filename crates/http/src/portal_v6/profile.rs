//! The signed-in member's own record (`/profile`), in the FavCRM client's `ApiMember` shape.

use std::marker::PhantomData;

use actix_web::{HttpResponse, get, patch, web};
use chrono::{DateTime, Utc};
use kedai_app::customer_auth::{self, Member, ProfileChange};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PortalOk, Result, SignedInCustomer, ok};
use crate::body::LenientBody;
use crate::dto::{PortalErrorBody, double_option};
use crate::surface::Portal;
use crate::{AppState, blocking};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_profile).service(update_profile);
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
                    "multiplier": 1,
                    "discount": kedai_loyalty::coupon::percentage_to_f64(d.discount),
                    "priority": d.sort_order,
                    "isUpgradeable": true,
                    "paymentGateway": null,
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
pub async fn get_profile(
    state: web::Data<AppState>,
    SignedInCustomer(caller): SignedInCustomer,
) -> Result<HttpResponse> {
    let member = blocking::<_, Portal>(&state, move |store| {
        store.read(|tx| customer_auth::profile(tx, caller))
    })
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
}

/// Changes the signed-in member's own record.
#[utoipa::path(
    tag = "portal-member",
    request_body = Option<ProfilePatch>,
    params(("X-Company-Id" = Option<String>, Header, description = "Company id")),
    responses(
        (status = 200, body = PortalOk<ApiMember>),
        (status = 400, description = "Malformed body", body = PortalErrorBody),
        (status = 401, description = "No, bad, expired or revoked token", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN_TENANT", body = PortalErrorBody),
        (status = 409, description = "CUSTOMER_PHONE_TAKEN or CUSTOMER_EMAIL_TAKEN", body = PortalErrorBody),
        (status = 422, description = "Bad fields", body = PortalErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/profile")]
pub async fn update_profile(
    state: web::Data<AppState>,
    SignedInCustomer(caller): SignedInCustomer,
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
    };
    let now = state.now();
    let member = blocking::<_, Portal>(&state, move |store| {
        store.write(|tx| customer_auth::update_profile(tx, caller, &change, now))
    })
    .await?;
    Ok(ok(ApiMember::from(member)))
}
