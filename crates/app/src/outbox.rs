//! Domain events, written to the outbox in the same transaction as the change they describe,
//! for delivery (webhooks) after commit by the outbox worker ([`crate::jobs`]).

use chrono::{DateTime, Utc};
use kedai_core::{StorageError, TenantId};

use crate::jobs::StoredEvent;

/// One event.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    /// Owner.
    pub tenant_id: TenantId,
    /// `order.created`, `order.status_changed`, `order.completed`, `payment.success`, ...
    pub event_type: &'static str,
    /// The aggregate it is about.
    pub aggregate_id: String,
    /// Event data.
    pub payload: serde_json::Value,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

/// The outbox.
pub trait OutboxRepository {
    /// Appends an event.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn append_event(&mut self, event: &OutboxEvent) -> Result<(), StorageError>;

    /// Marks up to `limit` undispatched events dispatched at `now`, oldest first, and returns
    /// them (in the order they happened). Events another transaction is claiming are skipped,
    /// not waited for.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn claim_events(
        &mut self,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredEvent>, StorageError>;
}
