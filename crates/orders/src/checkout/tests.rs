use super::*;
use crate::{OrderStatus, PaymentStatus};
use chrono::{DateTime, Utc};
use kedai_core::Currency;
use kedai_core::{Money, TenantId};

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
