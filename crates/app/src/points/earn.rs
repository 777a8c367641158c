//! Points an order earns when it completes, in the transaction that completes it.

use chrono::{DateTime, Utc};
use kedai_core::Money;
use kedai_loyalty::points::MULTIPLIER_ONE;
use kedai_loyalty::{EarningRule, PointsKind};
use kedai_orders::Order;

use super::{expiry_for, post, posting};
use crate::membership::OrderMember;
use crate::{AppError, Author, UnitOfWork};

/// What an order's points are earned on: what the customer paid for the goods — the total
/// less shipping (discounts already off, tax in).
#[must_use]
pub fn earning_spend(order: &Order) -> Money {
    order
        .total_amount
        .checked_sub(order.shipping_fee)
        .unwrap_or(order.total_amount)
}

/// Credits the points a completed order earns to its customer under the merchant's rule and
/// the customer's tier multiplier. Nothing for an order of a type or channel the rule leaves
/// out, or worth no whole point; and nothing a second time for the same order.
///
/// # Errors
/// [`AppError::Storage`].
pub fn earn_for_order(
    tx: &mut dyn UnitOfWork,
    author: Author,
    order: &Order,
    member: &OrderMember,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let stored = tx.earning_rule(author.tenant)?;
    let rule = stored
        .clone()
        .unwrap_or_else(|| EarningRule::standard(order.currency));
    if !rule.applies_to(order.order_type, order.channel) {
        return Ok(());
    }
    let multiplier = member
        .tier()
        .map_or(MULTIPLIER_ONE, |t| t.draft.points_multiplier);
    let points = rule.points_for(earning_spend(order), multiplier);
    if points <= 0 {
        return Ok(());
    }
    let mut p = posting(
        author,
        member.customer.id,
        points,
        PointsKind::Earn,
        format!("Order {}", order.order_number.as_str()),
        Some(order.id.to_string()),
        now,
    );
    p.expires_at = expiry_for(stored.as_ref(), &member.merchant, now);
    post(tx, &p)?;
    Ok(())
}
