//! Webhooks (003 §17): endpoints, their secrets, the delivery log, redelivery and the test
//! ping. Owners and admins only.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use kedai_app::Entity;
use kedai_app::jobs::Outbound;
use kedai_app::webhooks::{self, EndpointDraft, deliveries, new_secret};
use kedai_identity::Permission;
use kedai_webhooks::{Attempt, Delivery, DeliveryFilter, DeliveryId, EndpointId, WebhookEndpoint};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta};
use crate::query::Query;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(rotate_webhook_secret)
        .service(ping_webhook)
        .service(list_webhook_deliveries)
        .service(get_webhook_delivery)
        .service(redeliver_webhook);
}

fn endpoint_id(raw: &str) -> Result<EndpointId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::WebhookEndpoint, raw).into())
}

fn delivery_id(raw: &str) -> Result<DeliveryId> {
    raw.parse()
        .map_err(|_| AppError::not_found(Entity::WebhookDelivery, raw).into())
}

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
    fn of(e: WebhookEndpoint, show_secret: bool) -> Self {
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
    /// `campaign.reward_claimed`.
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
    fn of(d: Delivery, attempts: Option<Vec<Attempt>>) -> Self {
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

/// The merchant's webhook endpoints, oldest first.
#[utoipa::path(
    tag = "merchant-webhooks",
    responses(
        (status = 200, body = Envelope<Vec<WebhookResponse>>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks")]
pub async fn list_webhooks(mut staff: Staff<Merchant>) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let list = staff
        .run(move |store, actor| store.read(|tx| webhooks::list_endpoints(tx, &actor)))
        .await?;
    let data: Vec<WebhookResponse> = list
        .into_iter()
        .map(|e| WebhookResponse::of(e, false))
        .collect();
    Ok(HttpResponse::Ok().json(Envelope::new("Webhooks", data)))
}

/// Registers an endpoint. The answer carries its signing secret, shown this once.
#[utoipa::path(
    tag = "merchant-webhooks",
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, body = Envelope<WebhookResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 409, description = "WEBHOOK_LIMIT_REACHED", body = MerchantErrorBody),
        (status = 422, description = "Bad URL, events or description", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    body: JsonBody<CreateWebhookRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let req = body.0;
    let draft = EndpointDraft {
        url: Some(req.url),
        description: req.description,
        events: req.events,
        active: req.active,
    };
    let (policy, now) = (state.webhook_policy, state.now());
    let secret = new_secret()?;
    let e = staff
        .run(move |store, actor| {
            store.write(|tx| webhooks::create_endpoint(tx, &actor, &draft, policy, &secret, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(Envelope::new(
        "Webhook registered; keep the secret, it is not shown again",
        WebhookResponse::of(e, true),
    )))
}

/// One endpoint (without its secret).
#[utoipa::path(
    tag = "merchant-webhooks",
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 200, body = Envelope<WebhookResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 404, description = "WEBHOOK_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let id = endpoint_id(&path)?;
    let e = staff
        .run(move |store, actor| store.read(|tx| webhooks::get_endpoint(tx, &actor, id)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new("Webhook", WebhookResponse::of(e, false))))
}

/// Changes an endpoint's URL, events, description or active flag.
#[utoipa::path(
    tag = "merchant-webhooks",
    params(("id" = String, Path, description = "Endpoint id")),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, body = Envelope<WebhookResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 404, description = "WEBHOOK_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad URL, events or description", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: JsonBody<UpdateWebhookRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let id = endpoint_id(&path)?;
    let req = body.0;
    let draft = EndpointDraft {
        url: req.url,
        description: req.description,
        events: req.events,
        active: req.active,
    };
    let (policy, now) = (state.webhook_policy, state.now());
    let e = staff
        .run(move |store, actor| {
            store.write(|tx| webhooks::update_endpoint(tx, &actor, id, &draft, policy, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Webhook updated",
        WebhookResponse::of(e, false),
    )))
}

/// Deletes an endpoint with its delivery log.
#[utoipa::path(
    tag = "merchant-webhooks",
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 200, body = Envelope<DeletedWebhook>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 404, description = "WEBHOOK_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let id = endpoint_id(&path)?;
    let now = state.now();
    staff
        .run(move |store, actor| store.write(|tx| webhooks::delete_endpoint(tx, &actor, id, now)))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Webhook deleted",
        DeletedWebhook {
            id: id.to_string(),
            deleted: true,
        },
    )))
}

/// Replaces the signing secret (shown this once); the old one keeps signing beside it for
/// the overlap, so receivers can switch without losing a delivery.
#[utoipa::path(
    tag = "merchant-webhooks",
    params(("id" = String, Path, description = "Endpoint id")),
    request_body = Option<RotateSecretRequest>,
    responses(
        (status = 200, body = Envelope<WebhookResponse>),
        (status = 400, description = "Malformed body", body = MerchantErrorBody),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 404, description = "WEBHOOK_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad overlap", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    body: crate::body::LenientBody<RotateSecretRequest, Merchant>,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let id = endpoint_id(&path)?;
    let overlap = body.0.overlap_hours;
    let now = state.now();
    let secret = new_secret()?;
    let e = staff
        .run(move |store, actor| {
            store.write(|tx| webhooks::rotate_secret(tx, &actor, id, overlap, &secret, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Secret rotated; keep the new secret, it is not shown again",
        WebhookResponse::of(e, true),
    )))
}

/// Sends a `webhook.ping` to the endpoint now and answers how it went (the delivery is in
/// the log like any other). Pings go to switched-off endpoints too.
#[utoipa::path(
    tag = "merchant-webhooks",
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "Sent; `status` says whether the endpoint took it", body = Envelope<WebhookDeliveryResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 404, description = "WEBHOOK_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{id}/ping")]
pub async fn ping_webhook(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let id = endpoint_id(&path)?;
    let now = state.now();
    let outbound: Outbound = state.outbound.clone();
    let (delivery, attempt) = staff
        .run(move |store, actor| deliveries::ping(store, &outbound, &actor, id, now))
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Ping sent",
        WebhookDeliveryResponse::of(delivery, Some(vec![attempt])),
    )))
}

/// An endpoint's deliveries, newest first.
#[utoipa::path(
    tag = "merchant-webhooks",
    params(("id" = String, Path, description = "Endpoint id"), DeliveryQuery),
    responses(
        (status = 200, body = MerchantList<WebhookDeliveryResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 404, description = "WEBHOOK_NOT_FOUND", body = MerchantErrorBody),
        (status = 422, description = "Bad paging or status", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    mut staff: Staff<Merchant>,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let id = endpoint_id(&path)?;
    let query = Query::of(&req)?;
    let page = query.page(&["limit"])?;
    let status = query
        .text("status")
        .map(|s| ApiError::parse_field("status", &s))
        .transpose()?;
    let filter = DeliveryFilter {
        endpoint_id: Some(id),
        status,
        event_type: query.text("event_type"),
    };
    let (list, total) = staff
        .run(move |store, actor| {
            store.read(|tx| deliveries::list_deliveries(tx, &actor, &filter, page))
        })
        .await?;
    Ok(HttpResponse::Ok().json(MerchantList {
        success: true,
        message: "Webhook deliveries".into(),
        data: list
            .into_iter()
            .map(|d| WebhookDeliveryResponse::of(d, None))
            .collect(),
        meta: PageMeta {
            page: page.page(),
            limit: page.limit(),
            total,
        },
    }))
}

/// One delivery with every attempt.
#[utoipa::path(
    tag = "merchant-webhooks",
    params(
        ("id" = String, Path, description = "Endpoint id"),
        ("delivery_id" = String, Path, description = "Delivery id"),
    ),
    responses(
        (status = 200, body = Envelope<WebhookDeliveryResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 404, description = "WEBHOOK_NOT_FOUND, WEBHOOK_DELIVERY_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}/deliveries/{delivery_id}")]
pub async fn get_webhook_delivery(
    mut staff: Staff<Merchant>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let (id, delivery) = (endpoint_id(&path.0)?, delivery_id(&path.1)?);
    let (d, attempts) = staff
        .run(move |store, actor| {
            store.read(|tx| deliveries::get_delivery(tx, &actor, id, delivery))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Envelope::new(
        "Webhook delivery",
        WebhookDeliveryResponse::of(d, Some(attempts)),
    )))
}

/// Sends a delivery's event again, as a new delivery with the same event id, queued now.
#[utoipa::path(
    tag = "merchant-webhooks",
    params(
        ("id" = String, Path, description = "Endpoint id"),
        ("delivery_id" = String, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Queued", body = Envelope<WebhookDeliveryResponse>),
        (status = 401, description = "No or bad token", body = MerchantErrorBody),
        (status = 403, description = "Only owners and admins manage webhooks", body = MerchantErrorBody),
        (status = 404, description = "WEBHOOK_NOT_FOUND, WEBHOOK_DELIVERY_NOT_FOUND", body = MerchantErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook(
    state: web::Data<AppState>,
    mut staff: Staff<Merchant>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    staff.require(Permission::WebhooksManage);
    let (id, delivery) = (endpoint_id(&path.0)?, delivery_id(&path.1)?);
    let now = state.now();
    let attempts = state.outbound.backoff.max_attempts;
    let d = staff
        .run(move |store, actor| {
            store.write(|tx| deliveries::redeliver(tx, &actor, id, delivery, attempts, now))
        })
        .await?;
    (state.wake)();
    Ok(HttpResponse::Accepted().json(Envelope::new(
        "Redelivery queued",
        WebhookDeliveryResponse::of(d, None),
    )))
}
