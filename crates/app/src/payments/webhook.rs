//! Stripe's webhooks (`POST /webhooks/stripe`): a Checkout Session event of a merchant's account
//! settles the intent it names. The signature (`Stripe-Signature: t=…,v1=…`, HMAC-SHA256 of
//! `t.body` with the merchant's endpoint secret) and its timestamp are checked before anything
//! is read; the event itself is not trusted beyond naming the intent: the outcome is asked of
//! Stripe ([`super::settle`]), and recorded once however often the event is delivered.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;

use super::{PaymentGateway, PaymentIntentId, Verified, settle};
use crate::{AppError, Author, Store};

/// How far a webhook's timestamp may be from now, in seconds (Stripe's own libraries' default).
pub const STRIPE_TOLERANCE_SECS: i64 = 300;

/// What a webhook came to.
#[derive(Debug, Clone)]
pub enum StripeNotice {
    /// Not an event of a Kedai checkout (another system's, or a type Kedai does not follow).
    Ignored(&'static str),
    /// The intent it named, settled: its outcome, or `None` while the customer has not paid.
    Settled(PaymentIntentId, Option<Box<Verified>>),
}

/// Why a webhook was refused (nothing was read or changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StripeRefusal(pub String);

/// The Checkout Session events Kedai follows.
const EVENTS: [&str; 4] = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
];

/// Handles one webhook: `Err` for a refused one (bad JSON, unknown merchant, bad or stale
/// signature); `Ok(Err)` when the settlement itself failed after the signature was good (the
/// gateway could not be reached: Stripe should retry).
///
/// # Errors
/// [`StripeRefusal`].
pub fn stripe_webhook(
    store: &dyn Store,
    gateway: &dyn PaymentGateway,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Result<StripeNotice, AppError>, StripeRefusal> {
    // Stripe signs every event it sends: an unsigned request is not Stripe's.
    let signature = signature
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| StripeRefusal("the Stripe-Signature header is missing".into()))?;
    let event: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| StripeRefusal(format!("the body is not JSON: {e}")))?;
    if !event.is_object() {
        return Err(StripeRefusal(
            "the body is not a Stripe event (a JSON object)".into(),
        ));
    }
    let kind = event["type"].as_str().unwrap_or_default();
    let object = &event["data"]["object"];
    let tenant = object["metadata"]["kedai_tenant"]
        .as_str()
        .and_then(|t| t.parse::<TenantId>().ok());
    let intent = object["client_reference_id"]
        .as_str()
        .and_then(|i| i.parse::<PaymentIntentId>().ok());
    let (Some(tenant), Some(intent)) = (tenant, intent) else {
        return Ok(Ok(StripeNotice::Ignored("not a Kedai checkout")));
    };
    let account = store
        .read(|tx| Ok(tx.find_stripe_account(tenant)?))
        .map_err(|e| StripeRefusal(e.to_string()))?
        .ok_or_else(|| StripeRefusal("the merchant has no Stripe account connected".into()))?;
    kedai_webhooks::verify(
        signature,
        &account.webhook_secret,
        body,
        now.timestamp(),
        STRIPE_TOLERANCE_SECS,
    )
    .map_err(|e| StripeRefusal(format!("Stripe-Signature: {e}")))?;
    if !EVENTS.contains(&kind) {
        return Ok(Ok(StripeNotice::Ignored(
            "an event type Kedai does not follow",
        )));
    }
    let found = match store.read(|tx| Ok(tx.find_intent(tenant, intent)?)) {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    let Some(found) = found else {
        return Ok(Ok(StripeNotice::Ignored("no such payment intent")));
    };
    Ok(
        settle(store, Author::storefront(tenant), gateway, found, None, now)
            .map(|v| StripeNotice::Settled(intent, v.map(Box::new))),
    )
}
