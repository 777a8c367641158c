//! The merchant's own payment gateway account (Stripe): connect, read (keys masked), disconnect.
//! Owners and admins.

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::{DateTime, Utc};
use kedai_app::payments::{self, StripeAccount, StripeSetup};
use kedai_identity::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantOk as Envelope};

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_stripe)
        .service(connect_stripe)
        .service(disconnect_stripe);
}

/// The merchant's Stripe account, its secrets masked or left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct StripeAccountResponse {
    /// Always `stripe`.
    pub gateway: String,
    /// The secret key's prefix and last four characters.
    #[schema(example = "sk_test_…4242")]
    pub secret_key: String,
    /// Publishable key.
    pub publishable_key: Option<String>,
    /// Payment method types offered at checkout.
    #[schema(example = json!(["card", "fpx"]))]
    pub methods: Vec<String>,
    /// Where customers return after paying.
    pub return_url: String,
    /// Stripe's API base URL.
    pub api_base: String,
    /// Where Stripe sends this merchant's events (register it at Stripe, with the
    /// `checkout.session.*` events).
    pub webhook_url: String,
    /// Connected.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl StripeAccountResponse {
    fn of(a: StripeAccount, public_url: &str) -> Self {
        Self {
            gateway: payments::STRIPE.into(),
            secret_key: a.masked_key(),
            publishable_key: a.publishable_key,
            methods: a.methods,
            return_url: a.return_url,
            api_base: a.api_base,
            webhook_url: format!("{public_url}/webhooks/stripe"),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A Stripe account to connect.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeSetupRequest {
    /// Secret key (`sk_…`, or a restricted `rk_…` allowed to write Checkout Sessions).
    pub secret_key: String,
    /// Publishable key (`pk_…`).
    pub publishable_key: Option<String>,
    /// The signing secret of the webhook endpoint registered at Stripe (`whsec_…`).
    pub webhook_secret: String,
    /// Payment method types (default `["card"]`): `card`, `fpx`, `grabpay`, `alipay`.
    pub methods: Option<Vec<String>>,
    /// Where customers return after paying (`kedai_intent` and `status` are added).
    #[schema(example = "https://shop.example.com/checkout/return")]
    pub return_url: String,
    /// Stripe's API base URL (default `https://api.stripe.com`).
    pub api_base: Option<String>,
}

/// The merchant's Stripe account.
#[utoipa::path(
    tag = "merchant-payments",
    responses(
        (status = 200, body = Envelope<StripeAccountResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins", body = MerchantErrorBody),
        (status = 404, description = "PAYMENT_GATEWAY_NOT_FOUND: none connected", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/payment-gateways/stripe")]
pub async fn get_stripe(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let a = staff
        .run(move |store, actor| store.read(|tx| payments::stripe_account(tx, &actor)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Stripe",
        StripeAccountResponse::of(a, &state.public_url),
    )))
}

/// Connects the merchant's Stripe account (or replaces its settings): from now on the
/// merchant's payments open Stripe Checkout Sessions.
#[utoipa::path(
    tag = "merchant-payments",
    request_body = StripeSetupRequest,
    responses(
        (status = 200, body = Envelope<StripeAccountResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins", body = MerchantErrorBody),
        (status = 422, description = "Bad keys, methods or URLs", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[put("/payment-gateways/stripe")]
pub async fn connect_stripe(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<StripeSetupRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let b = body.0;
    let setup = StripeSetup {
        secret_key: Some(b.secret_key),
        publishable_key: b.publishable_key,
        webhook_secret: Some(b.webhook_secret),
        methods: b.methods,
        return_url: Some(b.return_url),
        api_base: b.api_base,
    };
    let now = state.now();
    let a = staff
        .run(move |store, actor| {
            store.write(|tx| payments::connect_stripe(tx, &actor, &setup, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Stripe connected",
        StripeAccountResponse::of(a, &state.public_url),
    )))
}

/// Disconnects Stripe: the merchant's next payments go through the built-in gateway.
#[utoipa::path(
    tag = "merchant-payments",
    responses(
        (status = 200, body = Envelope<DeletedGateway>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins", body = MerchantErrorBody),
        (status = 404, description = "PAYMENT_GATEWAY_NOT_FOUND: none connected", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/payment-gateways/stripe")]
pub async fn disconnect_stripe(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::MerchantWrite);
    let now = state.now();
    staff
        .run(move |store, actor| store.write(|tx| payments::disconnect_stripe(tx, &actor, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Stripe disconnected",
        DeletedGateway {
            gateway: payments::STRIPE.into(),
            deleted: true,
        },
    )))
}

/// A disconnected gateway.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedGateway {
    /// `stripe`.
    pub gateway: String,
    /// Always true.
    pub deleted: bool,
}
