//! A counter or app order of the merchant API (003 §13.1): catalogue prices, a coupon, the
//! outlet's scope, awaiting payment.

use chrono::{DateTime, Utc};
use kedai_core::ProductId;
use kedai_identity::Permission;
use kedai_identity::Tenant;
use kedai_orders::{Claimed, OrderDetails, OrderError, OrderStatus, PriceSource};

use super::pipeline::{ChargeRule, Discount, PlaceLine, PlaceOrder, Placer, place};
use super::{OrderView, clean_details};
use crate::{Actor, Amount, AppError, UnitOfWork};

/// One line of a counter or app order (003 §13.1): the price comes from the catalogue.
#[derive(Debug, Clone)]
pub struct PlaceOrderLine {
    /// The product.
    pub product_id: ProductId,
    /// Units.
    pub quantity: i64,
    /// The unit price the client shows; checked against the catalogue when given.
    pub unit_price: Option<Amount>,
}

/// A merchant-API order (003 §13.1).
#[derive(Debug, Clone)]
pub struct PlaceOrderCommand {
    /// The customer, one of the merchant's.
    pub customer_id: Option<String>,
    /// The outlet it is sold at.
    pub outlet_id: Option<String>,
    /// pickup, delivery or `dine_in`.
    pub order_type: kedai_orders::OrderType,
    /// Lines.
    pub items: Vec<PlaceOrderLine>,
    /// A coupon code of the merchant.
    pub coupon_code: Option<String>,
    /// Notes, contact and shipping (customer and outlet are taken from the fields above).
    pub details: OrderDetails,
}

/// Places an order at catalogue prices with a coupon, through the order pipeline (see
/// [`place`]), leaving it awaiting payment (`confirmed`, 003's `pending_payment`). The
/// customer's name, e-mail and phone fill the contact fields the client left empty.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Validation`] (`CUSTOMER_NOT_FOUND`,
/// `OUTLET_NOT_FOUND`, `PRODUCT_NOT_AVAILABLE`, `COUPON_INVALID`, `COUPON_EXPIRED`, bad
/// fields); [`AppError::AmountMismatch`] for a unit price that is not the catalogue's;
/// [`AppError::NotFound`] (a product); [`AppError::InsufficientStock`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, order.items = cmd.items.len()))]
pub fn place_order(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    cmd: &PlaceOrderCommand,
    now: DateTime<Utc>,
) -> Result<OrderView, AppError> {
    actor.require(Permission::OrdersWrite)?;
    if cmd.items.is_empty() {
        return Err(OrderError::NoItems.into());
    }
    let mut details = clean_details(cmd.details.clone());
    details.customer_id.clone_from(&cmd.customer_id);
    let parties = super::scope::check_parties(
        tx,
        actor,
        cmd.customer_id.as_deref(),
        cmd.outlet_id.as_deref(),
        "",
    )?;
    if let Some(found) = &parties.customer {
        details.customer_email.clone_from(&found.email);
        details.contact_name = details.contact_name.or(Some(found.name.clone()));
        details.contact_email = details.contact_email.or(found.email.clone());
        details.contact_phone = details.contact_phone.or(found.phone.clone());
    }
    details.outlet_id = parties.outlet_id;
    let mut lines = Vec::with_capacity(cmd.items.len());
    for (i, line) in cmd.items.iter().enumerate() {
        if line.quantity <= 0 {
            return Err(AppError::invalid(
                format!("items[{i}].qty"),
                "must be a positive integer",
            ));
        }
        lines.push(PlaceLine {
            product_id: line.product_id,
            variation_id: None,
            quantity: line.quantity,
            unit_price: line
                .unit_price
                .as_ref()
                .map(|p| p.to_money(tenant.currency, &format!("items[{i}].unit_price")))
                .transpose()?,
            claimed_total: None,
        });
    }
    let mut view = place(
        tx,
        tenant,
        &PlaceOrder {
            placer: Placer::Staff(*actor),
            order_type: cmd.order_type,
            status: OrderStatus::Confirmed,
            details,
            lines,
            prices: PriceSource::Catalogue,
            discount: cmd
                .coupon_code
                .clone()
                .map_or(Discount::None, Discount::Coupon),
            charges: ChargeRule::None,
            claimed: Claimed::default(),
        },
        now,
    )?;
    view.customer = parties.customer;
    Ok(view)
}
