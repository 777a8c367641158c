//! The merchant's storefront settings (host names, sign-in channel, registration form, portal
//! modules and brand) and the outgoing message log.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use kedai_app::storefront::{self, SettingsUpdate};
use kedai_identity::{
    Analytics, FieldType, FormField, MessageDelivery, MessageFilter, MessageKind, OutgoingMessage,
    PortalSettings, RegistrationForm,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{
    MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta, double_option,
};
use crate::error::ApiError;
use crate::query::Query;
use crate::registration_form::{RegistrationField, RegistrationFormConfig};
use crate::surface::Merchant;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_domains)
        .service(add_domain)
        .service(remove_domain)
        .service(get_settings)
        .service(update_settings)
        .service(get_registration_form)
        .service(put_registration_form)
        .service(list_notifications);
}

/// A storefront host name.
#[derive(Debug, Serialize, ToSchema)]
pub struct DomainResponse {
    /// Lower-case host name.
    pub hostname: String,
    /// Registered.
    pub created_at: DateTime<Utc>,
}

/// Lists the merchant's storefront host names (owner and admin).
#[utoipa::path(
    tag = "merchant-storefront",
    responses(
        (status = 200, body = Envelope<Vec<DomainResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage the storefront", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/storefront/domains")]
pub async fn list_domains(staff: Staff<Merchant>) -> Result<HttpResponse> {
    let list = staff
        .run(move |store, actor| store.read(|tx| storefront::domains(tx, &actor)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Storefront domains",
        list.into_iter()
            .map(|(h, at)| DomainResponse {
                hostname: h.as_str().to_owned(),
                created_at: at,
            })
            .collect::<Vec<_>>(),
    )))
}

/// A host name to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AddDomainRequest {
    /// Host name, e.g. `shop.example.com` (no scheme, path or port).
    #[schema(example = "shop.example.com")]
    pub hostname: String,
}

/// Registers a storefront host name: requests to it resolve to this merchant.
#[utoipa::path(
    tag = "merchant-storefront",
    request_body = AddDomainRequest,
    responses(
        (status = 201, body = Envelope<DomainResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage the storefront", body = MerchantErrorBody),
        (status = 409, description = "DOMAIN_TAKEN: registered already (by anyone)", body = MerchantErrorBody),
        (status = 422, description = "Not a host name", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/storefront/domains")]
pub async fn add_domain(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    body: JsonBody<AddDomainRequest, Merchant>,
) -> Result<HttpResponse> {
    let JsonBody(body, ..) = body;
    let now = state.now();
    let (host, at) = staff
        .run(move |store, actor| {
            store.write(|tx| storefront::add_domain(tx, &actor, &body.hostname, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Storefront domain registered",
        DomainResponse {
            hostname: host.as_str().to_owned(),
            created_at: at,
        },
    )))
}

/// Removes a storefront host name.
#[utoipa::path(
    tag = "merchant-storefront",
    params(("hostname" = String, Path, description = "Host name")),
    responses(
        (status = 200, body = Envelope<serde_json::Value>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage the storefront", body = MerchantErrorBody),
        (status = 404, description = "DOMAIN_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/storefront/domains/{hostname}")]
pub async fn remove_domain(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let host = path.into_inner();
    let now = state.now();
    staff
        .run(move |store, actor| {
            store.write(|tx| storefront::remove_domain(tx, &actor, &host, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Storefront domain removed",
        serde_json::json!({}),
    )))
}

/// Analytics ids a storefront loads.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsIds {
    /// Google Tag Manager container.
    pub gtm_id: Option<String>,
    /// Google Analytics 4 measurement id.
    pub ga4_id: Option<String>,
    /// Meta pixel.
    pub meta_pixel_id: Option<String>,
}

/// The merchant's customer-portal settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsResponse {
    /// `sms`, `whatsapp` or `email`.
    pub login_channel: String,
    /// Enabled portal modules.
    pub modules: Vec<String>,
    /// Brand name storefronts show (the merchant's name when null).
    pub brand_name: Option<String>,
    /// Brand e-mail.
    pub brand_email: Option<String>,
    /// Brand logo URL.
    pub brand_logo_url: Option<String>,
    /// Analytics ids.
    pub analytics: Option<AnalyticsIds>,
    /// The registration form.
    pub registration_form: RegistrationFormConfig,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<PortalSettings> for SettingsResponse {
    fn from(s: PortalSettings) -> Self {
        Self {
            login_channel: s.login_channel.as_str().to_owned(),
            modules: s.modules,
            brand_name: s.brand_name,
            brand_email: s.brand_email,
            brand_logo_url: s.brand_logo_url,
            analytics: s.analytics.map(|a| AnalyticsIds {
                gtm_id: a.gtm_id,
                ga4_id: a.ga4_id,
                meta_pixel_id: a.meta_pixel_id,
            }),
            registration_form: s.registration_form.into(),
            updated_at: s.updated_at,
        }
    }
}

/// The customer-portal settings (owner and admin).
#[utoipa::path(
    tag = "merchant-storefront",
    responses(
        (status = 200, body = Envelope<SettingsResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage the storefront", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/storefront/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
) -> Result<HttpResponse> {
    staff.require(kedai_identity::Permission::MerchantWrite);
    let now = state.now();
    let s = staff
        .run(move |store, actor| store.read(|tx| storefront::settings(tx, actor.tenant, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Storefront settings",
        SettingsResponse::from(s),
    )))
}

/// A change to the portal settings: absent fields stay, null clears.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SettingsPatch {
    /// `sms`, `whatsapp` or `email`: how customers receive sign-in codes.
    pub login_channel: Option<String>,
    /// Enabled modules: `bookings`, `events`, `payment_gateway`, `card_builder`,
    /// `orders_shop`, `pages`, `gift_offers`, `tutor_courses`.
    pub modules: Option<Vec<String>>,
    /// Brand name.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub brand_name: Option<Option<String>>,
    /// Brand e-mail.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub brand_email: Option<Option<String>>,
    /// Brand logo URL (http or https).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub brand_logo_url: Option<Option<String>>,
    /// Analytics ids.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<AnalyticsIds>)]
    pub analytics: Option<Option<AnalyticsIds>>,
}

/// Changes the customer-portal settings (owner and admin), audited.
#[utoipa::path(
    tag = "merchant-storefront",
    request_body = SettingsPatch,
    responses(
        (status = 200, body = Envelope<SettingsResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage the storefront", body = MerchantErrorBody),
        (status = 422, description = "Bad fields", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/storefront/settings")]
pub async fn update_settings(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    body: JsonBody<SettingsPatch, Merchant>,
) -> Result<HttpResponse> {
    let JsonBody(p, ..) = body;
    let update = SettingsUpdate {
        login_channel: p.login_channel,
        modules: p.modules,
        brand_name: p.brand_name,
        brand_email: p.brand_email,
        brand_logo_url: p.brand_logo_url,
        analytics: p.analytics.map(|a| {
            a.map(|a| Analytics {
                gtm_id: a.gtm_id,
                ga4_id: a.ga4_id,
                meta_pixel_id: a.meta_pixel_id,
            })
        }),
        registration_form: None,
    };
    let now = state.now();
    let s = staff
        .run(move |store, actor| {
            store.write(|tx| storefront::update_settings(tx, &actor, &update, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Storefront settings updated",
        SettingsResponse::from(s),
    )))
}

/// The registration form (owner and admin).
#[utoipa::path(
    tag = "merchant-storefront",
    responses(
        (status = 200, body = Envelope<RegistrationFormConfig>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage the storefront", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/storefront/registration-form")]
pub async fn get_registration_form(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
) -> Result<HttpResponse> {
    staff.require(kedai_identity::Permission::MerchantWrite);
    let now = state.now();
    let s = staff
        .run(move |store, actor| store.read(|tx| storefront::settings(tx, actor.tenant, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Registration form",
        RegistrationFormConfig::from(s.registration_form),
    )))
}

/// A registration form to use.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationFormRequest {
    /// Fields: keys among `name`, `lastName`, `phone`, `email`, `gender`, `dateOfBirth`,
    /// `ageRange`, `address`, `district`, `agreeToReceivePromotion`, `agreeToTerms`,
    /// `referredByPhone`, each once, of its type; `name` and `phone` always enabled and required.
    pub fields: Vec<RegistrationField>,
    /// Country calling code phone inputs start with, e.g. `852`.
    pub default_country_code: String,
}

/// Replaces the registration form (owner and admin), audited.
#[utoipa::path(
    tag = "merchant-storefront",
    request_body = RegistrationFormRequest,
    responses(
        (status = 200, body = Envelope<RegistrationFormConfig>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Role may not manage the storefront", body = MerchantErrorBody),
        (status = 422, description = "Unknown or repeated keys, wrong types, name or phone not required", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/storefront/registration-form")]
pub async fn put_registration_form(
    state: web::Data<AppState>,
    staff: Staff<Merchant>,
    body: JsonBody<RegistrationFormRequest, Merchant>,
) -> Result<HttpResponse> {
    let JsonBody(f, ..) = body;
    let fields = f
        .fields
        .into_iter()
        .map(|x| {
            Ok(FormField {
                field_type: ApiError::parse_field::<FieldType>("fields", &x.field_type)?,
                key: x.key,
                label: x.label,
                required: x.required,
                enabled: x.enabled,
                order: x.order,
                checkbox_label: x.checkbox_label,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let update = SettingsUpdate {
        registration_form: Some(RegistrationForm {
            fields,
            default_country_code: f.default_country_code,
        }),
        ..SettingsUpdate::default()
    };
    let now = state.now();
    let s = staff
        .run(move |store, actor| {
            store.write(|tx| storefront::update_settings(tx, &actor, &update, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Registration form updated",
        RegistrationFormConfig::from(s.registration_form),
    )))
}

/// A message sent to a customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    /// Id.
    pub id: String,
    /// `otp` or `order_confirmation`.
    pub kind: String,
    /// `sms`, `whatsapp` or `email`.
    pub channel: String,
    /// Phone or e-mail.
    pub recipient: String,
    /// Subject (e-mail).
    pub subject: Option<String>,
    /// Text as sent.
    pub body: String,
    /// What it is about (an order id, a sign-in challenge id).
    pub reference: Option<String>,
    /// Recorded.
    pub created_at: DateTime<Utc>,
    /// How its sending went: `queued` (waiting for the outbox worker), `sent` (handed to the
    /// channel's provider), `logged` (no provider configured for the channel: written to the
    /// server log only) or `failed`.
    pub delivery_status: String,
    /// Sending attempts made.
    pub delivery_attempts: u32,
    /// Which transport took it: `smtp`, `sms` or `log`.
    pub transport: Option<String>,
    /// The provider's id for it.
    pub provider_reference: Option<String>,
    /// Why the last attempt failed.
    pub delivery_error: Option<String>,
    /// When it was handed over.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<(OutgoingMessage, MessageDelivery)> for NotificationResponse {
    fn from((m, d): (OutgoingMessage, MessageDelivery)) -> Self {
        Self {
            delivery_status: d.state.as_str().to_owned(),
            delivery_attempts: d.attempts,
            transport: d.transport,
            provider_reference: d.provider_reference,
            delivery_error: d.error,
            delivered_at: d.delivered_at,
            id: m.id.to_string(),
            kind: m.kind.as_str().to_owned(),
            channel: m.channel.as_str().to_owned(),
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            reference: m.reference,
            created_at: m.created_at,
        }
    }
}

/// Which messages to list.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `otp` or `order_confirmation`.
    pub kind: Option<String>,
    /// Phone (any international form) or e-mail.
    pub recipient: Option<String>,
}

/// The outgoing message log, newest first (owner and admin: it holds sign-in codes).
#[utoipa::path(
    tag = "merchant-storefront",
    params(NotificationQuery),
    responses(
        (status = 200, body = MerchantList<NotificationResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins read the message log", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or kind", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/notifications")]
pub async fn list_notifications(
    mut staff: Staff<Merchant>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(kedai_identity::Permission::NotificationsRead);
    let query = Query::of(&req)?;
    let page = query.page(&["limit"])?;
    let kind = query
        .text("kind")
        .map(|k| ApiError::parse_field::<MessageKind>("kind", &k))
        .transpose()?;
    let recipient = query.text("recipient").map(|r| {
        kedai_identity::Phone::parse(&r)
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|_| r.trim().to_lowercase())
    });
    let filter = MessageFilter { kind, recipient };
    let (list, total) = staff
        .run(move |store, actor| store.read(|tx| storefront::messages(tx, &actor, &filter, page)))
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Notifications".into(),
        data: list.into_iter().map(NotificationResponse::from).collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}
