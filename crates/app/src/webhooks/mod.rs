//! Webhook endpoints (003 §17): a merchant registers where events go, which ones, and gets the
//! signing secret once; rotates it with an overlap; switches endpoints off and on; deletes them.
//! Owners and admins only (`WebhooksManage`): an endpoint's secret and its deliveries reach the
//! merchant's other systems. Every change is audited. The deliveries themselves are in
//! [`deliveries`]; the worker that makes them in [`crate::jobs`].

pub mod deliveries;

use chrono::{DateTime, Utc};
use kedai_core::{ErrorCode, StorageError};
use kedai_identity::Permission;
use kedai_webhooks::{
    AddressPolicy, EndpointId, EventFilter, NewSecret, ROTATION_OVERLAP_MAX_HOURS, WebhookEndpoint,
    check_url,
};
use serde_json::json;

use crate::{Actor, AppError, Entity, FieldError, UnitOfWork, audit};

/// What a merchant sends to register or change an endpoint; on a change, what is absent stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointDraft {
    /// Where to post (required to register).
    pub url: Option<String>,
    /// A note; an empty one clears it.
    pub description: Option<String>,
    /// Event names, or `["*"]` for every event (default when registering).
    pub events: Option<Vec<String>>,
    /// Whether it receives events (default on).
    pub active: Option<bool>,
}

/// The most endpoints a merchant may register.
pub const MAX_ENDPOINTS: usize = 20;

/// A fresh signing secret from the system's random source.
///
/// # Errors
/// [`AppError::Storage`] when the random source fails.
pub fn new_secret() -> Result<NewSecret, AppError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Storage(StorageError::other(e.to_string())))?;
    Ok(NewSecret::from_random(bytes))
}

/// The checked fields of a draft, every bad field reported at once.
struct Checked {
    url: Option<String>,
    description: Option<Option<String>>,
    events: Option<EventFilter>,
}

fn check(draft: &EndpointDraft, policy: AddressPolicy) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let url = match draft.url.as_deref().map(|u| check_url(u, policy)) {
        None => None,
        Some(Ok(url)) => Some(url.to_string()),
        Some(Err(e)) => {
            errors.push(FieldError {
                field: "url".into(),
                message: e.to_string(),
            });
            None
        }
    };
    let events = match draft.events.as_deref().map(EventFilter::parse) {
        None => None,
        Some(Ok(filter)) => Some(filter),
        Some(Err(e)) => {
            errors.push(FieldError {
                field: "events".into(),
                message: e.to_string(),
            });
            None
        }
    };
    let description = draft.description.as_deref().map(|d| {
        let d = d.trim();
        if d.chars().count() > 500 {
            errors.push(FieldError {
                field: "description".into(),
                message: "must be at most 500 characters".into(),
            });
        }
        (!d.is_empty()).then(|| d.to_owned())
    });
    if errors.is_empty() {
        Ok(Checked {
            url,
            description,
            events,
        })
    } else {
        Err(AppError::Validation {
            code: ErrorCode::ValidationError,
            errors,
        })
    }
}

/// The merchant's endpoints, oldest first.
///
/// # Errors
/// [`AppError::Forbidden`].
pub fn list_endpoints(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
) -> Result<Vec<WebhookEndpoint>, AppError> {
    actor.require(Permission::WebhooksManage)?;
    Ok(tx.endpoints(actor.tenant)?)
}

/// One endpoint.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] (`WEBHOOK_NOT_FOUND`), also for another
/// merchant's.
pub fn get_endpoint(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: EndpointId,
) -> Result<WebhookEndpoint, AppError> {
    actor.require(Permission::WebhooksManage)?;
    tx.find_endpoint(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::WebhookEndpoint, id))
}

/// Registers an endpoint, with a new secret (returned once). It receives the events recorded
/// from now on.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Validation`] naming `url`, `events`, `description`;
/// [`AppError::Conflict`] `WEBHOOK_LIMIT_REACHED` past [`MAX_ENDPOINTS`].
pub fn create_endpoint(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    draft: &EndpointDraft,
    policy: AddressPolicy,
    secret: &NewSecret,
    now: DateTime<Utc>,
) -> Result<WebhookEndpoint, AppError> {
    actor.require(Permission::WebhooksManage)?;
    let mut checked = check(draft, policy)?;
    let Some(url) = checked.url.take() else {
        return Err(AppError::invalid("url", "is required"));
    };
    if tx.endpoints(actor.tenant)?.len() >= MAX_ENDPOINTS {
        return Err(AppError::conflict(
            ErrorCode::WebhookLimitReached,
            format!("a merchant may register at most {MAX_ENDPOINTS} webhook endpoints"),
        ));
    }
    let endpoint = WebhookEndpoint {
        id: EndpointId::new(),
        tenant_id: actor.tenant,
        url,
        description: checked.description.flatten(),
        events: checked.events.unwrap_or(EventFilter::All),
        active: draft.active.unwrap_or(true),
        secret: secret.expose().to_owned(),
        previous_secret: None,
        previous_secret_expires_at: None,
        created_at: now,
        updated_at: now,
    };
    tx.insert_endpoint(&endpoint)?;
    audit::record(
        tx,
        actor,
        now,
        "webhook.created",
        "webhook_endpoint",
        Some(endpoint.id.to_string()),
        json!({ "url": endpoint.url, "events": endpoint.events.to_names(), "active": endpoint.active }),
    )?;
    Ok(endpoint)
}

/// Changes an endpoint's URL, description, events or active flag.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`]; [`AppError::Validation`].
pub fn update_endpoint(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: EndpointId,
    draft: &EndpointDraft,
    policy: AddressPolicy,
    now: DateTime<Utc>,
) -> Result<WebhookEndpoint, AppError> {
    let current = get_endpoint(tx, actor, id)?;
    let checked = check(draft, policy)?;
    let endpoint = WebhookEndpoint {
        url: checked.url.unwrap_or_else(|| current.url.clone()),
        description: checked.description.unwrap_or(current.description.clone()),
        events: checked.events.unwrap_or_else(|| current.events.clone()),
        active: draft.active.unwrap_or(current.active),
        updated_at: now,
        ..current
    };
    if !tx.update_endpoint(&endpoint)? {
        return Err(AppError::not_found(Entity::WebhookEndpoint, id));
    }
    audit::record(
        tx,
        actor,
        now,
        "webhook.updated",
        "webhook_endpoint",
        Some(id.to_string()),
        json!({ "url": endpoint.url, "events": endpoint.events.to_names(), "active": endpoint.active }),
    )?;
    Ok(endpoint)
}

/// Replaces an endpoint's secret with `secret` (returned once); the old one keeps signing
/// beside it for `overlap_hours` (default 24, 0 to retire it at once, at most a week).
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`]; [`AppError::Validation`] naming
/// `overlap_hours`.
pub fn rotate_secret(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: EndpointId,
    overlap_hours: Option<i64>,
    secret: &NewSecret,
    now: DateTime<Utc>,
) -> Result<WebhookEndpoint, AppError> {
    let overlap = overlap_hours.unwrap_or(24);
    if !(0..=ROTATION_OVERLAP_MAX_HOURS).contains(&overlap) {
        return Err(AppError::invalid(
            "overlap_hours",
            format!("must be from 0 to {ROTATION_OVERLAP_MAX_HOURS}"),
        ));
    }
    let endpoint = get_endpoint(tx, actor, id)?.rotated(secret, overlap, now);
    if !tx.update_endpoint(&endpoint)? {
        return Err(AppError::not_found(Entity::WebhookEndpoint, id));
    }
    audit::record(
        tx,
        actor,
        now,
        "webhook.secret_rotated",
        "webhook_endpoint",
        Some(id.to_string()),
        json!({ "overlap_hours": overlap }),
    )?;
    Ok(endpoint)
}

/// Deletes an endpoint with its delivery log; deliveries not yet made are dropped.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`].
pub fn delete_endpoint(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: EndpointId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let endpoint = get_endpoint(tx, actor, id)?;
    if !tx.delete_endpoint(actor.tenant, id)? {
        return Err(AppError::not_found(Entity::WebhookEndpoint, id));
    }
    audit::record(
        tx,
        actor,
        now,
        "webhook.deleted",
        "webhook_endpoint",
        Some(id.to_string()),
        json!({ "url": endpoint.url }),
    )
}
