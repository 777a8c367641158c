//! What an order charges: given prices and overrides, catalogue prices checked, coupons,
//! storefront promotions on member prices, and free shipping.

use kedai_identity::Permission;
use kedai_orders::{OrderCoupon, ShippingMethodId};
use serde_json::json;

use super::*;

#[test]
fn a_price_override_is_refused_without_the_permission_and_audited_with_it() {
    let shop = tenant("UTC");
    let mut db = InMemory::default();
    db.products.push(product(shop.id, 1, "Iced Latte", 1490));
    let stock = lot(shop.id, pid(1), 10, day(1, 5));
    let stock_id = stock.id;
    db.lots.push(stock);
    let cashier = staff(&shop, Role::Cashier);
    let below = staff_order(cashier, PriceSource::Given, vec![line_at(pid(1), 2, 1000)]);

    let refused = place(&mut db, &shop, &below, day(3, 1));
    assert!(
        matches!(refused, Err(AppError::Forbidden(Permission::PriceOverride))),
        "{refused:?}"
    );
    assert!(db.orders.is_empty() && db.events.is_empty() && db.audit.is_empty());
    assert_eq!(db.remaining(stock_id), Some(10));

    // A price above the catalogue's is no override: the cashier may charge it, unaudited.
    let above = staff_order(cashier, PriceSource::Given, vec![line_at(pid(1), 1, 1600)]);
    let view = placed(&mut db, &shop, &above, day(3, 1));
    assert_eq!(figures(&view), [1600, 0, 0, 1600]);
    assert!(db.audit.is_empty());

    let manager = staff(&shop, Role::Manager);
    let below = staff_order(manager, PriceSource::Given, vec![line_at(pid(1), 2, 1000)]);
    let view = placed(&mut db, &shop, &below, day(3, 1));
    assert_eq!(view.items[0].unit_price, rm(1000));
    assert_eq!(figures(&view), [2000, 0, 0, 2000]);
    let [entry] = db.audit.as_slice() else {
        panic!("one audit entry expected: {:?}", db.audit);
    };
    assert_eq!(entry.action, "order.price_override");
    assert_eq!(entry.tenant_id, shop.id);
    assert_eq!(entry.actor, manager.id_string());
    assert_eq!(
        (entry.target_type, entry.target_id.clone()),
        ("order", Some(view.order.id.to_string()))
    );
    assert_eq!(
        entry.details,
        json!({
            "order_number": view.order.order_number.as_str(),
            "lines": [{ "line": 0, "product_id": 1, "catalogue_price": "14.90", "unit_price": "10.00" }],
        })
    );
    assert_eq!(db.remaining(stock_id), Some(7));
}

#[test]
fn a_shown_price_that_is_not_the_catalogues_is_named_and_nothing_is_stored() {
    let shop = tenant("UTC");
    let mut db = InMemory::default();
    db.products.push(product(shop.id, 1, "Iced Latte", 1490));
    db.products.push(product(shop.id, 2, "Cookie", 350));
    for id in [1, 2] {
        db.lots.push(lot(shop.id, pid(id), 5, day(1, 5)));
    }
    let owner = staff(&shop, Role::Owner);
    let staff_lines = vec![line_at(pid(1), 1, 1490), line_at(pid(2), 1, 300)];
    let shop_lines = vec![line_at(pid(2), 2, 399)];
    for (cmd, field, shown, expected) in [
        (
            staff_order(owner, PriceSource::Catalogue, staff_lines),
            "items[1].unit_price",
            300,
            350,
        ),
        (
            shop_order(&shop, None, shop_lines, None),
            "lineItems[0].unit_price",
            399,
            350,
        ),
    ] {
        let refused = place(&mut db, &shop, &cmd, day(3, 1));
        let Err(AppError::AmountMismatch(mismatches)) = refused else {
            panic!("expected AMOUNT_MISMATCH, got {refused:?}");
        };
        let named: Vec<(&str, i64, i64)> = mismatches
            .iter()
            .map(|m| (m.field.as_str(), m.claimed.minor(), m.expected.minor()))
            .collect();
        assert_eq!(named, [(field, shown, expected)]);
    }
    assert!(db.orders.is_empty() && db.events.is_empty());
    assert!(db.allocations.is_empty() && db.movements.is_empty());
    assert!(db.lots.iter().all(|l| l.remaining == 5));

    // The refusals took no order number.
    let cmd = staff_order(
        owner,
        PriceSource::Catalogue,
        vec![line_at(pid(1), 1, 1490)],
    );
    let view = placed(&mut db, &shop, &cmd, day(3, 1));
    assert_eq!(view.order.order_number.as_str(), "ORD-2026-0001");
}

#[test]
fn a_coupon_discounts_the_subtotal_and_its_use_is_claimed_with_the_order() {
    let shop = tenant("UTC");
    let mut db = InMemory::default();
    db.products.push(product(shop.id, 1, "Iced Latte", 1490));
    db.lots.push(lot(shop.id, pid(1), 10, day(1, 5)));
    let lunch = coupon(shop.id, "LUNCH10", 1000, Some(1));
    let lunch_id = lunch.id;
    db.coupons.push(lunch);
    let owner = staff(&shop, Role::Owner);
    let cmd = PlaceOrder {
        discount: Discount::Coupon(" lunch10 ".into()),
        ..staff_order(owner, PriceSource::Catalogue, vec![line(pid(1), 2)])
    };

    // DESIGN's example: 10% of 29.80 is 2.98; total 26.82.
    let view = placed(&mut db, &shop, &cmd, day(3, 1));
    assert_eq!(figures(&view), [2980, 0, 298, 2682]);
    assert_eq!(
        view.order.coupon,
        Some(OrderCoupon {
            coupon_id: Some(lunch_id.to_string()),
            code: "LUNCH10".into(),
            discount: rm(298),
        })
    );
    assert_eq!(db.coupon(lunch_id).map(|c| c.used_count), Some(1));
    let order_id = view.order.id.to_string();
    let [redemption] = db.redemptions.as_slice() else {
        panic!("one redemption expected: {:?}", db.redemptions);
    };
    assert_eq!(
        (
            redemption.coupon_id,
            &redemption.order_id,
            redemption.discount
        ),
        (lunch_id, &order_id, rm(298))
    );
    assert_eq!(db.event_types(), ["order.created", "coupon.redeemed"]);
    let redeemed = &db.events[1];
    assert_eq!(redeemed.aggregate_id, lunch_id.to_string());
    assert_eq!(redeemed.payload["order_id"], json!(order_id));
    assert_eq!(redeemed.payload["discount"], json!("2.98"));

    // Its one use is gone: the next order is refused on the code, and nothing changes.
    let refused = place(&mut db, &shop, &cmd, day(3, 2));
    assert_eq!(
        invalid(refused),
        (ErrorCode::CouponInvalid, vec!["coupon_code".into()])
    );
    assert_eq!(db.orders.len(), 1);
    assert_eq!(db.coupon(lunch_id).map(|c| c.used_count), Some(1));
    assert_eq!(db.redemptions.len(), 1);
}

#[test]
fn a_promotion_on_a_members_order_comes_off_the_member_price() {
    let shop = tenant("UTC");
    let mut db = InMemory::default();
    let mut tote = product(shop.id, 1, "Canvas Tote", 12000);
    tote.storefront.discount_price = Some(rm(11000));
    tote.storefront.member_price = Some(rm(10000));
    db.products.push(tote);
    db.lots.push(lot(shop.id, pid(1), 10, day(1, 5)));
    let spring = coupon(shop.id, "SPRING10", 1000, None);
    let spring_id = spring.id;
    db.coupons.push(spring);
    let member = CustomerId::new();

    let cmd = PlaceOrder {
        discount: Discount::Promotion("spring10".into()),
        ..shop_order(&shop, Some(member), vec![line(pid(1), 2)], None)
    };
    let view = placed(&mut db, &shop, &cmd, day(3, 1));
    assert_eq!(view.items[0].unit_price, rm(10000));
    assert_eq!(figures(&view), [20000, 0, 2000, 18000]);
    assert_eq!(db.coupon(spring_id).map(|c| c.used_count), Some(1));
    assert_eq!(
        db.redemptions.first().and_then(|r| r.customer_id.clone()),
        Some(member.to_string())
    );
    assert_eq!(view.order.created_by, None, "the storefront, not staff");

    // A guest pays the sale price, and the promotion comes off that.
    let guest = PlaceOrder {
        discount: Discount::Promotion("SPRING10".into()),
        ..shop_order(&shop, None, vec![line(pid(1), 2)], None)
    };
    let view = placed(&mut db, &shop, &guest, day(3, 1));
    assert_eq!(figures(&view), [22000, 0, 2200, 19800]);
    assert_eq!(db.coupon(spring_id).map(|c| c.used_count), Some(2));

    let unknown = PlaceOrder {
        discount: Discount::Promotion("AUTUMN".into()),
        ..guest
    };
    let refused = place(&mut db, &shop, &unknown, day(3, 1));
    assert_eq!(
        invalid(refused),
        (ErrorCode::PromotionNotFound, vec!["promotionCode".into()])
    );
    assert_eq!(db.orders.len(), 2);
}

#[test]
fn shipping_is_free_from_the_threshold_judged_on_the_subtotal_before_discount() {
    let shop = tenant("UTC");
    let mut db = InMemory::default();
    db.products.push(product(shop.id, 1, "Mug", 10000));
    db.lots.push(lot(shop.id, pid(1), 20, day(1, 5)));
    db.coupons.push(coupon(shop.id, "SPRING10", 1000, None));
    let courier = ShippingMethod {
        id: ShippingMethodId::new(1).unwrap_or_else(|e| panic!("{e}")),
        tenant_id: shop.id,
        name: "Courier".into(),
        description: None,
        cost: rm(3000),
        free_shipping_threshold: Some(rm(50000)),
        estimated_days: None,
        active: true,
        sort_order: 0,
        created_at: day(1, 1),
        updated_at: day(1, 1),
    };
    let order = |units: i64| {
        shop_order(
            &shop,
            None,
            vec![line(pid(1), units)],
            Some(courier.clone()),
        )
    };

    let below = placed(&mut db, &shop, &order(4), day(3, 1));
    assert_eq!(figures(&below), [40000, 3000, 0, 43000]);
    let at_threshold = placed(&mut db, &shop, &order(5), day(3, 1));
    assert_eq!(figures(&at_threshold), [50000, 0, 0, 50000]);
    // 10% off brings the amount under the threshold; shipping stays free.
    let discounted = PlaceOrder {
        discount: Discount::Promotion("SPRING10".into()),
        ..order(5)
    };
    let discounted = placed(&mut db, &shop, &discounted, day(3, 1));
    assert_eq!(figures(&discounted), [50000, 0, 5000, 45000]);
}
