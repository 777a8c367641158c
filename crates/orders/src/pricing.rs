//! Amount rules: item total = quantity × unit price; subtotal = Σ item totals;
//! total = subtotal + shipping + tax − discount. Figures a client sends are checked, never trusted.

use kedai_core::{Currency, Money};

use crate::OrderError;

/// One requested line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    /// Units ordered; must be positive.
    pub quantity: i64,
    /// Price of one unit; must not be negative.
    pub unit_price: Money,
    /// The line total the client computed, if it sent one.
    pub claimed_total: Option<Money>,
}

/// Order-level charges and discount, all non-negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charges {
    /// Shipping fee.
    pub shipping_fee: Money,
    /// Tax.
    pub tax_amount: Money,
    /// Discount.
    pub discount_amount: Money,
}

impl Charges {
    /// No shipping, tax or discount.
    #[must_use]
    pub const fn none(currency: Currency) -> Self {
        Self {
            shipping_fee: Money::zero(currency),
            tax_amount: Money::zero(currency),
            discount_amount: Money::zero(currency),
        }
    }
}

/// Order-level figures the client computed, if it sent them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Claimed {
    /// Claimed subtotal.
    pub subtotal: Option<Money>,
    /// Claimed total.
    pub total: Option<Money>,
}

/// A figure that disagrees with the computed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The request field, e.g. `items[1].total_price` or `total_amount`.
    pub field: String,
    /// What the client sent.
    pub claimed: Money,
    /// What the rules give.
    pub expected: Money,
}

/// A priced line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedLine {
    /// Units.
    pub quantity: i64,
    /// Unit price.
    pub unit_price: Money,
    /// quantity × unit price.
    pub total: Money,
}

/// The computed amounts of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOrder {
    /// Lines in request order.
    pub lines: Vec<PricedLine>,
    /// Σ line totals.
    pub subtotal: Money,
    /// Shipping fee.
    pub shipping_fee: Money,
    /// Tax.
    pub tax_amount: Money,
    /// Discount.
    pub discount_amount: Money,
    /// subtotal + shipping + tax − discount.
    pub total: Money,
}

/// Prices an order and checks every figure the client sent.
///
/// # Errors
/// [`OrderError::NoItems`], [`OrderError::InvalidQuantity`], [`OrderError::NegativeAmount`],
/// [`OrderError::NegativeTotal`], [`OrderError::AmountMismatch`] (listing every disagreeing
/// figure with its expected value) or [`OrderError::Money`] on overflow.
pub fn price_order(
    lines: &[LineInput],
    charges: Charges,
    claimed: Claimed,
) -> Result<PricedOrder, OrderError> {
    let first = lines.first().ok_or(OrderError::NoItems)?;
    let currency = first.unit_price.currency();
    let negative = |field: &str, m: Money| {
        if m.is_negative() {
            Err(OrderError::NegativeAmount {
                field: field.to_owned(),
            })
        } else {
            Ok(())
        }
    };
    negative("shipping_fee", charges.shipping_fee)?;
    negative("tax_amount", charges.tax_amount)?;
    negative("discount_amount", charges.discount_amount)?;

    let mut mismatches = Vec::new();
    let mut priced = Vec::with_capacity(lines.len());
    let mut subtotal = Money::zero(currency);
    for (index, line) in lines.iter().enumerate() {
        if line.quantity <= 0 {
            return Err(OrderError::InvalidQuantity { index });
        }
        negative(&format!("items[{index}].unit_price"), line.unit_price)?;
        let total = line.unit_price.checked_mul(line.quantity)?;
        if let Some(claimed) = line.claimed_total.filter(|c| *c != total) {
            mismatches.push(Mismatch {
                field: format!("items[{index}].total_price"),
                claimed,
                expected: total,
            });
        }
        subtotal = subtotal.checked_add(total)?;
        priced.push(PricedLine {
            quantity: line.quantity,
            unit_price: line.unit_price,
            total,
        });
    }
    let total = subtotal
        .checked_add(charges.shipping_fee)?
        .checked_add(charges.tax_amount)?
        .checked_sub(charges.discount_amount)?;
    if total.is_negative() {
        return Err(OrderError::NegativeTotal);
    }
    for (field, claim, expected) in [
        ("subtotal", claimed.subtotal, subtotal),
        ("total_amount", claimed.total, total),
    ] {
        if let Some(claimed) = claim.filter(|c| *c != expected) {
            mismatches.push(Mismatch {
                field: field.to_owned(),
                claimed,
                expected,
            });
        }
    }
    if !mismatches.is_empty() {
        return Err(OrderError::AmountMismatch { mismatches });
    }
    Ok(PricedOrder {
        lines: priced,
        subtotal,
        shipping_fee: charges.shipping_fee,
        tax_amount: charges.tax_amount,
        discount_amount: charges.discount_amount,
        total,
    })
}

/// Whether a line sold at `unit_price` is below its catalogue `list_price`: a price override,
/// which needs a permission (000 lets the caller set prices, not give goods away).
#[must_use]
pub fn is_price_override(unit_price: Money, list_price: Money) -> bool {
    unit_price.currency() == list_price.currency() && unit_price.minor() < list_price.minor()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn myr() -> Currency {
        Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"))
    }

    fn m(minor: i64) -> Money {
        Money::from_minor(minor, myr())
    }

    fn line(quantity: i64, unit: i64) -> LineInput {
        LineInput {
            quantity,
            unit_price: m(unit),
            claimed_total: None,
        }
    }

    #[test]
    fn the_002_example_adds_up() {
        let charges = Charges {
            shipping_fee: m(50_000),
            ..Charges::none(myr())
        };
        let claimed = Claimed {
            subtotal: Some(m(500_000)),
            total: Some(m(550_000)),
        };
        let lines = [line(2, 200_000), line(1, 100_000)];
        let priced = price_order(&lines, charges, claimed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(priced.subtotal, m(500_000));
        assert_eq!(priced.total, m(550_000));
        assert_eq!(priced.lines[0].total, m(400_000));
    }

    #[test]
    fn disagreeing_figures_are_all_reported_with_expected_values() {
        let mut lines = vec![line(2, 1490)];
        lines[0].claimed_total = Some(m(2900));
        let claimed = Claimed {
            subtotal: Some(m(2900)),
            total: Some(m(3000)),
        };
        let err = price_order(&lines, Charges::none(myr()), claimed);
        let Err(OrderError::AmountMismatch { mismatches }) = err else {
            panic!("expected a mismatch, got {err:?}");
        };
        let fields: Vec<_> = mismatches
            .iter()
            .map(|m| (m.field.as_str(), m.expected))
            .collect();
        assert_eq!(
            fields,
            [
                ("items[0].total_price", m(2980)),
                ("subtotal", m(2980)),
                ("total_amount", m(2980))
            ]
        );
    }

    #[test]
    fn rejects_bad_lines_and_charges() {
        let none = Charges::none(myr());
        assert_eq!(
            price_order(&[], none, Claimed::default()),
            Err(OrderError::NoItems)
        );
        assert_eq!(
            price_order(&[line(1, 100), line(0, 100)], none, Claimed::default()),
            Err(OrderError::InvalidQuantity { index: 1 })
        );
        assert_eq!(
            price_order(&[line(-2, 100)], none, Claimed::default()),
            Err(OrderError::InvalidQuantity { index: 0 })
        );
        assert!(matches!(
            price_order(&[line(1, -1)], none, Claimed::default()),
            Err(OrderError::NegativeAmount { .. })
        ));
        let big_discount = Charges {
            discount_amount: m(101),
            ..none
        };
        assert_eq!(
            price_order(&[line(1, 100)], big_discount, Claimed::default()),
            Err(OrderError::NegativeTotal)
        );
        assert!(matches!(
            price_order(&[line(i64::MAX, 2)], none, Claimed::default()),
            Err(OrderError::Money(_))
        ));
    }

    proptest! {
        #[test]
        fn total_is_subtotal_plus_charges_minus_discount(
            items in proptest::collection::vec((1_i64..1000, 0_i64..1_000_000), 1..20),
            shipping in 0_i64..10_000, tax in 0_i64..10_000,
        ) {
            let lines: Vec<_> = items.iter().map(|(q, p)| line(*q, *p)).collect();
            let charges = Charges { shipping_fee: m(shipping), tax_amount: m(tax), discount_amount: m(0) };
            let priced = price_order(&lines, charges, Claimed::default());
            let priced = priced.map_err(|e| TestCaseError::fail(e.to_string()))?;
            let subtotal: i64 = items.iter().map(|(q, p)| q * p).sum();
            prop_assert_eq!(priced.subtotal.minor(), subtotal);
            prop_assert_eq!(priced.total.minor(), subtotal + shipping + tax);
        }
    }

    #[test]
    fn only_a_price_below_the_catalogue_is_an_override() {
        let myr = Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"));
        let m = |minor| Money::from_minor(minor, myr);
        assert!(is_price_override(m(1), m(500)));
        assert!(is_price_override(m(499), m(500)));
        assert!(!is_price_override(m(500), m(500)));
        assert!(!is_price_override(m(650), m(500)));
    }
}
