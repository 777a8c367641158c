//! Kedai webhooks (003 §17): a merchant's endpoints with their event filters and signing
//! secrets, the deliveries of events to them with every attempt, the signature scheme and the
//! policy of which addresses may receive. Pure: the sending is an integration's, the storing
//! persistence's, the scheduling the outbox worker's.
//!
//! ```
//! use kedai_webhooks::signature::{signature_header, verify};
//!
//! let body = br#"{"event":"order.created"}"#;
//! let header = signature_header(&["whsec_example"], 1_776_000_000, body);
//! assert!(verify(&header, "whsec_example", body, 1_776_000_030, 300).is_ok());
//! ```

pub mod address;
pub mod delivery;
pub mod endpoint;
pub mod event;
pub mod signature;

pub use address::{AddressError, AddressPolicy, check_address, check_url};
pub use delivery::{
    Attempt, AttemptId, Delivery, DeliveryFilter, DeliveryId, DeliveryStatus, excerpt, is_success,
};
pub use endpoint::{EndpointId, NewSecret, ROTATION_OVERLAP_MAX_HOURS, WebhookEndpoint};
pub use event::{EventFilter, EventType, FilterError};
pub use signature::{SIGNATURE_HEADER, SignatureError, sign, signature_header, verify};

use chrono::{DateTime, Utc};
use kedai_core::{StorageError, TenantId};

/// Where endpoints, deliveries and attempts are kept.
pub trait WebhookRepository {
    /// Stores a new endpoint.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_endpoint(&mut self, endpoint: &WebhookEndpoint) -> Result<(), StorageError>;

    /// The merchant's endpoints, oldest first.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn endpoints(&mut self, tenant: TenantId) -> Result<Vec<WebhookEndpoint>, StorageError>;

    /// The active endpoints of these merchants (the worker's fan-out).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn active_endpoints(
        &mut self,
        tenants: &[TenantId],
    ) -> Result<Vec<WebhookEndpoint>, StorageError>;

    /// One endpoint of the merchant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_endpoint(
        &mut self,
        tenant: TenantId,
        id: EndpointId,
    ) -> Result<Option<WebhookEndpoint>, StorageError>;

    /// Saves an endpoint's fields. Returns false when it no longer exists.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_endpoint(&mut self, endpoint: &WebhookEndpoint) -> Result<bool, StorageError>;

    /// Deletes an endpoint with its deliveries and their attempts. Returns false when it did
    /// not exist.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_endpoint(&mut self, tenant: TenantId, id: EndpointId) -> Result<bool, StorageError>;

    /// Stores new deliveries.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_deliveries(&mut self, deliveries: &[Delivery]) -> Result<(), StorageError>;

    /// One delivery of the merchant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_delivery(
        &mut self,
        tenant: TenantId,
        id: DeliveryId,
    ) -> Result<Option<Delivery>, StorageError>;

    /// One delivery of the merchant with its endpoint, in one statement (the worker's read
    /// before each attempt). `None` when either is gone.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delivery_with_endpoint(
        &mut self,
        tenant: TenantId,
        id: DeliveryId,
    ) -> Result<Option<(Delivery, WebhookEndpoint)>, StorageError>;

    /// A page of an endpoint's deliveries, newest first, and how many match.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn deliveries(
        &mut self,
        tenant: TenantId,
        filter: &DeliveryFilter,
        page: kedai_core::Page,
    ) -> Result<(Vec<Delivery>, i64), StorageError>;

    /// Records an attempt and the delivery's state after it.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn record_attempt(
        &mut self,
        attempt: &Attempt,
        delivery: &Delivery,
    ) -> Result<(), StorageError>;

    /// A delivery's attempts, oldest first.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn attempts(
        &mut self,
        tenant: TenantId,
        delivery: DeliveryId,
    ) -> Result<Vec<Attempt>, StorageError>;
}

/// The JSON body of a delivery (003 §17): the event's name, when it happened and its data, with
/// the event id a receiver deduplicates by. The same bytes are sent on every attempt, and on
/// every redelivery of the event.
#[must_use]
pub fn delivery_body(
    event_id: &str,
    event_type: &str,
    created_at: DateTime<Utc>,
    data: &serde_json::Value,
) -> String {
    serde_json::json!({
        "id": event_id,
        "event": event_type,
        "created_at": created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_body_is_003s_with_the_event_id() {
        let at = Utc
            .with_ymd_and_hms(2026, 4, 14, 11, 30, 0)
            .single()
            .unwrap_or_default();
        let body = delivery_body(
            "evt_1",
            "payment.success",
            at,
            &serde_json::json!({"status": "success"}),
        );
        assert_eq!(
            body,
            r#"{"created_at":"2026-04-14T11:30:00Z","data":{"status":"success"},"event":"payment.success","id":"evt_1"}"#
        );
    }
}
