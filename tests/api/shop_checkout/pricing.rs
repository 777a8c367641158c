//! What a checkout charges: promotions and free shipping, promotion checks, variations sold
//! as their parents' lines, and the price the storefront shows.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::{PORTAL, assert_shop_order, coupon, order_body, portal_error, post, shop, spring};
use crate::commerce::{self, fingerprint, text};
use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(
    checkout_with_a_promotion_and_free_shipping,
    validate_promotion_answers_valid_and_invalid_codes,
    variations_sell_as_their_parents_lines,
    checkout_charges_the_price_the_storefront_shows,
);

fn checkout_with_a_promotion_and_free_shipping(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let coupon_id = coupon(app, &spring(Some(5)));
    // 5 × 120 = 600 ≥ 500: shipping free; 10% off the subtotal.
    let mut body = order_body(s.product, 5, s.courier);
    body["promotionCode"] = json!(" Spring10 ");
    let r = post(app, "/shop/orders", &body).expect(201);
    let o = &r.body["data"];
    assert_shop_order(o, "pending", [600.0, 60.0, 0.0, 540.0]);
    assert_eq!(o["promotionCode"], json!("SPRING10"));
    let c = app
        .get(&format!("/v1/coupons/{coupon_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        c.body["data"]["used_count"],
        json!(1),
        "claimed with the order"
    );
    // The coupon's minimum applies to the subtotal (100): one unit of 120 qualifies.
    let mut body = order_body(s.product, 1, s.courier);
    body["promotionCode"] = json!("SPRING10");
    let r = post(app, "/shop/orders", &body).expect(201);
    assert_shop_order(&r.body["data"], "pending", [120.0, 12.0, 30.0, 138.0]);
}

fn validate_promotion_answers_valid_and_invalid_codes(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    coupon(app, &spring(Some(1)));
    let mut fixed = spring(None);
    fixed["code"] = json!("TAKE30");
    fixed["discount_type"] = json!("fixed");
    fixed["discount_value"] = json!(30);
    fixed["min_cart_total"] = json!(null);
    coupon(app, &fixed);
    let mut later = spring(None);
    later["code"] = json!("LATER");
    later["valid_from"] = json!((Utc::now() + Duration::days(5)).to_rfc3339());
    coupon(app, &later);

    let r = post(
        app,
        "/validate-promotion",
        &json!({ "promotionCode": "spring10", "channel": "online", "amount": 450 }),
    )
    .expect(200);
    assert_eq!(
        r.body["data"],
        json!({ "isValid": true, "promotionCode": "SPRING10", "discountType": "percentage", "discountValue": 10.0, "discountAmount": 45.0, "originalPrice": 450.0, "finalPrice": 405.0, "savingsPercentage": 10.0 })
    );
    // The SDK test's `code` spelling; a string amount; no channel.
    let r = post(
        app,
        "/validate-promotion",
        &json!({ "code": "TAKE30", "amount": "450.00" }),
    )
    .expect(200);
    assert_eq!(
        r.body["data"],
        json!({ "isValid": true, "promotionCode": "TAKE30", "discountType": "fixed_amount", "discountValue": 30.0, "discountAmount": 30.0, "originalPrice": 450.0, "finalPrice": 420.0, "savingsPercentage": 6.67 })
    );
    for (body, code) in [
        (
            json!({ "promotionCode": "NOPE", "channel": "online", "amount": 100 }),
            "PROMOTION_NOT_FOUND",
        ),
        (
            json!({ "promotionCode": "no way!", "channel": "booking", "amount": 100 }),
            "PROMOTION_NOT_FOUND",
        ),
        (
            json!({ "promotionCode": "SPRING10", "channel": "event", "amount": 99.99, "eventId": 42 }),
            "PROMOTION_MIN_AMOUNT_NOT_MET",
        ),
        (
            json!({ "promotionCode": "LATER", "channel": "online", "amount": 200, "serviceUuid": "x" }),
            "PROMOTION_NOT_STARTED",
        ),
    ] {
        let r = post(app, "/validate-promotion", &body).expect(200);
        let d = &r.body["data"];
        assert_eq!(d["isValid"], json!(false), "{d}");
        assert_eq!(d["errorCode"], json!(code), "{d}");
        assert!(d["errorMessage"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(d["promotionCode"].is_string());
    }
    // Used up: an order takes the only use.
    let mut order = order_body(s.product, 1, s.courier);
    order["promotionCode"] = json!("SPRING10");
    post(app, "/shop/orders", &order).expect(201);
    let r = post(
        app,
        "/validate-promotion",
        &json!({ "promotionCode": "SPRING10", "amount": 200 }),
    )
    .expect(200);
    assert_eq!(
        r.body["data"]["errorCode"],
        json!("PROMOTION_USAGE_LIMIT_REACHED")
    );
    let before = fingerprint(app, &commerce::store(app));
    for (body, field) in [
        (json!({ "amount": 100 }), "promotionCode"),
        (
            json!({ "promotionCode": "  ", "amount": 100 }),
            "promotionCode",
        ),
        (json!({ "promotionCode": "SPRING10" }), "amount"),
        (
            json!({ "promotionCode": "SPRING10", "amount": "lots" }),
            "amount",
        ),
        (
            json!({ "promotionCode": "SPRING10", "amount": -5 }),
            "amount",
        ),
        (
            json!({ "promotionCode": "SPRING10", "amount": true }),
            "amount",
        ),
        (
            json!({ "promotionCode": "SPRING10", "amount": 5, "channel": "pos" }),
            "channel",
        ),
    ] {
        let r = portal_error(
            post(app, "/validate-promotion", &body),
            422,
            "VALIDATION_ERROR",
        );
        assert!(
            r.body["error"]["details"]["errors"][field].is_array(),
            "{field}: {}",
            r.body
        );
    }
    assert_eq!(
        before,
        fingerprint(app, &commerce::store(app)),
        "checks change nothing"
    );
    let r = app.post_with(
        &format!("{PORTAL}/validate-promotion"),
        None,
        &json!({ "promotionCode": "SPRING10", "amount": 5 }),
        &[],
    );
    assert!(
        (400..500).contains(&r.status) && r.status != 401,
        "{}",
        r.body
    );
}

/// A `variable` product with a Colour option; returns (parent, red, blue) with red 50.00 and
/// blue 60.00.
fn tee(app: &TestApp) -> (i64, i64, i64) {
    let id = |r: Resp| {
        r.expect(201).body["data"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id"))
    };
    let tee = id(app.post(
        "/v1/products",
        Some(&app.owner),
        &json!({ "name": "Tee", "price": 40, "product_type": "variable" }),
    ));
    let r = app
        .post(
            &format!("/v1/products/{tee}/options"),
            Some(&app.owner),
            &json!({ "name": "Colour", "values": ["Red", "Blue"] }),
        )
        .expect(201);
    let values: Vec<i64> = r.body["data"]["values"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .filter_map(|v| v["id"].as_i64())
        .collect();
    let red = id(app.post(
        &format!("/v1/products/{tee}/variations"),
        Some(&app.owner),
        &json!({ "price": 50, "option_value_ids": [values[0]] }),
    ));
    let blue = id(app.post(
        &format!("/v1/products/{tee}/variations"),
        Some(&app.owner),
        &json!({ "price": 60, "option_value_ids": [values[1]] }),
    ));
    (tee, red, blue)
}

fn variations_sell_as_their_parents_lines(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let (tee, red, blue) = tee(app);
    app.stock_in(&app.owner, red, 5, None);
    let line = |items: Value| {
        let mut body = order_body(s.product, 1, s.courier);
        body["lineItems"] = items;
        body
    };
    let r = post(
        app,
        "/shop/orders",
        &line(json!([{ "productId": tee, "variationId": red, "quantity": 2 }])),
    )
    .expect(201);
    let item = &r.body["data"]["items"][0];
    assert_eq!(item["productId"], json!(tee), "the parent");
    assert_eq!(item["variationId"], json!(red), "the variation sold");
    assert_eq!(item["unitPrice"], json!(50.0));
    assert!(text(&item["productName"]).contains("Red"), "{item}");
    assert_eq!(app.current_stock(red), 3, "the variation's own lots");
    // 004's form: the variation alone.
    let r = post(
        app,
        "/shop/orders",
        &line(json!([{ "variantId": red, "quantity": 1 }])),
    )
    .expect(201);
    assert_eq!(r.body["data"]["items"][0]["productId"], json!(tee));
    assert_eq!(r.body["data"]["items"][0]["variationId"], json!(red));
    let order_id = text(&r.body["data"]["orderId"]);
    let m = app
        .get(&format!("/v1/orders/{order_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(m.body["data"]["items"][0]["product_id"], json!(red));

    let before = fingerprint(app, &commerce::store(app));
    for (items, status, code, field) in [
        (
            json!([{ "productId": tee, "quantity": 1 }]),
            422,
            "VARIATION_REQUIRED",
            "lineItems[0].variationId",
        ),
        (
            json!([{ "productId": tee, "variationId": s.product, "quantity": 1 }]),
            422,
            "VARIATION_NOT_FOUND",
            "lineItems[0].variationId",
        ),
        (
            json!([{ "productId": s.product, "variationId": red, "quantity": 1 }]),
            422,
            "VARIATION_NOT_FOUND",
            "lineItems[0].variationId",
        ),
        (
            json!([{ "productId": tee, "variationId": 999_999, "quantity": 1 }]),
            422,
            "VARIATION_NOT_FOUND",
            "lineItems[0].variationId",
        ),
        (
            json!([{ "productId": tee, "variationId": blue, "quantity": 1 }]),
            409,
            "INSUFFICIENT_STOCK",
            "",
        ),
    ] {
        let r = portal_error(post(app, "/shop/orders", &line(items)), status, code);
        if !field.is_empty() {
            assert!(
                r.body["error"]["details"]["errors"][field].is_array(),
                "{field}: {}",
                r.body
            );
        }
    }
    // A variation of a product taken off sale is not sold either.
    app.patch(
        &format!("/v1/products/{tee}"),
        Some(&app.owner),
        &json!({ "status": "inactive" }),
    )
    .expect(200);
    portal_error(
        post(
            app,
            "/shop/orders",
            &line(json!([{ "productId": tee, "variationId": red, "quantity": 1 }])),
        ),
        422,
        "PRODUCT_NOT_AVAILABLE",
    );
    let after = fingerprint(app, &commerce::store(app));
    assert_eq!(
        before
            .lines()
            .filter(|l| !l.starts_with("product "))
            .collect::<Vec<_>>(),
        after
            .lines()
            .filter(|l| !l.starts_with("product "))
            .collect::<Vec<_>>(),
        "refused orders change nothing"
    );
}

fn checkout_charges_the_price_the_storefront_shows(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let latte = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Latte", "price": 100, "discount_price": 80, "member_price": 70 }),
        )
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_default();
    app.stock_in(&app.owner, latte, 5, None);
    let untracked = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Gift wrap", "price": 5, "track_inventory": false }),
        )
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_default();
    let mut body = order_body(latte, 1, s.courier);
    body["lineItems"] = json!([
        { "productId": latte, "quantity": 1 },
        { "productId": untracked, "quantity": 3 },
    ]);
    let r = post(app, "/shop/orders", &body).expect(201);
    let o = &r.body["data"];
    assert_eq!(
        o["items"][0]["unitPrice"],
        json!(80.0),
        "the sale price for guests"
    );
    assert_eq!(o["items"][1]["unitPrice"], json!(5.0));
    assert_eq!(o["subtotal"], json!(95.0));
    assert_eq!(app.current_stock(latte), 4);
    assert_eq!(app.lots(untracked), [], "untracked: nothing allocated");
    let token = app.customer_token("+60177777777");
    let c = app.company();
    let r = app.post_with(
        &format!("{PORTAL}/shop/orders"),
        Some(&token),
        &json!({
            "lineItems": [{ "productId": latte, "quantity": 1 }],
            "shippingAddress": { "addressLine1": "1 Road", "city": "Town" },
            "shippingMethodId": s.courier,
        }),
        &[("X-Company-Id", &c)],
    );
    let r = r.expect(201);
    assert_eq!(
        r.body["data"]["items"][0]["unitPrice"],
        json!(70.0),
        "members pay the members' price"
    );
}
