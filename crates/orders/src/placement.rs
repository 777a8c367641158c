//! Where an order's unit prices come from. Every surface places orders through one pipeline;
//! the price source is one of the few things that differ between them, and it is data.

use kedai_core::Money;

use crate::{LineInput, Mismatch, OrderError, is_price_override};

/// Where the unit prices of an order come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceSource {
    /// The caller sets each unit price (000's edge `order-create`, for counters that price
    /// by hand). A line without one is sold at the catalogue's price; a price below the
    /// catalogue's is an override, which needs a permission and is audited.
    Given,
    /// The catalogue's price for this order (the list price, or the storefront's discount or
    /// member price). A unit price the caller shows must equal it (003 §13.1).
    Catalogue,
}

/// One line to price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineToPrice {
    /// Units.
    pub quantity: i64,
    /// What the catalogue charges for one unit in this order.
    pub catalogue: Money,
    /// The unit price the caller sent, if any.
    pub given: Option<Money>,
    /// The line total the caller computed, if any (checked, never trusted).
    pub claimed_total: Option<Money>,
}

/// The lines, priced, ready for [`crate::price_order`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePrices {
    /// One input per line, in request order.
    pub lines: Vec<LineInput>,
    /// The positions of the lines sold below their catalogue price.
    pub overrides: Vec<usize>,
}

/// Sets each line's unit price from `source`. `field` names a line's unit-price field in the
/// caller's words (`items[0].unit_price`).
///
/// # Errors
/// [`OrderError::AmountMismatch`] listing every shown price that is not the catalogue's (for
/// [`PriceSource::Catalogue`]).
pub fn price_lines(
    source: PriceSource,
    lines: &[LineToPrice],
    field: impl Fn(usize) -> String,
) -> Result<LinePrices, OrderError> {
    let mut priced = Vec::with_capacity(lines.len());
    let mut overrides = Vec::new();
    let mut mismatches = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let unit_price = match (source, line.given) {
            (PriceSource::Given, Some(given)) => {
                if is_price_override(given, line.catalogue) {
                    overrides.push(i);
                }
                given
            }
            (PriceSource::Catalogue, Some(shown)) if shown != line.catalogue => {
                mismatches.push(Mismatch {
                    field: field(i),
                    claimed: shown,
                    expected: line.catalogue,
                });
                line.catalogue
            }
            _ => line.catalogue,
        };
        priced.push(LineInput {
            quantity: line.quantity,
            unit_price,
            claimed_total: line.claimed_total,
        });
    }
    if !mismatches.is_empty() {
        return Err(OrderError::AmountMismatch { mismatches });
    }
    Ok(LinePrices {
        lines: priced,
        overrides,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::Currency;

    fn myr(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn line(catalogue: i64, given: Option<i64>) -> LineToPrice {
        LineToPrice {
            quantity: 2,
            catalogue: myr(catalogue),
            given: given.map(myr),
            claimed_total: None,
        }
    }

    fn field(i: usize) -> String {
        format!("items[{i}].unit_price")
    }

    #[test]
    fn given_prices_are_charged_and_those_below_the_catalogue_are_overrides() {
        let priced = price_lines(
            PriceSource::Given,
            &[line(500, Some(1)), line(500, Some(600)), line(500, None)],
            field,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let units: Vec<i64> = priced.lines.iter().map(|l| l.unit_price.minor()).collect();
        assert_eq!(units, [1, 600, 500]);
        assert_eq!(priced.overrides, [0]);
    }

    #[test]
    fn catalogue_prices_are_charged_and_a_different_shown_price_is_named() {
        let priced = price_lines(
            PriceSource::Catalogue,
            &[line(500, Some(500)), line(300, None)],
            field,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let units: Vec<i64> = priced.lines.iter().map(|l| l.unit_price.minor()).collect();
        assert_eq!(units, [500, 300]);
        assert!(priced.overrides.is_empty());

        let refused = price_lines(
            PriceSource::Catalogue,
            &[line(500, Some(1)), line(300, None), line(200, Some(250))],
            field,
        );
        let Err(OrderError::AmountMismatch { mismatches }) = refused else {
            panic!("{refused:?}");
        };
        let named: Vec<(&str, i64, i64)> = mismatches
            .iter()
            .map(|m| (m.field.as_str(), m.claimed.minor(), m.expected.minor()))
            .collect();
        assert_eq!(
            named,
            [
                ("items[0].unit_price", 1, 500),
                ("items[2].unit_price", 250, 200)
            ]
        );
    }
}
