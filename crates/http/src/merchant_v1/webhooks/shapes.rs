//! The request and answer shapes of `/v1/webhooks`.

use chrono::{DateTime, Utc};
use kedai_webhooks::{Attempt, Delivery, WebhookEndpoint};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A webhook endpoint (its secret is shown only when made).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    /// Endpoint id.
    pub id: String,
    /// Where deliveries are posted.
    #[schema(example = "https://pos.example.com/kedai/webhooks")]
    pub url: String,
    /// The merchant's note.
    pub description: Option<String>,
    /// Event names, or `["*"]` for every event.
    #[schema(example = json!(["order.created", "payment.success"]))]
    pub events: Vec<String>,
    /// Whether it receives events.
    pub active: bool,
    /// The signing secret: present only in the answer that made it (registration, rotation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Until when the previous secret still signs beside the current one, after a rotation.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Registered; it receives the events recorded from then on.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl WebhookResponse {
    pub(super) fn of(e: WebhookEndpoint, show_secret: bool) -> Self {
        Self {
            id: e.id.to_string(),
            events: e.events.to_names(),
            secret: show_secret.then(|| e.secret.clone()),
            previous_secret_expires_at: e.previous_secret_expires_at,
            url: e.url,
            description: e.description,
            active: e.active,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// `https` URL (production refuses `http` and internal addresses).
    #[schema(example = "https://pos.example.com/kedai/webhooks")]
    pub url: String,
    /// Events to receive (default `["*"]`, every event): `order.created`, `order.completed`,
    /// `payment.success`, `payment.failed`, `customer.created`, `coupon.redeemed`,
    /// `campaign.reward_claimed`, `points.earned`, `points.adjusted`, `points.redeemed`,
    /// `points.reversed`, `points.expired`.
    pub events: Option<Vec<String>>,
    /// A note, at most 500 characters.
    pub description: Option<String>,
    /// Receive events (default true).
    pub active: Option<bool>,
}

/// Changes to an endpoint: absent fields stay; an empty description clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    /// URL.
    pub url: Option<String>,
    /// Events.
    pub events: Option<Vec<String>>,
    /// Note.
    pub description: Option<String>,
    /// Switch on or off.
    pub active: Option<bool>,
}

/// A secret rotation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateSecretRequest {
    /// Hours the old secret keeps signing beside the new one (default 24; 0 retires it at
    /// once; at most 168).
    pub overlap_hours: Option<i64>,
}

/// The id of a deleted endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedWebhook {
    /// Endpoint id.
    pub id: String,
    /// Always true.
    pub deleted: bool,
}

/// A delivery of an event to an endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryResponse {
    /// Delivery id (`X-Kedai-Delivery`).
    pub id: String,
    /// Endpoint id.
    pub endpoint_id: String,
    /// Event id (`X-Kedai-Event-Id`, and `id` in the body): the same on every redelivery.
    pub event_id: String,
    /// Event type.
    pub event_type: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// The last answer's HTTP status.
    pub response_code: Option<u16>,
    /// The last attempt's time to answer, in milliseconds.
    pub latency_ms: Option<u64>,
    /// The start of the last answer's body (at most 500 characters).
    pub response_excerpt: Option<String>,
    /// Why the last attempt failed without an answer.
    pub error: Option<String>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The body sent on every attempt.
    pub body: serde_json::Value,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Succeeded or given up at.
    pub completed_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first (in the answer for one delivery).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt_log: Option<Vec<WebhookAttemptResponse>>,
}

/// One attempt of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttemptResponse {
    /// 1 for the first.
    pub number: u32,
    /// The answer's HTTP status.
    pub response_code: Option<u16>,
    /// Time to answer, in milliseconds.
    pub latency_ms: u64,
    /// The start of the answer's body.
    pub response_excerpt: Option<String>,
    /// Why it failed without an answer.
    pub error: Option<String>,
    /// When.
    pub attempted_at: DateTime<Utc>,
}

impl From<Attempt> for WebhookAttemptResponse {
    fn from(a: Attempt) -> Self {
        Self {
            number: a.number,
            response_code: a.response_code,
            latency_ms: a.latency_ms,
            response_excerpt: a.response_excerpt,
            error: a.error,
            attempted_at: a.attempted_at,
        }
    }
}

impl WebhookDeliveryResponse {
    pub(super) fn of(d: Delivery, attempts: Option<Vec<Attempt>>) -> Self {
        Self {
            id: d.id.to_string(),
            endpoint_id: d.endpoint_id.to_string(),
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status.as_str().to_owned(),
            attempts: d.attempts,
            response_code: d.response_code,
            latency_ms: d.latency_ms,
            response_excerpt: d.response_excerpt,
            error: d.error,
            next_attempt_at: d.next_attempt_at,
            body: serde_json::from_str(&d.body).unwrap_or(serde_json::Value::String(d.body)),
            created_at: d.created_at,
            completed_at: d.completed_at,
            attempt_log: attempts
                .map(|list| list.into_iter().map(WebhookAttemptResponse::from).collect()),
        }
    }
}

/// Which deliveries to list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `pending`, `succeeded` or `failed`.
    pub status: Option<String>,
    /// An event type.
    pub event_type: Option<String>,
}
