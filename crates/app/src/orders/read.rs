//! Reading one order: the caller's view of it, confined to their outlets.

use crate::Entity;
use kedai_identity::Permission;
use kedai_orders::{Order, OrderId};

use super::OrderView;
use crate::{Actor, AppError, UnitOfWork};

/// The order, if the caller may see it: it belongs to the tenant and, for staff confined to
/// some outlets, to one of them or to none.
pub(crate) fn require_order(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OrderId,
) -> Result<Order, AppError> {
    let order = tx
        .find_order(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found(Entity::Order, id))?;
    visible(tx, actor, order)
}

/// `order`, or not found when the caller is confined to outlets it is not sold at.
pub(crate) fn visible(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    order: Order,
) -> Result<Order, AppError> {
    if let (Some(outlet), Some(scope)) = (
        order.details.outlet_id.as_ref(),
        crate::orders::scope::outlet_scope(tx, actor)?,
    ) && !scope.contains(outlet)
    {
        return Err(AppError::not_found(Entity::Order, order.id));
    }
    Ok(order)
}

pub(crate) fn load_view(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    order: Order,
) -> Result<OrderView, AppError> {
    let customer = match &order.details.customer_id {
        Some(id) => tx
            .order_customers(actor.tenant, std::slice::from_ref(id))?
            .pop(),
        None => None,
    };
    Ok(OrderView {
        items: tx.order_items(&order)?,
        payments: tx.payments(actor.tenant, order.id)?,
        history: tx.status_history(actor.tenant, order.id)?,
        customer,
        order,
    })
}

/// One order with its items, payments and history.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn get_order(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OrderId,
) -> Result<OrderView, AppError> {
    actor.require(Permission::OrdersRead)?;
    let order = require_order(tx, actor, id)?;
    load_view(tx, actor, order)
}
