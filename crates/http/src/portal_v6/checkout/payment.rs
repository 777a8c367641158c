//! The gateway the shop pays through, and opening a payment of a shop order.

use actix_web::{HttpResponse, get, post, web};
use kedai_app::checkout::{self, PortalIntent};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::body::{RawBody, parse_json};
use crate::dto::{Decimal, PortalErrorBody};
use crate::idempotency::{Answer, create};
use crate::portal_v6::{PortalOk, Result, Shop, ok};
use crate::surface::Portal;
use actix_web::HttpRequest;
use actix_web::http::StatusCode;

/// The payment gateway the storefront pays through.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentGatewayResponse {
    /// A key the browser may hold (not a secret).
    pub publishable_key: String,
    /// The gateway: `stripe` (the merchant's own account; pay at the returned `paymentUrl`) or
    /// `mock` (Kedai's built-in test gateway, paid on its own page).
    pub gateway: String,
}

/// The payment gateway of the shop and its publishable key.
#[utoipa::path(
    tag = "portal-shop",
    responses(
        (status = 200, body = PortalOk<PaymentGatewayResponse>),
        (status = 400, description = "TENANT_REQUIRED", body = PortalErrorBody),
        (status = 404, description = "Unknown company", body = PortalErrorBody),
    )
)]
#[get("/payment-gateway")]
pub async fn get_payment_gateway(state: web::Data<AppState>, shop: Shop) -> Result<HttpResponse> {
    let gateway = std::sync::Arc::clone(&state.gateway);
    let info = shop
        .run(move |store, tenant| {
            store.lookup(|tx| checkout::gateway_info(tx, gateway.as_ref(), tenant.id))
        })
        .await?;
    Ok(ok(PaymentGatewayResponse {
        publishable_key: info.publishable_key,
        gateway: info.gateway,
    }))
}

/// A payment to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalPaymentIntentRequest {
    /// Amount in major units: the order's total.
    #[schema(value_type = f64, example = 420)]
    pub amount: Decimal,
    /// ISO-4217 currency: the shop's.
    #[schema(example = "HKD")]
    pub currency: String,
    /// The shop order to pay (its id).
    pub order_id: Option<String>,
    /// A booking (not sold here yet: refused).
    #[schema(value_type = Option<Object>)]
    pub booking_id: Option<serde_json::Value>,
    /// A membership tier (not sold here yet: refused).
    #[schema(value_type = Option<Object>)]
    pub tier_id: Option<serde_json::Value>,
    /// For a guest's order: the `orderToken` its checkout answered.
    pub order_token: Option<String>,
}

/// An opened payment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalPaymentIntentResponse {
    /// The secret the payment page holds.
    pub client_secret: String,
    /// The payment intent's id.
    pub payment_intent_id: String,
    /// The gateway's publishable key.
    pub publishable_key: String,
    /// The gateway's page to send the customer to.
    pub payment_url: String,
}

fn given(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// Opens a payment at the gateway for a shop order awaiting payment, for exactly its total.
/// Any earlier unfinished payment of it is cancelled at the gateway (its page then says so and
/// takes no approval). Only the order's customer may: a member's order needs their token, a
/// guest's order the `orderToken` its checkout answered. Bookings and tiers are not sold here
/// yet.
#[utoipa::path(
    params(crate::idempotency::IdempotencyKey),
    tag = "portal-shop",
    request_body = PortalPaymentIntentRequest,
    responses(
        (status = 201, body = PortalOk<PortalPaymentIntentResponse>),
        (status = 400, description = "Malformed body, or TENANT_REQUIRED", body = PortalErrorBody),
        (status = 403, description = "FORBIDDEN: not the order's customer (no or another customer's token, or a guest order without its orderToken)", body = PortalErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = PortalErrorBody),
        (status = 409, description = "PAYMENT_NOT_ALLOWED: the order does not await payment; PAYMENT_ALREADY_APPROVED: an earlier checkout was approved", body = PortalErrorBody),
        (status = 422, description = "VALIDATION_ERROR, AMOUNT_MISMATCH, PAYMENT_TARGET_NOT_SUPPORTED", body = PortalErrorBody),
    ),
    security((), ("bearer" = []))
)]
#[post("/payment-intents")]
pub async fn portal_create_payment_intent(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody<Portal>,
) -> Result<HttpResponse> {
    let now = state.now();
    let caller = Shop::principal(&req, now);
    let gateway = std::sync::Arc::clone(&state.gateway);
    create(
        &state,
        &req,
        body.0,
        caller,
        move |store, shopper, body, finish| {
            let r: PortalPaymentIntentRequest = parse_json(body)?;
            let cmd = PortalIntent {
                amount: r.amount.0,
                currency: r.currency,
                order_id: r.order_id,
                booking_id: given(r.booking_id),
                tier_id: given(r.tier_id),
                order_token: r.order_token,
            };
            let opened = checkout::open_shop_intent(store, &shopper, gateway.as_ref(), &cmd, now)?;
            let info = store
                .lookup(|tx| checkout::gateway_info(tx, gateway.as_ref(), shopper.tenant.id))?;
            let answer = Answer::json(
                StatusCode::CREATED,
                &PortalOk {
                    success: true,
                    data: PortalPaymentIntentResponse {
                        client_secret: format!(
                            "{}_secret_{}",
                            opened.intent.id,
                            opened.intent.gateway_session.unwrap_or_default()
                        ),
                        payment_intent_id: opened.intent.id.to_string(),
                        publishable_key: info.publishable_key,
                        payment_url: opened.payment_url,
                    },
                },
            )?;
            Ok(finish.after(store, answer)?)
        },
    )
    .await
}
