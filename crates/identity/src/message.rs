//! The outgoing message log: every message sent to a customer (one-time codes, order
//! confirmations), as the notifier hands it over.

use chrono::{DateTime, Utc};
use kedai_core::{Page, StorageError, TenantId, uuid_id};

use crate::LoginChannel;

uuid_id!(
    /// An outgoing message.
    MessageId
);

kedai_core::text_enum! {
    /// What an outgoing message is for.
    pub enum MessageKind ("a message kind") {
        /// A one-time sign-in code.
        Otp = "otp",
        /// An order was placed.
        OrderConfirmation = "order_confirmation",
    }
}

/// A message to a customer, as the message log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// Id.
    pub id: MessageId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Purpose.
    pub kind: MessageKind,
    /// `sms`, `whatsapp` or `email`.
    pub channel: LoginChannel,
    /// Phone or e-mail.
    pub recipient: String,
    /// Subject (e-mail).
    pub subject: Option<String>,
    /// Text.
    pub body: String,
    /// What it is about (an order id, a challenge id).
    pub reference: Option<String>,
    /// Sent.
    pub created_at: DateTime<Utc>,
}

/// Which messages to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    /// Only this kind.
    pub kind: Option<MessageKind>,
    /// Only to this recipient (normalised).
    pub recipient: Option<String>,
}

/// The outgoing message log.
pub trait MessageLog {
    /// Records a message.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn record_message(&mut self, message: &OutgoingMessage) -> Result<(), StorageError>;

    /// One page of the tenant's messages, newest first, and how many match.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn list_messages(
        &mut self,
        tenant: TenantId,
        filter: &MessageFilter,
        page: Page,
    ) -> Result<(Vec<OutgoingMessage>, i64), StorageError>;
}
