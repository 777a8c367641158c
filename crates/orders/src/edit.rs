//! Changing an order's fields other than its status (002's `updateOrderFields`): contact,
//! shipping and notes while the order is open; amounts and a hand-entered coupon only before
//! payment, with the total kept equal to what the items and charges give.

use kedai_core::Money;

use crate::{Order, OrderCoupon, OrderError, OrderStatus};

/// A partial change. `None` leaves a field alone; `Some(None)` clears a text field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderEdit {
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
    /// Tracking number (correcting it once shipped).
    pub tracking_number: Option<Option<String>>,
    /// Shipping fee.
    pub shipping_fee: Option<Money>,
    /// Tax.
    pub tax_amount: Option<Money>,
    /// Discount other than the coupon's.
    pub other_discount: Option<Money>,
    /// A hand-entered coupon code (`Some(None)` removes it and its discount).
    pub coupon_code: Option<Option<String>>,
    /// The hand-entered coupon's discount.
    pub coupon_discount: Option<Money>,
    /// The total the client computed; must equal the result.
    pub total_amount: Option<Money>,
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// Nothing may change in a final or cancelled order.
    #[error("a {0} order cannot be changed")]
    Closed(OrderStatus),
    /// Amounts and coupons change only before payment.
    #[error("{field} can only change before the order is paid (it is {status})")]
    AmountsLocked {
        /// The field.
        field: &'static str,
        /// The order's status.
        status: OrderStatus,
    },
    /// A redeemed coupon stays as it was redeemed; cancel the order to give it back.
    #[error("the order's coupon was redeemed and cannot be edited")]
    CouponRedeemed,
    /// A coupon discount without a code.
    #[error("coupon_discount needs a coupon_code")]
    DiscountWithoutCode,
    /// The tracking number belongs to shipped orders.
    #[error("tracking_number can only change once the order is being fulfilled (it is {0})")]
    TrackingTooEarly(OrderStatus),
    /// The amounts do not add up.
    #[error(transparent)]
    Amounts(#[from] OrderError),
}

impl OrderEdit {
    /// True when the edit changes an amount or the coupon.
    #[must_use]
    pub fn touches_amounts(&self) -> bool {
        self.shipping_fee.is_some()
            || self.tax_amount.is_some()
            || self.other_discount.is_some()
            || self.coupon_code.is_some()
            || self.coupon_discount.is_some()
            || self.total_amount.is_some()
    }
}

/// Applies `edit` to `order`, returning the changed order.
///
/// # Errors
/// [`EditError`] when the status does not allow a change, or the amounts do not add up
/// ([`OrderError::AmountMismatch`] with the expected total, [`OrderError::NegativeAmount`],
/// [`OrderError::NegativeTotal`]).
pub fn apply_edit(order: &Order, edit: OrderEdit) -> Result<Order, EditError> {
    let status = order.status;
    if matches!(
        status,
        OrderStatus::Completed | OrderStatus::Cancelled | OrderStatus::Refunded
    ) {
        return Err(EditError::Closed(status));
    }
    let touches_amounts = edit.touches_amounts();
    let mut next = order.clone();
    let d = &mut next.details;
    for (slot, value) in [
        (&mut d.contact_name, edit.contact_name),
        (&mut d.contact_phone, edit.contact_phone),
        (&mut d.contact_email, edit.contact_email),
        (&mut d.shipping_method, edit.shipping_method),
        (&mut d.shipping_address, edit.shipping_address),
        (&mut d.payment_method, edit.payment_method),
        (&mut d.notes, edit.notes),
        (&mut d.special_instructions, edit.special_instructions),
    ] {
        if let Some(v) = value {
            *slot = v;
        }
    }
    if let Some(t) = edit.tracking_number.clone() {
        if !matches!(
            status,
            OrderStatus::Processing | OrderStatus::Shipped | OrderStatus::Delivered
        ) {
            return Err(EditError::TrackingTooEarly(status));
        }
        next.tracking_number = t;
    }
    if !touches_amounts {
        return Ok(next);
    }
    let awaiting = matches!(status, OrderStatus::Pending | OrderStatus::Confirmed);
    let lock = |field| EditError::AmountsLocked { field, status };
    if !awaiting {
        let field = [
            ("shipping_fee", edit.shipping_fee.is_some()),
            ("tax_amount", edit.tax_amount.is_some()),
            ("discount_amount", edit.other_discount.is_some()),
            ("coupon_code", edit.coupon_code.is_some()),
            ("coupon_discount", edit.coupon_discount.is_some()),
            ("total_amount", edit.total_amount.is_some()),
        ]
        .into_iter()
        .find_map(|(f, set)| set.then_some(f))
        .unwrap_or("total_amount");
        return Err(lock(field));
    }
    let redeemed = order.coupon.as_ref().is_some_and(|c| c.coupon_id.is_some());
    if redeemed && (edit.coupon_code.is_some() || edit.coupon_discount.is_some()) {
        return Err(EditError::CouponRedeemed);
    }
    let old_coupon = order
        .coupon
        .as_ref()
        .map_or(Money::zero(order.currency), |c| c.discount);
    let other = match edit.other_discount {
        Some(m) => m,
        None => order
            .discount_amount
            .checked_sub(old_coupon)
            .map_err(OrderError::Money)?,
    };
    next.coupon = match (edit.coupon_code, edit.coupon_discount) {
        (Some(None), _) => None,
        (Some(Some(code)), discount) => Some(OrderCoupon {
            coupon_id: None,
            code,
            discount: discount.unwrap_or(old_coupon),
        }),
        (None, Some(discount)) => match &order.coupon {
            Some(c) => Some(OrderCoupon {
                discount,
                ..c.clone()
            }),
            None => return Err(EditError::DiscountWithoutCode),
        },
        (None, None) => order.coupon.clone(),
    };
    let coupon = next
        .coupon
        .as_ref()
        .map_or(Money::zero(order.currency), |c| c.discount);
    next.shipping_fee = edit.shipping_fee.unwrap_or(order.shipping_fee);
    next.tax_amount = edit.tax_amount.unwrap_or(order.tax_amount);
    for (field, m) in [
        ("shipping_fee", next.shipping_fee),
        ("tax_amount", next.tax_amount),
        ("discount_amount", other),
        ("coupon_discount", coupon),
    ] {
        if m.is_negative() {
            return Err(OrderError::NegativeAmount {
                field: field.into(),
            }
            .into());
        }
    }
    next.discount_amount = other.checked_add(coupon).map_err(OrderError::Money)?;
    let total = next
        .subtotal
        .checked_add(next.shipping_fee)
        .and_then(|t| t.checked_add(next.tax_amount))
        .and_then(|t| t.checked_sub(next.discount_amount))
        .map_err(OrderError::Money)?;
    if total.is_negative() {
        return Err(OrderError::NegativeTotal.into());
    }
    if let Some(claimed) = edit.total_amount
        && claimed != total
    {
        return Err(OrderError::AmountMismatch {
            mismatches: vec![crate::Mismatch {
                field: "total_amount".into(),
                claimed,
                expected: total,
            }],
        }
        .into());
    }
    next.total_amount = total;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use kedai_core::{Currency, TenantId};

    use super::*;
    use crate::{OrderDetails, OrderId, OrderNumber, OrderType, StatusStamps};

    fn myr(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn order(status: OrderStatus) -> Order {
        let now = chrono::DateTime::UNIX_EPOCH;
        Order {
            id: OrderId::new(),
            tenant_id: TenantId::new(),
            order_number: OrderNumber::new(2026, 1),
            order_type: OrderType::Delivery,
            channel: crate::Channel::Merchant,
            status,
            currency: myr(0).currency(),
            subtotal: myr(5000),
            shipping_fee: myr(500),
            tax_amount: myr(0),
            discount_amount: myr(0),
            total_amount: myr(5500),
            coupon: None,
            payment_status: None,
            tracking_number: None,
            details: OrderDetails::default(),
            created_by: None,
            created_at: now,
            updated_at: now,
            stamps: StatusStamps::default(),
        }
    }

    #[test]
    fn a_hand_entered_coupon_lowers_the_total_and_the_claim_must_agree() {
        let edit = OrderEdit {
            coupon_code: Some(Some("SAVE20".into())),
            coupon_discount: Some(myr(100)),
            total_amount: Some(myr(5400)),
            ..OrderEdit::default()
        };
        let next = apply_edit(&order(OrderStatus::Pending), edit.clone())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(next.total_amount, myr(5400));
        assert_eq!(next.discount_amount, myr(100));
        assert_eq!(
            next.coupon.as_ref().map(|c| c.code.as_str()),
            Some("SAVE20")
        );

        let wrong = OrderEdit {
            total_amount: Some(myr(4900)),
            ..edit
        };
        assert!(matches!(
            apply_edit(&order(OrderStatus::Pending), wrong),
            Err(EditError::Amounts(OrderError::AmountMismatch { mismatches }))
                if mismatches[0].expected == myr(5400)
        ));
    }

    #[test]
    fn removing_the_coupon_keeps_other_discounts() {
        let mut o = order(OrderStatus::Confirmed);
        o.coupon = Some(OrderCoupon {
            coupon_id: None,
            code: "X".into(),
            discount: myr(100),
        });
        o.discount_amount = myr(300);
        o.total_amount = myr(5200);
        let next = apply_edit(
            &o,
            OrderEdit {
                coupon_code: Some(None),
                ..OrderEdit::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(next.discount_amount, myr(200));
        assert_eq!(next.total_amount, myr(5300));
        assert_eq!(next.coupon, None);
    }

    #[test]
    fn amounts_are_locked_after_payment_and_everything_when_closed() {
        let fee = OrderEdit {
            shipping_fee: Some(myr(0)),
            ..OrderEdit::default()
        };
        assert_eq!(
            apply_edit(&order(OrderStatus::Paid), fee.clone()),
            Err(EditError::AmountsLocked {
                field: "shipping_fee",
                status: OrderStatus::Paid
            })
        );
        let notes = OrderEdit {
            notes: Some(Some("leave at door".into())),
            ..OrderEdit::default()
        };
        assert!(apply_edit(&order(OrderStatus::Paid), notes.clone()).is_ok());
        for s in [
            OrderStatus::Completed,
            OrderStatus::Cancelled,
            OrderStatus::Refunded,
        ] {
            assert_eq!(
                apply_edit(&order(s), notes.clone()),
                Err(EditError::Closed(s))
            );
        }
    }

    #[test]
    fn redeemed_coupons_and_early_tracking_numbers_are_refused() {
        let mut o = order(OrderStatus::Pending);
        o.coupon = Some(OrderCoupon {
            coupon_id: Some("c1".into()),
            code: "LUNCH10".into(),
            discount: myr(100),
        });
        let edit = OrderEdit {
            coupon_discount: Some(myr(50)),
            ..OrderEdit::default()
        };
        assert_eq!(apply_edit(&o, edit), Err(EditError::CouponRedeemed));
        let track = OrderEdit {
            tracking_number: Some(Some("T1".into())),
            ..OrderEdit::default()
        };
        assert_eq!(
            apply_edit(&o, track.clone()),
            Err(EditError::TrackingTooEarly(OrderStatus::Pending))
        );
        let shipped =
            apply_edit(&order(OrderStatus::Shipped), track).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(shipped.tracking_number.as_deref(), Some("T1"));
    }

    #[test]
    fn discounts_cannot_exceed_the_order() {
        let edit = OrderEdit {
            other_discount: Some(myr(6000)),
            ..OrderEdit::default()
        };
        assert_eq!(
            apply_edit(&order(OrderStatus::Pending), edit),
            Err(EditError::Amounts(OrderError::NegativeTotal))
        );
    }
}
