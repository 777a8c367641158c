//! Webhooks payment gateways send (`/webhooks/*`): Stripe's Checkout Session events. Not a
//! client surface: the gateway is the caller, proven by the signature over the raw body.

use actix_web::{HttpRequest, HttpResponse, post, web};
use kedai_app::AppError;
use kedai_app::payments::{StripeNotice, stripe_webhook};
use serde::Serialize;
use utoipa::ToSchema;

use crate::body::RawBody;
use crate::dto::MerchantErrorBody;
use crate::error::ApiError;
use crate::surface::Merchant;
use crate::{AppState, hop};

pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(stripe_webhook_route);
}

/// What Kedai made of a webhook.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookReceipt {
    /// Always true: the event was taken (Stripe stops sending it).
    pub received: bool,
    /// `settled` (the payment intent's outcome is recorded), `pending` (the customer has not
    /// paid yet), `ignored` (not an event of a Kedai checkout) or `refused` (the payment could
    /// no longer be taken, e.g. its order was cancelled).
    pub result: String,
    /// The payment intent it was about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_intent_id: Option<String>,
    /// Why, for `ignored` and `refused`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Stripe's webhook for merchants' accounts: a Checkout Session event (`completed`,
/// `async_payment_succeeded`, `async_payment_failed`, `expired`) settles the payment intent it
/// names — the outcome is asked of Stripe and recorded once, however often the event comes.
/// `Stripe-Signature` must be the HMAC of the body with the merchant's webhook secret, made
/// within the last 5 minutes; otherwise nothing is read or changed.
#[utoipa::path(
    tag = "gateway-webhooks",
    request_body(content = Object, description = "Stripe's event, as Stripe sends it"),
    params(("Stripe-Signature" = String, Header, description = "t=<unix>,v1=<hex HMAC-SHA256 of \"t.body\">")),
    responses(
        (status = 200, description = "Taken", body = WebhookReceipt),
        (status = 400, description = "Not JSON, no such merchant account, or a missing, wrong or stale signature: WEBHOOK_SIGNATURE_INVALID", body = MerchantErrorBody),
        (status = 503, description = "Stripe could not be asked about the payment; Stripe sends the event again", body = MerchantErrorBody),
    )
)]
#[post("/stripe")]
pub async fn stripe_webhook_route(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody<Merchant>,
) -> Result<HttpResponse, ApiError<Merchant>> {
    let signature = req
        .headers()
        .get("Stripe-Signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let gateway = std::sync::Arc::clone(&state.gateway);
    let now = state.now();
    let bytes = body.0;
    let outcome = hop(&state, move |store| {
        Ok(stripe_webhook(
            store,
            gateway.as_ref(),
            signature.as_deref(),
            &bytes,
            now,
        ))
    })
    .await?;
    let receipt = match outcome {
        Err(refusal) => {
            return Ok(HttpResponse::BadRequest().json(MerchantErrorBody {
                success: false,
                message: refusal.0,
                error_code: kedai_core::ErrorCode::WebhookSignatureInvalid
                    .as_str()
                    .into(),
                errors: serde_json::json!({}),
                details: None,
            }));
        }
        Ok(Ok(StripeNotice::Ignored(why))) => WebhookReceipt {
            received: true,
            result: "ignored".into(),
            payment_intent_id: None,
            message: Some(why.into()),
        },
        Ok(Ok(StripeNotice::Settled(intent, verified))) => WebhookReceipt {
            received: true,
            result: if verified.is_some() {
                "settled"
            } else {
                "pending"
            }
            .into(),
            payment_intent_id: Some(intent.to_string()),
            message: None,
        },
        // Stripe (or the database) could not be reached: let Stripe send it again.
        Ok(Err(e @ AppError::Storage(_))) => return Err(ApiError::from(e)),
        Ok(Err(e)) => WebhookReceipt {
            received: true,
            result: "refused".into(),
            payment_intent_id: None,
            message: Some(e.to_string()),
        },
    };
    Ok(HttpResponse::Ok().json(receipt))
}
