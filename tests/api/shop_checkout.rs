//! Storefront checkout on the customer portal: shop shipping and payment methods (managed under
//! `/v1`), guest checkout into the merchant's orders, bad input that changes nothing, the
//! last-units race, idempotent replays, the coupon usage limit under concurrent checkouts,
//! promotion checks, and paying on the mock gateway's page.

use chrono::{Duration, Utc};
use kedai_identity::Role;
use serde_json::{Value, json};

use crate::commerce::{self, count, fingerprint, page, text};
use crate::support::{Backend, Resp, TestApp, race};

crate::on_both_backends!(
    merchant_manages_shipping_methods,
    merchant_manages_payment_methods,
    shop_settings_need_a_token_the_right_role_and_their_own_tenant,
    storefront_lists_active_methods_in_the_contract_shape,
    guest_checkout_places_the_merchant_order,
    checkout_with_a_promotion_and_free_shipping,
    checkout_refuses_bad_input_and_changes_nothing,
    checkout_race_sells_exactly_the_last_units,
    idempotency_key_replays_the_first_order,
    coupon_usage_limit_holds_across_concurrent_checkouts,
    paying_on_the_mock_page_marks_the_order_paid,
    a_declined_payment_reads_failed,
    shop_orders_are_private_to_their_shop_and_channel,
    validate_promotion_answers_valid_and_invalid_codes,
    payment_gateway_and_payment_intents,
    customer_order_routes_need_a_token,
    variations_sell_as_their_parents_lines,
    checkout_charges_the_price_the_storefront_shows,
);

const PORTAL: &str = "/v6/customer-portal";

/// `X-Company-Id` of the app's tenant.
fn company(app: &TestApp) -> String {
    app.tenant.to_string()
}

fn get(app: &TestApp, path: &str) -> Resp {
    let c = company(app);
    app.get_with(&format!("{PORTAL}{path}"), None, &[("X-Company-Id", &c)])
}

fn post(app: &TestApp, path: &str, body: &Value) -> Resp {
    post_keyed(app, path, body, None)
}

fn post_keyed(app: &TestApp, path: &str, body: &Value, key: Option<&str>) -> Resp {
    let c = company(app);
    let mut headers = vec![("X-Company-Id", c.as_str()), ("Accept", "application/json")];
    if let Some(k) = key {
        headers.push(("Idempotency-Key", k));
    }
    app.post_with(&format!("{PORTAL}{path}"), None, body, &headers)
}

/// Asserts a portal error: status, `success: false`, the code, a message.
#[track_caller]
fn portal_error(r: Resp, status: u16, code: &str) -> Resp {
    let r = r.expect(status);
    assert_eq!(r.body["success"], json!(false), "{}", r.body);
    assert_eq!(r.body["error"]["code"], json!(code), "{}", r.body);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{}",
        r.body
    );
    r
}

/// A shop: a stocked product, a courier with a free-shipping threshold, a manual and a gateway
/// payment method.
struct Shop {
    app: TestApp,
    /// Tea set, 120.00, 10 in stock.
    product: i64,
    /// Courier, 30.00, free from 500.00.
    courier: i64,
    /// Bank transfer (manual).
    bank: String,
    /// Card (gateway).
    card: String,
}

fn shipping_method(app: &TestApp, body: &Value) -> i64 {
    let r = app
        .post("/v1/shipping-methods", Some(&app.owner), body)
        .expect(201);
    r.body["data"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", r.body))
}

fn payment_method(app: &TestApp, body: &Value) -> String {
    let r = app
        .post("/v1/payment-methods", Some(&app.owner), body)
        .expect(201);
    text(&r.body["data"]["id"])
}

fn shop(b: Backend) -> Shop {
    let app = TestApp::start(b);
    let product = app.product(&app.owner, "Tea Set", 120.0);
    app.stock_in(&app.owner, product, 10, None);
    let courier = shipping_method(
        &app,
        &json!({ "name": "Courier", "cost": 30, "free_shipping_threshold": 500, "estimated_days": "2-3", "sort_order": 1 }),
    );
    let bank = payment_method(
        &app,
        &json!({ "name": "Bank transfer", "type": "manual", "instructions": "Pay to 123-456", "position": 2 }),
    );
    let card = payment_method(
        &app,
        &json!({ "name": "Card", "type": "gateway", "position": 1 }),
    );
    Shop {
        app,
        product,
        courier,
        bank,
        card,
    }
}

/// A guest order of `quantity` of `product`, shipped by `courier`.
fn order_body(product: i64, quantity: i64, courier: i64) -> Value {
    json!({
        "lineItems": [{ "productId": product, "quantity": quantity }],
        "customerInfo": { "firstName": "Mei", "lastName": "Chan", "email": "Mei@Example.com", "phone": "+85291234567", "language": "zh-HK" },
        "shippingAddress": { "addressLine1": "8 Harbour Road", "city": "Hong Kong", "country": "HK" },
        "shippingMethodId": courier,
    })
}

fn coupon(app: &TestApp, body: &Value) -> String {
    text(
        &app.post("/v1/coupons", Some(&app.owner), body)
            .expect(201)
            .body["data"]["id"],
    )
}

fn spring(limit: Option<i64>) -> Value {
    let mut c = json!({
        "title": "Spring",
        "code": "spring10",
        "discount_type": "percentage",
        "discount_value": 10,
        "min_cart_total": 100,
        "valid_from": (Utc::now() - Duration::days(1)).to_rfc3339(),
        "valid_to": (Utc::now() + Duration::days(30)).to_rfc3339(),
    });
    if let Some(l) = limit {
        c["usage_limit"] = json!(l);
    }
    c
}

fn orders_count(app: &TestApp) -> i64 {
    count(
        &commerce::store(app),
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders",
    )
}

/// Removes `key` from a JSON object.
fn drop_key(v: &mut Value, key: &str) {
    if let Some(o) = v.as_object_mut() {
        o.remove(key);
    }
}

/// The path of a mock checkout URL.
fn checkout_path(payment_url: &str) -> String {
    let at = payment_url
        .find("/pay/mock/")
        .unwrap_or_else(|| panic!("not a mock checkout url: {payment_url}"));
    payment_url[at..].to_owned()
}

fn merchant_manages_shipping_methods(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/shipping-methods",
            Some(&app.owner),
            &json!({ "name": " Express ", "description": "Next day", "cost": "45.50", "free_shipping_threshold": 800, "estimated_days": "1", "sort_order": 2 }),
        )
        .expect(201);
    let m = &r.body["data"];
    let id = m["id"].as_i64().unwrap_or_else(|| panic!("{}", r.body));
    assert_eq!(m["name"], json!("Express"));
    assert_eq!(m["description"], json!("Next day"));
    assert_eq!(m["cost"], json!(45.5));
    assert_eq!(m["free_shipping_threshold"], json!(800.0));
    assert_eq!(m["currency"], json!("MYR"));
    assert_eq!(m["estimated_days"], json!("1"));
    assert_eq!(m["active"], json!(true));
    assert_eq!(m["sort_order"], json!(2));
    let standard = shipping_method(&app, &json!({ "name": "Standard", "cost": 0 }));
    let list = app
        .get("/v1/shipping-methods", Some(&app.owner))
        .expect(200);
    let ids: Vec<i64> = list.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", list.body))
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    assert_eq!(ids, [standard, id], "by sort order");

    let r = app
        .patch(
            &format!("/v1/shipping-methods/{id}"),
            Some(&app.owner),
            &json!({ "free_shipping_threshold": null, "active": false, "cost": 50 }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["free_shipping_threshold"], json!(null));
    assert_eq!(r.body["data"]["active"], json!(false));
    assert_eq!(r.body["data"]["cost"], json!(50.0));
    assert_eq!(r.body["data"]["name"], json!("Express"), "kept");

    // Bad input: every bad field named, nothing changed.
    let before = fingerprint(&app, &commerce::store(&app));
    for (body, field) in [
        (json!({ "cost": 1 }), "name"),
        (json!({ "name": "x" }), "cost"),
        (json!({ "name": "", "cost": 1 }), "name"),
        (json!({ "name": "x", "cost": -1 }), "cost"),
        (json!({ "name": "x", "cost": "abc" }), "cost"),
        (json!({ "name": "x", "cost": 1.234 }), "cost"),
        (
            json!({ "name": "x", "cost": 1, "free_shipping_threshold": -5 }),
            "free_shipping_threshold",
        ),
        (
            json!({ "name": "x", "cost": 1, "sort_order": "first" }),
            "sort_order",
        ),
        (json!({ "name": "x", "cost": 1, "active": "yes" }), "active"),
    ] {
        let r = app
            .post("/v1/shipping-methods", Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    }
    app.patch(
        &format!("/v1/shipping-methods/{id}"),
        Some(&app.owner),
        &json!({ "cost": -3 }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    app.send_raw("POST", "/v1/shipping-methods", Some(&app.owner), "{")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(before, fingerprint(&app, &commerce::store(&app)));

    for missing in ["999999", "0", "abc"] {
        app.patch(
            &format!("/v1/shipping-methods/{missing}"),
            Some(&app.owner),
            &json!({ "cost": 1 }),
        )
        .merchant_error(404, "SHIPPING_METHOD_NOT_FOUND");
        app.delete(&format!("/v1/shipping-methods/{missing}"), Some(&app.owner))
            .merchant_error(404, "SHIPPING_METHOD_NOT_FOUND");
    }
    let r = app
        .delete(&format!("/v1/shipping-methods/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"], json!({ "id": id, "deleted": true }));
    app.delete(&format!("/v1/shipping-methods/{id}"), Some(&app.owner))
        .merchant_error(404, "SHIPPING_METHOD_NOT_FOUND");
    let list = app
        .get("/v1/shipping-methods", Some(&app.owner))
        .expect(200);
    assert_eq!(list.body["data"].as_array().map(Vec::len), Some(1));
}

fn merchant_manages_payment_methods(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/payment-methods",
            Some(&app.owner),
            &json!({ "name": "Cash on delivery", "type": "cash_on_delivery", "instructions": "Have exact change" }),
        )
        .expect(201);
    let m = &r.body["data"];
    let id = text(&m["id"]);
    assert_eq!(id.len(), 36, "a UUID");
    assert_eq!(m["type"], json!("cash_on_delivery"));
    assert_eq!(m["has_gateway"], json!(false));
    assert_eq!(m["position"], json!(0));
    assert_eq!(m["active"], json!(true));
    let r = app
        .patch(
            &format!("/v1/payment-methods/{id}"),
            Some(&app.owner),
            &json!({ "type": "gateway", "instructions": null, "position": 3 }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["has_gateway"], json!(true));
    assert_eq!(r.body["data"]["instructions"], json!(null));
    assert_eq!(r.body["data"]["position"], json!(3));
    assert_eq!(r.body["data"]["name"], json!("Cash on delivery"));

    let before = fingerprint(&app, &commerce::store(&app));
    for (body, field) in [
        (json!({ "type": "manual" }), "name"),
        (json!({ "name": "x" }), "type"),
        (json!({ "name": "x", "type": "crypto" }), "type"),
        (json!({ "name": "x".repeat(65), "type": "manual" }), "name"),
        (
            json!({ "name": "x", "type": "manual", "position": 1.5 }),
            "position",
        ),
    ] {
        let r = app
            .post("/v1/payment-methods", Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    }
    assert_eq!(before, fingerprint(&app, &commerce::store(&app)));
    app.patch(
        "/v1/payment-methods/not-a-uuid",
        Some(&app.owner),
        &json!({ "position": 1 }),
    )
    .merchant_error(404, "PAYMENT_METHOD_NOT_FOUND");
    let r = app
        .delete(&format!("/v1/payment-methods/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"], json!({ "id": id, "deleted": true }));
    let list = app.get("/v1/payment-methods", Some(&app.owner)).expect(200);
    assert_eq!(list.body["data"], json!([]));
}

fn shop_settings_need_a_token_the_right_role_and_their_own_tenant(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    app.get("/v1/shipping-methods", None)
        .merchant_error(401, "AUTH_REQUIRED");
    app.post(
        "/v1/payment-methods",
        None,
        &json!({ "name": "x", "type": "manual" }),
    )
    .merchant_error(401, "AUTH_REQUIRED");
    let expired = app.expired_token(&app.owner);
    app.get("/v1/payment-methods", Some(&expired))
        .merchant_error(401, "AUTH_TOKEN_EXPIRED");
    for role in [Role::Manager, Role::Cashier, Role::Agent, Role::Viewer] {
        let token = app.staff_token(app.tenant, role);
        app.get("/v1/shipping-methods", Some(&token)).expect(200);
        app.get("/v1/payment-methods", Some(&token)).expect(200);
        app.post(
            "/v1/shipping-methods",
            Some(&token),
            &json!({ "name": "x", "cost": 1 }),
        )
        .merchant_error(403, "FORBIDDEN");
        app.patch(
            &format!("/v1/shipping-methods/{}", s.courier),
            Some(&token),
            &json!({ "cost": 1 }),
        )
        .merchant_error(403, "FORBIDDEN");
        app.delete(&format!("/v1/payment-methods/{}", s.bank), Some(&token))
            .merchant_error(403, "FORBIDDEN");
    }
    let admin = app.staff_token(app.tenant, Role::Admin);
    app.patch(
        &format!("/v1/shipping-methods/{}", s.courier),
        Some(&admin),
        &json!({ "estimated_days": "3-5" }),
    )
    .expect(200);
    // Another merchant sees none of them and changes none of them.
    let other = app.create_tenant("Other Shop", "MYR", "Asia/Kuala_Lumpur", false);
    let owner = app.staff_token(other, Role::Owner);
    let r = app.get("/v1/shipping-methods", Some(&owner)).expect(200);
    assert_eq!(r.body["data"], json!([]));
    app.patch(
        &format!("/v1/shipping-methods/{}", s.courier),
        Some(&owner),
        &json!({ "cost": 1 }),
    )
    .merchant_error(404, "SHIPPING_METHOD_NOT_FOUND");
    app.delete(&format!("/v1/payment-methods/{}", s.card), Some(&owner))
        .merchant_error(404, "PAYMENT_METHOD_NOT_FOUND");
}

fn storefront_lists_active_methods_in_the_contract_shape(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let free = shipping_method(
        app,
        &json!({ "name": "Pickup point", "cost": 0, "sort_order": 0 }),
    );
    let hidden = shipping_method(
        app,
        &json!({ "name": "Hidden", "cost": 5, "active": false }),
    );
    let r = get(app, "/shop/shipping-methods").expect(200);
    assert_eq!(r.body["success"], json!(true));
    let list = r.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a bare array: {}", r.body));
    assert_eq!(list.len(), 2, "active only: {}", r.body);
    assert!(list.iter().all(|m| m["id"] != json!(hidden)));
    assert_eq!(
        list[0],
        json!({ "id": free, "name": "Pickup point", "description": null, "cost": 0.0, "freeShippingThreshold": null, "estimatedDays": null })
    );
    assert_eq!(
        list[1],
        json!({ "id": s.courier, "name": "Courier", "description": null, "cost": 30.0, "freeShippingThreshold": 500.0, "estimatedDays": "2-3" })
    );
    assert!(list[1]["id"].is_i64());
    let r = get(app, "/shop/shipping-methods?order_amount=500").expect(200);
    assert_eq!(
        r.body["data"][1]["cost"],
        json!(0.0),
        "free at the threshold"
    );
    let r = get(app, "/shop/shipping-methods?order_amount=499.99").expect(200);
    assert_eq!(r.body["data"][1]["cost"], json!(30.0));
    for bad in ["abc", "-1", "1.234"] {
        let r = portal_error(
            get(app, &format!("/shop/shipping-methods?order_amount={bad}")),
            422,
            "VALIDATION_ERROR",
        );
        assert!(
            r.body["error"]["details"]["errors"]["order_amount"].is_array(),
            "{}",
            r.body
        );
    }

    let r = get(app, "/shop/payment-methods").expect(200);
    assert_eq!(
        r.body["data"],
        json!([
            { "id": s.card, "name": "Card", "type": "gateway", "instructions": null, "hasGateway": true, "position": 1 },
            { "id": s.bank, "name": "Bank transfer", "type": "manual", "instructions": "Pay to 123-456", "hasGateway": false, "position": 2 },
        ])
    );

    // The tenant comes from X-Company-Id: absent, malformed or unknown is refused.
    let r = app.get(&format!("{PORTAL}/shop/payment-methods"), None);
    assert!((400..500).contains(&r.status), "{}", r.body);
    assert_eq!(r.body["success"], json!(false));
    let unknown = uuid::Uuid::now_v7().to_string();
    for company in [unknown.as_str(), "nope"] {
        let r = app.get_with(
            &format!("{PORTAL}/shop/shipping-methods"),
            None,
            &[("X-Company-Id", company)],
        );
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(r.body["success"], json!(false));
    }
}

/// Checks a ShopOrder field by field.
#[track_caller]
fn assert_shop_order(o: &Value, status: &str, amounts: [f64; 4]) {
    let keys: Vec<&str> = o
        .as_object()
        .unwrap_or_else(|| panic!("{o}"))
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "orderId",
        "orderNumber",
        "status",
        "subtotal",
        "discountAmount",
        "shippingCost",
        "totalAmount",
        "items",
        "createdAt",
    ] {
        assert!(keys.contains(&key), "{key} missing: {o}");
    }
    assert!(
        text(&o["orderId"]).parse::<uuid::Uuid>().is_ok(),
        "{}",
        o["orderId"]
    );
    assert!(text(&o["orderNumber"]).starts_with("ORD-"), "{o}");
    assert_eq!(o["status"], json!(status), "{o}");
    let [subtotal, discount, shipping, total] = amounts;
    assert_eq!(o["subtotal"], json!(subtotal), "{o}");
    assert_eq!(o["discountAmount"], json!(discount), "{o}");
    assert_eq!(o["shippingCost"], json!(shipping), "{o}");
    assert_eq!(o["totalAmount"], json!(total), "{o}");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&text(&o["createdAt"])).is_ok(),
        "{o}"
    );
    assert!(o.get("id").is_none_or(|id| id.is_i64() || id.is_null()));
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

fn checkout_race_sells_exactly_the_last_units(b: Backend) {
    let app = TestApp::start(b);
    let product = app.product(&app.owner, "Last Units", 50.0);
    // Two lots, so the racers also split across lots.
    app.stock_in(&app.owner, product, 2, Some(Utc::now() - Duration::days(2)));
    app.stock_in(&app.owner, product, 1, None);
    let app = std::sync::Arc::new(app);
    let racer = std::sync::Arc::clone(&app);
    let results = race(8, move |_| {
        let body = json!({
            "lineItems": [{ "productId": product, "quantity": 1 }],
            "customerInfo": { "firstName": "Guest", "lastName": "Racer" },
            "shippingAddress": { "addressLine1": "1 Road", "city": "Town" },
        });
        let r = post(&racer, "/shop/orders", &body);
        (r.status, r.body["error"]["code"].clone())
    });
    let sold = results.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(sold, 3, "{results:?}");
    for (status, code) in &results {
        assert!(
            *status == 201 || (*status == 409 && code == "INSUFFICIENT_STOCK"),
            "{results:?}"
        );
    }
    assert_eq!(app.current_stock(product), 0);
    assert!(app.lots(product).iter().all(|(_, r)| *r == 0));
    for (lot, remaining, ledger) in app.ledger_balance() {
        assert_eq!(remaining, ledger, "lot {lot}");
    }
    assert_eq!(orders_count(&app), 3);
}

fn idempotency_key_replays_the_first_order(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let body = order_body(s.product, 1, s.courier);
    let key = uuid::Uuid::new_v4().to_string();
    let first = post_keyed(app, "/shop/orders", &body, Some(&key)).expect(201);
    let again = post_keyed(app, "/shop/orders", &body, Some(&key)).expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.body, again.body, "the first response, replayed");
    assert_eq!(orders_count(app), 1);
    assert_eq!(app.current_stock(s.product), 9);
    let other = order_body(s.product, 2, s.courier);
    portal_error(
        post_keyed(app, "/shop/orders", &other, Some(&key)),
        409,
        "IDEMPOTENCY_KEY_REUSED",
    );
    // A refusal is not kept when it is a conflict a retry may resolve; validation is.
    let key2 = uuid::Uuid::new_v4().to_string();
    let big = order_body(s.product, 50, s.courier);
    portal_error(
        post_keyed(app, "/shop/orders", &big, Some(&key2)),
        409,
        "INSUFFICIENT_STOCK",
    );
    app.stock_in(&app.owner, s.product, 50, None);
    post_keyed(app, "/shop/orders", &big, Some(&key2)).expect(201);
    // Concurrent duplicates make one order.
    let key3 = uuid::Uuid::new_v4().to_string();
    let app = std::sync::Arc::new(s);
    let racer = std::sync::Arc::clone(&app);
    let results = race(4, move |_| {
        let r = post_keyed(
            &racer.app,
            "/shop/orders",
            &order_body(racer.product, 1, racer.courier),
            Some(&key3),
        );
        (r.status, text(&r.body["data"]["orderId"]))
    });
    let ids: std::collections::BTreeSet<&String> = results
        .iter()
        .filter(|(s, _)| *s == 201)
        .map(|(_, id)| id)
        .collect();
    assert_eq!(ids.len(), 1, "{results:?}");
    assert!(
        results.iter().all(|(s, _)| *s == 201 || *s == 409),
        "{results:?}"
    );
    assert_eq!(orders_count(&app.app), 3);
}

fn coupon_usage_limit_holds_across_concurrent_checkouts(b: Backend) {
    let s = shop(b);
    let coupon_id = coupon(&s.app, &spring(Some(2)));
    let s = std::sync::Arc::new(s);
    let racer = std::sync::Arc::clone(&s);
    let results = race(6, move |_| {
        let mut body = order_body(racer.product, 1, racer.courier);
        body["promotionCode"] = json!("SPRING10");
        let r = post(&racer.app, "/shop/orders", &body);
        (r.status, r.body["error"]["code"].clone())
    });
    let won = results.iter().filter(|(st, _)| *st == 201).count();
    assert_eq!(won, 2, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(st, c)| *st == 201 || (*st == 422 && c == "PROMOTION_USAGE_LIMIT_REACHED")),
        "{results:?}"
    );
    let app = &s.app;
    let c = app
        .get(&format!("/v1/coupons/{coupon_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(c.body["data"]["used_count"], json!(2));
    assert_eq!(orders_count(app), 2, "losers leave no order");
    assert_eq!(app.current_stock(s.product), 8, "nor take stock");
}

fn paying_on_the_mock_page_marks_the_order_paid(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let mut body = order_body(s.product, 1, s.courier);
    body["paymentMethodId"] = json!(s.card);
    let r = post(app, "/shop/orders", &body).expect(201);
    let order_id = text(&r.body["data"]["orderId"]);
    let path = checkout_path(&text(&r.body["data"]["paymentUrl"]));
    let p = page(app, "GET", &path);
    assert_eq!(p.status, 200);
    assert!(p.text.contains("150.00"), "{}", p.text);
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(status.body["data"]["paymentStatus"], json!("pending"));
    let p = page(app, "POST", &format!("{path}/approve"));
    assert_eq!(p.status, 200, "{}", p.text);
    // Back on the storefront's success page, the order reads paid at once.
    let order = get(app, &format!("/shop/orders/{order_id}")).expect(200);
    assert_eq!(order.body["data"]["status"], json!("confirmed"));
    assert_eq!(order.body["data"]["paymentStatus"], json!("completed"));
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    let d = &status.body["data"];
    assert_eq!(d["orderId"], json!(order_id));
    assert_eq!(d["paymentStatus"], json!("completed"));
    assert_eq!(
        d["orderStatus"],
        json!("confirmed"),
        "paid reads as confirmed"
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(&text(&d["paidAt"])).is_ok(),
        "{d}"
    );
    // Asking again records nothing more.
    let again = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(again.body["data"], status.body["data"]);
    let m = app
        .get(&format!("/v1/orders/{order_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(m.body["data"]["status"], json!("paid"));
    assert_eq!(m.body["data"]["payment_status"], json!("completed"));
    let payments = m.body["data"]["payments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(payments.len(), 1, "{}", m.body);
    assert_eq!(payments[0]["method"], json!("Card"));
    assert_eq!(payments[0]["amount"], json!(150.0));
    let list = app
        .get("/v1/orders?status=paid", Some(&app.owner))
        .expect(200);
    assert!(
        list.body["data"]
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x["id"] == json!(order_id))),
        "{}",
        list.body
    );
    let order = get(app, &format!("/shop/orders/{order_id}")).expect(200);
    assert_eq!(order.body["data"]["status"], json!("confirmed"));
    assert_eq!(order.body["data"]["paymentStatus"], json!("completed"));
    assert_eq!(
        app.outbox(&order_id),
        [
            "order.created",
            "order.status_changed",
            "order.status_changed",
            "payment.success"
        ],
        "pending → confirmed → paid, recording each step"
    );
}

fn a_declined_payment_reads_failed(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let mut body = order_body(s.product, 1, s.courier);
    body["paymentMethodId"] = json!(s.card);
    let r = post(app, "/shop/orders", &body).expect(201);
    let order_id = text(&r.body["data"]["orderId"]);
    let token = text(&r.body["data"]["orderToken"]);
    let path = checkout_path(&text(&r.body["data"]["paymentUrl"]));
    assert_eq!(page(app, "POST", &format!("{path}/decline")).status, 200);
    let order = get(app, &format!("/shop/orders/{order_id}")).expect(200);
    assert_eq!(order.body["data"]["paymentStatus"], json!("failed"));
    assert_eq!(order.body["data"]["status"], json!("pending"));
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(
        status.body["data"],
        json!({ "orderId": order_id, "orderStatus": "pending", "paymentStatus": "failed", "paidAt": null })
    );
    // A new payment can be opened, with the guest's order token, and paid.
    let r = post(
        app,
        "/payment-intents",
        &json!({ "amount": 150, "currency": "MYR", "orderId": order_id, "orderToken": token }),
    )
    .expect(201);
    let path = checkout_path(&text(&r.body["data"]["paymentUrl"]));
    assert_eq!(page(app, "POST", &format!("{path}/approve")).status, 200);
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(status.body["data"]["paymentStatus"], json!("completed"));
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

fn payment_gateway_and_payment_intents(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let r = get(app, "/payment-gateway").expect(200);
    assert_eq!(r.body["data"]["gateway"], json!("mock"));
    let key = text(&r.body["data"]["publishableKey"]);
    assert!(key.starts_with("pk_mock_"), "{key}");

    let mut body = order_body(s.product, 2, s.courier);
    body["paymentMethodId"] = json!(s.bank);
    let order = post(app, "/shop/orders", &body).expect(201);
    let order_id = text(&order.body["data"]["orderId"]);
    let token = text(&order.body["data"]["orderToken"]);
    assert_eq!(token.len(), 64, "{token}");
    let before = fingerprint(app, &commerce::store(app));
    for (body, status, code) in [
        (
            json!({ "amount": 260, "currency": "MYR", "orderId": order_id, "orderToken": token }),
            422,
            "AMOUNT_MISMATCH",
        ),
        (
            json!({ "amount": 270, "currency": "HKD", "orderId": order_id, "orderToken": token }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "amount": 0, "currency": "MYR", "orderId": order_id, "orderToken": token }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "amount": "x", "currency": "MYR", "orderId": order_id, "orderToken": token }),
            422,
            "VALIDATION_ERROR",
        ),
        // Only the guest who placed it may pay it: the id alone is not enough.
        (
            json!({ "amount": 270, "currency": "MYR", "orderId": order_id }),
            403,
            "FORBIDDEN",
        ),
        (
            json!({ "amount": 270, "currency": "MYR", "orderId": order_id, "orderToken": "0".repeat(64) }),
            403,
            "FORBIDDEN",
        ),
        (
            json!({ "amount": 270, "currency": "MYR" }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "currency": "MYR", "orderId": order_id }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "amount": 270, "currency": "MYR", "bookingId": "b-1" }),
            422,
            "PAYMENT_TARGET_NOT_SUPPORTED",
        ),
        (
            json!({ "amount": 270, "currency": "MYR", "tierId": "t-1", "orderId": order_id }),
            422,
            "PAYMENT_TARGET_NOT_SUPPORTED",
        ),
        (
            json!({ "amount": 270, "currency": "MYR", "orderId": uuid::Uuid::now_v7().to_string() }),
            404,
            "ORDER_NOT_FOUND",
        ),
    ] {
        portal_error(post(app, "/payment-intents", &body), status, code);
    }
    assert_eq!(before, fingerprint(app, &commerce::store(app)));
    let r = post(
        app,
        "/payment-intents",
        &json!({ "amount": 270, "currency": "MYR", "orderId": order_id, "orderToken": token }),
    )
    .expect(201);
    let d = &r.body["data"];
    let intent = text(&d["paymentIntentId"]);
    assert!(text(&d["clientSecret"]).starts_with(&format!("{intent}_secret_")));
    assert_eq!(d["publishableKey"], json!(key));
    let path = checkout_path(&text(&d["paymentUrl"]));
    assert_eq!(page(app, "POST", &format!("{path}/approve")).status, 200);
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(status.body["data"]["paymentStatus"], json!("completed"));
    let m = app
        .get(&format!("/v1/orders/{order_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        m.body["data"]["payments"][0]["method"],
        json!("online"),
        "a manual method's order paid online"
    );
    // Paid: no more payments.
    portal_error(
        post(
            app,
            "/payment-intents",
            &json!({ "amount": 270, "currency": "MYR", "orderId": order_id, "orderToken": token }),
        ),
        409,
        "PAYMENT_NOT_ALLOWED",
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
