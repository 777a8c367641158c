//! The one order pipeline. Every order, whichever surface places it (edge `order-create`,
//! `POST /v1/orders`, storefront checkout), is priced, discounted, charged, allocated FIFO,
//! numbered and stored here, in the caller's transaction: all or nothing. What differs between
//! surfaces is data in [`PlaceOrder`]: who places it (and so its channel and which products it
//! may sell), where its prices come from, its discount, its charges, its initial status.

use chrono::{DateTime, Utc};
use kedai_core::{Money, ProductId, TenantId};
use kedai_identity::{CustomerId, Permission, Tenant};
use kedai_orders::{
    Charges, Claimed, LineToPrice, NewOrder, Order, OrderCoupon, OrderDetails, OrderId, OrderItem,
    OrderItemId, OrderNumber, OrderStatus, OrderType, PriceSource, PricedOrder, ShippingMethod,
    StatusChange, StatusStamps, price_lines, price_order,
};
use serde_json::json;

pub use super::sellable::PlaceLine;
use super::sellable::{Lines, staff_lines, storefront_lines};
use super::{OrderView, event};
use crate::coupons::{self, AppliedCoupon};
use crate::inventory::allocate_many;
use crate::store::PlacementPorts;
use crate::{Actor, AppError, Author};

/// Who places an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placer {
    /// A staff member (edge functions, merchant API): channel `merchant`, any product on sale
    /// that the order's outlet sells, `items[i]` in errors.
    Staff(Actor),
    /// The storefront, for a signed-in customer or a guest: channel `online`, products on sale
    /// online (variations of variable ones), the member price for a customer, `lineItems[i]`
    /// in errors.
    Storefront {
        /// The shop.
        tenant: TenantId,
        /// The signed-in customer.
        customer: Option<CustomerId>,
    },
}

impl Placer {
    /// The tenant the order belongs to.
    #[must_use]
    pub const fn tenant(&self) -> TenantId {
        match self {
            Self::Staff(actor) => actor.tenant,
            Self::Storefront { tenant, .. } => *tenant,
        }
    }

    /// Whom ledgers and history record.
    #[must_use]
    pub fn author(&self) -> Author {
        match self {
            Self::Staff(actor) => actor.into(),
            Self::Storefront { tenant, .. } => Author::storefront(*tenant),
        }
    }

    fn line_field(&self, i: usize, field: &str) -> String {
        match self {
            Self::Staff(_) => format!("items[{i}].{field}"),
            Self::Storefront { .. } => format!("lineItems[{i}].{field}"),
        }
    }
}

/// The discount of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discount {
    /// None (or one the caller states in [`ChargeRule::Given`]).
    None,
    /// A coupon code of the merchant, for the order's outlet (003 §13.1): `COUPON_*` codes on
    /// `coupon_code`.
    Coupon(String),
    /// A storefront promotion code (a coupon of the merchant): `PROMOTION_*` codes on
    /// `promotionCode`.
    Promotion(String),
}

/// The shipping, tax and discount of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeRule {
    /// No shipping or tax; the [`Discount`]'s discount.
    None,
    /// As the caller states them (000's explicit charges, discount included).
    Given(Charges),
    /// Shipping from the chosen method, free at or above its threshold on the subtotal; no
    /// tax; the [`Discount`]'s discount.
    Shipping(Option<ShippingMethod>),
}

/// An order to place.
#[derive(Debug, Clone)]
pub struct PlaceOrder {
    /// Who places it.
    pub placer: Placer,
    /// pickup, delivery or `dine_in`.
    pub order_type: OrderType,
    /// `pending` or `confirmed`.
    pub status: OrderStatus,
    /// Customer, outlet, contact, shipping and notes, already checked by the caller.
    pub details: OrderDetails,
    /// Lines, at least one.
    pub lines: Vec<PlaceLine>,
    /// Where the unit prices come from.
    pub prices: PriceSource,
    /// Its discount.
    pub discount: Discount,
    /// Its charges.
    pub charges: ChargeRule,
    /// Subtotal and total the caller computed, checked.
    pub claimed: Claimed,
}

/// Places an order: reads and checks its products, prices each line from `prices` (a price
/// below the catalogue's needs `orders:price_override` and is audited as
/// `order.price_override`), applies the discount to the subtotal and the charges, checks the
/// figures the caller claimed, allocates stock FIFO, numbers and stores the order with its
/// items, first status and `order.created` event, and claims the coupon's use with one
/// guarded update.
///
/// It needs only [`PlacementPorts`] (a `&mut dyn UnitOfWork` upcasts to it), so it runs on
/// in-memory fakes as well as in a store's transaction; undoing the work of a failed order is
/// the transaction's rollback.
///
/// # Errors
/// [`AppError::Validation`] (bad figures; `PRODUCT_NOT_AVAILABLE` and the storefront's
/// product codes; `COUPON_*` or `PROMOTION_*`), [`AppError::AmountMismatch`],
/// [`AppError::NotFound`] (a product, staff), [`AppError::Conflict`] `PRODUCT_INACTIVE`,
/// [`AppError::Forbidden`] for an override without the permission,
/// [`AppError::InsufficientStock`], [`AppError::Storage`].
#[tracing::instrument(skip_all, fields(tenant.id = %tenant.id, order.items = cmd.lines.len()))]
pub fn place(
    tx: &mut dyn PlacementPorts,
    tenant: &Tenant,
    cmd: &PlaceOrder,
    now: DateTime<Utc>,
) -> Result<OrderView, AppError> {
    let placer = &cmd.placer;
    let lines = match placer {
        Placer::Staff(_) => {
            staff_lines(tx, tenant.id, &cmd.lines, cmd.details.outlet_id.as_deref())?
        }
        Placer::Storefront { .. } => storefront_lines(tx, tenant.id, &cmd.lines)?,
    };
    let member = matches!(
        placer,
        Placer::Storefront {
            customer: Some(_),
            ..
        }
    );
    let to_price: Vec<LineToPrice> = cmd
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let catalogue =
                lines
                    .product(i)
                    .map_or(Money::zero(tenant.currency), |p| match placer {
                        Placer::Staff(_) => p.price,
                        Placer::Storefront { .. } => p.storefront.prices(p.price).charged(member),
                    });
            LineToPrice {
                quantity: line.quantity,
                catalogue,
                given: line.unit_price,
                claimed_total: line.claimed_total,
            }
        })
        .collect();
    let priced_lines = price_lines(cmd.prices, &to_price, |i| {
        placer.line_field(i, "unit_price")
    })?;
    if !priced_lines.overrides.is_empty() {
        match placer {
            Placer::Staff(actor) => actor.require(Permission::PriceOverride)?,
            Placer::Storefront { .. } => {
                return Err(AppError::Forbidden(Permission::PriceOverride));
            }
        }
    }
    let currency = tenant.currency;
    // The subtotal the discount and shipping are judged on; the caller's claims are checked
    // once, with every figure, below.
    let unclaimed: Vec<_> = priced_lines
        .lines
        .iter()
        .map(|l| kedai_orders::LineInput {
            claimed_total: None,
            ..l.clone()
        })
        .collect();
    let subtotal = price_order(&unclaimed, Charges::none(currency), Claimed::default())?.subtotal;
    let outlet = cmd.details.outlet_id.as_deref();
    let applied = match &cmd.discount {
        Discount::None => None,
        Discount::Coupon(code) => Some(coupons::quote(tx, tenant.id, code, outlet, subtotal, now)?),
        Discount::Promotion(code) => coupons::quote_promotion(tx, tenant.id, code, subtotal, now)?,
    };
    let discount = applied
        .as_ref()
        .map_or(Money::zero(currency), |a| a.discount);
    let charges = match &cmd.charges {
        ChargeRule::None => Charges {
            discount_amount: discount,
            ..Charges::none(currency)
        },
        ChargeRule::Given(charges) => *charges,
        ChargeRule::Shipping(method) => {
            kedai_orders::checkout::shop_charges(subtotal, method.as_ref(), discount)
        }
    };
    let priced = price_order(&priced_lines.lines, charges, cmd.claimed)?;
    let new = NewOrder {
        order_type: cmd.order_type,
        status: cmd.status,
        channel: match placer {
            Placer::Staff(_) => kedai_orders::Channel::Merchant,
            Placer::Storefront { .. } => kedai_orders::Channel::Online,
        },
        details: cmd.details.clone(),
    };
    let coupon = applied.as_ref().map(|a| OrderCoupon {
        coupon_id: Some(a.coupon_id.to_string()),
        code: a.code.clone(),
        discount: a.discount,
    });
    let view = insert_new_order(
        tx,
        placer.author(),
        tenant,
        &new,
        &lines,
        &priced,
        coupon,
        now,
    )?;
    if let Some(applied) = &applied {
        redeem(tx, tenant.id, cmd, applied, &view.order, subtotal, now)?;
    }
    if let Placer::Staff(actor) = placer
        && !priced_lines.overrides.is_empty()
    {
        let overridden: Vec<serde_json::Value> = priced_lines
            .overrides
            .iter()
            .filter_map(|&i| {
                let product = lines.product(i)?;
                let line = priced.lines.get(i)?;
                Some(json!({
                    "line": i,
                    "product_id": product.id.get(),
                    "catalogue_price": product.price.to_string(),
                    "unit_price": line.unit_price.to_string(),
                }))
            })
            .collect();
        crate::audit::record(
            tx,
            actor,
            now,
            "order.price_override",
            "order",
            Some(view.order.id.to_string()),
            json!({
                "order_number": view.order.order_number.as_str(),
                "lines": overridden,
            }),
        )?;
    }
    Ok(view)
}

/// Takes the coupon's use for the stored order. A promotion whose last use went (or that was
/// disabled) since it was quoted says why, as a promotion check would.
fn redeem(
    tx: &mut dyn PlacementPorts,
    tenant: TenantId,
    cmd: &PlaceOrder,
    applied: &AppliedCoupon,
    order: &Order,
    subtotal: Money,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let customer = order.details.customer_id.as_deref();
    let redeemed = coupons::redeem(tx, tenant, applied, &order.id.to_string(), customer, now);
    match (redeemed, &cmd.discount) {
        (Err(e), Discount::Promotion(_)) => {
            let coupon = coupons::find_promotion(tx, tenant, &applied.code)?;
            Err(
                match kedai_loyalty::check_promotion(coupon.as_ref(), now, subtotal) {
                    Err(why) => coupons::promotion_failure(&why),
                    Ok(_) => e,
                },
            )
        }
        (result, _) => result,
    }
}

/// Allocates stock, numbers and stores a priced order with its items, history and event.
#[expect(
    clippy::too_many_arguments,
    reason = "the pipeline's last step, taking what the steps before it made"
)]
fn insert_new_order(
    tx: &mut dyn PlacementPorts,
    author: Author,
    tenant: &Tenant,
    new: &NewOrder,
    lines: &Lines,
    priced: &PricedOrder,
    coupon: Option<OrderCoupon>,
    now: DateTime<Utc>,
) -> Result<OrderView, AppError> {
    let order_id = OrderId::new();
    // Products in id order, so concurrent orders lock lots in the same order. Products whose
    // stock is not counted are always in stock: nothing to allocate.
    let counted: Vec<(ProductId, i64)> = lines
        .wanted
        .iter()
        .filter(|(product_id, _)| {
            lines
                .products
                .iter()
                .find(|p| p.id == **product_id)
                .is_none_or(|p| p.storefront.track_inventory)
        })
        .map(|(product_id, quantity)| (*product_id, *quantity))
        .collect();
    if !counted.is_empty() {
        allocate_many(tx, author, &counted, "order", &order_id.to_string(), now)?;
    }

    let year = tenant.time_zone.local_year(now);
    let number = OrderNumber::new(year, tx.next_order_sequence(author.tenant, year)?);
    let mut stamps = StatusStamps::default();
    stamps.stamp(new.status, now);
    let order = Order {
        id: order_id,
        tenant_id: author.tenant,
        order_number: number,
        order_type: new.order_type,
        channel: new.channel,
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
        created_by: author.id_string(),
        created_at: now,
        updated_at: now,
        stamps,
    };
    // Each product's main image as the line shows it (002's productImageUrl).
    let mut shown: Vec<ProductId> = lines.order.clone();
    shown.extend(lines.parents.iter().flatten());
    shown.sort_unstable();
    shown.dedup();
    let images = tx.images_of(author.tenant, &shown)?;
    let image_of = |id: ProductId| {
        images
            .iter()
            .find(|i| i.product_id == id)
            .map(|i| i.src.clone())
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
                product_description: product.and_then(|p| p.description.clone()),
                product_image_url: image_of(*product_id).or_else(|| parent.and_then(image_of)),
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
        actor: author.id_string(),
        reason: "order_created".into(),
        at: now,
    };
    tx.insert_order(&order, &items, &created)?;
    tx.append_event(&event(
        author.tenant,
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
