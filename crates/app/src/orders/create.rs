//! An order as a counter prices it (000's edge `order-create`): the caller sets the unit
//! prices, the charges and the initial status, and every figure it claims is checked.

use chrono::{DateTime, Utc};
use kedai_core::{Money, ProductId};
use kedai_identity::{Permission, Tenant};
use kedai_orders::{Charges, Claimed, NewOrder, OrderError, OrderStatus, PriceSource};

use super::OrderView;
use super::pipeline::{ChargeRule, Discount, PlaceLine, PlaceOrder, Placer, place};
use crate::{Actor, Amount, AppError, UnitOfWork};

/// One requested line.
#[derive(Debug, Clone)]
pub struct OrderLine {
    /// The product.
    pub product_id: ProductId,
    /// Units.
    pub quantity: i64,
    /// Unit price.
    pub unit_price: Amount,
    /// Line total the client computed, if any.
    pub total_price: Option<Amount>,
}

/// An order creation request.
#[derive(Debug, Clone)]
pub struct CreateOrderCommand {
    /// Type, initial status and details.
    pub order: NewOrder,
    /// Lines.
    pub items: Vec<OrderLine>,
    /// Shipping fee (default 0).
    pub shipping_fee: Option<Amount>,
    /// Tax (default 0).
    pub tax_amount: Option<Amount>,
    /// Discount (default 0).
    pub discount_amount: Option<Amount>,
    /// Claimed subtotal, checked.
    pub subtotal: Option<Amount>,
    /// Claimed total, checked.
    pub total_amount: Option<Amount>,
}

fn money(amount: Option<&Amount>, tenant: &Tenant, field: &str) -> Result<Option<Money>, AppError> {
    amount
        .map(|a| a.to_money(tenant.currency, field))
        .transpose()
}

/// Creates an order at the prices the caller sets (000), through the order pipeline (see
/// [`place`]): a price below the catalogue's needs `orders:price_override` and is audited;
/// the customer, outlet and products it names are checked as on every surface (see
/// [`super::scope`]).
///
/// # Errors
/// [`AppError::Forbidden`] (also for a price override without the permission),
/// [`AppError::Validation`] (`CUSTOMER_NOT_FOUND`, `OUTLET_NOT_FOUND`, `OUTLET_INACTIVE`,
/// `PRODUCT_NOT_AVAILABLE`, bad fields), [`AppError::AmountMismatch`],
/// [`AppError::NotFound`] (a product), [`AppError::Conflict`] `PRODUCT_INACTIVE`,
/// [`AppError::InsufficientStock`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, order.items = cmd.items.len()))]
pub fn create_order(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    cmd: &CreateOrderCommand,
    now: DateTime<Utc>,
) -> Result<OrderView, AppError> {
    actor.require(Permission::OrdersWrite)?;
    if !matches!(
        cmd.order.status,
        OrderStatus::Pending | OrderStatus::Confirmed
    ) {
        return Err(OrderError::InvalidInitialStatus(cmd.order.status).into());
    }
    let mut lines = Vec::with_capacity(cmd.items.len());
    for (i, item) in cmd.items.iter().enumerate() {
        lines.push(PlaceLine {
            product_id: item.product_id,
            variation_id: None,
            quantity: item.quantity,
            unit_price: Some(
                item.unit_price
                    .to_money(tenant.currency, &format!("items[{i}].unit_price"))?,
            ),
            claimed_total: money(
                item.total_price.as_ref(),
                tenant,
                &format!("items[{i}].total_price"),
            )?,
        });
    }
    let zero = Money::zero(tenant.currency);
    let charges = Charges {
        shipping_fee: money(cmd.shipping_fee.as_ref(), tenant, "shipping_fee")?.unwrap_or(zero),
        tax_amount: money(cmd.tax_amount.as_ref(), tenant, "tax_amount")?.unwrap_or(zero),
        discount_amount: money(cmd.discount_amount.as_ref(), tenant, "discount_amount")?
            .unwrap_or(zero),
    };
    let claimed = Claimed {
        subtotal: money(cmd.subtotal.as_ref(), tenant, "subtotal")?,
        total: money(cmd.total_amount.as_ref(), tenant, "total_amount")?,
    };
    let mut details = cmd.order.details.clone();
    let parties = super::scope::check_parties(
        tx,
        actor,
        details.customer_id.as_deref(),
        details.outlet_id.as_deref(),
        "order_data.",
    )?;
    details.outlet_id = parties.outlet_id;
    place(
        tx,
        tenant,
        &PlaceOrder {
            placer: Placer::Staff(*actor),
            order_type: cmd.order.order_type,
            status: cmd.order.status,
            details,
            lines,
            prices: PriceSource::Given,
            discount: Discount::None,
            charges: ChargeRule::Given(charges),
            claimed,
        },
        now,
    )
}
