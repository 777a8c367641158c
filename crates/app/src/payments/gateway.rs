//! What Kedai needs of a payment gateway.

use chrono::{DateTime, Utc};
use kedai_core::{Money, TenantId};

use crate::AppError;

/// What a gateway needs to open a checkout.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    /// The merchant.
    pub tenant: TenantId,
    /// Amount to collect.
    pub amount: Money,
    /// What is paid for (the order number).
    pub description: String,
    /// Kedai's reference for the payment (the intent's id): a gateway that takes an
    /// idempotency key or metadata gets it, so a checkout opened but never recorded can be
    /// matched to its intent.
    pub reference: String,
    /// Now.
    pub now: DateTime<Utc>,
}

/// An opened checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    /// Which gateway opened it (stored on the intent).
    pub gateway: &'static str,
    /// The gateway's session id.
    pub session_id: String,
    /// Where the customer pays.
    pub payment_url: String,
}

/// What the gateway says about a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayOutcome {
    /// Not decided yet.
    Pending,
    /// Paid.
    Approved {
        /// The gateway's payment reference.
        reference: String,
    },
    /// Refused.
    Declined {
        /// Why.
        reason: String,
    },
}

/// What cancelling a checkout at the gateway came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancellation {
    /// Withdrawn: the customer can no longer pay it.
    Cancelled,
    /// The customer had decided already; what they decided.
    AlreadyDecided(GatewayOutcome),
}

/// A payment gateway: another system, reached outside any of Kedai's transactions. Calls
/// may block on the network; use cases never make them while holding a transaction.
pub trait PaymentGateway: Send + Sync {
    /// Short name stored on intents (`mock`).
    fn name(&self) -> &'static str;

    /// Whether sessions of intents stored with this gateway name are this gateway's to
    /// answer for (a router answers for several).
    fn handles(&self, gateway: &str) -> bool {
        gateway == self.name()
    }

    /// Opens a checkout for `request`.
    ///
    /// # Errors
    /// [`AppError`] when the gateway refuses or fails.
    fn open(&self, request: &CheckoutRequest) -> Result<CheckoutSession, AppError>;

    /// Where a session stands.
    ///
    /// # Errors
    /// [`AppError`] when the gateway fails or does not know the session.
    fn status(&self, tenant: TenantId, session_id: &str) -> Result<GatewayOutcome, AppError>;

    /// Withdraws a checkout the customer has not decided yet.
    ///
    /// # Errors
    /// [`AppError`] when the gateway fails or does not know the session.
    fn cancel(
        &self,
        tenant: TenantId,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Cancellation, AppError>;
}
