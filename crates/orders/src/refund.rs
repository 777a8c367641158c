//! Refunds of completed orders (returns): money given back after completion, by amount or by
//! lines, never more than was paid. A line gives back its goods value net of its share of the
//! order's discount, in proportion to the units returned (rounding so that returning every
//! unit, in any number of refunds, gives back exactly the line's net value); shipping and tax
//! come back only by amount. The order keeps its status.

use chrono::{DateTime, Utc};
use kedai_core::{Money, StorageError, TenantId, uuid_id};

use crate::{OrderId, OrderItemId, PaymentId};

uuid_id!(
    /// A refund of a completed order.
    RefundId
);

/// A line to return, as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnLine {
    /// The order line.
    pub item_id: OrderItemId,
    /// Units returned.
    pub quantity: i64,
    /// Whether the units go back into the lots they came from.
    pub restock: bool,
}

/// An order line as a refund sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundableLine {
    /// The line.
    pub item_id: OrderItemId,
    /// Units sold.
    pub quantity: i64,
    /// Units already returned.
    pub returned: i64,
    /// What the line was paid: its total less its share of the order discount.
    pub net: Money,
}

/// A returned line, priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundedLine {
    /// The order line.
    pub item_id: OrderItemId,
    /// Units returned.
    pub quantity: i64,
    /// Its share of the money given back.
    pub amount: Money,
    /// Whether the units went back into stock.
    pub restock: bool,
}

/// A refund as decided: the money and the lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPlan {
    /// Money given back.
    pub amount: Money,
    /// Lines returned.
    pub lines: Vec<RefundedLine>,
}

/// Why a refund cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    /// Neither an amount nor lines.
    #[error("give an amount, lines, or both")]
    NothingAsked,
    /// An amount of zero or less.
    #[error("amount must be greater than 0")]
    AmountNotPositive,
    /// More than is left to refund.
    #[error("at most {left} is left to refund")]
    TooMuch {
        /// What is left.
        left: Money,
    },
    /// A line that is not the order's, or named twice.
    #[error("lines[{index}]: not a line of this order, or named twice")]
    UnknownLine {
        /// Its position in the request.
        index: usize,
    },
    /// A quantity of zero or less, or more than is left of the line.
    #[error("lines[{index}]: quantity must be between 1 and {left}")]
    LineQuantity {
        /// Its position in the request.
        index: usize,
        /// Units left to return.
        left: i64,
    },
}

/// The net value of `units` more returned units of a line after `before` were, rounded so that
/// the shares of every unit add up to the line's net value.
fn line_share(line: &RefundableLine, before: i64, units: i64) -> Money {
    let at = |n: i64| {
        if line.quantity <= 0 {
            return 0;
        }
        let v = i128::from(line.net.minor()) * i128::from(n) / i128::from(line.quantity);
        i64::try_from(v).unwrap_or(i64::MAX)
    };
    Money::from_minor(at(before + units) - at(before), line.net.currency())
}

/// Decides a refund: the lines returned (each of the order, once, within what is left of it),
/// each priced at its net value in proportion to the units returned, and the money — the amount asked, or the lines' total — above
/// zero and within what is left of `paid` after `refunded`.
///
/// # Errors
/// [`RefundError`].
pub fn plan_refund(
    paid: Money,
    refunded: Money,
    lines: &[RefundableLine],
    asked_lines: &[ReturnLine],
    asked_amount: Option<Money>,
) -> Result<RefundPlan, RefundError> {
    if asked_lines.is_empty() && asked_amount.is_none() {
        return Err(RefundError::NothingAsked);
    }
    let currency = paid.currency();
    let mut planned = Vec::with_capacity(asked_lines.len());
    let mut lines_total: i64 = 0;
    for (index, asked) in asked_lines.iter().enumerate() {
        let line = lines
            .iter()
            .find(|l| l.item_id == asked.item_id)
            .filter(|_| {
                !asked_lines[..index]
                    .iter()
                    .any(|a| a.item_id == asked.item_id)
            })
            .ok_or(RefundError::UnknownLine { index })?;
        let left = (line.quantity - line.returned).max(0);
        if asked.quantity <= 0 || asked.quantity > left {
            return Err(RefundError::LineQuantity { index, left });
        }
        let amount = line_share(line, line.returned, asked.quantity);
        lines_total = lines_total.saturating_add(amount.minor());
        planned.push(RefundedLine {
            item_id: asked.item_id,
            quantity: asked.quantity,
            amount,
            restock: asked.restock,
        });
    }
    let amount = asked_amount.unwrap_or_else(|| Money::from_minor(lines_total, currency));
    if !amount.is_positive() {
        return Err(RefundError::AmountNotPositive);
    }
    let left = Money::from_minor((paid.minor() - refunded.minor()).max(0), currency);
    if amount.currency() != currency || amount.minor() > left.minor() {
        return Err(RefundError::TooMuch { left });
    }
    Ok(RefundPlan {
        amount,
        lines: planned,
    })
}

/// A recorded refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// Id.
    pub id: RefundId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The order.
    pub order_id: OrderId,
    /// The refund's payment record (status `refunded`), which the gateway refund follows.
    pub payment_id: PaymentId,
    /// Money given back.
    pub amount: Money,
    /// Why.
    pub reason: Option<String>,
    /// Lines returned.
    pub lines: Vec<RefundedLine>,
    /// Points taken back from the customer.
    pub points_reversed: i64,
    /// Who gave it.
    pub created_by: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Units returned so far, per order line that has had any.
pub type Returned = Vec<(OrderItemId, i64)>;

/// Refunds in storage.
pub trait RefundRepository {
    /// Claims a refund on an order, guarded: the order must still be completed, what it has
    /// refunded plus `amount` must stay within its total, and each line's returned units
    /// within its quantity. Returns what the order has refunded with this claim, or `None`
    /// when a guard fails (a concurrent refund got there first; the caller rolls back). The
    /// claim holds the order until the transaction ends, so what is read after it is current.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn claim_refund(
        &mut self,
        tenant: TenantId,
        order: OrderId,
        amount: Money,
        lines: &[RefundedLine],
        at: DateTime<Utc>,
    ) -> Result<Option<Money>, StorageError>;

    /// Writes a claimed refund and its `refunded` payment record.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_refund(
        &mut self,
        refund: &Refund,
        payment: &crate::Payment,
    ) -> Result<(), StorageError>;

    /// An order's refunds, oldest first, and what each line has had returned.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn refunds(
        &mut self,
        tenant: TenantId,
        order: OrderId,
    ) -> Result<(Vec<Refund>, Returned), StorageError>;
}

#[cfg(test)]
mod tests {
    use kedai_core::Currency;
    use proptest::prelude::*;

    use super::*;

    fn myr(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn line(quantity: i64, returned: i64, net: i64) -> RefundableLine {
        RefundableLine {
            item_id: OrderItemId::new(),
            quantity,
            returned,
            net: myr(net),
        }
    }

    fn ret(l: &RefundableLine, quantity: i64) -> ReturnLine {
        ReturnLine {
            item_id: l.item_id,
            quantity,
            restock: false,
        }
    }

    #[test]
    fn lines_give_back_their_net_value_in_proportion() {
        // Three lattes net of discount 40.00: one unit is 13.33, all three 40.00.
        let latte = line(3, 0, 4_000);
        let plan = plan_refund(myr(4_500), myr(0), &[latte], &[ret(&latte, 1)], None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.amount, myr(1_333));
        let after = RefundableLine {
            returned: 1,
            ..latte
        };
        let plan = plan_refund(myr(4_500), myr(1_333), &[after], &[ret(&after, 2)], None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.amount, myr(2_667));
    }

    #[test]
    fn amounts_and_refusals() {
        let latte = line(2, 1, 2_000);
        let plan = |lines: &[ReturnLine], amount: Option<i64>, refunded: i64| {
            plan_refund(myr(2_500), myr(refunded), &[latte], lines, amount.map(myr))
        };
        assert_eq!(plan(&[], None, 0), Err(RefundError::NothingAsked));
        assert_eq!(plan(&[], Some(0), 0), Err(RefundError::AmountNotPositive));
        assert_eq!(plan(&[], Some(-1), 0), Err(RefundError::AmountNotPositive));
        assert_eq!(
            plan(&[], Some(2_001), 500),
            Err(RefundError::TooMuch { left: myr(2_000) })
        );
        // Shipping comes back by amount: the whole rest of the total.
        assert_eq!(plan(&[], Some(2_500), 0).map(|p| p.amount), Ok(myr(2_500)));
        assert_eq!(
            plan(&[ret(&latte, 2)], None, 0),
            Err(RefundError::LineQuantity { index: 0, left: 1 })
        );
        assert_eq!(
            plan(&[ret(&latte, 0)], None, 0),
            Err(RefundError::LineQuantity { index: 0, left: 1 })
        );
        assert_eq!(
            plan(&[ret(&latte, 1), ret(&latte, 1)], None, 0),
            Err(RefundError::UnknownLine { index: 1 })
        );
        let stranger = line(1, 0, 100);
        assert_eq!(
            plan(&[ret(&stranger, 1)], None, 0),
            Err(RefundError::UnknownLine { index: 0 })
        );
        // Lines with an amount of the merchant's choosing.
        let p = plan(&[ret(&latte, 1)], Some(500), 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((p.amount, p.lines[0].amount), (myr(500), myr(1_000)));
    }

    proptest! {
        #[test]
        fn returning_every_unit_gives_back_exactly_the_net(
            quantity in 1_i64..50,
            net in 0_i64..1_000_000,
            cuts in prop::collection::vec(1_i64..10, 1..20),
        ) {
            let mut l = line(quantity, 0, net);
            let mut total = 0;
            for cut in cuts {
                let left = l.quantity - l.returned;
                if left == 0 {
                    break;
                }
                let units = cut.min(left);
                let share = line_share(&l, l.returned, units);
                prop_assert!(share.minor() >= 0);
                total += share.minor();
                l.returned += units;
            }
            let rest = line_share(&l, l.returned, l.quantity - l.returned);
            prop_assert_eq!(total + rest.minor(), net);
        }

        #[test]
        fn refunds_never_pass_what_was_paid(
            paid in 1_i64..1_000_000,
            asks in prop::collection::vec(1_i64..400_000, 1..12),
        ) {
            let mut refunded = 0;
            for ask in asks {
                match plan_refund(myr(paid), myr(refunded), &[], &[], Some(myr(ask))) {
                    Ok(p) => refunded += p.amount.minor(),
                    Err(RefundError::TooMuch { left }) => prop_assert!(ask > left.minor()),
                    Err(e) => prop_assert!(false, "{e}"),
                }
                prop_assert!(refunded <= paid);
            }
        }
    }
}
