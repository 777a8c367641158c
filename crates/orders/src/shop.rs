//! The storefront's side of orders: the shipping methods and payment-method options a customer
//! picks from at checkout, the charges of a shop order, and how an order's status and payment
//! read on the customer portal.

use chrono::{DateTime, Utc};
use kedai_core::{Money, StorageError, TenantId, uuid_id};

use crate::{Charges, Order, OrderId, OrderStatus, PaymentStatus};

kedai_core::int_id!(
    /// A shipping method id: a positive integer, as storefront clients address shipping methods.
    ShippingMethodId
);

uuid_id!(
    /// A payment-method option of the shop (bank transfer, cash on delivery, card).
    ShopPaymentMethodId
);

kedai_core::text_enum! {
    /// Where an order was placed.
    #[derive(Default)]
    pub enum Channel ("an order channel") {
        /// By staff, through the merchant API or the edge functions.
        #[default]
        Merchant = "merchant",
        /// By a customer or guest, on the storefront (customer portal).
        Online = "online",
    }
}

kedai_core::text_enum! {
    /// How a shop payment method is paid.
    pub enum PaymentMethodKind ("a payment method type") {
        /// Online, at the payment gateway: checkout answers a payment URL.
        Gateway = "gateway",
        /// Offline by the customer (bank transfer, e-wallet to a number): checkout answers
        /// the method's instructions and staff record the payment.
        Manual = "manual",
        /// Paid to the courier on delivery; staff record the payment.
        CashOnDelivery = "cash_on_delivery",
    }
}

/// A field that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidField {
    /// The field, as named in the request.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> InvalidField {
    InvalidField {
        field,
        message: message.into(),
    }
}

const NAME_MAX: usize = 100;
const TEXT_MAX: usize = 2000;
const DAYS_MAX: usize = 50;

fn clean_name(name: &str, errors: &mut Vec<InvalidField>) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        errors.push(bad("name", format!("must be 1 to {NAME_MAX} characters")));
    }
    name.to_owned()
}

fn clean_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
    errors: &mut Vec<InvalidField>,
) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().count() > max {
        errors.push(bad(field, format!("must be at most {max} characters")));
    }
    Some(v.to_owned())
}

/// A shipping method of the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingMethod {
    /// Integer id.
    pub id: ShippingMethodId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name shown at checkout.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// What it costs.
    pub cost: Money,
    /// Subtotal from which it is free.
    pub free_shipping_threshold: Option<Money>,
    /// Delivery estimate as the merchant words it (`2-3`, `next day`).
    pub estimated_days: Option<String>,
    /// Offered at checkout.
    pub active: bool,
    /// Position in the list (lower first).
    pub sort_order: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// What shipping costs: the method's cost, or nothing when the order's subtotal reaches its
/// free-shipping threshold (the threshold compares with the subtotal before any discount, the
/// figure a storefront shows as the cart amount).
#[must_use]
pub fn shipping_cost(
    cost: Money,
    free_shipping_threshold: Option<Money>,
    subtotal: Money,
) -> Money {
    match free_shipping_threshold {
        Some(t) if subtotal.currency() == t.currency() && subtotal.minor() >= t.minor() => {
            Money::zero(cost.currency())
        }
        _ => cost,
    }
}

impl ShippingMethod {
    /// What this method costs for an order of `subtotal` (see [`shipping_cost`]).
    #[must_use]
    pub fn cost_for(&self, subtotal: Money) -> Money {
        shipping_cost(self.cost, self.free_shipping_threshold, subtotal)
    }
}

/// A shipping method as requested, amounts already in the tenant's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingMethodDraft {
    /// Name, 1–100 characters.
    pub name: String,
    /// Description, up to 2000 characters.
    pub description: Option<String>,
    /// Cost, not negative.
    pub cost: Money,
    /// Free from this subtotal, not negative.
    pub free_shipping_threshold: Option<Money>,
    /// Estimate, up to 50 characters.
    pub estimated_days: Option<String>,
    /// Offered at checkout (default true).
    pub active: bool,
    /// Position.
    pub sort_order: i32,
}

impl ShippingMethodDraft {
    /// Checks every field and returns the cleaned draft (texts trimmed, empty ones dropped).
    ///
    /// # Errors
    /// Every [`InvalidField`] found.
    pub fn validate(self) -> Result<Self, Vec<InvalidField>> {
        let mut errors = Vec::new();
        let name = clean_name(&self.name, &mut errors);
        let description = clean_text(
            "description",
            self.description.as_deref(),
            TEXT_MAX,
            &mut errors,
        );
        let estimated_days = clean_text(
            "estimated_days",
            self.estimated_days.as_deref(),
            DAYS_MAX,
            &mut errors,
        );
        if self.cost.is_negative() {
            errors.push(bad("cost", "must not be negative"));
        }
        if self
            .free_shipping_threshold
            .is_some_and(|t| t.is_negative())
        {
            errors.push(bad("free_shipping_threshold", "must not be negative"));
        }
        if errors.is_empty() {
            Ok(Self {
                name,
                description,
                estimated_days,
                ..self
            })
        } else {
            Err(errors)
        }
    }
}

/// A partial change of a shipping method; `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShippingMethodPatch {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<Option<String>>,
    /// Cost.
    pub cost: Option<Money>,
    /// Free-shipping threshold.
    pub free_shipping_threshold: Option<Option<Money>>,
    /// Estimate.
    pub estimated_days: Option<Option<String>>,
    /// Offered at checkout.
    pub active: Option<bool>,
    /// Position.
    pub sort_order: Option<i32>,
}

impl ShippingMethod {
    /// The method with `patch` applied, checked like a new one.
    ///
    /// # Errors
    /// Every [`InvalidField`] found.
    pub fn patched(
        &self,
        patch: ShippingMethodPatch,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<InvalidField>> {
        let draft = ShippingMethodDraft {
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            description: patch
                .description
                .unwrap_or_else(|| self.description.clone()),
            cost: patch.cost.unwrap_or(self.cost),
            free_shipping_threshold: patch
                .free_shipping_threshold
                .unwrap_or(self.free_shipping_threshold),
            estimated_days: patch
                .estimated_days
                .unwrap_or_else(|| self.estimated_days.clone()),
            active: patch.active.unwrap_or(self.active),
            sort_order: patch.sort_order.unwrap_or(self.sort_order),
        }
        .validate()?;
        Ok(Self {
            name: draft.name,
            description: draft.description,
            cost: draft.cost,
            free_shipping_threshold: draft.free_shipping_threshold,
            estimated_days: draft.estimated_days,
            active: draft.active,
            sort_order: draft.sort_order,
            updated_at: now,
            ..self.clone()
        })
    }
}

/// A payment-method option of the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopPaymentMethod {
    /// Id.
    pub id: ShopPaymentMethodId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name shown at checkout (also recorded as the payment's method).
    pub name: String,
    /// How it is paid.
    pub kind: PaymentMethodKind,
    /// What the customer must do (manual methods).
    pub instructions: Option<String>,
    /// Position in the list (lower first).
    pub position: i32,
    /// Offered at checkout.
    pub active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl ShopPaymentMethod {
    /// Whether checkout opens a payment at the gateway for this method.
    #[must_use]
    pub fn has_gateway(&self) -> bool {
        self.kind == PaymentMethodKind::Gateway
    }
}

/// Longest payment-method name: it is recorded as the payment's method code.
pub const PAYMENT_METHOD_NAME_MAX: usize = 64;

/// A payment method as requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethodDraft {
    /// Name, 1–64 characters.
    pub name: String,
    /// How it is paid.
    pub kind: PaymentMethodKind,
    /// Instructions, up to 2000 characters.
    pub instructions: Option<String>,
    /// Position.
    pub position: i32,
    /// Offered at checkout.
    pub active: bool,
}

impl PaymentMethodDraft {
    /// Checks every field and returns the cleaned draft.
    ///
    /// # Errors
    /// Every [`InvalidField`] found.
    pub fn validate(self) -> Result<Self, Vec<InvalidField>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > PAYMENT_METHOD_NAME_MAX {
            errors.push(bad(
                "name",
                format!("must be 1 to {PAYMENT_METHOD_NAME_MAX} characters"),
            ));
        }
        let instructions = clean_text(
            "instructions",
            self.instructions.as_deref(),
            TEXT_MAX,
            &mut errors,
        );
        if errors.is_empty() {
            Ok(Self {
                name,
                instructions,
                ..self
            })
        } else {
            Err(errors)
        }
    }
}

/// A partial change of a payment method; `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentMethodPatch {
    /// Name.
    pub name: Option<String>,
    /// Kind.
    pub kind: Option<PaymentMethodKind>,
    /// Instructions.
    pub instructions: Option<Option<String>>,
    /// Position.
    pub position: Option<i32>,
    /// Offered at checkout.
    pub active: Option<bool>,
}

impl ShopPaymentMethod {
    /// The method with `patch` applied, checked like a new one.
    ///
    /// # Errors
    /// Every [`InvalidField`] found.
    pub fn patched(
        &self,
        patch: PaymentMethodPatch,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<InvalidField>> {
        let draft = PaymentMethodDraft {
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            kind: patch.kind.unwrap_or(self.kind),
            instructions: patch
                .instructions
                .unwrap_or_else(|| self.instructions.clone()),
            position: patch.position.unwrap_or(self.position),
            active: patch.active.unwrap_or(self.active),
        }
        .validate()?;
        Ok(Self {
            name: draft.name,
            kind: draft.kind,
            instructions: draft.instructions,
            position: draft.position,
            active: draft.active,
            updated_at: now,
            ..self.clone()
        })
    }
}

/// The charges of a shop order: shipping from the chosen method (free at or above its
/// threshold, judged on the subtotal), the coupon's discount (computed by the caller on the
/// same subtotal), no tax. The total is then subtotal − discount + shipping.
#[must_use]
pub fn shop_charges(
    subtotal: Money,
    shipping: Option<&ShippingMethod>,
    discount: Money,
) -> Charges {
    let currency = subtotal.currency();
    Charges {
        shipping_fee: shipping.map_or(Money::zero(currency), |m| m.cost_for(subtotal)),
        tax_amount: Money::zero(currency),
        discount_amount: discount,
    }
}

/// The shop-only facts of an order placed on the storefront.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopOrderInfo {
    /// Where it was placed.
    pub channel: Channel,
    /// The shipping method chosen.
    pub shipping_method_id: Option<ShippingMethodId>,
    /// The payment method chosen.
    pub payment_method_id: Option<ShopPaymentMethodId>,
    /// Where the storefront wants the customer sent after paying.
    pub success_url: Option<String>,
    /// Where the storefront wants the customer sent after abandoning payment.
    pub cancel_url: Option<String>,
    /// The customer's locale (`zh-HK`), for messages about the order.
    pub language: Option<String>,
    /// For a guest's order, the SHA-256 (hex) of the secret the guest was given at checkout:
    /// holding it is what lets them pay the order again.
    pub guest_secret_hash: Option<String>,
}

/// How an order's status reads on the customer portal, whose clients know `pending`,
/// `confirmed`, `processing`, `completed`, `cancelled` and `refunded`:
///
/// | Kedai | portal |
/// |---|---|
/// | pending | pending |
/// | confirmed (awaiting payment) | confirmed |
/// | paid | confirmed |
/// | processing, shipped | processing |
/// | delivered, completed | completed |
/// | cancelled | cancelled |
/// | refunded | refunded |
///
/// Whether a confirmed order is paid shows in its payment status.
#[must_use]
pub const fn portal_order_status(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending => "pending",
        OrderStatus::Confirmed | OrderStatus::Paid => "confirmed",
        OrderStatus::Processing | OrderStatus::Shipped => "processing",
        OrderStatus::Delivered | OrderStatus::Completed => "completed",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Refunded => "refunded",
    }
}

/// How an order's payment reads on the customer portal (`pending`, `completed`, `failed`,
/// `refunded`, `voided`): the latest payment's outcome when there is one; otherwise `failed`
/// when the latest attempt at the gateway was declined, `voided` when the order was cancelled
/// unpaid, and `pending` while it awaits payment.
#[must_use]
pub const fn portal_payment_status(
    order_status: OrderStatus,
    payment: Option<PaymentStatus>,
    last_attempt_declined: bool,
) -> &'static str {
    match (payment, order_status) {
        (Some(PaymentStatus::Completed), _) => "completed",
        (Some(PaymentStatus::Refunded), _) | (None, OrderStatus::Refunded) => "refunded",
        (Some(PaymentStatus::Failed), OrderStatus::Cancelled) | (None, OrderStatus::Cancelled) => {
            "voided"
        }
        (Some(PaymentStatus::Failed), _) => "failed",
        (None, _) if last_attempt_declined => "failed",
        (None, _) => "pending",
    }
}

/// Shipping methods, payment-method options and the shop facts of orders. Every method is
/// confined to one tenant; deleted methods are kept (orders name them) but never returned.
pub trait CheckoutRepository {
    /// Stores a new shipping method and returns its id.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_shipping_method(
        &mut self,
        tenant: TenantId,
        draft: &ShippingMethodDraft,
        now: DateTime<Utc>,
    ) -> Result<ShippingMethodId, StorageError>;

    /// One shipping method of the tenant (not deleted).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_shipping_method(
        &mut self,
        tenant: TenantId,
        id: ShippingMethodId,
    ) -> Result<Option<ShippingMethod>, StorageError>;

    /// The tenant's shipping methods (only active ones when `active_only`), by sort order then
    /// id.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_shipping_methods(
        &mut self,
        tenant: TenantId,
        active_only: bool,
    ) -> Result<Vec<ShippingMethod>, StorageError>;

    /// Saves a changed shipping method; false when it no longer exists.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_shipping_method(&mut self, method: &ShippingMethod) -> Result<bool, StorageError>;

    /// Deletes a shipping method (kept for the orders that name it); false when it did not
    /// exist.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_shipping_method(
        &mut self,
        tenant: TenantId,
        id: ShippingMethodId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Stores a new payment method.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_payment_method(&mut self, method: &ShopPaymentMethod) -> Result<(), StorageError>;

    /// One payment method of the tenant (not deleted).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_payment_method(
        &mut self,
        tenant: TenantId,
        id: ShopPaymentMethodId,
    ) -> Result<Option<ShopPaymentMethod>, StorageError>;

    /// The tenant's payment methods (only active ones when `active_only`), by position then
    /// id.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_payment_methods(
        &mut self,
        tenant: TenantId,
        active_only: bool,
    ) -> Result<Vec<ShopPaymentMethod>, StorageError>;

    /// Saves a changed payment method; false when it no longer exists.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_payment_method(&mut self, method: &ShopPaymentMethod) -> Result<bool, StorageError>;

    /// Deletes a payment method (kept for the orders that name it); false when it did not
    /// exist.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_payment_method(
        &mut self,
        tenant: TenantId,
        id: ShopPaymentMethodId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Records the shop facts of an order just stored, in the same transaction.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn set_shop_info(
        &mut self,
        tenant: TenantId,
        order: OrderId,
        info: &ShopOrderInfo,
    ) -> Result<(), StorageError>;

    /// The shop facts of an order of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn shop_info(
        &mut self,
        tenant: TenantId,
        order: OrderId,
    ) -> Result<Option<ShopOrderInfo>, StorageError>;

    /// A page of a customer's storefront orders (channel `online`), newest first, and how many
    /// there are.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn customer_shop_orders(
        &mut self,
        tenant: TenantId,
        customer_id: &str,
        page: kedai_core::Page,
    ) -> Result<(Vec<Order>, i64), StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::Currency;

    fn hkd(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("HKD").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn method(cost: i64, threshold: Option<i64>) -> ShippingMethod {
        ShippingMethod {
            id: ShippingMethodId::new(1).unwrap_or_else(|e| panic!("{e}")),
            tenant_id: TenantId::new(),
            name: "Courier".into(),
            description: None,
            cost: hkd(cost),
            free_shipping_threshold: threshold.map(hkd),
            estimated_days: None,
            active: true,
            sort_order: 0,
            created_at: DateTime::<Utc>::default(),
            updated_at: DateTime::<Utc>::default(),
        }
    }

    #[test]
    fn shipping_is_free_at_or_above_the_threshold() {
        for (cost, threshold, subtotal, want) in [
            (3000, Some(50_000), 49_999, 3000),
            (3000, Some(50_000), 50_000, 0),
            (3000, Some(50_000), 80_000, 0),
            (3000, None, 1_000_000, 3000),
            (0, None, 100, 0),
            (3000, Some(0), 0, 0),
        ] {
            assert_eq!(
                method(cost, threshold).cost_for(hkd(subtotal)),
                hkd(want),
                "cost {cost}, threshold {threshold:?}, subtotal {subtotal}"
            );
        }
    }

    #[test]
    fn shop_charges_take_shipping_on_the_subtotal_and_no_tax() {
        let m = method(3000, Some(50_000));
        let c = shop_charges(hkd(50_000), Some(&m), hkd(5_000));
        assert_eq!(
            (c.shipping_fee, c.tax_amount, c.discount_amount),
            (hkd(0), hkd(0), hkd(5_000)),
            "the threshold is judged before the discount"
        );
        let c = shop_charges(hkd(20_000), Some(&m), hkd(0));
        assert_eq!(c.shipping_fee, hkd(3000));
        let c = shop_charges(hkd(20_000), None, hkd(0));
        assert_eq!(c.shipping_fee, hkd(0));
        let priced = crate::price_order(
            &[crate::LineInput {
                quantity: 2,
                unit_price: hkd(10_000),
                claimed_total: None,
            }],
            shop_charges(hkd(20_000), Some(&m), hkd(2_000)),
            crate::Claimed::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (priced.subtotal, priced.total),
            (hkd(20_000), hkd(21_000)),
            "200 − 20 + 30"
        );
    }

    #[test]
    fn drafts_are_checked_and_cleaned() {
        let draft = ShippingMethodDraft {
            name: "  Courier ".into(),
            description: Some("  ".into()),
            cost: hkd(3000),
            free_shipping_threshold: Some(hkd(50_000)),
            estimated_days: Some(" 2-3 ".into()),
            active: true,
            sort_order: 1,
        };
        let ok = draft.clone().validate().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (
                ok.name.as_str(),
                ok.description,
                ok.estimated_days.as_deref()
            ),
            ("Courier", None, Some("2-3"))
        );
        let bad = ShippingMethodDraft {
            name: " ".into(),
            cost: hkd(-1),
            free_shipping_threshold: Some(hkd(-5)),
            estimated_days: Some("x".repeat(51)),
            ..draft
        }
        .validate()
        .err()
        .unwrap_or_default();
        let fields: Vec<&str> = bad.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["name", "estimated_days", "cost", "free_shipping_threshold"]
        );
        let pm = PaymentMethodDraft {
            name: "x".repeat(65),
            kind: PaymentMethodKind::Manual,
            instructions: None,
            position: 0,
            active: true,
        }
        .validate()
        .err()
        .unwrap_or_default();
        assert_eq!(pm.first().map(|e| e.field), Some("name"));
    }

    #[test]
    fn patches_keep_what_they_do_not_name() {
        let m = method(3000, Some(50_000));
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let p = m
            .patched(
                ShippingMethodPatch {
                    free_shipping_threshold: Some(None),
                    active: Some(false),
                    ..ShippingMethodPatch::default()
                },
                now,
            )
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (p.cost, p.free_shipping_threshold, p.active, p.updated_at),
            (hkd(3000), None, false, now)
        );
        assert!(
            m.patched(
                ShippingMethodPatch {
                    cost: Some(hkd(-1)),
                    ..ShippingMethodPatch::default()
                },
                now
            )
            .is_err()
        );
    }

    #[test]
    fn only_gateway_methods_have_a_gateway() {
        for (kind, want) in [
            (PaymentMethodKind::Gateway, true),
            (PaymentMethodKind::Manual, false),
            (PaymentMethodKind::CashOnDelivery, false),
        ] {
            let m = ShopPaymentMethod {
                id: ShopPaymentMethodId::new(),
                tenant_id: TenantId::new(),
                name: "x".into(),
                kind,
                instructions: None,
                position: 0,
                active: true,
                created_at: DateTime::<Utc>::default(),
                updated_at: DateTime::<Utc>::default(),
            };
            assert_eq!(m.has_gateway(), want, "{kind}");
        }
    }

    #[test]
    fn order_statuses_read_as_the_portal_knows_them() {
        use OrderStatus::*;
        for (status, want) in [
            (Pending, "pending"),
            (Confirmed, "confirmed"),
            (Paid, "confirmed"),
            (Processing, "processing"),
            (Shipped, "processing"),
            (Delivered, "completed"),
            (Completed, "completed"),
            (Cancelled, "cancelled"),
            (Refunded, "refunded"),
        ] {
            assert_eq!(portal_order_status(status), want, "{status}");
        }
    }

    #[test]
    fn payment_statuses_read_as_the_portal_knows_them() {
        use OrderStatus::*;
        let paid = Some(PaymentStatus::Completed);
        let failed = Some(PaymentStatus::Failed);
        let refunded = Some(PaymentStatus::Refunded);
        for (order, payment, declined, want) in [
            (Pending, None, false, "pending"),
            (Confirmed, None, false, "pending"),
            (Confirmed, None, true, "failed"),
            (Confirmed, failed, false, "failed"),
            (Paid, paid, false, "completed"),
            (Completed, paid, true, "completed"),
            (Cancelled, None, false, "voided"),
            (Cancelled, None, true, "voided"),
            (Cancelled, failed, false, "voided"),
            (Cancelled, paid, false, "completed"),
            (Refunded, refunded, false, "refunded"),
            (Refunded, None, false, "refunded"),
        ] {
            assert_eq!(
                portal_payment_status(order, payment, declined),
                want,
                "{order} {payment:?} declined={declined}"
            );
        }
    }

    #[test]
    fn ids_and_words_parse() {
        assert_eq!(
            "7".parse::<ShippingMethodId>().map(ShippingMethodId::get),
            Ok(7)
        );
        assert!("0".parse::<ShippingMethodId>().is_err());
        assert!("x".parse::<ShippingMethodId>().is_err());
        assert_eq!("online".parse::<Channel>(), Ok(Channel::Online));
        assert_eq!(Channel::default(), Channel::Merchant);
        assert_eq!(
            "cash_on_delivery".parse::<PaymentMethodKind>(),
            Ok(PaymentMethodKind::CashOnDelivery)
        );
        assert!("card".parse::<PaymentMethodKind>().is_err());
    }
}
