//! Placing a storefront order.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::TenantId;
use kedai_orders::{
    Channel, Claimed, OrderStatus, OrderType, PriceSource, ShippingMethod, ShippingMethodId,
    ShopOrderInfo, ShopPaymentMethod, ShopPaymentMethodId,
};

use super::details::{check_details, clean, field_error};
use super::*;
use crate::orders::{ChargeRule, Discount, PlaceLine, PlaceOrder, Placer};
use crate::payments::{IntentStatus, PaymentGateway, PaymentIntent, PaymentTarget};
use crate::{AppError, Author, Store, UnitOfWork};

fn choose_shipping(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    id: Option<ShippingMethodId>,
) -> Result<Option<ShippingMethod>, AppError> {
    let Some(id) = id else {
        if tx.list_shipping_methods(tenant, true)?.is_empty() {
            return Ok(None);
        }
        return Err(field_error(
            ErrorCode::ShippingMethodRequired,
            "shippingMethodId",
            "choose one of the shop's shipping methods",
        ));
    };
    match tx.find_shipping_method(tenant, id)? {
        Some(m) if m.active => Ok(Some(m)),
        _ => Err(field_error(
            ErrorCode::ShippingMethodNotFound,
            "shippingMethodId",
            format!("no shipping method {id} is offered"),
        )),
    }
}

fn choose_payment(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    id: Option<&String>,
) -> Result<Option<ShopPaymentMethod>, AppError> {
    let Some(raw) = clean(id) else {
        return Ok(None);
    };
    let unknown = || {
        field_error(
            ErrorCode::PaymentMethodNotFound,
            "paymentMethodId",
            format!("no payment method {raw} is offered"),
        )
    };
    let id: ShopPaymentMethodId = raw.parse().map_err(|_| unknown())?;
    match tx.find_payment_method(tenant, id)? {
        Some(m) if m.active => Ok(Some(m)),
        _ => Err(unknown()),
    }
}

/// Places a storefront order, all or nothing in one transaction: checks the request, prices
/// each line from the catalogue, applies the promotion code to the subtotal and shipping from
/// the chosen method (free at or above its threshold), allocates stock FIFO, numbers and
/// stores the order (`pending`, channel `online`, the signed-in customer's id), claims the
/// coupon use with one guarded update, and, for a payment method with a gateway and a total
/// above zero, stores its payment intent. Once that is committed, the checkout is opened at
/// the gateway (see [`crate::payments::open_checkout`]); if the gateway fails, the order
/// stands without a `payment_url` and its payment can be opened again.
///
/// # Errors
/// [`AppError::Validation`]: `VALIDATION_ERROR` naming each bad field; `PRODUCT_NOT_FOUND`,
/// `VARIATION_NOT_FOUND`, `PRODUCT_NOT_AVAILABLE`; `SHIPPING_METHOD_REQUIRED`,
/// `SHIPPING_METHOD_NOT_FOUND`, `PAYMENT_METHOD_NOT_FOUND`; a `PROMOTION_*` code;
/// `INSUFFICIENT_CREDITS`, `OFFER_NOT_AVAILABLE`. [`AppError::InsufficientStock`].
/// [`AppError::Storage`].
#[tracing::instrument(skip_all, fields(tenant.id = %shopper.tenant.id, order.items = cmd.lines.len()))]
pub fn place_shop_order(
    store: &dyn Store,
    shopper: &Shopper,
    gateway: &dyn PaymentGateway,
    cmd: &CheckoutCommand,
    now: DateTime<Utc>,
) -> Result<PlacedOrder, AppError> {
    let (mut placed, opening) = store.write(|tx| place(tx, shopper, gateway, cmd, now))?;
    if let Some(intent) = opening {
        let number = placed.view.order.order_number.clone();
        match crate::payments::open_checkout(store, gateway, intent, number.as_str(), now) {
            Ok(opened) => {
                placed.payment_url = Some(opened.payment_url);
                placed.view.latest_payment = Some(IntentStatus::RequiresAction);
            }
            // The order stands; the storefront can open its payment again
            // (`POST /payment-intents`).
            Err(e) => {
                tracing::warn!(order.id = %placed.view.order.id, error = %e, "the gateway did not open the checkout");
                placed.view.latest_payment = Some(IntentStatus::Failed);
            }
        }
    }
    Ok(placed)
}

/// Places the order, in the caller's transaction; returns it and, for a payment method with a
/// gateway, the intent stored for the checkout still to open.
fn place(
    tx: &mut dyn UnitOfWork,
    shopper: &Shopper,
    gateway: &dyn PaymentGateway,
    cmd: &CheckoutCommand,
    now: DateTime<Utc>,
) -> Result<(PlacedOrder, Option<PaymentIntent>), AppError> {
    let tenant = &shopper.tenant;
    let checked = check_details(tx, shopper, cmd)?;
    if let Some(credits) = &cmd.credits_used {
        // Customers have no store credit yet: spending any is more than the balance.
        let wanted = credits.to_money(tenant.currency, "creditsUsed")?;
        if wanted.is_negative() {
            return Err(AppError::invalid("creditsUsed", "must not be negative"));
        }
        if wanted.is_positive() {
            return Err(field_error(
                ErrorCode::InsufficientCredits,
                "creditsUsed",
                "the credit balance is 0",
            ));
        }
    }
    let shipping = choose_shipping(tx, tenant.id, cmd.shipping_method_id)?;
    let payment = choose_payment(tx, tenant.id, cmd.payment_method_id.as_ref())?;
    let mut details = checked.details;
    details.shipping_method = shipping.as_ref().map(|m| m.name.clone());
    details.payment_method = payment.as_ref().map(|m| m.name.clone());
    let view = crate::orders::place(
        tx,
        tenant,
        &PlaceOrder {
            placer: Placer::Storefront {
                tenant: tenant.id,
                customer: shopper.customer,
            },
            order_type: OrderType::Delivery,
            status: OrderStatus::Pending,
            details,
            lines: cmd
                .lines
                .iter()
                .map(|l| PlaceLine {
                    product_id: l.product_id,
                    variation_id: l.variation_id,
                    quantity: l.quantity,
                    unit_price: None,
                    claimed_total: None,
                })
                .collect(),
            prices: PriceSource::Catalogue,
            discount: clean(cmd.promotion_code.as_ref())
                .map_or(Discount::None, Discount::Promotion),
            charges: ChargeRule::Shipping(shipping.clone()),
            claimed: Claimed::default(),
        },
        now,
    )?;
    let order = view.order;
    let guest_secret = match shopper.customer {
        None => Some(crate::session::new_refresh_token()?),
        Some(_) => None,
    };
    tx.set_shop_info(
        tenant.id,
        order.id,
        &ShopOrderInfo {
            channel: Channel::Online,
            shipping_method_id: shipping.as_ref().map(|m| m.id),
            payment_method_id: payment.as_ref().map(|m| m.id),
            success_url: checked.success_url,
            cancel_url: checked.cancel_url,
            language: checked.language.clone(),
            guest_secret_hash: guest_secret
                .as_ref()
                .map(kedai_identity::RefreshToken::hash),
        },
    )?;
    let mut opening = None;
    let mut payment_instructions = None;
    match &payment {
        Some(m) if m.has_gateway() && order.total_amount.is_positive() => {
            let target = PaymentTarget {
                order: order.clone(),
                method: m.name.clone(),
                author: Author::storefront(tenant.id),
            };
            opening = Some(crate::payments::new_intent(tx, gateway, &target, now)?);
        }
        Some(m) if !m.has_gateway() => payment_instructions.clone_from(&m.instructions),
        _ => {}
    }
    let brand = crate::storefront::settings(tx, tenant.id, now)?;
    let confirmation = confirmation_message(
        &order,
        brand.brand_name.as_deref().unwrap_or(&tenant.name),
        brand.login_channel,
        checked.language.as_deref(),
        payment_instructions.as_deref(),
        now,
    );
    if let Some(message) = &confirmation {
        crate::jobs::queue_message(tx, message)?;
    }
    Ok((
        PlacedOrder {
            view: ShopOrderView {
                order,
                items: view.items,
                latest_payment: None,
            },
            payment_url: None,
            payment_instructions,
            confirmation,
            guest_secret: guest_secret.map(|s| s.expose().to_owned()),
        },
        opening,
    ))
}
