//! Turning recorded events into deliveries: each event once, to every endpoint that wants it.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;
use kedai_webhooks::{Delivery, DeliveryId, DeliveryStatus, delivery_body};

use super::{Job, JobKind};
use crate::{AppError, Store};

/// An event as the outbox keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// The event id receivers deduplicate by.
    pub id: String,
    /// Owner.
    pub tenant_id: TenantId,
    /// `order.created`, ...
    pub event_type: String,
    /// What it is about.
    pub aggregate_id: String,
    /// Its data.
    pub payload: serde_json::Value,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

/// A new pending delivery of `event` to an endpoint, with its job.
#[must_use]
pub fn delivery_of(
    event: &StoredEvent,
    endpoint: kedai_webhooks::EndpointId,
    max_attempts: u32,
    now: DateTime<Utc>,
) -> (Delivery, Job) {
    let delivery = Delivery {
        id: DeliveryId::new(),
        tenant_id: event.tenant_id,
        endpoint_id: endpoint,
        event_id: event.id.clone(),
        event_type: event.event_type.clone(),
        body: delivery_body(
            &event.id,
            &event.event_type,
            event.created_at,
            &event.payload,
        ),
        status: DeliveryStatus::Pending,
        attempts: 0,
        response_code: None,
        latency_ms: None,
        response_excerpt: None,
        error: None,
        next_attempt_at: Some(now),
        created_at: now,
        completed_at: None,
    };
    let job = Job::new(
        event.tenant_id,
        JobKind::Webhook,
        delivery.id.to_string(),
        max_attempts,
        now,
    );
    (delivery, job)
}

/// Dispatches up to `limit` recorded events, oldest first, in one write: each becomes one
/// delivery (and its job) per active endpoint of its merchant that existed when it happened
/// and whose filter takes it, and is marked dispatched. Events other workers are dispatching
/// are skipped. Returns how many events were dispatched.
///
/// # Errors
/// [`AppError::Storage`].
pub fn dispatch_events(
    store: &dyn Store,
    limit: u32,
    max_attempts: u32,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    store.write(|tx| {
        let events = tx.claim_events(limit, now)?;
        if events.is_empty() {
            return Ok(0);
        }
        let mut tenants: Vec<TenantId> = events.iter().map(|e| e.tenant_id).collect();
        tenants.sort_unstable();
        tenants.dedup();
        let endpoints = tx.active_endpoints(&tenants)?;
        let mut deliveries = Vec::new();
        let mut jobs = Vec::new();
        for event in &events {
            for endpoint in endpoints.iter().filter(|e| {
                e.tenant_id == event.tenant_id && e.wants(&event.event_type, event.created_at)
            }) {
                let (delivery, job) = delivery_of(event, endpoint.id, max_attempts, now);
                deliveries.push(delivery);
                jobs.push(job);
            }
        }
        if !deliveries.is_empty() {
            tx.insert_deliveries(&deliveries)?;
            tx.enqueue_jobs(&jobs)?;
        }
        Ok(events.len())
    })
}
