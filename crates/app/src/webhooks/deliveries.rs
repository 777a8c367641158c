//! The delivery log of an endpoint, manual redelivery, and the test ping.

use chrono::{DateTime, Utc};
use kedai_core::{Page, new_uuid_v7};
use kedai_identity::Permission;
use kedai_webhooks::{
    Attempt, Delivery, DeliveryFilter, DeliveryId, DeliveryStatus, EndpointId, EventType,
};
use serde_json::json;

use super::get_endpoint;
use crate::jobs::{
    Job, JobEnd, JobKind, Outbound, StoredEvent, after_attempt, attempt_delivery, delivery_of,
};
use crate::{Actor, AppError, Entity, Store, UnitOfWork, audit};

/// A page of the merchant's deliveries (of one endpoint when the filter says), newest first,
/// and how many match.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] for an endpoint not the merchant's.
pub fn list_deliveries(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    filter: &DeliveryFilter,
    page: Page,
) -> Result<(Vec<Delivery>, i64), AppError> {
    actor.require(Permission::WebhooksManage)?;
    if let Some(endpoint) = filter.endpoint_id {
        get_endpoint(tx, actor, endpoint)?;
    }
    Ok(tx.deliveries(actor.tenant, filter, page)?)
}

/// One delivery of an endpoint, with its attempts, oldest first.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] (`WEBHOOK_DELIVERY_NOT_FOUND`) for a
/// delivery not of this endpoint or not the merchant's.
pub fn get_delivery(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    endpoint: EndpointId,
    id: DeliveryId,
) -> Result<(Delivery, Vec<Attempt>), AppError> {
    actor.require(Permission::WebhooksManage)?;
    let delivery = tx
        .find_delivery(actor.tenant, id)?
        .filter(|d| d.endpoint_id == endpoint)
        .ok_or_else(|| AppError::not_found(Entity::WebhookDelivery, id))?;
    let attempts = tx.attempts(actor.tenant, id)?;
    Ok((delivery, attempts))
}

/// Sends a delivery's event to its endpoint again, as a new delivery (a new delivery id, the
/// same event id and body), queued for the worker.
///
/// # Errors
/// As [`get_delivery`].
pub fn redeliver(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    endpoint: EndpointId,
    id: DeliveryId,
    max_attempts: u32,
    now: DateTime<Utc>,
) -> Result<Delivery, AppError> {
    let (source, _) = get_delivery(tx, actor, endpoint, id)?;
    let delivery = Delivery {
        id: DeliveryId::new(),
        status: DeliveryStatus::Pending,
        attempts: 0,
        response_code: None,
        latency_ms: None,
        response_excerpt: None,
        error: None,
        next_attempt_at: Some(now),
        created_at: now,
        completed_at: None,
        ..source
    };
    tx.insert_deliveries(std::slice::from_ref(&delivery))?;
    tx.enqueue_jobs(&[Job::new(
        actor.tenant,
        JobKind::Webhook,
        delivery.id.to_string(),
        max_attempts,
        now,
    )])?;
    audit::record(
        tx,
        actor,
        now,
        "webhook.redelivered",
        "webhook_delivery",
        Some(delivery.id.to_string()),
        json!({ "endpoint_id": endpoint.to_string(), "of": id.to_string(), "event_id": delivery.event_id }),
    )?;
    Ok(delivery)
}

/// Sends a `webhook.ping` event to an endpoint now, once, whether it is active or not, and
/// answers what happened (the delivery, logged like any other, and its attempt). No
/// transaction is open while the endpoint answers.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`]; [`AppError::Storage`].
pub fn ping(
    store: &dyn Store,
    outbound: &Outbound,
    actor: &Actor,
    id: EndpointId,
    now: DateTime<Utc>,
) -> Result<(Delivery, Attempt), AppError> {
    let (endpoint, delivery) = store.write(|tx| {
        let endpoint = get_endpoint(tx, actor, id)?;
        let event = StoredEvent {
            id: new_uuid_v7().to_string(),
            tenant_id: actor.tenant,
            event_type: EventType::Ping.as_str().to_owned(),
            aggregate_id: id.to_string(),
            payload: json!({ "endpoint_id": id.to_string(), "message": "Kedai webhook test" }),
            created_at: now,
        };
        let (delivery, _) = delivery_of(&event, id, 1, now);
        tx.insert_deliveries(std::slice::from_ref(&delivery))?;
        Ok((endpoint, delivery))
    })?;
    store.unpin();
    let secrets = endpoint.signing_secrets(now);
    let (attempt, error) = attempt_delivery(outbound, &delivery, &endpoint.url, &secrets, 1, now);
    let end = error.map_or(JobEnd::Done, |e| JobEnd::Failed(e.message));
    let delivery = after_attempt(&delivery, &attempt, &end);
    store.write(|tx| Ok(tx.record_attempt(&attempt, &delivery)?))?;
    Ok((delivery, attempt))
}
