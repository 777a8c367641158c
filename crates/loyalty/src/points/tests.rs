use chrono::{DateTime, Duration, TimeZone as _, Utc};
use kedai_core::{Currency, Money, TimeZone};
use kedai_orders::{Channel, OrderType};
use proptest::prelude::*;

use super::*;

fn myr() -> Currency {
    Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e:?}"))
}

fn rule(points: i64, per_minor: i64, rounding: Rounding) -> EarningRule {
    EarningRule {
        points,
        per_amount: Money::from_minor(per_minor, myr()),
        rounding,
        ..EarningRule::standard(myr())
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .with_timezone(&Utc)
}

#[test]
fn the_standard_rule_earns_a_point_per_currency_unit_rounded_down() {
    let r = EarningRule::standard(myr());
    assert_eq!(r.points_for(Money::from_minor(2_990, myr()), 100), 29);
    assert_eq!(r.points_for(Money::from_minor(3_000, myr()), 100), 30);
    assert_eq!(r.points_for(Money::from_minor(99, myr()), 100), 0);
    let yen = Currency::from_code("JPY").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(EarningRule::standard(yen).per_amount.minor(), 1);
}

#[test]
fn rounding_and_multipliers() {
    // 5 points per MYR 10.00 on MYR 27.00 is 13.5 points.
    let spend = Money::from_minor(2_700, myr());
    assert_eq!(rule(5, 1_000, Rounding::Down).points_for(spend, 100), 13);
    assert_eq!(rule(5, 1_000, Rounding::Nearest).points_for(spend, 100), 14);
    assert_eq!(rule(5, 1_000, Rounding::Up).points_for(spend, 100), 14);
    // A Gold member's 1.5× on 13.5 is 20.25.
    assert_eq!(rule(5, 1_000, Rounding::Down).points_for(spend, 150), 20);
    assert_eq!(rule(5, 1_000, Rounding::Nearest).points_for(spend, 150), 20);
    assert_eq!(rule(5, 1_000, Rounding::Up).points_for(spend, 150), 21);
    // Nothing for nothing, for refunds, or in another currency.
    let r = rule(1, 100, Rounding::Up);
    assert_eq!(r.points_for(Money::zero(myr()), 100), 0);
    assert_eq!(r.points_for(Money::from_minor(-500, myr()), 100), 0);
    let sgd = Currency::from_code("SGD").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(r.points_for(Money::from_minor(500, sgd), 100), 0);
}

#[test]
fn the_rule_names_the_orders_that_earn() {
    let mut r = EarningRule::standard(myr());
    r.order_types = vec![OrderType::Pickup, OrderType::DineIn];
    r.channels = vec![Channel::Online];
    assert!(r.applies_to(OrderType::Pickup, Channel::Online));
    assert!(!r.applies_to(OrderType::Delivery, Channel::Online));
    assert!(!r.applies_to(OrderType::Pickup, Channel::Merchant));
    r.enabled = false;
    assert!(!r.applies_to(OrderType::Pickup, Channel::Online));
}

#[test]
fn a_rule_reports_every_bad_field() {
    let mut r = rule(0, 0, Rounding::Down);
    r.order_types.clear();
    r.channels.clear();
    r.expiry_months = Some(121);
    let fields: Vec<_> = r
        .check()
        .err()
        .unwrap_or_else(|| panic!("accepted"))
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        [
            "points",
            "per_amount",
            "order_types",
            "channels",
            "expiry_months"
        ]
    );
    let mut dup = EarningRule::standard(myr());
    dup.channels = vec![Channel::Online, Channel::Online];
    assert_eq!(
        dup.check().unwrap_or_else(|e| panic!("{e:?}")).channels,
        vec![Channel::Online]
    );
}

#[test]
fn multipliers_parse_in_hundredths_up_to_ten() {
    assert_eq!(parse_multiplier("1"), Ok(100));
    assert_eq!(parse_multiplier("1.5"), Ok(150));
    assert_eq!(parse_multiplier("10"), Ok(1_000));
    assert!(parse_multiplier("10.01").is_err());
    assert!(parse_multiplier("0").is_err());
    assert!(parse_multiplier("-1").is_err());
    assert!(parse_multiplier("1.555").is_err());
    assert!(parse_multiplier("abc").is_err());
}

#[test]
fn manual_changes_are_checked() {
    assert_eq!(
        check_change(100, Some(" Purchase reward "), Some(" ord_1 "), false),
        Ok(Change {
            points: 100,
            reason: "Purchase reward".into(),
            reference: Some("ord_1".into())
        })
    );
    let fields = |r: Result<Change, FieldErrors>| {
        r.err()
            .unwrap_or_else(|| panic!("accepted"))
            .into_iter()
            .map(|(f, _)| f)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        fields(check_change(0, None, None, true)),
        ["points", "reason"]
    );
    assert_eq!(fields(check_change(-5, Some("x"), None, false)), ["points"]);
    assert!(check_change(-5, Some("correction"), None, true).is_ok());
    assert_eq!(
        fields(check_change(
            MAX_POINTS_PER_ENTRY + 1,
            Some("x"),
            None,
            true
        )),
        ["points"]
    );
    let long = "r".repeat(REFERENCE_MAX + 1);
    assert_eq!(
        fields(check_change(1, Some("x"), Some(&long), true)),
        ["reference_no"]
    );
}

#[test]
fn points_expire_at_the_end_of_the_local_day_months_later() {
    let kl: TimeZone = "Asia/Kuala_Lumpur"
        .parse()
        .unwrap_or_else(|e| panic!("{e:?}"));
    // 04:00 on 1 February in Kuala Lumpur; a month later ends with 1 March, local.
    let earned = at("2026-01-31T20:00:00Z");
    assert_eq!(expires_at(earned, 1, kl), at("2026-03-01T16:00:00Z"));
    // 31 January plus one month is the last day of February.
    let earned = at("2026-01-31T03:00:00Z");
    assert_eq!(expires_at(earned, 1, kl), at("2026-02-28T16:00:00Z"));
    // New York springs forward on 8 March 2026: a day earned in EST ends in EDT.
    let ny: TimeZone = "America/New_York"
        .parse()
        .unwrap_or_else(|e| panic!("{e:?}"));
    let earned = at("2026-02-08T15:00:00Z");
    assert_eq!(expires_at(earned, 1, ny), at("2026-03-09T04:00:00Z"));
    // And falls back on 1 November.
    let earned = at("2026-10-01T15:00:00Z");
    assert_eq!(expires_at(earned, 1, ny), at("2026-11-02T05:00:00Z"));
}

#[test]
fn what_is_spent_comes_from_the_soonest_expiring_credits() {
    let t = |d: i64| {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("a time"))
            + Duration::days(d)
    };
    let position = ExpiryPosition {
        credits: vec![
            Credit {
                points: 50,
                expires_at: None,
            },
            Credit {
                points: 100,
                expires_at: Some(t(30)),
            },
            Credit {
                points: 80,
                expires_at: Some(t(10)),
            },
        ],
        debited: 90,
    };
    // The 80 expiring on day 10 were spent first, then 10 of the 100 expiring on day 30.
    assert_eq!(position.due(t(9)), 0);
    assert_eq!(position.due(t(10)), 0);
    assert_eq!(position.next_expiry(t(10)), Some(t(30)));
    assert_eq!(position.due(t(30)), 90);
    // Once the 90 are written off, nothing more is due and nothing else expires.
    let after = ExpiryPosition {
        debited: 180,
        ..position
    };
    assert_eq!(after.due(t(30)), 0);
    assert_eq!(after.next_expiry(t(30)), None);
}

fn credits() -> impl Strategy<Value = Vec<(i64, Option<i64>)>> {
    prop::collection::vec((1_i64..10_000, prop::option::of(0_i64..400)), 0..20)
}

proptest! {
    #[test]
    fn rounding_brackets_the_exact_points(
        spend in 0_i64..100_000_000,
        points in 1_i64..=MAX_POINTS_PER_STEP,
        per in 1_i64..1_000_000,
        multiplier in 1_i64..=MAX_MULTIPLIER,
    ) {
        let spend = Money::from_minor(spend, myr());
        let down = rule(points, per, Rounding::Down).points_for(spend, multiplier);
        let nearest = rule(points, per, Rounding::Nearest).points_for(spend, multiplier);
        let up = rule(points, per, Rounding::Up).points_for(spend, multiplier);
        prop_assert!(down <= nearest && nearest <= up && up - down <= 1);
        // down ≤ exact < down + 1, with exact = spend × points × multiplier / (per × 100).
        let num = i128::from(spend.minor()) * i128::from(points) * i128::from(multiplier);
        let den = i128::from(per) * 100;
        prop_assert!(i128::from(down) * den <= num && num < (i128::from(down) + 1) * den);
        prop_assert_eq!(up > down, num % den != 0);
    }

    #[test]
    fn more_spend_never_earns_less(
        a in 0_i64..10_000_000,
        b in 0_i64..10_000_000,
        per in 1_i64..100_000,
        multiplier in 1_i64..=MAX_MULTIPLIER,
    ) {
        let r = rule(3, per, Rounding::Down);
        let earn = |m| r.points_for(Money::from_minor(m, myr()), multiplier);
        prop_assert!(earn(a.min(b)) <= earn(a.max(b)));
        // Splitting an order never earns more than the whole rounded down.
        prop_assert!(earn(a) + earn(b) <= earn(a + b));
    }

    #[test]
    fn expiry_takes_what_is_left_and_only_once(
        credits in credits(),
        spent in 0_i64..200_000,
        now in 0_i64..400,
        later in 0_i64..400,
    ) {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_else(|| panic!("a time"));
        let credits: Vec<Credit> = credits
            .into_iter()
            .map(|(points, days)| Credit { points, expires_at: days.map(|d| t0 + Duration::days(d)) })
            .collect();
        let total: i64 = credits.iter().map(|c| c.points).sum();
        let debited = spent.min(total);
        let position = ExpiryPosition { credits, debited };
        let now = t0 + Duration::days(now);
        let due = position.due(now);
        // Never more than the balance.
        prop_assert!(due >= 0 && due <= total - debited);
        // Expiring again at the same moment takes nothing more.
        let after = ExpiryPosition { debited: debited + due, ..position.clone() };
        prop_assert_eq!(after.due(now), 0);
        // Later, never less is due.
        let later = now.max(t0 + Duration::days(later));
        prop_assert!(position.due(later) >= due);
        // The next expiry is in the future.
        if let Some(next) = after.next_expiry(now) {
            prop_assert!(next > now);
            prop_assert!(after.due(next) > 0);
        }
    }
}
