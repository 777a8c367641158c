//! Webhooks (003 §17): endpoints, their secrets, the delivery log, redelivery and the test
//! ping. Owners and admins only.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use kedai_app::Entity;
use kedai_app::jobs::Outbound;
use kedai_app::webhooks::{self, EndpointDraft, deliveries, new_secret};
use kedai_identity::Permission;
use kedai_webhooks::{DeliveryFilter, DeliveryId, EndpointId};

use super::*;
use crate::AppState;
use crate::auth::Staff;
use crate::body::JsonBody;
use crate::dto::{MerchantErrorBody, MerchantList, MerchantOk as Envelope, PageMeta};
use crate::query::Query;

mod shapes;

pub use shapes::*;

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
