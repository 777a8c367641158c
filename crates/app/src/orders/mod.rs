//! Orders: placed through one pipeline whichever surface asks ([`pipeline`]), read, moved
//! through the status machine, paid, edited and summarised. The customer, outlet and products
//! an order names are checked in [`scope`]; lists and reports are in [`queries`].

use chrono::{DateTime, Utc};
use kedai_core::TenantId;
use kedai_orders::{Order, OrderDetails, OrderItem, Payment, StatusChange};
use serde_json::json;

use crate::OutboxEvent;

mod create;
mod edit;
#[cfg(test)]
mod fakes;
mod payment;
pub mod pipeline;
mod place_order;
pub mod queries;
mod read;
mod refund;
pub mod scope;
mod sellable;
mod status;
mod summary;
#[cfg(test)]
mod tests;

pub use create::*;
pub use edit::*;
pub use payment::*;
pub use pipeline::{ChargeRule, Discount, PlaceLine, PlaceOrder, Placer, place};
pub use place_order::*;
pub use read::*;
pub use refund::*;
pub(crate) use status::apply_transition;
pub use status::change_status;
pub use summary::*;

/// An order with everything that hangs off it.
#[derive(Debug, Clone)]
pub struct OrderView {
    /// The order.
    pub order: Order,
    /// Its lines.
    pub items: Vec<OrderItem>,
    /// Its payments, oldest first.
    pub payments: Vec<Payment>,
    /// Its status history, oldest first.
    pub history: Vec<StatusChange>,
    /// Its customer, when it has one of the merchant's.
    pub customer: Option<kedai_orders::OrderCustomer>,
}

/// The outbox event of an order: its id, number, status, total and currency, and `extra`.
pub(crate) fn event(
    tenant: TenantId,
    event_type: &'static str,
    order: &Order,
    now: DateTime<Utc>,
    extra: serde_json::Value,
) -> OutboxEvent {
    let mut payload = json!({
        "order_id": order.id.to_string(),
        "order_number": order.order_number.as_str(),
        "status": order.status.as_str(),
        "total_amount": order.total_amount.to_string(),
        "currency": order.currency.code(),
    });
    if let (Some(p), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        p.extend(extra);
    }
    OutboxEvent {
        tenant_id: tenant,
        event_type,
        aggregate_id: order.id.to_string(),
        payload,
        created_at: now,
    }
}

/// Parses order details shared by every surface: trims strings and drops empty ones.
#[must_use]
pub fn clean_details(details: OrderDetails) -> OrderDetails {
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    OrderDetails {
        customer_id: clean(details.customer_id),
        customer_email: clean(details.customer_email),
        outlet_id: clean(details.outlet_id),
        contact_name: clean(details.contact_name),
        contact_phone: clean(details.contact_phone),
        contact_email: clean(details.contact_email),
        shipping_method: clean(details.shipping_method),
        shipping_address: clean(details.shipping_address),
        payment_method: clean(details.payment_method),
        notes: clean(details.notes),
        special_instructions: clean(details.special_instructions),
    }
}
