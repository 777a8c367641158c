//! Refunds of completed orders (returns): money back by amount or by lines, through the gateway
//! that took the payment, with returned units optionally back in the lots they came from and
//! the customer's points taken back in proportion — in one transaction, the order keeping its
//! status.

use chrono::{DateTime, Utc};
use kedai_core::{ErrorCode, Money};
use kedai_identity::{CustomerId, Permission};
use kedai_inventory::{Movement, MovementId, MovementKind};
use kedai_loyalty::points::reversal_due;
use kedai_loyalty::{PointsEntryId, PointsKind, PointsPosting};
use kedai_orders::{
    Order, OrderId, OrderItemId, OrderStatus, Payment, PaymentId, PaymentStatus, Refund,
    RefundError, RefundId, RefundableLine, ReturnLine, item_discounts, plan_refund,
};
use serde_json::json;

use super::{event, require_order};
use crate::{Actor, Amount, AppError, Author, UnitOfWork};

/// The longest reason, in characters.
pub const REASON_MAX: usize = 500;

/// A line to return, as asked.
#[derive(Debug, Clone)]
pub struct RefundLineInput {
    /// The order line's id.
    pub item_id: String,
    /// Units returned.
    pub quantity: i64,
    /// Whether they go back into stock.
    pub restock: bool,
}

/// A refund as asked: an amount, lines, or both.
#[derive(Debug, Clone, Default)]
pub struct RefundCommand {
    /// Money to give back; default: the lines' value.
    pub amount: Option<Amount>,
    /// Lines returned.
    pub lines: Vec<RefundLineInput>,
    /// Why.
    pub reason: Option<String>,
}

/// An order's refunds and what is left to refund.
#[derive(Debug, Clone)]
pub struct OrderRefunds {
    /// Its refunds, oldest first.
    pub refunds: Vec<Refund>,
    /// Σ of them.
    pub refunded: Money,
    /// What is left of the total.
    pub refundable: Money,
}

fn refund_error(e: &RefundError) -> AppError {
    let field = match e {
        RefundError::NothingAsked
        | RefundError::AmountNotPositive
        | RefundError::TooMuch { .. } => "amount".to_owned(),
        RefundError::UnknownLine { index } => format!("lines[{index}].item_id"),
        RefundError::LineQuantity { index, .. } => format!("lines[{index}].quantity"),
    };
    let code = match e {
        RefundError::TooMuch { .. } => ErrorCode::NothingToRefund,
        _ => ErrorCode::ValidationError,
    };
    AppError::rejected(code, field, e.to_string())
}

fn totals(order: &Order, refunds: Vec<Refund>) -> OrderRefunds {
    let refunded = refunds.iter().map(|r| r.amount.minor()).sum::<i64>();
    OrderRefunds {
        refunds,
        refunded: Money::from_minor(refunded, order.currency),
        refundable: Money::from_minor(
            (order.total_amount.minor() - refunded).max(0),
            order.currency,
        ),
    }
}

/// An order's refunds.
///
/// # Errors
/// [`AppError::Forbidden`] without `OrdersRead`; [`AppError::NotFound`].
pub fn order_refunds(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OrderId,
) -> Result<OrderRefunds, AppError> {
    actor.require(Permission::OrdersRead)?;
    let order = require_order(tx, actor, id)?;
    let (refunds, _) = tx.refunds(actor.tenant, id)?;
    Ok(totals(&order, refunds))
}

/// Refunds part or all of a completed order (see the module): never more than was paid,
/// however many refunds race.
///
/// # Errors
/// [`AppError::Forbidden`] without `PaymentsWrite`; [`AppError::NotFound`]; 409
/// `ORDER_NOT_REFUNDABLE` for an order that is not completed and paid; every bad field;
/// `NOTHING_TO_REFUND` for more than is left.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn refund_order(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OrderId,
    cmd: &RefundCommand,
    now: DateTime<Utc>,
) -> Result<OrderRefunds, AppError> {
    actor.require(Permission::PaymentsWrite)?;
    let reason = cmd
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > REASON_MAX)
    {
        return Err(AppError::invalid(
            "reason",
            format!("must be at most {REASON_MAX} characters"),
        ));
    }
    let mut asked = Vec::with_capacity(cmd.lines.len());
    for (i, l) in cmd.lines.iter().enumerate() {
        let item_id = l.item_id.trim().parse::<OrderItemId>().map_err(|_| {
            AppError::invalid(format!("lines[{i}].item_id"), "is not an order line id")
        })?;
        asked.push(ReturnLine {
            item_id,
            quantity: l.quantity,
            restock: l.restock,
        });
    }
    let order = require_order(tx, actor, id)?;
    let paid = tx
        .payments(actor.tenant, id)?
        .into_iter()
        .find(|p| p.status == PaymentStatus::Completed);
    let Some(paid) = paid.filter(|_| order.status == OrderStatus::Completed) else {
        return Err(AppError::conflict(
            ErrorCode::OrderNotRefundable,
            format!(
                "only a completed, paid order is refunded here (this one is {}); cancel a paid order to refund it",
                order.status
            ),
        ));
    };
    let amount = cmd
        .amount
        .as_ref()
        .map(|a| a.to_money(order.currency, "amount"))
        .transpose()?;
    let items = tx.order_items(&order)?;
    let (refunds, returned) = tx.refunds(actor.tenant, id)?;
    let before = totals(&order, refunds);
    let shares = item_discounts(
        &items.iter().map(|i| i.total_price).collect::<Vec<_>>(),
        order.discount_amount,
    );
    let lines: Vec<RefundableLine> = items
        .iter()
        .zip(&shares)
        .map(|(item, share)| RefundableLine {
            item_id: item.id,
            quantity: item.quantity,
            returned: returned
                .iter()
                .find(|(i, _)| *i == item.id)
                .map_or(0, |(_, q)| *q),
            net: Money::from_minor(
                (item.total_price.minor() - share.minor()).max(0),
                order.currency,
            ),
        })
        .collect();
    let plan = plan_refund(order.total_amount, before.refunded, &lines, &asked, amount)
        .map_err(|e| refund_error(&e))?;
    let author = Author::from(actor);
    let payment = Payment {
        id: PaymentId::new(),
        tenant_id: actor.tenant,
        order_id: id,
        method: paid.method.clone(),
        amount: plan.amount,
        status: PaymentStatus::Refunded,
        created_by: author.id_string(),
        created_at: now,
    };
    // The claim holds the order: what is read after it (refunds, points) is current.
    let refunded_after = tx
        .claim_refund(actor.tenant, id, plan.amount, &plan.lines, now)?
        .ok_or_else(|| AppError::lost_race("order refunded concurrently"))?
        .minor();
    let points_reversed = reverse_points(tx, author, &order, refunded_after, now)?;
    let refund = Refund {
        id: RefundId::new(),
        tenant_id: actor.tenant,
        order_id: id,
        payment_id: payment.id,
        amount: plan.amount,
        reason,
        lines: plan.lines,
        points_reversed,
        created_by: author.id_string(),
        created_at: now,
    };
    tx.insert_refund(&refund, &payment)?;
    if let Some(member) =
        crate::membership::order_member(tx, actor.tenant, order.details.customer_id.as_deref())?
    {
        crate::membership::follow_spend(tx, &member, now)?;
    }
    for line in refund.lines.iter().filter(|l| l.restock) {
        if let Some(item) = items.iter().find(|i| i.id == line.item_id) {
            restock(
                tx,
                author,
                &order,
                item.product_id,
                line.quantity,
                &refund,
                now,
            )?;
        }
    }
    crate::jobs::queue_gateway_refund(
        tx,
        &payment,
        kedai_core::Backoff::OUTBOUND.max_attempts,
        now,
    )?;
    let extra = json!({
        "refund_id": refund.id.to_string(),
        "payment_id": payment.id.to_string(),
        "method": payment.method,
        "amount": refund.amount.to_string(),
        "refunded_total": Money::from_minor(refunded_after, order.currency).to_string(),
        "status": "refunded",
        "order_status": order.status.as_str(),
        "reason": refund.reason,
        "lines": refund.lines.iter().map(|l| json!({
            "item_id": l.item_id.to_string(), "quantity": l.quantity,
            "amount": l.amount.to_string(), "restock": l.restock,
        })).collect::<Vec<_>>(),
        "points_reversed": points_reversed,
    });
    tx.append_event(&event(
        actor.tenant,
        "payment.refunded",
        &order,
        now,
        extra.clone(),
    ))?;
    crate::audit::record(
        tx,
        actor,
        now,
        "order.refunded",
        "order",
        Some(id.to_string()),
        extra,
    )?;
    let (refunds, _) = tx.refunds(actor.tenant, id)?;
    Ok(totals(&order, refunds))
}

/// Takes back the order customer's points in proportion to what has been refunded, as far as
/// their balance goes. Returns the points taken.
fn reverse_points(
    tx: &mut dyn UnitOfWork,
    author: Author,
    order: &Order,
    refunded: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let Some(customer) = order
        .details
        .customer_id
        .as_deref()
        .and_then(|c| c.parse::<CustomerId>().ok())
    else {
        return Ok(0);
    };
    let reference = order.id.to_string();
    let earned = tx.points_for_reference(author.tenant, customer, PointsKind::Earn, &reference)?;
    let reversed =
        -tx.points_for_reference(author.tenant, customer, PointsKind::Reverse, &reference)?;
    let due = reversal_due(earned, reversed, refunded, order.total_amount.minor());
    let take = due.min(tx.points_balance(author.tenant, customer)?);
    if take <= 0 {
        return Ok(0);
    }
    crate::points::post(
        tx,
        &PointsPosting {
            id: PointsEntryId::new(),
            tenant_id: author.tenant,
            customer_id: customer,
            delta: -take,
            kind: PointsKind::Reverse,
            reason: format!("Refund of order {}", order.order_number.as_str()),
            reference: Some(reference),
            actor: author.id_string(),
            expires_at: None,
            at: now,
        },
    )?;
    Ok(take)
}

/// Puts returned units back into the lots the order took them from, newest allocation first.
fn restock(
    tx: &mut dyn UnitOfWork,
    author: Author,
    order: &Order,
    product: kedai_core::ProductId,
    quantity: i64,
    refund: &Refund,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let reference = order.id.to_string();
    let mut allocations: Vec<_> = tx
        .open_allocations(author.tenant, &reference)?
        .into_iter()
        .filter(|a| a.product_id == product)
        .collect();
    allocations.reverse();
    let mut left = quantity;
    let mut movements = Vec::new();
    for a in allocations {
        if left == 0 {
            break;
        }
        let take = left.min(a.quantity);
        if !tx.return_allocated(author.tenant, a.id, take, now)?
            || !tx.change_lot(author.tenant, a.lot_id, take)?
        {
            return Err(AppError::lost_race("stock changed concurrently"));
        }
        left -= take;
        movements.push(Movement {
            id: MovementId::new(),
            tenant_id: author.tenant,
            product_id: product,
            lot_id: a.lot_id,
            kind: MovementKind::Release,
            quantity: take,
            reason: None,
            source: Some(a.source.clone()),
            reference: Some(reference.clone()),
            note: Some(format!("returned (refund {})", refund.id)),
            actor: author.id_string(),
            created_at: now,
        });
    }
    tx.append_movements(&movements)?;
    Ok(())
}
