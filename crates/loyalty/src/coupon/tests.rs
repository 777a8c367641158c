//! Unit tests of coupons: codes, percentages, drafts and the discount rules.

use super::*;
use chrono::{DateTime, TimeZone, Utc};
use kedai_core::{Currency, Money, TenantId};
use proptest::prelude::*;

fn myr() -> Currency {
    Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"))
}

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, day, 12, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("bad date"))
}

fn rm(minor: i64) -> Money {
    Money::from_minor(minor, myr())
}

fn lunch10() -> Coupon {
    CouponDraft {
        title: "10% OFF Lunch Promo".into(),
        code: " lunch10 ".into(),
        discount_type: DiscountType::Percentage,
        discount_value: 1000,
        min_cart_total: None,
        max_discount: None,
        valid_from: Some(at(15)),
        valid_to: Some(at(25)),
        usage_limit: Some(500),
        applicable_outlet_ids: vec![],
    }
    .into_coupon(CouponId::new(), TenantId::new(), myr(), None, at(1))
    .unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn ten_percent_of_29_80_is_2_98() {
    let c = lunch10();
    assert_eq!(c.code.as_str(), "LUNCH10");
    assert_eq!(c.discount_for(at(20), None, rm(2980)), Ok(rm(298)));
}

#[test]
fn percentages_round_half_up_and_respect_the_cap_and_the_total() {
    let mut c = lunch10();
    c.discount_value = 1250; // 12.5%
    assert_eq!(c.discount_for(at(20), None, rm(100)), Ok(rm(13))); // 12.5 → 13
    assert_eq!(c.discount_for(at(20), None, rm(99)), Ok(rm(12))); // 12.375 → 12
    c.max_discount = Some(rm(500));
    assert_eq!(c.discount_for(at(20), None, rm(100_000)), Ok(rm(500)));
    c.discount_value = MAX_PERCENT_HUNDREDTHS;
    c.max_discount = None;
    assert_eq!(c.discount_for(at(20), None, rm(2980)), Ok(rm(2980)));
    assert_eq!(c.discount_for(at(20), None, rm(0)), Ok(rm(0)));
}

#[test]
fn fixed_discounts_never_exceed_the_cart() {
    let mut c = lunch10();
    c.discount_type = DiscountType::Fixed;
    c.discount_value = 500;
    assert_eq!(c.discount_for(at(20), None, rm(2980)), Ok(rm(500)));
    assert_eq!(c.discount_for(at(20), None, rm(300)), Ok(rm(300)));
    c.max_discount = Some(rm(200));
    assert_eq!(c.discount_for(at(20), None, rm(2980)), Ok(rm(200)));
}

#[test]
fn rejections_in_order() {
    let c = lunch10();
    let cart = rm(2980);
    // The window is inclusive at both ends.
    assert!(c.discount_for(at(15), None, cart).is_ok());
    assert!(c.discount_for(at(25), None, cart).is_ok());
    let early = c.discount_for(at(14), None, cart);
    assert_eq!(early, Err(CouponRejection::NotYetValid(at(15))));
    assert!(!early.err().is_some_and(|r| r.is_expiry()));
    let late = c.discount_for(at(26), None, cart);
    assert_eq!(late, Err(CouponRejection::Expired(at(25))));
    assert!(late.err().is_some_and(|r| r.is_expiry()));

    let mut used_up = c.clone();
    used_up.used_count = 500;
    assert_eq!(
        used_up.discount_for(at(20), None, cart),
        Err(CouponRejection::UsageLimitReached)
    );
    used_up.usage_limit = None;
    assert!(used_up.discount_for(at(20), None, cart).is_ok());

    let mut off = c.clone();
    off.status = CouponStatus::Disabled;
    assert_eq!(
        off.discount_for(at(20), None, cart),
        Err(CouponRejection::Disabled)
    );

    let mut min = c.clone();
    min.min_cart_total = Some(rm(3000));
    assert_eq!(
        min.discount_for(at(20), None, cart),
        Err(CouponRejection::BelowMinimum(rm(3000)))
    );
    assert!(min.discount_for(at(20), None, rm(3000)).is_ok());

    let hkd = Currency::from_code("HKD").unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        c.discount_for(at(20), None, Money::from_minor(2980, hkd)),
        Err(CouponRejection::CurrencyMismatch { .. })
    ));
}

#[test]
fn outlet_restrictions() {
    let mut c = lunch10();
    assert!(c.discount_for(at(20), Some("any"), rm(100)).is_ok());
    c.applicable_outlet_ids = vec!["out_101".into(), "out_102".into()];
    assert_eq!(
        c.discount_for(at(20), None, rm(100)),
        Err(CouponRejection::OutletRequired)
    );
    assert_eq!(
        c.discount_for(at(20), Some("out_999"), rm(100)),
        Err(CouponRejection::WrongOutlet("out_999".into()))
    );
    assert!(c.discount_for(at(20), Some("out_102"), rm(100)).is_ok());
}

#[test]
fn codes_are_normalised_and_checked() {
    assert_eq!(
        CouponCode::parse(" summer-sale_1 ").map(|c| c.0),
        Ok("SUMMER-SALE_1".into())
    );
    for bad in [
        "",
        "AB",
        "HAS SPACE",
        "ÜBER10",
        "X".repeat(33).as_str(),
        "a.b.c",
    ] {
        assert!(CouponCode::parse(bad).is_err(), "{bad:?}");
    }
    assert!(CouponCode::parse(&"X".repeat(32)).is_ok());
}

#[test]
fn percentages_parse_to_hundredths() {
    assert_eq!(parse_percentage("10"), Ok(1000));
    assert_eq!(parse_percentage("12.5"), Ok(1250));
    assert_eq!(parse_percentage("7.25"), Ok(725));
    assert_eq!(parse_percentage("0.01"), Ok(1));
    assert_eq!(parse_percentage("100"), Ok(10_000));
    assert_eq!(parse_percentage("100.00"), Ok(10_000));
    assert_eq!(parse_percentage("10.500"), Ok(1050));
    for bad in [
        "0", "0.00", "-5", "100.01", "101", "1.234", "abc", "", ".5", "5.", "1e2",
    ] {
        assert!(parse_percentage(bad).is_err(), "{bad:?}");
    }
    assert!((percentage_to_f64(1250) - 12.5).abs() < f64::EPSILON);
}

#[test]
fn drafts_report_every_bad_field() {
    let draft = CouponDraft {
        title: " ".into(),
        code: "x".into(),
        discount_type: DiscountType::Percentage,
        discount_value: 0,
        min_cart_total: Some(rm(-1)),
        max_discount: Some(rm(0)),
        valid_from: Some(at(10)),
        valid_to: Some(at(10)),
        usage_limit: Some(0),
        applicable_outlet_ids: vec![" ".into()],
    };
    let errors = draft
        .into_coupon(CouponId::new(), TenantId::new(), myr(), None, at(1))
        .err()
        .unwrap_or_default();
    let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "title",
            "code",
            "discount_value",
            "min_cart_total",
            "max_discount",
            "valid_to",
            "usage_limit",
            "applicable_outlet_ids"
        ]
    );
}

proptest! {
    #[test]
    fn discount_is_between_zero_and_the_total(
        total in 0_i64..10_000_000_000,
        percent in 1_i64..=10_000,
        fixed in 1_i64..10_000_000_000,
        cap in proptest::option::of(1_i64..1_000_000_000),
        percentage in any::<bool>(),
    ) {
        let mut c = lunch10();
        c.discount_type = if percentage { DiscountType::Percentage } else { DiscountType::Fixed };
        c.discount_value = if percentage { percent } else { fixed };
        c.max_discount = cap.map(rm);
        let d = c.discount_for(at(20), None, rm(total)).map(|m| m.minor());
        prop_assert!(matches!(d, Ok(x) if (0..=total).contains(&x)), "{d:?}");
        if let (Ok(x), Some(cap)) = (d, cap) {
            prop_assert!(x <= cap);
        }
    }
}
