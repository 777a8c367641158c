//! Payments through a gateway (003 §14): payment intents and their verification. The built-in
//! gateway is in [`crate::mock_gateway`].
//!
//! An intent is opened for an order awaiting payment, for exactly its total. Verifying asks
//! the gateway: an approval records the payment through the order payment path (the order
//! becomes paid), a decline fails the intent, and anything else leaves it waiting. Verifying a
//! succeeded intent again answers the same success without paying twice.
//!
//! The gateway is never called inside a transaction: its network call would hold SQLite's
//! write lock or a PostgreSQL transaction open. An intent is committed before its checkout is
//! opened, and what the gateway answers is recorded in a transaction of its own
//! (`open`, [`settle`]).

use chrono::{DateTime, Utc};
use kedai_core::{Money, TenantId, uuid_id};
use kedai_orders::{OrderId, PaymentId};

mod gateway;
mod intents;
mod list;
mod open;
mod repository;
mod router;
mod settle;
mod stripe;
mod webhook;

pub use gateway::*;
pub use intents::*;
pub use list::*;
pub use open::*;
pub use repository::*;
pub use router::*;
pub use settle::*;
pub use stripe::*;
pub use webhook::*;

uuid_id!(
    /// A payment intent.
    PaymentIntentId
);

kedai_core::text_enum! {
    /// Where a payment intent stands.
    pub enum IntentStatus ("a payment intent status") {
        /// Waiting for the customer at the gateway.
        RequiresAction = "requires_action",
        /// Paid; the payment is recorded on the order.
        Succeeded = "succeeded",
        /// Declined by the gateway.
        Failed = "failed",
        /// Abandoned.
        Cancelled = "cancelled",
    }
}

/// A payment intent as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntent {
    /// Id.
    pub id: PaymentIntentId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The order to pay.
    pub order_id: OrderId,
    /// Method code the customer chose (`fpx`, `card`, `ewallet`, ...).
    pub method: String,
    /// Amount (the order total when opened).
    pub amount: Money,
    /// Status.
    pub status: IntentStatus,
    /// Gateway name (`mock`).
    pub gateway: String,
    /// The gateway's checkout session, once the gateway has opened it.
    pub gateway_session: Option<String>,
    /// The gateway's reference for the payment, once decided.
    pub gateway_reference: Option<String>,
    /// The order payment recorded on success.
    pub payment_id: Option<PaymentId>,
    /// Staff member who opened it.
    pub created_by: Option<String>,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Succeeded or failed at.
    pub completed_at: Option<DateTime<Utc>>,
}

/// A listed intent with its order number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentRow {
    /// The intent.
    pub intent: PaymentIntent,
    /// Its order's number.
    pub order_number: String,
}

/// Which intents to list.
#[derive(Debug, Clone, Default)]
pub struct IntentFilter {
    /// Of one order.
    pub order_id: Option<OrderId>,
    /// In one status.
    pub status: Option<IntentStatus>,
    /// Only intents of orders of these outlets or of no outlet (a cashier's scope).
    pub outlet_scope: Option<Vec<String>>,
}
