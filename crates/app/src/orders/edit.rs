//! Changing an order's fields other than its status.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_identity::Permission;
use kedai_orders::OrderId;
use serde_json::json;

use super::{OrderView, event, load_view, require_order};
use crate::{Actor, Amount, AppError, UnitOfWork};

/// Changes an order's fields other than its status (see [`kedai_orders::apply_edit`]).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::AmountMismatch`], [`AppError::Conflict`] `ORDER_NOT_EDITABLE`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, order.id = %id))]
pub fn update_order_fields(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OrderId,
    edit: OrderEditCommand,
    now: DateTime<Utc>,
) -> Result<OrderView, AppError> {
    actor.require(Permission::OrdersWrite)?;
    let order = require_order(tx, actor, id)?;
    let c = order.currency;
    let amount = |a: Option<&Amount>, field: &str| a.map(|a| a.to_money(c, field)).transpose();
    let domain = kedai_orders::OrderEdit {
        contact_name: edit.contact_name,
        contact_phone: edit.contact_phone,
        contact_email: edit.contact_email,
        shipping_method: edit.shipping_method,
        shipping_address: edit.shipping_address,
        payment_method: edit.payment_method,
        notes: edit.notes,
        special_instructions: edit.special_instructions,
        tracking_number: edit.tracking_number,
        shipping_fee: amount(edit.shipping_fee.as_ref(), "shipping_fee")?,
        tax_amount: amount(edit.tax_amount.as_ref(), "tax_amount")?,
        other_discount: amount(edit.discount_amount.as_ref(), "discount_amount")?,
        coupon_code: edit.coupon_code,
        coupon_discount: amount(edit.coupon_discount.as_ref(), "coupon_discount")?,
        total_amount: amount(edit.total_amount.as_ref(), "total_amount")?,
    };
    let mut next = kedai_orders::apply_edit(&order, domain).map_err(|e| match e {
        kedai_orders::EditError::Amounts(e) => AppError::from(e),
        kedai_orders::EditError::DiscountWithoutCode => {
            AppError::invalid("coupon_discount", e.to_string())
        }
        other => AppError::conflict(ErrorCode::OrderNotEditable, other.to_string()),
    })?;
    next.updated_at = now;
    if !tx.update_order_fields(&next, order.status)? {
        return Err(AppError::lost_race("order status changed concurrently"));
    }
    if next.total_amount != order.total_amount {
        // A checkout opened for the old total can no longer settle the order.
        tx.cancel_open_intents(actor.tenant, order.id, now)?;
    }
    tx.append_event(&event(actor.tenant, "order.updated", &next, now, json!({})))?;
    load_view(tx, actor, next)
}

/// The fields of [`update_order_fields`], as the client sent them. Text fields: `None` leaves
/// alone, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct OrderEditCommand {
    /// Contact name.
    pub contact_name: Option<Option<String>>,
    /// Contact phone.
    pub contact_phone: Option<Option<String>>,
    /// Contact e-mail.
    pub contact_email: Option<Option<String>>,
    /// Shipping method.
    pub shipping_method: Option<Option<String>>,
    /// Shipping address.
    pub shipping_address: Option<Option<String>>,
    /// Payment method.
    pub payment_method: Option<Option<String>>,
    /// Notes.
    pub notes: Option<Option<String>>,
    /// Special instructions.
    pub special_instructions: Option<Option<String>>,
    /// Tracking number.
    pub tracking_number: Option<Option<String>>,
    /// Shipping fee.
    pub shipping_fee: Option<Amount>,
    /// Tax.
    pub tax_amount: Option<Amount>,
    /// Discount other than the coupon's.
    pub discount_amount: Option<Amount>,
    /// Hand-entered coupon code.
    pub coupon_code: Option<Option<String>>,
    /// Its discount.
    pub coupon_discount: Option<Amount>,
    /// The total the client computed.
    pub total_amount: Option<Amount>,
}
