//! The merchant API end to end: 003 §20's flow (register a customer, read it, order with a
//! coupon, pay through an intent and the mock gateway, complete), outlet scoping of cashiers,
//! and the races of selling: coupon usage limits and idempotent retries.

use kedai_identity::Role;
use serde_json::{Value, json};

use crate::support::{Backend, PASSWORD, Resp, TestApp, race};

crate::on_both_backends!(
    the_003_flow_from_sign_up_to_completed_order,
    coupon_usage_limit_holds_under_concurrent_orders,
    cancelled_orders_give_their_coupon_use_back,
    idempotent_order_retries_create_one_order,
    cashiers_see_and_sell_only_at_their_outlets,
    a_changed_total_cancels_the_open_checkout,
);

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn data_id(r: &Resp) -> String {
    let id = text(&r.body["data"]["id"]);
    assert!(!id.is_empty(), "no id: {}", r.body);
    id
}

fn outlet(app: &TestApp, code: &str) -> String {
    let r = app
        .post(
            "/v1/outlets",
            Some(&app.owner),
            &json!({ "name": format!("Demo Cafe {code}"), "code": code, "address": "72-1A Jalan Puteri 2/4", "phone": "+60-16-9642896", "status": "active" }),
        )
        .expect(201);
    data_id(&r)
}

fn coupon(app: &TestApp, code: &str, usage_limit: i64, outlets: &[&str]) -> String {
    let r = app
        .post(
            "/v1/coupons",
            Some(&app.owner),
            &json!({
                "title": "10% OFF Lunch Promo",
                "code": code,
                "discount_type": "percentage",
                "discount_value": 10,
                "valid_from": "2026-01-01T00:00:00Z",
                "valid_to": "2099-12-31T23:59:59Z",
                "usage_limit": usage_limit,
                "applicable_outlet_ids": outlets,
            }),
        )
        .expect(201);
    data_id(&r)
}

fn used_count(app: &TestApp, coupon: &str) -> i64 {
    let r = app
        .get(&format!("/v1/coupons/{coupon}"), Some(&app.owner))
        .expect(200);
    r.body["data"]["used_count"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", r.body))
}

fn latte(app: &TestApp, stock: i64) -> i64 {
    let id = app.product(&app.owner, "Iced Latte", 14.90);
    let _ = app.stock_in(&app.owner, id, stock, None);
    id
}

fn order_count(app: &TestApp) -> i64 {
    let r = app.get("/v1/orders", Some(&app.owner)).expect(200);
    r.body["meta"]["total"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", r.body))
}

fn the_003_flow_from_sign_up_to_completed_order(b: Backend) {
    let app = TestApp::start(b);
    let out = outlet(&app, "PCH001");
    let _ = coupon(&app, "LUNCH10", 500, &[&out]);
    let product = latte(&app, 10);
    let cashier = app.staff_token(app.tenant, Role::Manager);

    // 1. The customer signs up.
    let r = app
        .post(
            "/v1/customers",
            Some(&cashier),
            &json!({ "name": "Carter Yip", "phone": "+852-90000000", "email": "Carter@Example.com", "birth_date": "1990-01-01", "source": "qr_signup" }),
        )
        .expect(201);
    let customer = data_id(&r);

    // 2. The merchant app reads them back.
    let r = app
        .get(&format!("/v1/customers/{customer}"), Some(&cashier))
        .expect(200);
    assert_eq!(r.body["data"]["name"], json!("Carter Yip"));
    assert_eq!(r.body["data"]["phone"], json!("+85290000000"));
    assert_eq!(r.body["data"]["email"], json!("carter@example.com"));
    assert_eq!(r.body["data"]["total_spent"], json!(0.0));

    // 3. They order: 003 §13.1's example to the cent.
    let r = app
        .post(
            "/v1/orders",
            Some(&cashier),
            &json!({
                "customer_id": customer,
                "outlet_id": out,
                "order_type": "pickup",
                "items": [{ "product_id": product, "name": "Iced Latte", "qty": 2, "unit_price": 14.90 }],
                "coupon_code": "LUNCH10",
                "notes": "Less sugar"
            }),
        )
        .expect(201);
    let d = &r.body["data"];
    assert_eq!(d["status"], json!("pending_payment"));
    assert_eq!(d["subtotal"], json!(29.8));
    assert_eq!(d["discount"], json!(2.98));
    assert_eq!(d["total"], json!(26.82));
    assert_eq!(d["currency"], json!("MYR"));
    assert_eq!(d["coupon_code"], json!("LUNCH10"));
    let order = text(&d["order_id"]);
    let got = app
        .get(&format!("/v1/orders/{order}"), Some(&cashier))
        .expect(200);
    assert_eq!(got.body["data"]["customer"]["name"], json!("Carter Yip"));
    assert_eq!(
        got.body["data"]["contact_email"],
        json!("carter@example.com")
    );

    // 4. They pay: an intent, the gateway's page, approval, verification.
    let r = app
        .post(
            "/v1/payments/intents",
            Some(&cashier),
            &json!({ "order_id": order, "method": "fpx", "amount": 26.82, "currency": "MYR" }),
        )
        .expect(201);
    assert_eq!(r.body["data"]["status"], json!("requires_action"));
    let intent = text(&r.body["data"]["payment_intent_id"]);
    let url = text(&r.body["data"]["payment_url"]);
    let page_path = url
        .strip_prefix(&app.url())
        .unwrap_or_else(|| panic!("payment_url {url} is not served by Kedai at {}", app.url()))
        .to_owned();
    let page = app.get(&page_path, None).expect(200);
    assert!(
        page.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{:?}",
        page.headers
    );
    let _ = app
        .send_raw("POST", &format!("{page_path}/approve"), None, "")
        .expect(200);
    let r = app
        .post(
            "/v1/payments/verify",
            Some(&cashier),
            &json!({ "payment_intent_id": intent }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["status"], json!("succeeded"));
    assert!(
        text(&r.body["data"]["gateway_reference"]).starts_with("MOCK-"),
        "{}",
        r.body
    );
    assert_eq!(r.body["data"]["order_status"], json!("paid"));
    let event = app
        .outbox_payload(&order, "payment.success")
        .unwrap_or_else(|| panic!("no payment.success event"));
    assert_eq!(event["payment_intent_id"], json!(intent), "{event}");
    assert_eq!(event["total_amount"], json!("26.82"), "{event}");
    // 003 §17's payment.success: the payment's status, the order's beside it.
    assert_eq!(event["status"], json!("success"), "{event}");
    assert_eq!(event["order_status"], json!("paid"), "{event}");
    assert_eq!(event["amount"], json!("26.82"), "{event}");

    // 5. The order is handed over and completed.
    let r = app
        .patch(
            &format!("/v1/orders/{order}/status"),
            Some(&cashier),
            &json!({ "status": "completed" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["status"], json!("completed"));
    let r = app
        .get(&format!("/v1/customers/{customer}"), Some(&cashier))
        .expect(200);
    assert_eq!(r.body["data"]["total_spent"], json!(26.82));
    assert!(r.body["data"]["last_visit_at"].is_string(), "{}", r.body);
    let r = app
        .get(&format!("/v1/customers/{customer}/orders"), Some(&cashier))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    assert_eq!(r.body["data"][0]["payment_status"], json!("completed"));
    assert_eq!(app.current_stock(product), 8);

    // 6. Completing the order earned points (1 per ringgit of 26.82, rounded down), and the
    // merchant adds a purchase reward by hand.
    let ledger = |app: &TestApp| {
        app.get(
            &format!("/v1/customers/{customer}/points/ledger"),
            Some(&cashier),
        )
        .expect(200)
        .body
    };
    let l = ledger(&app);
    assert_eq!(l["meta"]["total"], json!(1), "{l}");
    assert_eq!(l["data"][0]["kind"], json!("earn"));
    assert_eq!(l["data"][0]["points"], json!(26));
    assert_eq!(l["data"][0]["reference_no"], json!(order));
    let r = app
        .post(
            &format!("/v1/customers/{customer}/points/add"),
            Some(&cashier),
            &json!({ "points": 100, "reason": "Purchase reward", "reference_no": order }),
        )
        .expect(201);
    assert_eq!(r.body["data"]["balance"], json!(126));
    let r = app
        .get(&format!("/v1/customers/{customer}"), Some(&cashier))
        .expect(200);
    assert_eq!(r.body["data"]["points_balance"], json!(126));
    let earned = app
        .outbox_payload(&customer, "points.earned")
        .unwrap_or_else(|| panic!("no points.earned event"));
    assert_eq!(earned["points"], json!(26), "{earned}");
    assert_eq!(earned["reference"], json!(order), "{earned}");

    // 7. They play the April spin-the-wheel (a purchase of 20.00 today qualifies) and claim
    // the prize with its code.
    let r = app
        .post(
            "/v1/campaigns",
            Some(&app.owner),
            &json!({
                "title": "Spin & Win April", "campaign_type": "game_reward", "game_type": "spin_wheel",
                "start_at": "2026-01-01T00:00:00Z", "end_at": "2099-12-31T23:59:59Z",
                "outlet_ids": [out], "rules": { "daily_play_limit": 1, "min_purchase": 20 },
                "prizes": [{ "name": "88 points", "weight": 1, "quantity": 100, "reward_type": "points", "points": 88 }],
            }),
        )
        .expect(201);
    let campaign = text(&r.body["data"]["id"]);
    let r = app
        .post(
            &format!("/v1/campaigns/{campaign}/play"),
            Some(&cashier),
            &json!({ "customer_id": customer, "source": "qr_code" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["won"], json!(true));
    let code = r.body["data"]["reward_code"].clone();
    let r = app
        .post(
            &format!("/v1/campaigns/{campaign}/claim"),
            Some(&cashier),
            &json!({ "customer_id": customer, "reward_code": code }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["points_balance"], json!(214));
}

fn coupon_usage_limit_holds_under_concurrent_orders(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let product = latte(&app, 100);
    let code = coupon(&app, "FIRST3", 3, &[]);
    let shared = std::sync::Arc::clone(&app);
    let statuses = race(10, move |_| {
        let r = shared.post(
            "/v1/orders",
            Some(&shared.owner),
            &json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": 1 }], "coupon_code": "FIRST3" }),
        );
        if r.status == 422 {
            assert_eq!(r.body["error_code"], json!("COUPON_INVALID"), "{}", r.body);
        }
        r.status
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(used_count(&app, &code), 3);
    assert_eq!(order_count(&app), 3);
    assert_eq!(app.current_stock(product), 97);
}

fn cancelled_orders_give_their_coupon_use_back(b: Backend) {
    let app = TestApp::start(b);
    let product = latte(&app, 10);
    let code = coupon(&app, "ONCE", 1, &[]);
    let body = json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": 1 }], "coupon_code": "ONCE" });
    let first = app.post("/v1/orders", Some(&app.owner), &body).expect(201);
    assert_eq!(used_count(&app, &code), 1);
    let _ = app
        .post("/v1/orders", Some(&app.owner), &body)
        .merchant_error(422, "COUPON_INVALID");
    let order = text(&first.body["data"]["order_id"]);
    let _ = app
        .patch(
            &format!("/v1/orders/{order}/status"),
            Some(&app.owner),
            &json!({ "status": "cancelled" }),
        )
        .expect(200);
    assert_eq!(used_count(&app, &code), 0);
    let again = app.post("/v1/orders", Some(&app.owner), &body).expect(201);
    assert_eq!(again.body["data"]["discount"], json!(1.49));
    assert_eq!(used_count(&app, &code), 1);
}

fn idempotent_order_retries_create_one_order(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let product = latte(&app, 10);
    let shared = std::sync::Arc::clone(&app);
    let body = json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": 2 }] });
    let sent = body.clone();
    let answers = race(8, move |_| {
        shared.post_with(
            "/v1/orders",
            Some(&shared.owner),
            &sent,
            &[("Idempotency-Key", "checkout-7f3a")],
        )
    });
    let created: Vec<&Resp> = answers.iter().filter(|r| r.status == 201).collect();
    assert!(!created.is_empty(), "no answer created the order");
    for r in &answers {
        assert!(
            r.status == 201
                || (r.status == 409 && r.body["error_code"] == json!("IDEMPOTENCY_KEY_IN_USE")),
            "{} {}",
            r.status,
            r.body
        );
    }
    let ids: Vec<String> = created
        .iter()
        .map(|r| text(&r.body["data"]["order_id"]))
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    assert_eq!(order_count(&app), 1);
    assert_eq!(app.current_stock(product), 8);

    // A later retry replays; the same key with another body is refused.
    let r = app
        .post_with(
            "/v1/orders",
            Some(&app.owner),
            &body,
            &[("Idempotency-Key", "checkout-7f3a")],
        )
        .expect(201);
    assert_eq!(text(&r.body["data"]["order_id"]), ids[0]);
    assert_eq!(r.header("idempotent-replayed"), Some("true"));
    let other = json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": 3 }] });
    let _ = app
        .post_with(
            "/v1/orders",
            Some(&app.owner),
            &other,
            &[("Idempotency-Key", "checkout-7f3a")],
        )
        .merchant_error(409, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(order_count(&app), 1);
}

fn cashiers_see_and_sell_only_at_their_outlets(b: Backend) {
    let app = TestApp::start(b);
    let here = outlet(&app, "HERE1");
    let there = outlet(&app, "THERE1");
    let product = latte(&app, 20);
    let email = "cashier.here@example.com";
    let _ = app
        .post(
            "/v1/staff",
            Some(&app.owner),
            &json!({ "name": "Alice Wong", "email": email, "role": "cashier", "outlet_id": here, "password": PASSWORD }),
        )
        .expect(201);
    let r = app
        .post(
            "/v1/auth/login",
            None,
            &json!({ "email": email, "password": PASSWORD }),
        )
        .expect(200);
    let cashier = text(&r.body["data"]["access_token"]);
    let sell = |token: &str, outlet: Option<&str>| {
        let mut body =
            json!({ "order_type": "dine_in", "items": [{ "product_id": product, "qty": 1 }] });
        if let Some(o) = outlet {
            body["outlet_id"] = json!(o);
        }
        app.post("/v1/orders", Some(token), &body)
    };
    let at_here = text(&sell(&cashier, Some(&here)).expect(201).body["data"]["order_id"]);
    let at_there = text(&sell(&app.owner, Some(&there)).expect(201).body["data"]["order_id"]);
    let online = text(&sell(&app.owner, None).expect(201).body["data"]["order_id"]);

    let before = app.fingerprint();
    let _ = sell(&cashier, Some(&there)).merchant_error(422, "OUTLET_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);

    let r = app.get("/v1/orders", Some(&cashier)).expect(200);
    let mut seen: Vec<String> = r.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(|o| text(&o["id"]))
        .collect();
    seen.sort();
    let mut expected = vec![at_here.clone(), online];
    expected.sort();
    assert_eq!(seen, expected);
    let _ = app
        .get(&format!("/v1/orders/{at_there}"), Some(&cashier))
        .merchant_error(404, "ORDER_NOT_FOUND");
    let _ = app
        .patch(
            &format!("/v1/orders/{at_there}/status"),
            Some(&cashier),
            &json!({ "status": "cancelled" }),
        )
        .merchant_error(404, "ORDER_NOT_FOUND");
    let _ = app
        .get(&format!("/v1/orders/{at_here}"), Some(&cashier))
        .expect(200);
    // Payments follow the same scope.
    let intent = |token: &str, order: &str| {
        app.post(
            "/v1/payments/intents",
            Some(token),
            &json!({ "order_id": order, "method": "card", "amount": 14.90, "currency": "MYR" }),
        )
    };
    let _ = intent(&cashier, &at_there).merchant_error(404, "ORDER_NOT_FOUND");
    let theirs = text(&intent(&app.owner, &at_there).expect(201).body["data"]["payment_intent_id"]);
    let _ = intent(&cashier, &at_here).expect(201);
    let _ = app
        .post(
            "/v1/payments/verify",
            Some(&cashier),
            &json!({ "payment_intent_id": theirs }),
        )
        .merchant_error(404, "PAYMENT_INTENT_NOT_FOUND");
    let r = app.get("/v1/payments", Some(&cashier)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1), "{}", r.body);
    assert_eq!(r.body["data"][0]["order_id"], json!(at_here));
    let r = app.get("/v1/payments", Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(2), "{}", r.body);
    // The owner sees everything.
    assert_eq!(order_count(&app), 3);
}

fn a_changed_total_cancels_the_open_checkout(b: Backend) {
    let app = TestApp::start(b);
    let product = latte(&app, 5);
    let r = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "order_type": "delivery", "items": [{ "product_id": product, "qty": 1 }] }),
        )
        .expect(201);
    let order = text(&r.body["data"]["order_id"]);
    let opened = app
        .post(
            "/v1/payments/intents",
            Some(&app.owner),
            &json!({ "order_id": order, "method": "card", "amount": 14.90, "currency": "MYR" }),
        )
        .expect(201);
    let intent = text(&opened.body["data"]["payment_intent_id"]);
    let page = text(&opened.body["data"]["payment_url"])
        .strip_prefix(&app.url())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{}", opened.body));
    // Notes do not touch the total: the checkout stays open.
    let _ = app
        .patch(
            &format!("/v1/orders/{order}"),
            Some(&app.owner),
            &json!({ "notes": "Gate B" }),
        )
        .expect(200);
    let r = app.get("/v1/payments", Some(&app.owner)).expect(200);
    assert_eq!(r.body["data"][0]["status"], json!("requires_action"));
    // A shipping fee does: the checkout for 14.90 can no longer pay a 19.90 order.
    let _ = app
        .patch(
            &format!("/v1/orders/{order}"),
            Some(&app.owner),
            &json!({ "shipping_fee": 5 }),
        )
        .expect(200);
    let r = app.get("/v1/payments", Some(&app.owner)).expect(200);
    assert_eq!(r.body["data"][0]["status"], json!("cancelled"));
    // Its page takes no approval any more.
    let _ = app
        .send_raw("POST", &format!("{page}/approve"), None, "")
        .expect(409);
    let _ = app
        .post(
            "/v1/payments/verify",
            Some(&app.owner),
            &json!({ "payment_intent_id": intent }),
        )
        .merchant_error(409, "PAYMENT_NOT_ALLOWED");
    let got = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(got.body["data"]["status"], json!("confirmed"));
    assert_eq!(got.body["data"]["payments"], json!([]));
    // A new checkout for the new total pays it.
    let _ = app
        .post(
            "/v1/payments/intents",
            Some(&app.owner),
            &json!({ "order_id": order, "method": "card", "amount": 19.90, "currency": "MYR" }),
        )
        .expect(201);
}
