//! Orders: create with FIFO allocation, read, move through the status machine, pay, summarise.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kedai_core::{Money, ProductId, TenantId};
use kedai_identity::{Permission, Tenant};
use kedai_orders::{
    Charges, Claimed, LineInput, NewOrder, Order, OrderDetails, OrderError, OrderId, OrderItem,
    OrderItemId, OrderNumber, OrderStatus, Payment, PaymentId, PaymentStatus, Period,
    PeriodSummary, StatusChange, StatusStamps, check_transition, earliest_start,
    has_unrefunded_payment, plan_payment, price_order, summarize,
};
use serde_json::json;

use crate::identity::tenant;
use crate::inventory::{allocate_fifo, release};
use crate::{Actor, Amount, AppError, AuthFailure, OutboxEvent, UnitOfWork};

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
}

/// A payment to record.
#[derive(Debug, Clone)]
pub struct PaymentCommand {
    /// The order.
    pub order_id: OrderId,
    /// Method.
    pub method: String,
    /// Amount; must equal the order total.
    pub amount: Amount,
    /// Outcome.
    pub status: PaymentStatus,
}

/// The outcome of recording a payment.
#[derive(Debug, Clone)]
pub struct PaymentResult {
    /// The payment record.
    pub payment: Payment,
    /// The order's status afterwards.
    pub order_status: OrderStatus,
}

fn money(amount: Option<&Amount>, tenant: &Tenant, field: &str) -> Result<Option<Money>, AppError> {
    amount
        .map(|a| a.to_money(tenant.currency, field))
        .transpose()
}

fn event(
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

/// Creates an order with its items and allocates its stock FIFO, in one transaction: all or
/// nothing. The order number is claimed in the same transaction.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`], [`AppError::AmountMismatch`],
/// [`AppError::NotFound`] (a product), [`AppError::Conflict`] `PRODUCT_INACTIVE`,
/// [`AppError::InsufficientStock`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, order.items = cmd.items.len()))]
pub fn create_order(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
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
    let tenant = tenant(tx, actor.tenant)?;
    let currency = tenant.currency;
    let mut lines = Vec::with_capacity(cmd.items.len());
    for (i, item) in cmd.items.iter().enumerate() {
        lines.push(LineInput {
            quantity: item.quantity,
            unit_price: item
                .unit_price
                .to_money(currency, &format!("items[{i}].unit_price"))?,
            claimed_total: money(
                item.total_price.as_ref(),
                &tenant,
                &format!("items[{i}].total_price"),
            )?,
        });
    }
    let zero = Money::zero(currency);
    let charges = Charges {
        shipping_fee: money(cmd.shipping_fee.as_ref(), &tenant, "shipping_fee")?.unwrap_or(zero),
        tax_amount: money(cmd.tax_amount.as_ref(), &tenant, "tax_amount")?.unwrap_or(zero),
        discount_amount: money(cmd.discount_amount.as_ref(), &tenant, "discount_amount")?
            .unwrap_or(zero),
    };
    let claimed = Claimed {
        subtotal: money(cmd.subtotal.as_ref(), &tenant, "subtotal")?,
        total: money(cmd.total_amount.as_ref(), &tenant, "total_amount")?,
    };
    let priced = price_order(&lines, charges, claimed)?;

    let mut wanted: BTreeMap<ProductId, i64> = BTreeMap::new();
    for item in &cmd.items {
        let units = wanted.entry(item.product_id).or_default();
        *units = units
            .checked_add(item.quantity)
            .ok_or_else(|| AppError::invalid("items", "quantity out of range"))?;
    }
    let ids: Vec<ProductId> = wanted.keys().copied().collect();
    let products = tx.find_products(actor.tenant, &ids)?;
    for id in &ids {
        match products.iter().find(|p| p.id == *id) {
            None => return Err(AppError::not_found("product", id)),
            Some(p) if !p.is_on_sale() => {
                return Err(AppError::conflict(
                    "PRODUCT_INACTIVE",
                    format!("product {id} is not on sale"),
                ));
            }
            Some(_) => {}
        }
    }

    let order_id = OrderId::new();
    // Products in id order, so concurrent orders lock lots in the same order.
    for (product_id, quantity) in &wanted {
        allocate_fifo(
            tx,
            actor,
            *product_id,
            *quantity,
            "order",
            &order_id.to_string(),
            now,
        )?;
    }

    let year = tenant.time_zone.local_year(now);
    let number = OrderNumber::new(year, tx.next_order_sequence(actor.tenant, year)?);
    let mut stamps = StatusStamps::default();
    stamps.stamp(cmd.order.status, now);
    let order = Order {
        id: order_id,
        tenant_id: actor.tenant,
        order_number: number,
        order_type: cmd.order.order_type,
        status: cmd.order.status,
        currency,
        subtotal: priced.subtotal,
        shipping_fee: priced.shipping_fee,
        tax_amount: priced.tax_amount,
        discount_amount: priced.discount_amount,
        total_amount: priced.total,
        payment_status: None,
        tracking_number: None,
        details: cmd.order.details.clone(),
        created_by: actor.id_string(),
        created_at: now,
        updated_at: now,
        stamps,
    };
    let items: Vec<OrderItem> = cmd
        .items
        .iter()
        .zip(&priced.lines)
        .map(|(item, line)| {
            let product = products.iter().find(|p| p.id == item.product_id);
            OrderItem {
                id: OrderItemId::new(),
                order_id,
                product_id: item.product_id,
                product_name: product.map(|p| p.name.clone()).unwrap_or_default(),
                product_sku: product.and_then(|p| p.sku.clone()),
                quantity: line.quantity,
                unit_price: line.unit_price,
                total_price: line.total,
                created_at: now,
            }
        })
        .collect();
    let created = StatusChange {
        order_id,
        from: None,
        to: order.status,
        tracking_number: None,
        actor: actor.id_string(),
        reason: "order_created".into(),
        at: now,
    };
    tx.insert_order(&order, &items, &created)?;
    tx.append_event(&event(
        actor.tenant,
        "order.created",
        &order,
        now,
        json!({ "items": items.len() }),
    ))?;
    Ok(OrderView {
        order,
        items,
        payments: Vec::new(),
        history: vec![created],
    })
}

fn require_order(tx: &mut dyn UnitOfWork, actor: &Actor, id: OrderId) -> Result<Order, AppError> {
    tx.find_order(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found("order", id))
}

fn load_view(tx: &mut dyn UnitOfWork, actor: &Actor, order: Order) -> Result<OrderView, AppError> {
    Ok(OrderView {
        items: tx.order_items(&order)?,
        payments: tx.payments(actor.tenant, order.id)?,
        history: tx.status_history(actor.tenant, order.id)?,
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

/// Applies one legal move to a loaded order (guarded by its current status), releasing its
/// stock when it is cancelled and writing the outbox event.
fn apply_transition(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
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
        actor,
        &mut order,
        to,
        tracking_number,
        "status_update",
        now,
    )?;
    load_view(tx, actor, order)
}

/// Records a payment and applies its effect (see [`kedai_orders::plan_payment`]).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`] (amount, method),
/// [`AppError::Conflict`] `PAYMENT_NOT_ALLOWED` / `NOTHING_TO_REFUND`,
/// [`AppError::InvalidTransition`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, order.id = %cmd.order_id, payment.status = %cmd.status))]
pub fn record_payment(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    cmd: &PaymentCommand,
    now: DateTime<Utc>,
) -> Result<PaymentResult, AppError> {
    actor.require(Permission::PaymentsWrite)?;
    let method = cmd.method.trim();
    if method.is_empty() || method.len() > 64 {
        return Err(AppError::invalid("method", "must be 1 to 64 characters"));
    }
    let mut order = require_order(tx, actor, cmd.order_id)?;
    let amount = cmd.amount.to_money(order.currency, "amount")?;
    let payments = tx.payments(actor.tenant, order.id)?;
    let plan = plan_payment(
        order.order_type,
        order.status,
        order.total_amount,
        amount,
        cmd.status,
        has_unrefunded_payment(&payments),
    )?;
    let payment = Payment {
        id: PaymentId::new(),
        tenant_id: actor.tenant,
        order_id: order.id,
        method: method.to_owned(),
        amount,
        status: cmd.status,
        created_by: actor.id_string(),
        created_at: now,
    };
    if !tx.record_payment(&payment, order.status)? {
        // The order moved since we read it; decide again on a fresh read.
        return Err(AppError::lost_race("order status changed concurrently"));
    }
    let reason = match cmd.status {
        PaymentStatus::Completed => "payment_completed",
        PaymentStatus::Failed => "payment_failed",
        PaymentStatus::Refunded => "payment_refunded",
    };
    for step in plan.steps {
        apply_transition(tx, actor, &mut order, step, None, reason, now)?;
    }
    let event_type = match cmd.status {
        PaymentStatus::Completed => "payment.success",
        PaymentStatus::Failed => "payment.failed",
        PaymentStatus::Refunded => "payment.refunded",
    };
    let extra = json!({ "payment_id": payment.id.to_string(), "method": payment.method, "amount": amount.to_string() });
    if cmd.status == PaymentStatus::Refunded {
        crate::audit::record(
            tx,
            actor,
            now,
            "payment.refunded",
            "order",
            Some(order.id.to_string()),
            extra.clone(),
        )?;
    }
    tx.append_event(&event(actor.tenant, event_type, &order, now, extra))?;
    Ok(PaymentResult {
        payment,
        order_status: order.status,
    })
}

/// Who asks for an order summary.
#[derive(Debug, Clone, Copy)]
pub enum SummaryCaller {
    /// A signed-in staff member (needs `reports:read`).
    Staff(Actor),
    /// Anyone, naming a tenant that has opted in to a public summary.
    Public(TenantId),
}

/// A tenant's order summary.
#[derive(Debug, Clone)]
pub struct OrderSummary {
    /// Currency of the amounts.
    pub currency: kedai_core::Currency,
    /// One summary per requested period, in request order.
    pub periods: Vec<PeriodSummary>,
}

/// Summaries of the tenant's orders for each period (every period when none is named), with
/// day boundaries in its time zone.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Unauthenticated`] for a public caller of a tenant that
/// has not opted in (or does not exist).
pub fn order_summary(
    tx: &mut dyn UnitOfWork,
    caller: SummaryCaller,
    periods: &[Period],
    now: DateTime<Utc>,
) -> Result<OrderSummary, AppError> {
    let tenant = match caller {
        SummaryCaller::Staff(actor) => {
            actor.require(Permission::ReportsRead)?;
            tenant(tx, actor.tenant)?
        }
        SummaryCaller::Public(id) => tx
            .find_tenant(id)?
            .filter(|t| t.public_order_summary)
            .ok_or(AppError::Unauthenticated(AuthFailure::Missing))?,
    };
    let periods = if periods.is_empty() {
        &Period::ALL[..]
    } else {
        periods
    };
    let today = tenant.time_zone.local_date(now);
    let from = earliest_start(periods, today, tenant.time_zone);
    let to = tenant.time_zone.end_of_day(today);
    let facts = tx.order_facts(tenant.id, from, to)?;
    Ok(OrderSummary {
        currency: tenant.currency,
        periods: periods
            .iter()
            .map(|p| summarize(*p, today, tenant.time_zone, &facts))
            .collect(),
    })
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
