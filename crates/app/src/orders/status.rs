//! Moving an order through the status machine.

use chrono::{DateTime, Utc};
use kedai_identity::Permission;
use kedai_orders::{Order, OrderId, OrderStatus, StatusChange, check_transition};
use serde_json::json;

use super::{OrderView, event, load_view, require_order};
use crate::inventory::release;
use crate::{Actor, AppError, Author, UnitOfWork};

/// Applies one legal move to a loaded order (guarded by its current status), releasing its
/// stock when it is cancelled and writing the outbox event.
pub(crate) fn apply_transition(
    tx: &mut dyn UnitOfWork,
    actor: Author,
    order: &mut Order,
    to: OrderStatus,
    tracking_number: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let transition = check_transition(order.order_type, order.status, to, tracking_number)?;
    let change = StatusChange {
        order_id: order.id,
        from: Some(order.status),
        to,
        tracking_number: transition.tracking_number.clone(),
        actor: actor.id_string(),
        reason: reason.to_owned(),
        at: now,
    };
    if !tx.transition(actor.tenant, &change)? {
        // The order moved since we read it; start over with a fresh read.
        return Err(AppError::lost_race("order status changed concurrently"));
    }
    if transition.releases_stock {
        release(tx, actor, &order.id.to_string(), now)?;
        crate::coupons::release_for_order(tx, actor.tenant, &order.id.to_string(), now)?;
    }
    if to == OrderStatus::Cancelled {
        // Its checkout links must no longer settle it.
        tx.cancel_open_intents(actor.tenant, order.id, now)?;
    }
    let from = order.status;
    order.status = to;
    order.stamps.stamp(to, now);
    order.updated_at = now;
    if let Some(t) = transition.tracking_number {
        order.tracking_number = Some(t);
    }
    let extra = json!({ "from": from.as_str(), "to": to.as_str() });
    tx.append_event(&event(
        actor.tenant,
        "order.status_changed",
        order,
        now,
        extra,
    ))?;
    if to == OrderStatus::Completed {
        tx.append_event(&event(
            actor.tenant,
            "order.completed",
            order,
            now,
            json!({}),
        ))?;
        // The customer's points and tier, read once for both.
        let customer = order.details.customer_id.as_deref();
        if let Some(member) = crate::membership::order_member(tx, actor.tenant, customer)? {
            crate::points::earn_for_order(tx, actor, order, &member, now)?;
            crate::membership::follow_spend(tx, &member, now)?;
        }
    }
    Ok(())
}

/// Moves an order to `to` under the status machine; cancelling releases its stock to the lots
/// it came from.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::InvalidTransition`],
/// [`AppError::TrackingNumberRequired`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, order.id = %id, order.to = %to))]
pub fn change_status(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OrderId,
    to: OrderStatus,
    tracking_number: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OrderView, AppError> {
    actor.require(Permission::OrdersWrite)?;
    let mut order = require_order(tx, actor, id)?;
    apply_transition(
        tx,
        actor.into(),
        &mut order,
        to,
        tracking_number,
        "status_update",
        now,
    )?;
    load_view(tx, actor, order)
}
