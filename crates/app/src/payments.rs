//! Payments through a gateway (003 §14): payment intents and their verification. The built-in
//! gateway is in [`crate::mock_gateway`].
//!
//! An intent is opened for an order awaiting payment, for exactly its total. Verifying asks
//! the gateway: an approval records the payment through the order payment path (the order
//! becomes paid), a decline fails the intent, and anything else leaves it waiting. Verifying a
//! succeeded intent again answers the same success without paying twice.

use chrono::{DateTime, Utc};
use kedai_core::{Currency, Money, Page, StorageError, TenantId, uuid_id};
use kedai_identity::Permission;
use kedai_orders::{Order, OrderId, OrderStatus, PaymentId, PaymentStatus};
use serde_json::json;

use crate::identity::tenant;
use crate::orders::{PaymentCommand, apply_payment};
use crate::{Actor, Amount, AppError, Author, FieldError, OutboxEvent, UnitOfWork};

uuid_id!(
    /// A payment intent.
    PaymentIntentId
);

kedai_core::text_enum! {
    /// Where a payment intent stands.
    pub enum IntentStatus ("a payment intent status") {
        /// Waiting for the customer at the gateway.
        RequiresAction = "requires_action",
        /// Paid; the payment is recorded on the order.
        Succeeded = "succeeded",
        /// Declined by the gateway.
        Failed = "failed",
        /// Abandoned.
        Cancelled = "cancelled",
    }
}

/// A payment intent as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntent {
    /// Id.
    pub id: PaymentIntentId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The order to pay.
    pub order_id: OrderId,
    /// Method code the customer chose (`fpx`, `card`, `ewallet`, ...).
    pub method: String,
    /// Amount (the order total when opened).
    pub amount: Money,
    /// Status.
    pub status: IntentStatus,
    /// Gateway name (`mock`).
    pub gateway: String,
    /// The gateway's checkout session.
    pub gateway_session: String,
    /// The gateway's reference for the payment, once decided.
    pub gateway_reference: Option<String>,
    /// The order payment recorded on success.
    pub payment_id: Option<PaymentId>,
    /// Staff member who opened it.
    pub created_by: Option<String>,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Succeeded or failed at.
    pub completed_at: Option<DateTime<Utc>>,
}

/// A listed intent with its order number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentRow {
    /// The intent.
    pub intent: PaymentIntent,
    /// Its order's number.
    pub order_number: String,
}

/// Which intents to list.
#[derive(Debug, Clone, Default)]
pub struct IntentFilter {
    /// Of one order.
    pub order_id: Option<OrderId>,
    /// In one status.
    pub status: Option<IntentStatus>,
    /// Only intents of orders of these outlets or of no outlet (a cashier's scope).
    pub outlet_scope: Option<Vec<String>>,
}

/// Payment intents. Every method is confined to one tenant.
pub trait PaymentIntentRepository {
    /// Stores a new intent.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_intent(&mut self, intent: &PaymentIntent) -> Result<(), StorageError>;

    /// One intent of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_intent(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
    ) -> Result<Option<PaymentIntent>, StorageError>;

    /// Moves an intent out of `requires_action` to `status`, with the gateway reference —
    /// only if it is still `requires_action`. Returns false, changing nothing, if it is not.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn complete_intent(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
        status: IntentStatus,
        gateway_reference: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// The intents of the order still awaiting the customer.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn open_intents(
        &mut self,
        tenant: TenantId,
        order: OrderId,
    ) -> Result<Vec<PaymentIntent>, StorageError>;

    /// The intent a gateway's checkout session belongs to.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn intent_by_session(
        &mut self,
        tenant: TenantId,
        gateway: &str,
        session: &str,
    ) -> Result<Option<PaymentIntent>, StorageError>;

    /// Cancels every intent of the order still awaiting the customer; returns how many. Their
    /// checkout links can no longer settle the order (verify answers that they were cancelled).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn cancel_open_intents(
        &mut self,
        tenant: TenantId,
        order: OrderId,
        at: DateTime<Utc>,
    ) -> Result<usize, StorageError>;

    /// Links a succeeded intent to the order payment it recorded.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn attach_intent_payment(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
        payment_id: PaymentId,
    ) -> Result<(), StorageError>;

    /// A page of intents, newest first, with their order numbers and the number that match;
    /// a fixed number of queries whatever the page size.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_intents(
        &mut self,
        tenant: TenantId,
        filter: &IntentFilter,
        page: Page,
    ) -> Result<(Vec<IntentRow>, i64), StorageError>;
}

/// What a gateway needs to open a checkout.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    /// The merchant.
    pub tenant: TenantId,
    /// Amount to collect.
    pub amount: Money,
    /// What is paid for (the order number).
    pub description: String,
    /// Now.
    pub now: DateTime<Utc>,
}

/// An opened checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    /// The gateway's session id.
    pub session_id: String,
    /// Where the customer pays.
    pub payment_url: String,
}

/// What the gateway says about a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayOutcome {
    /// Not decided yet.
    Pending,
    /// Paid.
    Approved {
        /// The gateway's payment reference.
        reference: String,
    },
    /// Refused.
    Declined {
        /// Why.
        reason: String,
    },
}

/// What cancelling a checkout at the gateway came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancellation {
    /// Withdrawn: the customer can no longer pay it.
    Cancelled,
    /// The customer had decided already; what they decided.
    AlreadyDecided(GatewayOutcome),
}

/// A payment gateway. Calls run inside the use case's unit of work, so a gateway that keeps
/// state in the database (the mock) shares its transaction.
pub trait PaymentGateway: Send + Sync {
    /// Short name stored on intents (`mock`).
    fn name(&self) -> &'static str;

    /// Opens a checkout for `request`.
    ///
    /// # Errors
    /// [`AppError`] when the gateway refuses or fails.
    fn open(
        &self,
        tx: &mut dyn UnitOfWork,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, AppError>;

    /// Where a session stands.
    ///
    /// # Errors
    /// [`AppError`] when the gateway fails or does not know the session.
    fn status(
        &self,
        tx: &mut dyn UnitOfWork,
        tenant: TenantId,
        session_id: &str,
    ) -> Result<GatewayOutcome, AppError>;

    /// Withdraws a checkout the customer has not decided yet.
    ///
    /// # Errors
    /// [`AppError`] when the gateway fails or does not know the session.
    fn cancel(
        &self,
        tx: &mut dyn UnitOfWork,
        tenant: TenantId,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Cancellation, AppError>;
}

/// A payment intent as requested.
#[derive(Debug, Clone)]
pub struct CreateIntent {
    /// The order, as given.
    pub order_id: String,
    /// Method code.
    pub method: String,
    /// Amount; must equal the order total.
    pub amount: Amount,
    /// Currency; must be the merchant's.
    pub currency: String,
}

/// An opened intent and where to pay it.
#[derive(Debug, Clone)]
pub struct OpenedIntent {
    /// The intent.
    pub intent: PaymentIntent,
    /// The gateway's checkout page.
    pub payment_url: String,
}

fn payment_failed(field: &str, message: impl Into<String>) -> AppError {
    AppError::Validation {
        code: "PAYMENT_FAILED",
        errors: vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }],
    }
}

const fn awaits_payment(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::Pending | OrderStatus::Confirmed)
}

/// Opens a payment intent for an order awaiting payment, for exactly its total, and a
/// checkout session at the gateway.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Validation`] for a bad method, amount or currency;
/// [`AppError::NotFound`] (order); [`AppError::Conflict`] `PAYMENT_NOT_ALLOWED` when the order
/// does not await payment; `PAYMENT_FAILED` (422, field `amount`) when the amount is not the
/// order total; [`AppError::Storage`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant))]
pub fn create_intent(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    gateway: &dyn PaymentGateway,
    cmd: &CreateIntent,
    now: DateTime<Utc>,
) -> Result<OpenedIntent, AppError> {
    actor.require(Permission::PaymentsWrite)?;
    let tenant = tenant(tx, actor.tenant)?;
    let mut errors = Vec::new();
    let method = cmd.method.trim();
    if method.is_empty() || method.chars().count() > 64 {
        errors.push(FieldError {
            field: "method".into(),
            message: "must be 1 to 64 characters".into(),
        });
    }
    match Currency::from_code(&cmd.currency) {
        Ok(c) if c == tenant.currency => {}
        Ok(_) | Err(_) => errors.push(FieldError {
            field: "currency".into(),
            message: format!("must be {}, the merchant's currency", tenant.currency),
        }),
    }
    let amount = match cmd.amount.to_money(tenant.currency, "amount") {
        Ok(a) if a.is_positive() => Some(a),
        Ok(_) => {
            errors.push(FieldError {
                field: "amount".into(),
                message: "must be greater than 0".into(),
            });
            None
        }
        Err(AppError::Validation { errors: e, .. }) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let (Some(amount), true) = (amount, errors.is_empty()) else {
        return Err(AppError::Validation {
            code: "VALIDATION_ERROR",
            errors,
        });
    };
    let order_id: OrderId = cmd
        .order_id
        .parse()
        .map_err(|_| AppError::not_found("order", &cmd.order_id))?;
    let order = crate::orders::require_order(tx, actor, order_id)?;
    if !awaits_payment(order.status) {
        return Err(AppError::conflict(
            "PAYMENT_NOT_ALLOWED",
            format!("an order in status {} does not await payment", order.status),
        ));
    }
    if amount != order.total_amount {
        return Err(payment_failed(
            "amount",
            format!(
                "must equal the order's outstanding total {}",
                order.total_amount
            ),
        ));
    }
    open_for_order(tx, actor.into(), gateway, &order, method, now)
}

/// Opens an intent for the whole total of an order awaiting payment, and its checkout at the
/// gateway. One live checkout per order: the new intent supersedes any still awaiting the
/// customer, each withdrawn at its gateway first so its page can take no approval. When the
/// customer already approved one of them, nothing is replaced: that payment is recorded by the
/// next verification or status check, and a second checkout would charge them twice.
///
/// # Errors
/// [`AppError::Conflict`] `PAYMENT_ALREADY_APPROVED`; [`AppError::Storage`].
pub(crate) fn open_for_order(
    tx: &mut dyn UnitOfWork,
    author: Author,
    gateway: &dyn PaymentGateway,
    order: &Order,
    method: &str,
    now: DateTime<Utc>,
) -> Result<OpenedIntent, AppError> {
    for open in tx.open_intents(author.tenant, order.id)? {
        if open.gateway != gateway.name() {
            continue;
        }
        let withdrawn = gateway.cancel(tx, author.tenant, &open.gateway_session, now)?;
        if let Cancellation::AlreadyDecided(GatewayOutcome::Approved { .. }) = withdrawn {
            return Err(AppError::conflict(
                "PAYMENT_ALREADY_APPROVED",
                "the customer already approved a payment of this order at the gateway; it is \
                 recorded when the payment is verified or its status is read",
            ));
        }
    }
    tx.cancel_open_intents(author.tenant, order.id, now)?;
    let session = gateway.open(
        tx,
        &CheckoutRequest {
            tenant: author.tenant,
            amount: order.total_amount,
            description: order.order_number.to_string(),
            now,
        },
    )?;
    let intent = PaymentIntent {
        id: PaymentIntentId::new(),
        tenant_id: author.tenant,
        order_id: order.id,
        method: method.to_owned(),
        amount: order.total_amount,
        status: IntentStatus::RequiresAction,
        gateway: gateway.name().to_owned(),
        gateway_session: session.session_id,
        gateway_reference: None,
        payment_id: None,
        created_by: author.id_string(),
        created_at: now,
        updated_at: now,
        completed_at: None,
    };
    tx.insert_intent(&intent)?;
    Ok(OpenedIntent {
        intent,
        payment_url: session.payment_url,
    })
}

/// The outcome of verifying an intent. A decline is an outcome, not an error, so that the
/// failed intent is committed; the caller reports it as `PAYMENT_FAILED`.
#[derive(Debug, Clone)]
pub enum Verified {
    /// Paid (now or earlier).
    Succeeded {
        /// The intent.
        intent: PaymentIntent,
        /// The order's status now.
        order_status: OrderStatus,
        /// The payment recorded on the order.
        payment_id: PaymentId,
    },
    /// Declined (now or earlier).
    Declined {
        /// The intent.
        intent: PaymentIntent,
        /// Why.
        reason: String,
    },
}

fn order_of(tx: &mut dyn UnitOfWork, intent: &PaymentIntent) -> Result<Order, AppError> {
    tx.find_order(intent.tenant_id, intent.order_id)?
        .ok_or_else(|| AppError::not_found("order", intent.order_id))
}

/// Asks the gateway about an intent and applies the answer: an approval records the payment
/// on the order (which becomes paid) in this transaction; a decline fails the intent. A
/// decided intent answers its decision again without recording anything.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] (intent); [`AppError::Conflict`]
/// `PAYMENT_PENDING` while the customer has not decided, `PAYMENT_NOT_ALLOWED` when the order
/// no longer awaits payment (nothing is recorded); `PAYMENT_FAILED` (422) when
/// `gateway_reference` does not match the gateway's; [`AppError::Storage`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, payment_intent.id = %id))]
pub fn verify_intent(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    gateway: &dyn PaymentGateway,
    id: PaymentIntentId,
    gateway_reference: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Verified, AppError> {
    actor.require(Permission::PaymentsWrite)?;
    let intent = tx
        .find_intent(actor.tenant, id)?
        .ok_or_else(|| AppError::not_found("payment intent", id))?;
    // Staff confined to outlets verify only their outlets' payments.
    if crate::orders::require_order(tx, actor, intent.order_id).is_err() {
        return Err(AppError::not_found("payment intent", id));
    }
    settle(tx, actor.into(), gateway, intent, gateway_reference, now)?.ok_or_else(|| {
        AppError::conflict(
            "PAYMENT_PENDING",
            "the customer has not completed the payment yet",
        )
    })
}

/// Applies what the gateway says about an intent: an approval records the payment on the
/// order (which becomes paid) in this transaction, a decline fails the intent, and a decided
/// intent answers its decision again without recording anything. `None` while the customer has
/// not decided.
///
/// # Errors
/// [`AppError::Conflict`] `PAYMENT_NOT_ALLOWED` for a cancelled intent or an order that no
/// longer awaits payment; `PAYMENT_FAILED` (422) when `gateway_reference` does not match the
/// gateway's; [`AppError::Storage`].
pub(crate) fn settle(
    tx: &mut dyn UnitOfWork,
    author: Author,
    gateway: &dyn PaymentGateway,
    intent: PaymentIntent,
    gateway_reference: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Verified>, AppError> {
    let id = intent.id;
    let claimed = gateway_reference.map(str::trim).filter(|r| !r.is_empty());
    let check_reference = |actual: Option<&str>| match (claimed, actual) {
        (Some(c), Some(a)) if c != a => Err(payment_failed(
            "gateway_reference",
            "does not match the gateway's reference for this payment",
        )),
        _ => Ok(()),
    };
    match intent.status {
        IntentStatus::Succeeded => {
            check_reference(intent.gateway_reference.as_deref())?;
            let order_status = order_of(tx, &intent)?.status;
            let payment_id = intent.payment_id.ok_or_else(|| {
                AppError::Storage(StorageError::other("succeeded intent without a payment"))
            })?;
            return Ok(Some(Verified::Succeeded {
                intent,
                order_status,
                payment_id,
            }));
        }
        IntentStatus::Cancelled => {
            return Err(AppError::conflict(
                "PAYMENT_NOT_ALLOWED",
                "the payment was cancelled: the order was cancelled, its total changed, or a \
                 newer payment intent replaced it",
            ));
        }
        IntentStatus::Failed => {
            return Ok(Some(Verified::Declined {
                reason: format!("the payment {}", intent.status),
                intent,
            }));
        }
        IntentStatus::RequiresAction => {}
    }
    match gateway.status(tx, author.tenant, &intent.gateway_session)? {
        GatewayOutcome::Pending => Ok(None),
        GatewayOutcome::Declined { reason } => {
            if !tx.complete_intent(author.tenant, id, IntentStatus::Failed, None, now)? {
                return Err(AppError::lost_race("payment intent decided concurrently"));
            }
            let order = order_of(tx, &intent)?;
            tx.append_event(&OutboxEvent {
                tenant_id: author.tenant,
                event_type: "payment.failed",
                aggregate_id: order.id.to_string(),
                payload: json!({
                    "payment_intent_id": id.to_string(),
                    "order_id": order.id.to_string(),
                    "order_number": order.order_number.as_str(),
                    "amount": intent.amount.to_string(),
                    "currency": intent.amount.currency().code(),
                    "status": "failed",
                    "reason": reason,
                }),
                created_at: now,
            })?;
            Ok(Some(Verified::Declined {
                intent: PaymentIntent {
                    status: IntentStatus::Failed,
                    updated_at: now,
                    completed_at: Some(now),
                    ..intent
                },
                reason,
            }))
        }
        GatewayOutcome::Approved { reference } => {
            check_reference(Some(&reference))?;
            // Claim the intent first: concurrent verifications queue on this guarded update
            // and the losers start over, finding it succeeded.
            if !tx.complete_intent(
                author.tenant,
                id,
                IntentStatus::Succeeded,
                Some(&reference),
                now,
            )? {
                return Err(AppError::lost_race("payment intent decided concurrently"));
            }
            // The order payment path re-checks the order (awaiting payment, amount) and moves
            // it to paid with history, the payment row and `payment.success`; for an order
            // cancelled meanwhile it fails and the whole transaction, claim included, is
            // rolled back.
            let order = order_of(tx, &intent)?;
            let (paid, _) = apply_payment(
                tx,
                author,
                order,
                &PaymentCommand {
                    order_id: intent.order_id,
                    method: intent.method.clone(),
                    amount: Amount(intent.amount.to_string()),
                    status: PaymentStatus::Completed,
                    payment_intent_id: Some(id.to_string()),
                },
                &intent.method,
                now,
            )?;
            tx.attach_intent_payment(author.tenant, id, paid.payment.id)?;
            Ok(Some(Verified::Succeeded {
                intent: PaymentIntent {
                    status: IntentStatus::Succeeded,
                    gateway_reference: Some(reference),
                    payment_id: Some(paid.payment.id),
                    updated_at: now,
                    completed_at: Some(now),
                    ..intent
                },
                order_status: paid.order_status,
                payment_id: paid.payment.id,
            }))
        }
    }
}

/// A page of the tenant's payment intents, newest first.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_intents(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    filter: &IntentFilter,
    page: Page,
) -> Result<(Vec<IntentRow>, i64), AppError> {
    actor.require(Permission::OrdersRead)?;
    let filter = IntentFilter {
        outlet_scope: crate::orders::scope::outlet_scope(tx, actor)?,
        ..filter.clone()
    };
    Ok(tx.list_intents(actor.tenant, &filter, page)?)
}
