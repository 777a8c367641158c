//! Where payment intents are kept.

use chrono::{DateTime, Utc};
use kedai_core::{Page, StorageError, TenantId};
use kedai_orders::{OrderId, PaymentId};

use super::{IntentFilter, IntentRow, IntentStatus, PaymentIntent, PaymentIntentId};

/// Payment intents. Every method is confined to one tenant.
pub trait PaymentIntentRepository {
    /// Stores a new intent.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_intent(&mut self, intent: &PaymentIntent) -> Result<(), StorageError>;

    /// One intent of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_intent(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
    ) -> Result<Option<PaymentIntent>, StorageError>;

    /// Moves an intent out of `requires_action` to `status`, with the gateway reference —
    /// only if it is still `requires_action`. Returns false, changing nothing, if it is not.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn complete_intent(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
        status: IntentStatus,
        gateway_reference: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// The intents of the order still awaiting the customer.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn open_intents(
        &mut self,
        tenant: TenantId,
        order: OrderId,
    ) -> Result<Vec<PaymentIntent>, StorageError>;

    /// The intent a gateway's checkout session belongs to.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn intent_by_session(
        &mut self,
        tenant: TenantId,
        gateway: &str,
        session: &str,
    ) -> Result<Option<PaymentIntent>, StorageError>;

    /// Cancels every intent of the order still awaiting the customer; returns how many. Their
    /// checkout links can no longer settle the order (verify answers that they were cancelled).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn cancel_open_intents(
        &mut self,
        tenant: TenantId,
        order: OrderId,
        at: DateTime<Utc>,
    ) -> Result<usize, StorageError>;

    /// Records the checkout session the gateway opened for an intent — only while the intent
    /// awaits the customer and has no session yet. Returns false, changing nothing, otherwise
    /// (it was cancelled or superseded while the gateway was opening it).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn attach_intent_session(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
        gateway: &str,
        session: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Links a succeeded intent to the order payment it recorded.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn attach_intent_payment(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
        payment_id: PaymentId,
    ) -> Result<(), StorageError>;

    /// A page of intents, newest first, with their order numbers and the number that match;
    /// a fixed number of queries whatever the page size.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_intents(
        &mut self,
        tenant: TenantId,
        filter: &IntentFilter,
        page: Page,
    ) -> Result<(Vec<IntentRow>, i64), StorageError>;
}
