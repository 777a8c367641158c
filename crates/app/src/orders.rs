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
use crate::{Actor, Amount, AppError, AuthFailure, Author, OutboxEvent, UnitOfWork};

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
    /// Its customer, when it has one of the merchant's.
    pub customer: Option<kedai_orders::OrderCustomer>,
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
    /// The payment intent it settles, when it came through a gateway (carried in the
    /// `payment.*` event, as 003's webhooks show).
    pub payment_intent_id: Option<String>,
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
/// nothing. The order number is claimed in the same transaction. The client sets the unit
/// prices (000), but a price below the catalogue's needs `orders:price_override` and is
/// recorded in the audit log as `order.price_override`; the customer, outlet and products it
/// names are checked as on every surface (see [`crate::order_scope`]).
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
    let products: Vec<(ProductId, i64)> = cmd
        .items
        .iter()
        .map(|i| (i.product_id, i.quantity))
        .collect();
    let mut order = cmd.order.clone();
    let parties = crate::order_scope::check_parties(
        tx,
        actor,
        order.details.customer_id.as_deref(),
        order.details.outlet_id.as_deref(),
        "order_data.",
    )?;
    order.details.outlet_id = parties.outlet_id;
    let products = on_sale_products(tx, actor.tenant, &products)?;
    crate::order_scope::check_sold_at(
        &products.products,
        &products.order,
        order.details.outlet_id.as_deref(),
    )?;
    let overrides = price_overrides(&products, &priced);
    if !overrides.is_empty() {
        actor.require(Permission::PriceOverride)?;
    }
    let view = insert_new_order(
        tx,
        actor.into(),
        &tenant,
        &order,
        &products,
        &priced,
        None,
        now,
    )?;
    if !overrides.is_empty() {
        crate::audit::record(
            tx,
            actor,
            now,
            "order.price_override",
            "order",
            Some(view.order.id.to_string()),
            json!({
                "order_number": view.order.order_number.as_str(),
                "lines": overrides,
            }),
        )?;
    }
    Ok(view)
}

/// The lines sold below their catalogue price: index, product, catalogue and sold unit price.
fn price_overrides(lines: &Lines, priced: &kedai_orders::PricedOrder) -> Vec<serde_json::Value> {
    lines
        .order
        .iter()
        .zip(&priced.lines)
        .enumerate()
        .filter_map(|(i, (product_id, line))| {
            let product = lines.products.iter().find(|p| p.id == *product_id)?;
            kedai_orders::is_price_override(line.unit_price, product.price).then(|| {
                json!({
                    "line": i,
                    "product_id": product_id.get(),
                    "catalogue_price": product.price.to_string(),
                    "unit_price": line.unit_price.to_string(),
                })
            })
        })
        .collect()
}

/// Products of the requested lines, each checked to exist and be on sale, with the units
/// wanted of each (summed over lines).
pub(crate) fn on_sale_products(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    lines: &[(ProductId, i64)],
) -> Result<Lines, AppError> {
    let mut wanted: BTreeMap<ProductId, i64> = BTreeMap::new();
    for (product_id, quantity) in lines {
        let units = wanted.entry(*product_id).or_default();
        *units = units
            .checked_add(*quantity)
            .ok_or_else(|| AppError::invalid("items", "quantity out of range"))?;
    }
    let ids: Vec<ProductId> = wanted.keys().copied().collect();
    let products = tx.find_products(tenant, &ids)?;
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
    Ok(Lines {
        order: lines.iter().map(|(p, _)| *p).collect(),
        parents: vec![None; lines.len()],
        wanted,
        products,
    })
}

/// The products of an order being made.
pub(crate) struct Lines {
    /// Product of each line, in request order.
    order: Vec<ProductId>,
    /// The product each line's variation belongs to, when a variation is sold.
    pub(crate) parents: Vec<Option<ProductId>>,
    /// Units wanted per product.
    wanted: BTreeMap<ProductId, i64>,
    /// The products, each on sale.
    pub(crate) products: Vec<kedai_catalog::Product>,
}

/// Allocates stock, numbers and stores a priced order with its items, history and event.
#[expect(
    clippy::too_many_arguments,
    reason = "one internal step of two use cases"
)]
pub(crate) fn insert_new_order(
    tx: &mut dyn UnitOfWork,
    actor: Author,
    tenant: &Tenant,
    new: &NewOrder,
    lines: &Lines,
    priced: &kedai_orders::PricedOrder,
    coupon: Option<kedai_orders::OrderCoupon>,
    now: DateTime<Utc>,
) -> Result<OrderView, AppError> {
    let order_id = OrderId::new();
    // Products in id order, so concurrent orders lock lots in the same order. Products whose
    // stock is not counted are always in stock: nothing to allocate.
    for (product_id, quantity) in &lines.wanted {
        let counted = lines
            .products
            .iter()
            .find(|p| p.id == *product_id)
            .is_none_or(|p| p.storefront.track_inventory);
        if !counted {
            continue;
        }
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
    stamps.stamp(new.status, now);
    let order = Order {
        id: order_id,
        tenant_id: actor.tenant,
        order_number: number,
        order_type: new.order_type,
        status: new.status,
        currency: tenant.currency,
        subtotal: priced.subtotal,
        shipping_fee: priced.shipping_fee,
        tax_amount: priced.tax_amount,
        discount_amount: priced.discount_amount,
        total_amount: priced.total,
        coupon,
        payment_status: None,
        tracking_number: None,
        details: new.details.clone(),
        created_by: actor.id_string(),
        created_at: now,
        updated_at: now,
        stamps,
    };
    let items: Vec<OrderItem> = lines
        .order
        .iter()
        .zip(&lines.parents)
        .zip(&priced.lines)
        .map(|((product_id, parent), line)| {
            let product = lines.products.iter().find(|p| p.id == *product_id);
            OrderItem {
                id: OrderItemId::new(),
                order_id,
                product_id: *product_id,
                parent_product_id: *parent,
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
        customer: None,
    })
}

/// The order, if the caller may see it: it belongs to the tenant and, for staff confined to
/// some outlets, to one of them or to none.
pub(crate) fn require_order(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: OrderId,
) -> Result<Order, AppError> {
    let order = tx
        .find_order(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found("order", id))?;
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
        crate::order_scope::outlet_scope(tx, actor)?,
    ) && !scope.contains(outlet)
    {
        return Err(AppError::not_found("order", order.id));
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

/// Applies one legal move to a loaded order (guarded by its current status), releasing its
/// stock when it is cancelled and writing the outbox event.
fn apply_transition(
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
    let order = require_order(tx, actor, cmd.order_id)?;
    let (result, extra) = apply_payment(tx, actor.into(), order, cmd, method, now)?;
    if cmd.status == PaymentStatus::Refunded {
        crate::audit::record(
            tx,
            actor,
            now,
            "payment.refunded",
            "order",
            Some(result.payment.order_id.to_string()),
            extra,
        )?;
    }
    Ok(result)
}

/// Records a payment on a loaded order and applies its effect: the payment row, each status
/// step with its history, and the `payment.*` event. Returns the result and the event's
/// payment details.
pub(crate) fn apply_payment(
    tx: &mut dyn UnitOfWork,
    actor: Author,
    mut order: Order,
    cmd: &PaymentCommand,
    method: &str,
    now: DateTime<Utc>,
) -> Result<(PaymentResult, serde_json::Value), AppError> {
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
    let mut extra = json!({ "payment_id": payment.id.to_string(), "method": payment.method, "amount": amount.to_string() });
    if let (Some(intent), Some(map)) = (&cmd.payment_intent_id, extra.as_object_mut()) {
        map.insert("payment_intent_id".into(), json!(intent));
    }
    tx.append_event(&event(actor.tenant, event_type, &order, now, extra.clone()))?;
    Ok((
        PaymentResult {
            payment,
            order_status: order.status,
        },
        extra,
    ))
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
    let first = periods
        .iter()
        .map(|p| p.first_day(today))
        .min()
        .unwrap_or(today);
    let days = kedai_orders::day_starts(first, today, tenant.time_zone);
    let facts = tx.order_facts(tenant.id, from, to, &days)?;
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

/// Places an order at catalogue prices, applies a coupon, allocates stock FIFO and leaves the
/// order awaiting payment (`confirmed`, 003's `pending_payment`), all in one transaction. The
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
    cmd: &PlaceOrderCommand,
    now: DateTime<Utc>,
) -> Result<OrderView, AppError> {
    actor.require(Permission::OrdersWrite)?;
    let tenant = tenant(tx, actor.tenant)?;
    if cmd.items.is_empty() {
        return Err(OrderError::NoItems.into());
    }
    let mut details = clean_details(cmd.details.clone());
    details.customer_id.clone_from(&cmd.customer_id);
    let parties = crate::order_scope::check_parties(
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
    let customer = parties.customer;
    let outlet_id = parties.outlet_id;
    details.outlet_id.clone_from(&outlet_id);
    for (i, line) in cmd.items.iter().enumerate() {
        if line.quantity <= 0 {
            return Err(AppError::invalid(
                format!("items[{i}].qty"),
                "must be a positive integer",
            ));
        }
    }
    let wanted: Vec<(ProductId, i64)> = cmd
        .items
        .iter()
        .map(|l| (l.product_id, l.quantity))
        .collect();
    let lines = on_sale_products(tx, actor.tenant, &wanted)?;
    crate::order_scope::check_sold_at(&lines.products, &lines.order, outlet_id.as_deref())?;
    let mut inputs = Vec::with_capacity(cmd.items.len());
    let mut mismatches = Vec::new();
    for (i, line) in cmd.items.iter().enumerate() {
        let product = lines
            .products
            .iter()
            .find(|p| p.id == line.product_id)
            .ok_or_else(|| AppError::not_found("product", line.product_id))?;
        if let Some(claimed) = &line.unit_price {
            let claimed = claimed.to_money(tenant.currency, &format!("items[{i}].unit_price"))?;
            if claimed != product.price {
                mismatches.push(kedai_orders::Mismatch {
                    field: format!("items[{i}].unit_price"),
                    claimed,
                    expected: product.price,
                });
            }
        }
        inputs.push(LineInput {
            quantity: line.quantity,
            unit_price: product.price,
            claimed_total: None,
        });
    }
    if !mismatches.is_empty() {
        return Err(AppError::AmountMismatch(mismatches));
    }
    let subtotal =
        price_order(&inputs, Charges::none(tenant.currency), Claimed::default())?.subtotal;
    let applied = cmd
        .coupon_code
        .as_deref()
        .map(|code| {
            crate::coupons::quote(tx, actor.tenant, code, outlet_id.as_deref(), subtotal, now)
        })
        .transpose()?;
    let charges = Charges {
        discount_amount: applied
            .as_ref()
            .map_or(Money::zero(tenant.currency), |a| a.discount),
        ..Charges::none(tenant.currency)
    };
    let priced = price_order(&inputs, charges, Claimed::default())?;
    let new = NewOrder {
        order_type: cmd.order_type,
        status: OrderStatus::Confirmed,
        details,
    };
    let coupon = applied.as_ref().map(|a| kedai_orders::OrderCoupon {
        coupon_id: Some(a.coupon_id.to_string()),
        code: a.code.clone(),
        discount: a.discount,
    });
    let mut view = insert_new_order(
        tx,
        actor.into(),
        &tenant,
        &new,
        &lines,
        &priced,
        coupon,
        now,
    )?;
    view.customer = customer;
    if let Some(applied) = &applied {
        crate::coupons::redeem(
            tx,
            actor.tenant,
            applied,
            &view.order.id.to_string(),
            cmd.customer_id.as_deref(),
            now,
        )?;
    }
    Ok(view)
}

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
        other => AppError::conflict("ORDER_NOT_EDITABLE", other.to_string()),
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
