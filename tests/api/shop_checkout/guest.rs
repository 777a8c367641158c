//! Guest checkout into the merchant's orders, bad input that changes nothing, and which
//! orders a shop and its customers can read.

use chrono::{Duration, Utc};
use kedai_identity::Role;
use serde_json::{Value, json};

use super::{
    PORTAL, assert_shop_order, company, coupon, get, order_body, portal_error, post,
    shipping_method, shop, spring,
};
use crate::commerce::{self, fingerprint, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    guest_checkout_places_the_merchant_order,
    checkout_refuses_bad_input_and_changes_nothing,
    shop_orders_are_private_to_their_shop_and_channel,
    customer_order_routes_need_a_token,
);

/// Removes `key` from a JSON object.
fn drop_key(v: &mut Value, key: &str) {
    if let Some(o) = v.as_object_mut() {
        o.remove(key);
    }
}

fn guest_checkout_places_the_merchant_order(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let mut body = order_body(s.product, 2, s.courier);
    body["paymentMethodId"] = json!(s.bank);
    body["successUrl"] = json!("https://shop.example.com/checkout/success");
    let r = post(app, "/shop/orders", &body).expect(201);
    assert_eq!(r.body["success"], json!(true));
    let o = &r.body["data"];
    assert_shop_order(o, "pending", [240.0, 0.0, 30.0, 270.0]);
    assert_eq!(o["paymentInstructions"], json!("Pay to 123-456"));
    assert!(o.get("paymentUrl").is_none(), "manual: no gateway: {o}");
    assert_eq!(
        o["items"],
        json!([{ "productId": s.product, "variationId": null, "productName": "Tea Set", "quantity": 2, "unitPrice": 120.0, "lineTotal": 240.0, "lineType": "product", "offerRuleId": null }])
    );
    let order_id = text(&o["orderId"]);
    assert_eq!(app.current_stock(s.product), 8, "allocated FIFO");

    // The merchant sees the same order.
    let m = app
        .get(&format!("/v1/orders/{order_id}"), Some(&app.owner))
        .expect(200);
    let d = &m.body["data"];
    assert_eq!(d["order_number"], o["orderNumber"]);
    assert_eq!(d["status"], json!("pending"));
    assert_eq!(d["order_type"], json!("delivery"));
    assert_eq!(d["total_amount"], json!(270.0));
    assert_eq!(d["shipping_fee"], json!(30.0));
    assert_eq!(d["contact_name"], json!("Mei Chan"));
    assert_eq!(d["contact_email"], json!("mei@example.com"));
    assert_eq!(d["shipping_method"], json!("Courier"));
    assert_eq!(d["payment_method"], json!("Bank transfer"));
    assert_eq!(
        d["shipping_address"],
        json!("8 Harbour Road, Hong Kong, HK")
    );
    assert_eq!(d["customer_id"], json!(null), "a guest");
    let list = app.get("/v1/orders", Some(&app.owner)).expect(200);
    assert!(
        list.body["data"]
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x["id"] == json!(order_id))),
        "{}",
        list.body
    );
    assert_eq!(
        app.outbox(&order_id),
        ["order.created"],
        "the same events as any order"
    );

    // The guest's success page reads it by id, without a token.
    let r = get(app, &format!("/shop/orders/{order_id}")).expect(200);
    assert_shop_order(&r.body["data"], "pending", [240.0, 0.0, 30.0, 270.0]);
    assert!(r.body["data"].get("paymentInstructions").is_none());
    let r = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(
        r.body["data"],
        json!({ "orderId": order_id, "orderStatus": "pending", "paymentStatus": "pending", "paidAt": null })
    );

    // 004's request form: `items`, `variantId`, `customer` with a full name; a gateway method.
    let r = post(
        app,
        "/shop/orders",
        &json!({
            "items": [{ "variantId": s.product.to_string(), "quantity": 1 }],
            "customer": { "name": "Siu Ming Wong", "email": "ming@example.com" },
            "shippingAddress": { "addressLine1": "1 Queen's Road", "city": "Hong Kong" },
            "shippingMethodId": s.courier.to_string(),
            "paymentMethodId": s.card,
        }),
    )
    .expect(201);
    let o = &r.body["data"];
    assert_shop_order(o, "pending", [120.0, 0.0, 30.0, 150.0]);
    assert!(text(&o["paymentUrl"]).contains("/pay/mock/"), "{o}");
    assert!(o.get("paymentInstructions").is_none());
    let m = app
        .get(
            &format!("/v1/orders/{}", text(&o["orderId"])),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(m.body["data"]["contact_name"], json!("Siu Ming Wong"));
    assert_eq!(app.current_stock(s.product), 7);
}

fn checkout_refuses_bad_input_and_changes_nothing(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    coupon(app, &spring(Some(5)));
    let mut expired = spring(None);
    expired["code"] = json!("OLD");
    expired["valid_from"] = json!((Utc::now() - Duration::days(10)).to_rfc3339());
    expired["valid_to"] = json!((Utc::now() - Duration::days(1)).to_rfc3339());
    coupon(app, &expired);
    let inactive = app.product(&app.owner, "Retired", 10.0);
    app.stock_in(&app.owner, inactive, 5, None);
    app.put(
        &format!("/v1/products/{inactive}"),
        Some(&app.owner),
        &json!({ "status": "inactive" }),
    )
    .expect(200);
    let other = app.create_tenant("Other Shop", "MYR", "Asia/Kuala_Lumpur", false);
    let other_owner = app.staff_token(other, Role::Owner);
    let foreign = app.product(&other_owner, "Foreign", 10.0);
    app.stock_in(&other_owner, foreign, 5, None);
    let hidden = shipping_method(
        app,
        &json!({ "name": "Hidden", "cost": 1, "active": false }),
    );
    let theirs_shipping = app
        .post(
            "/v1/shipping-methods",
            Some(&other_owner),
            &json!({ "name": "Theirs", "cost": 1 }),
        )
        .expect(201)
        .body["data"]["id"]
        .clone();
    let theirs_payment = text(
        &app.post(
            "/v1/payment-methods",
            Some(&other_owner),
            &json!({ "name": "Theirs", "type": "manual" }),
        )
        .expect(201)
        .body["data"]["id"],
    );

    let base = order_body(s.product, 1, s.courier);
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut b = base.clone();
        edit(&mut b);
        b
    };
    let before = fingerprint(app, &commerce::store(app));
    let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
        (
            with(&|b| b["lineItems"] = json!([])),
            422,
            "VALIDATION_ERROR",
            Some("lineItems"),
        ),
        (
            with(&|b| drop_key(b, "lineItems")),
            422,
            "VALIDATION_ERROR",
            Some("lineItems"),
        ),
        (
            with(&|b| b["lineItems"] = json!("tea")),
            422,
            "VALIDATION_ERROR",
            Some("lineItems"),
        ),
        (
            with(&|b| b["lineItems"][0]["quantity"] = json!(0)),
            422,
            "VALIDATION_ERROR",
            Some("lineItems[0].quantity"),
        ),
        (
            with(&|b| b["lineItems"][0]["quantity"] = json!(-2)),
            422,
            "VALIDATION_ERROR",
            Some("lineItems[0].quantity"),
        ),
        (
            with(&|b| b["lineItems"][0]["quantity"] = json!("2")),
            422,
            "VALIDATION_ERROR",
            Some("lineItems[0].quantity"),
        ),
        (
            with(&|b| b["lineItems"][0]["quantity"] = json!(1.5)),
            422,
            "VALIDATION_ERROR",
            Some("lineItems[0].quantity"),
        ),
        (
            with(&|b| drop_key(&mut b["lineItems"][0], "quantity")),
            422,
            "VALIDATION_ERROR",
            Some("lineItems[0].quantity"),
        ),
        (
            with(&|b| b["lineItems"][0]["productId"] = json!("abc")),
            422,
            "VALIDATION_ERROR",
            Some("lineItems[0].productId"),
        ),
        (
            with(&|b| b["lineItems"][0]["productId"] = json!(0)),
            422,
            "VALIDATION_ERROR",
            Some("lineItems[0].productId"),
        ),
        (
            with(&|b| drop_key(&mut b["lineItems"][0], "productId")),
            422,
            "VALIDATION_ERROR",
            Some("lineItems[0].productId"),
        ),
        (
            with(&|b| b["lineItems"][0]["productId"] = json!(999_999)),
            422,
            "PRODUCT_NOT_FOUND",
            Some("lineItems[0].productId"),
        ),
        (
            with(&|b| b["lineItems"][0]["productId"] = json!(foreign)),
            422,
            "PRODUCT_NOT_FOUND",
            Some("lineItems[0].productId"),
        ),
        (
            with(&|b| b["lineItems"][0]["productId"] = json!(inactive)),
            422,
            "PRODUCT_NOT_AVAILABLE",
            Some("lineItems[0].productId"),
        ),
        (
            with(&|b| b["lineItems"][0]["variationId"] = json!(inactive)),
            422,
            "VARIATION_NOT_FOUND",
            Some("lineItems[0].variationId"),
        ),
        (
            with(&|b| b["lineItems"][0]["quantity"] = json!(11)),
            409,
            "INSUFFICIENT_STOCK",
            None,
        ),
        (
            with(
                &|b| b["lineItems"] = json!([{ "productId": s.product, "quantity": 6 }, { "productId": s.product, "quantity": 5 }]),
            ),
            409,
            "INSUFFICIENT_STOCK",
            None,
        ),
        (
            with(&|b| drop_key(b, "customerInfo")),
            422,
            "VALIDATION_ERROR",
            Some("customerInfo"),
        ),
        (
            with(&|b| drop_key(&mut b["customerInfo"], "firstName")),
            422,
            "VALIDATION_ERROR",
            Some("customerInfo.firstName"),
        ),
        (
            with(&|b| b["customerInfo"]["lastName"] = json!("  ")),
            422,
            "VALIDATION_ERROR",
            Some("customerInfo.lastName"),
        ),
        (
            with(&|b| b["customerInfo"]["email"] = json!("not-an-email")),
            422,
            "VALIDATION_ERROR",
            Some("customerInfo.email"),
        ),
        (
            with(&|b| b["customerInfo"]["firstName"] = json!(7)),
            422,
            "VALIDATION_ERROR",
            Some("customerInfo.firstName"),
        ),
        (
            with(&|b| drop_key(b, "shippingAddress")),
            422,
            "VALIDATION_ERROR",
            Some("shippingAddress"),
        ),
        (
            with(&|b| drop_key(&mut b["shippingAddress"], "city")),
            422,
            "VALIDATION_ERROR",
            Some("shippingAddress.city"),
        ),
        (
            with(&|b| b["shippingAddress"]["addressLine1"] = json!("")),
            422,
            "VALIDATION_ERROR",
            Some("shippingAddress.addressLine1"),
        ),
        (
            with(&|b| drop_key(b, "shippingMethodId")),
            422,
            "SHIPPING_METHOD_REQUIRED",
            Some("shippingMethodId"),
        ),
        (
            with(&|b| b["shippingMethodId"] = json!(999_999)),
            422,
            "SHIPPING_METHOD_NOT_FOUND",
            Some("shippingMethodId"),
        ),
        (
            with(&|b| b["shippingMethodId"] = json!(hidden)),
            422,
            "SHIPPING_METHOD_NOT_FOUND",
            Some("shippingMethodId"),
        ),
        (
            with(&|b| b["shippingMethodId"] = theirs_shipping.clone()),
            422,
            "SHIPPING_METHOD_NOT_FOUND",
            Some("shippingMethodId"),
        ),
        (
            with(&|b| b["paymentMethodId"] = json!(theirs_payment)),
            422,
            "PAYMENT_METHOD_NOT_FOUND",
            Some("paymentMethodId"),
        ),
        (
            with(&|b| b["shippingMethodId"] = json!("express")),
            422,
            "VALIDATION_ERROR",
            Some("shippingMethodId"),
        ),
        (
            with(&|b| b["paymentMethodId"] = json!("nope")),
            422,
            "PAYMENT_METHOD_NOT_FOUND",
            Some("paymentMethodId"),
        ),
        (
            with(&|b| b["paymentMethodId"] = json!(uuid::Uuid::now_v7().to_string())),
            422,
            "PAYMENT_METHOD_NOT_FOUND",
            Some("paymentMethodId"),
        ),
        (
            with(&|b| b["promotionCode"] = json!("NOPE")),
            422,
            "PROMOTION_NOT_FOUND",
            Some("promotionCode"),
        ),
        (
            with(&|b| b["promotionCode"] = json!("OLD")),
            422,
            "PROMOTION_EXPIRED",
            Some("promotionCode"),
        ),
        (
            with(&|b| b["creditsUsed"] = json!("5.00")),
            422,
            "INSUFFICIENT_CREDITS",
            Some("creditsUsed"),
        ),
        (
            with(&|b| b["creditsUsed"] = json!("-1")),
            422,
            "VALIDATION_ERROR",
            Some("creditsUsed"),
        ),
        (
            with(&|b| {
                b["acceptedOffers"] =
                    json!([{ "ruleId": "r1", "productId": s.product, "quantity": 1 }])
            }),
            422,
            "OFFER_NOT_AVAILABLE",
            Some("acceptedOffers"),
        ),
        (
            with(&|b| b["successUrl"] = json!("javascript:alert(1)")),
            422,
            "VALIDATION_ERROR",
            Some("successUrl"),
        ),
    ];
    for (body, status, code, field) in cases {
        let r = portal_error(post(app, "/shop/orders", &body), status, code);
        if let Some(field) = field {
            assert!(
                r.body["error"]["details"]["errors"][field].is_array(),
                "{field}: {}",
                r.body
            );
        }
    }
    for raw in ["{", "", "[1]", "{\"lineItems\": [}"] {
        let c = company(app);
        let r = app.send_with(
            "POST",
            &format!("{PORTAL}/shop/orders"),
            None,
            raw,
            &[("X-Company-Id", &c)],
        );
        assert!(matches!(r.status, 400 | 422), "{raw}: {}", r.body);
        assert_eq!(r.body["success"], json!(false));
    }
    assert_eq!(
        before,
        fingerprint(app, &commerce::store(app)),
        "refused orders change nothing"
    );
    assert_eq!(app.current_stock(s.product), 10);
}

fn shop_orders_are_private_to_their_shop_and_channel(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let r = post(app, "/shop/orders", &order_body(s.product, 1, s.courier)).expect(201);
    let order_id = text(&r.body["data"]["orderId"]);
    let other = app.create_tenant("Other Shop", "MYR", "Asia/Kuala_Lumpur", false);
    let o = other.to_string();
    for path in [
        format!("{PORTAL}/shop/orders/{order_id}"),
        format!("{PORTAL}/shop/orders/{order_id}/payment-status"),
    ] {
        let r = app.get_with(&path, None, &[("X-Company-Id", &o)]);
        portal_error(r, 404, "ORDER_NOT_FOUND");
    }
    for missing in [uuid::Uuid::now_v7().to_string(), "not-a-uuid".to_owned()] {
        portal_error(
            get(app, &format!("/shop/orders/{missing}")),
            404,
            "ORDER_NOT_FOUND",
        );
        portal_error(
            get(app, &format!("/shop/orders/{missing}/payment-status")),
            404,
            "ORDER_NOT_FOUND",
        );
    }
    // An order the merchant placed is not a storefront order.
    let merchant = app.order(&app.owner, &[(s.product, 1, 120.0)]).expect(200);
    let merchant_id = text(&merchant.body["order_id"]);
    portal_error(
        get(app, &format!("/shop/orders/{merchant_id}")),
        404,
        "ORDER_NOT_FOUND",
    );
    portal_error(
        post(
            app,
            "/payment-intents",
            &json!({ "amount": 120, "currency": "MYR", "orderId": merchant_id }),
        ),
        404,
        "ORDER_NOT_FOUND",
    );
}

fn customer_order_routes_need_a_token(b: Backend) {
    let app = TestApp::start(b);
    portal_error(get(&app, "/shop/orders"), 401, "AUTH_REQUIRED");
    let c = company(&app);
    let r = app.get_with(
        &format!("{PORTAL}/shop/orders"),
        Some("not-a-token"),
        &[("X-Company-Id", &c)],
    );
    assert_eq!(r.status, 401, "{}", r.body);
}
