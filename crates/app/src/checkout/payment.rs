//! Paying a storefront order at the gateway, and where its payment stands.

use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_core::{Currency, TenantId};
use kedai_orders::checkout::portal_payment_status;
use kedai_orders::{Order, OrderStatus, ShopOrderInfo, ShopPaymentMethod};

use super::details::{Problems, clean, field_error};
use super::orders::{latest_intent, online_order, visible_order};
use super::*;
use crate::payments::{IntentStatus, OpenedIntent, PaymentGateway, PaymentTarget};
use crate::{Amount, AppError, Author, Store, UnitOfWork};

/// A storefront order the shopper may pay: a member's order by that member's token, a guest's
/// order with the secret the guest was given at checkout. Reading an order takes only its id;
/// paying it must not, or anyone who saw the id could replace the customer's checkout.
///
/// # Errors
/// [`AppError::NotFound`] as [`visible_order`]; [`AppError::NotAllowed`] `FORBIDDEN` for
/// anyone else; [`AppError::Storage`].
fn payable_order(
    tx: &mut dyn UnitOfWork,
    shopper: &Shopper,
    raw_id: &str,
    guest_secret: Option<&str>,
) -> Result<(Order, ShopOrderInfo), AppError> {
    let (order, info) = online_order(tx, shopper.tenant.id, raw_id)?;
    let allowed = match order.details.customer_id.as_deref() {
        Some(owner) => shopper.customer.is_some_and(|me| me.to_string() == owner),
        None => match (guest_secret, info.guest_secret_hash.as_deref()) {
            (Some(given), Some(kept)) => kedai_identity::customer_auth::hashes_match(
                &kedai_identity::session::hash_refresh_token(given.trim()),
                kept,
            ),
            _ => false,
        },
    };
    if !allowed {
        return Err(AppError::NotAllowed {
            code: ErrorCode::Forbidden,
            message: "only the customer who placed this order may pay it: sign in as them, or \
                      send the orderToken the guest checkout answered"
                .into(),
        });
    }
    Ok((order, info))
}

/// Where a storefront order's payment stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopPaymentStatus {
    /// The order.
    pub order: Order,
    /// `pending`, `completed`, `failed`, `refunded` or `voided`.
    pub payment_status: &'static str,
}

/// The payment status of a storefront order. When its latest payment at the gateway awaits
/// the customer, the gateway is asked first (outside any transaction): a payment the customer
/// approved is recorded now (the order becomes paid), a declined one is marked failed.
///
/// # Errors
/// As [`shop_order`], and [`AppError::Conflict`] when the approved payment no longer fits the
/// order; the gateway's error; [`AppError::Storage`].
pub fn shop_payment_status(
    store: &dyn Store,
    shopper: &Shopper,
    gateway: &dyn PaymentGateway,
    id: &str,
    now: DateTime<Utc>,
) -> Result<ShopPaymentStatus, AppError> {
    let read = |store: &dyn Store| {
        store.read(|tx| {
            let order = visible_order(tx, shopper, id)?;
            let intent = latest_intent(tx, shopper.tenant.id, order.id)?;
            Ok((order, intent))
        })
    };
    let (mut order, mut intent) = read(store)?;
    if let Some(open) = intent
        .clone()
        .filter(|i| i.status == IntentStatus::RequiresAction)
        && crate::payments::settle(
            store,
            Author::storefront(shopper.tenant.id),
            gateway,
            open,
            None,
            now,
        )?
        .is_some()
    {
        (order, intent) = read(store)?;
    }
    let declined = intent.is_some_and(|i| i.status == IntentStatus::Failed);
    Ok(ShopPaymentStatus {
        payment_status: portal_payment_status(order.status, order.payment_status, declined),
        order,
    })
}

/// One storefront order as [`shop_order`] shows it, after recording what the gateway decided
/// when its payment awaits the customer (who may be back from the gateway's page).
///
/// # Errors
/// As [`shop_payment_status`].
pub fn shop_order_settled(
    store: &dyn Store,
    shopper: &Shopper,
    gateway: &dyn PaymentGateway,
    id: &str,
    now: DateTime<Utc>,
) -> Result<ShopOrderView, AppError> {
    let view = store.read(|tx| shop_order(tx, shopper, id))?;
    if !view.awaits_gateway() {
        return Ok(view);
    }
    shop_payment_status(store, shopper, gateway, id, now)?;
    store.read(|tx| shop_order(tx, shopper, id))
}

/// A payment intent as the storefront requests it.
#[derive(Debug, Clone)]
pub struct PortalIntent {
    /// Amount in major units; must be the order's total.
    pub amount: Amount,
    /// Currency; must be the shop's.
    pub currency: String,
    /// The storefront order to pay.
    pub order_id: Option<String>,
    /// A booking to pay (not sold by this shop yet).
    pub booking_id: Option<String>,
    /// A membership tier to buy (not sold by this shop yet).
    pub tier_id: Option<String>,
    /// For a guest's order, the secret its checkout answered (`orderToken`).
    pub order_token: Option<String>,
}

/// Opens a payment at the gateway for a storefront order awaiting payment, for exactly its
/// total, superseding any payment of it still awaiting the customer (see
/// [`crate::payments::open_payment`]). Only its customer may: see `payable_order`.
///
/// # Errors
/// [`AppError::Validation`] for a bad amount or currency, a missing `orderId`, or
/// `PAYMENT_TARGET_NOT_SUPPORTED` for a booking or tier; [`AppError::AmountMismatch`] when the
/// amount is not the total; as `payable_order` for the order; [`AppError::Conflict`]
/// `PAYMENT_NOT_ALLOWED` when it does not await payment, `PAYMENT_ALREADY_APPROVED` when an
/// earlier checkout was approved; [`AppError::Storage`].
pub fn open_shop_intent(
    store: &dyn Store,
    shopper: &Shopper,
    gateway: &dyn PaymentGateway,
    cmd: &PortalIntent,
    now: DateTime<Utc>,
) -> Result<OpenedIntent, AppError> {
    crate::payments::open_payment(store, gateway, &mut |tx| shop_target(tx, shopper, cmd), now)
}

/// The storefront order a portal intent pays, checked.
fn shop_target(
    tx: &mut dyn UnitOfWork,
    shopper: &Shopper,
    cmd: &PortalIntent,
) -> Result<PaymentTarget, AppError> {
    let tenant = &shopper.tenant;
    for (field, given) in [("bookingId", &cmd.booking_id), ("tierId", &cmd.tier_id)] {
        if clean(given.as_ref()).is_some() {
            return Err(field_error(
                ErrorCode::PaymentTargetNotSupported,
                field,
                "only shop orders can be paid here",
            ));
        }
    }
    let mut p = Problems::default();
    let amount = match cmd.amount.to_money(tenant.currency, "amount") {
        Ok(a) if a.is_positive() => Some(a),
        Ok(_) => {
            p.add("amount", "must be greater than 0");
            None
        }
        Err(_) => {
            p.add(
                "amount",
                format!("must be an amount in {}", tenant.currency),
            );
            None
        }
    };
    if !Currency::from_code(cmd.currency.trim()).is_ok_and(|c| c == tenant.currency) {
        p.add(
            "currency",
            format!("must be {}, the shop's currency", tenant.currency),
        );
    }
    let order_id = clean(cmd.order_id.as_ref());
    if order_id.is_none() {
        p.add("orderId", "is required");
    }
    p.finish()?;
    let (Some(amount), Some(order_id)) = (amount, order_id) else {
        return Err(AppError::invalid("orderId", "is required"));
    };
    let (order, info) = payable_order(tx, shopper, &order_id, cmd.order_token.as_deref())?;
    if !matches!(order.status, OrderStatus::Pending | OrderStatus::Confirmed) {
        return Err(AppError::conflict(
            ErrorCode::PaymentNotAllowed,
            format!("an order in status {} does not await payment", order.status),
        ));
    }
    if amount != order.total_amount {
        return Err(AppError::AmountMismatch(vec![kedai_orders::Mismatch {
            field: "amount".into(),
            claimed: amount,
            expected: order.total_amount,
        }]));
    }
    let method = match info.payment_method_id {
        Some(id) => tx
            .find_payment_method(shopper.tenant.id, id)?
            .filter(ShopPaymentMethod::has_gateway)
            .map_or_else(|| "online".to_owned(), |m| m.name),
        None => "online".to_owned(),
    };
    Ok(PaymentTarget {
        order,
        method,
        author: Author::storefront(shopper.tenant.id),
    })
}

/// What the storefront needs to know of the payment gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayInfo {
    /// The gateway's name (`mock`).
    pub gateway: String,
    /// A key the browser may hold (not a secret).
    pub publishable_key: String,
}

/// The gateway the shop's payments go through, and its publishable key for the shop: the
/// merchant's Stripe account when connected (its publishable key, empty if none was given),
/// else the built-in gateway.
///
/// # Errors
/// [`AppError::Storage`].
pub fn gateway_info(
    tx: &mut dyn UnitOfWork,
    gateway: &dyn PaymentGateway,
    tenant: TenantId,
) -> Result<GatewayInfo, AppError> {
    if let Some(account) = tx.find_stripe_account(tenant)? {
        return Ok(GatewayInfo {
            gateway: crate::payments::STRIPE.to_owned(),
            publishable_key: account.publishable_key.unwrap_or_default(),
        });
    }
    Ok(GatewayInfo {
        gateway: gateway.name().to_owned(),
        publishable_key: format!("pk_{}_{}", gateway.name(), tenant.as_uuid().simple()),
    })
}
