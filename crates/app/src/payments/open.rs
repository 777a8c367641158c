//! Opening a payment at the gateway for an order awaiting payment: the one path both the
//! merchant API and the storefront take. No transaction is held while the gateway is called.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::ErrorCode;
use kedai_orders::{Order, OrderStatus};

use super::{
    Cancellation, CheckoutRequest, GatewayOutcome, IntentStatus, PaymentGateway, PaymentIntent,
    PaymentIntentId,
};
use crate::{AppError, Author, Store, UnitOfWork};

/// How many times opening starts over when another opening of the same order slipped in
/// between withdrawing its checkouts and storing the new intent.
const OPEN_ATTEMPTS: usize = 3;

/// An opened intent and where to pay it.
#[derive(Debug, Clone)]
pub struct OpenedIntent {
    /// The intent.
    pub intent: PaymentIntent,
    /// The gateway's checkout page.
    pub payment_url: String,
}

/// An order to open a payment for, as the caller found and checked it.
#[derive(Debug, Clone)]
pub struct PaymentTarget {
    /// The order; it awaits payment.
    pub order: Order,
    /// The payment method recorded on the intent (and on the payment).
    pub method: String,
    /// Who opens it.
    pub author: Author,
}

/// Whether an order in `status` can take a payment.
#[must_use]
pub const fn awaits_payment(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::Pending | OrderStatus::Confirmed)
}

/// A new intent for the whole total of `order`, awaiting the customer, with no checkout yet.
/// Stores it and cancels every other intent of the order still awaiting the customer (one
/// live checkout per order).
///
/// # Errors
/// [`AppError::Storage`].
pub fn new_intent(
    tx: &mut dyn UnitOfWork,
    gateway: &dyn PaymentGateway,
    target: &PaymentTarget,
    now: DateTime<Utc>,
) -> Result<PaymentIntent, AppError> {
    let order = &target.order;
    tx.cancel_open_intents(target.author.tenant, order.id, now)?;
    let intent = PaymentIntent {
        id: PaymentIntentId::new(),
        tenant_id: target.author.tenant,
        order_id: order.id,
        method: target.method.clone(),
        amount: order.total_amount,
        status: IntentStatus::RequiresAction,
        gateway: gateway.name().to_owned(),
        gateway_session: None,
        gateway_reference: None,
        payment_id: None,
        created_by: target.author.id_string(),
        created_at: now,
        updated_at: now,
        completed_at: None,
    };
    tx.insert_intent(&intent)?;
    Ok(intent)
}

/// Opens the checkout of a committed intent at the gateway, then records the session in a
/// transaction of its own. A gateway that refuses fails the intent (recorded too). An intent
/// cancelled while the gateway was opening it (its order was cancelled or re-priced, or a newer
/// intent replaced it) keeps no session: the checkout is withdrawn at the gateway again.
///
/// # Errors
/// The gateway's error; [`AppError::Conflict`] `PAYMENT_NOT_ALLOWED` when the intent was
/// cancelled meanwhile; [`AppError::Storage`].
pub fn open_checkout(
    store: &dyn Store,
    gateway: &dyn PaymentGateway,
    intent: PaymentIntent,
    description: &str,
    now: DateTime<Utc>,
) -> Result<OpenedIntent, AppError> {
    let tenant = intent.tenant_id;
    // No connection is held while the gateway answers.
    store.unpin();
    let opened = gateway.open(&CheckoutRequest {
        tenant,
        amount: intent.amount,
        description: description.to_owned(),
        reference: intent.id.to_string(),
        now,
    });
    let session = match opened {
        Ok(session) => session,
        Err(e) => {
            store.write(|tx| {
                tx.complete_intent(tenant, intent.id, IntentStatus::Failed, None, now)?;
                Ok(())
            })?;
            return Err(e);
        }
    };
    let attached = store.write(|tx| {
        Ok(tx.attach_intent_session(
            tenant,
            intent.id,
            session.gateway,
            &session.session_id,
            now,
        )?)
    })?;
    if !attached {
        store.unpin();
        gateway.cancel(tenant, &session.session_id, now)?;
        return Err(AppError::conflict(
            ErrorCode::PaymentNotAllowed,
            "the payment was cancelled while it was being opened: the order was cancelled, its \
             total changed, or a newer payment intent replaced it",
        ));
    }
    Ok(OpenedIntent {
        intent: PaymentIntent {
            gateway: session.gateway.to_owned(),
            gateway_session: Some(session.session_id),
            ..intent
        },
        payment_url: session.payment_url,
    })
}

/// Opens a payment for an order awaiting payment, for exactly its total. `find` (run in a
/// read) finds and checks the order. Then, with no transaction held while the gateway is
/// called:
/// 1. each checkout of the order still awaiting the customer is withdrawn at its gateway, so
///    its page can take no approval; if the customer already approved one, nothing is
///    replaced (that payment is recorded by the next verification or status check, and a
///    second checkout would charge them twice);
/// 2. a write re-reads the order (still awaiting payment, same total), cancels the withdrawn
///    intents and stores the new one; if another opening slipped in meanwhile, it starts over;
/// 3. the gateway opens the checkout and its session is recorded ([`open_checkout`]).
///
/// # Errors
/// Whatever `find` returns; [`AppError::Conflict`] `PAYMENT_ALREADY_APPROVED`, or
/// `PAYMENT_NOT_ALLOWED` when the order stopped awaiting payment or changed its total;
/// the gateway's error; [`AppError::Storage`].
pub fn open_payment(
    store: &dyn Store,
    gateway: &dyn PaymentGateway,
    find: &mut dyn FnMut(&mut dyn UnitOfWork) -> Result<PaymentTarget, AppError>,
    now: DateTime<Utc>,
) -> Result<OpenedIntent, AppError> {
    for _ in 0..OPEN_ATTEMPTS {
        let (target, open) = store.read(|tx| {
            let target = find(tx)?;
            let open = tx.open_intents(target.author.tenant, target.order.id)?;
            Ok((target, open))
        })?;
        let tenant = target.author.tenant;
        if !open.is_empty() {
            store.unpin();
        }
        for intent in &open {
            let Some(session) = intent.gateway_session.as_deref() else {
                continue;
            };
            if !gateway.handles(&intent.gateway) {
                continue;
            }
            if let Cancellation::AlreadyDecided(GatewayOutcome::Approved { .. }) =
                gateway.cancel(tenant, session, now)?
            {
                return Err(AppError::conflict(
                    ErrorCode::PaymentAlreadyApproved,
                    "the customer already approved a payment of this order at the gateway; it \
                     is recorded when the payment is verified or its status is read",
                ));
            }
        }
        let withdrawn: Vec<PaymentIntentId> = open.iter().map(|i| i.id).collect();
        let stored = store.write(|tx| {
            let order = tx
                .find_order(tenant, target.order.id)?
                .ok_or_else(|| AppError::not_found(Entity::Order, target.order.id))?;
            if !awaits_payment(order.status) || order.total_amount != target.order.total_amount {
                return Err(AppError::conflict(
                    ErrorCode::PaymentNotAllowed,
                    format!(
                        "the order changed while its payment was being opened: it is {} with \
                         a total of {}",
                        order.status, order.total_amount
                    ),
                ));
            }
            let still_open = tx.open_intents(tenant, order.id)?;
            if still_open.iter().any(|i| !withdrawn.contains(&i.id)) {
                return Ok(None);
            }
            new_intent(tx, gateway, &target, now).map(Some)
        })?;
        if let Some(intent) = stored {
            return open_checkout(
                store,
                gateway,
                intent,
                target.order.order_number.as_str(),
                now,
            );
        }
    }
    Err(AppError::lost_race(
        "other payments of this order were being opened at the same time",
    ))
}
