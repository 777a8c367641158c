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

kedai_core::text_enum! {
    /// How the sending of a message went.
    pub enum DeliveryState ("a message delivery state") {
        /// Waiting for the outbox worker.
        Queued = "queued",
        /// Handed to the channel's provider (SMTP server, SMS provider).
        Sent = "sent",
        /// No provider is configured for the channel: written to the server's log only.
        Logged = "logged",
        /// The provider refused it, or every attempt failed.
        Failed = "failed",
    }
}

/// Where a message's sending stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDelivery {
    /// State.
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: u32,
    /// Which transport took it (`smtp`, `sms`, `log`).
    pub transport: Option<String>,
    /// The provider's id for it (an SMS provider's message id, the SMTP server's answer).
    pub provider_reference: Option<String>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// When it was handed over.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl MessageDelivery {
    /// A message not yet sent.
    #[must_use]
    pub const fn queued() -> Self {
        Self {
            state: DeliveryState::Queued,
            attempts: 0,
            transport: None,
            provider_reference: None,
            error: None,
            delivered_at: None,
        }
    }
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
    ) -> Result<(Vec<(OutgoingMessage, MessageDelivery)>, i64), StorageError>;

    /// One message of the merchant with where its sending stands.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn find_message(
        &mut self,
        tenant: TenantId,
        id: MessageId,
    ) -> Result<Option<(OutgoingMessage, MessageDelivery)>, StorageError>;

    /// Records where a message's sending stands.
    ///
    /// # Errors
    /// [`StorageError`] when the database fails.
    fn record_delivery(
        &mut self,
        tenant: TenantId,
        id: MessageId,
        delivery: &MessageDelivery,
    ) -> Result<(), StorageError>;
}
