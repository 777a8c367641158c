//! The storefront's reads of its orders.

use crate::Entity;
use std::collections::BTreeMap;

use kedai_core::{Page, TenantId};
use kedai_identity::CustomerId;
use kedai_orders::{Channel, Order, OrderId, OrderItem, ShopOrderInfo};

use super::*;
use crate::payments::IntentFilter;
use crate::{AppError, UnitOfWork};

/// A storefront order the shopper may see: an online order of the shop. Anyone holding its
/// id may read it (the id is unguessable, and the guest success page has nothing else); only
/// its own customer sees its contact details and address. Anyone else — no token, or another
/// customer's — gets the same answer without them, so a token never reveals more than its
/// absence.
///
/// # Errors
/// [`AppError::NotFound`] (unknown, another shop's, or not a storefront order),
/// [`AppError::Storage`].
pub(super) fn visible_order(
    tx: &mut dyn UnitOfWork,
    shopper: &Shopper,
    raw_id: &str,
) -> Result<Order, AppError> {
    let (mut order, _) = online_order(tx, shopper.tenant.id, raw_id)?;
    let mine = shopper
        .customer
        .is_some_and(|me| order.details.customer_id.as_deref() == Some(&me.to_string()));
    if !mine {
        let d = &mut order.details;
        for field in [
            &mut d.customer_email,
            &mut d.contact_name,
            &mut d.contact_phone,
            &mut d.contact_email,
            &mut d.shipping_address,
            &mut d.notes,
            &mut d.special_instructions,
        ] {
            *field = None;
        }
    }
    Ok(order)
}

/// An online order of the shop, with its storefront facts.
pub(super) fn online_order(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    raw_id: &str,
) -> Result<(Order, ShopOrderInfo), AppError> {
    let not_found = || AppError::not_found(Entity::Order, raw_id);
    let id: OrderId = raw_id.parse().map_err(|_| not_found())?;
    let order = tx.find_order(tenant, id)?.ok_or_else(not_found)?;
    let info = tx
        .shop_info(tenant, id)?
        .filter(|i| i.channel == Channel::Online)
        .ok_or_else(not_found)?;
    Ok((order, info))
}

/// One storefront order with its lines, as `visible_order` shows it.
///
/// # Errors
/// As `visible_order`: [`AppError::NotFound`], [`AppError::Storage`].
pub fn shop_order(
    tx: &mut dyn UnitOfWork,
    shopper: &Shopper,
    id: &str,
) -> Result<ShopOrderView, AppError> {
    let order = visible_order(tx, shopper, id)?;
    let items = tx.order_items(&order)?;
    let latest_payment = latest_intent(tx, shopper.tenant.id, order.id)?.map(|i| i.status);
    Ok(ShopOrderView {
        order,
        items,
        latest_payment,
    })
}

/// A page of the signed-in customer's storefront orders, newest first, and how many there are.
///
/// # Errors
/// [`AppError::Storage`].
pub fn my_shop_orders(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    customer: CustomerId,
    page: Page,
) -> Result<(Vec<ShopOrderView>, i64), AppError> {
    let (orders, total) = tx.customer_shop_orders(tenant, &customer.to_string(), page)?;
    let mut items = tx.items_of_orders(&orders)?;
    let mut by_order: BTreeMap<OrderId, Vec<OrderItem>> = BTreeMap::new();
    for item in items.drain(..) {
        by_order.entry(item.order_id).or_default().push(item);
    }
    let views = orders
        .into_iter()
        .map(|order| ShopOrderView {
            items: by_order.remove(&order.id).unwrap_or_default(),
            order,
            latest_payment: None,
        })
        .collect();
    Ok((views, total))
}

/// The newest payment intent of an order.
pub(super) fn latest_intent(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    order: OrderId,
) -> Result<Option<crate::payments::PaymentIntent>, AppError> {
    let filter = IntentFilter {
        order_id: Some(order),
        ..IntentFilter::default()
    };
    let first =
        Page::new(Some(1), Some(1)).map_err(|e| AppError::invalid("page", e.to_string()))?;
    Ok(tx
        .list_intents(tenant, &filter, first)?
        .0
        .into_iter()
        .next()
        .map(|r| r.intent))
}
