//! `/functions/v1/order-create` and `mock-payment`.

use kedai_identity::Role;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    order_create_creates_the_order_its_items_and_allocations,
    order_create_checks_every_figure_against_the_rules,
    order_create_refuses_bad_input_and_changes_nothing,
    order_create_is_all_or_nothing_across_items,
    completed_payment_moves_the_order_to_paid_once,
    failed_payment_is_recorded_and_changes_nothing_else,
    refund_cancels_then_refunds_and_releases_stock,
    mock_payment_refuses_bad_input_and_changes_nothing,
);

fn create(app: &TestApp, token: &str, body: &Value) -> crate::support::Resp {
    app.post("/functions/v1/order-create", Some(token), body)
}

fn stocked(app: &TestApp, name: &str, price: f64, quantity: i64) -> i64 {
    let p = app.product(&app.owner, name, price);
    app.stock_in(&app.owner, p, quantity, None);
    p
}

fn order_view(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/v1/orders/{id}"), Some(&app.owner))
        .expect(200)
        .body["data"]
        .clone()
}

fn order_create_creates_the_order_its_items_and_allocations(b: Backend) {
    let app = TestApp::start(b);
    let latte = stocked(&app, "Iced Latte", 14.9, 10);
    let bun = stocked(&app, "Bun", 3.5, 10);
    let body = json!({
        "order_data": {
            "customer_email": "carter@example.com",
            "total_amount": 38.3,
            "subtotal": "33.30",
            "shipping_fee": 5,
            "contact_name": "Carter Yip",
            "shipping_address": "72-1A Jalan Puteri 2/4",
            "notes": "Less sugar"
        },
        "items": [
            { "product_id": latte.to_string(), "quantity": 2, "unit_price": 14.90, "total_price": 29.8 },
            { "product_id": bun, "quantity": 1, "unit_price": "3.50" }
        ]
    });
    let r = create(&app, &app.owner, &body).expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(r.body["status"], json!("pending"));
    assert_eq!(r.body["total_amount"], json!(38.3));
    let number = r.body["order_number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(number, format!("ORD-{year}-0001"));
    let id = r.body["order_id"].as_str().unwrap_or_default().to_owned();

    let o = order_view(&app, &id);
    assert_eq!(o["order_number"], json!(number));
    assert_eq!(
        (
            o["subtotal"].as_f64(),
            o["shipping_fee"].as_f64(),
            o["total_amount"].as_f64()
        ),
        (Some(33.3), Some(5.0), Some(38.3))
    );
    assert_eq!(o["currency"], json!("MYR"));
    assert_eq!(o["order_type"], json!("delivery"));
    assert_eq!(o["customer_email"], json!("carter@example.com"));
    assert_eq!(o["contact_name"], json!("Carter Yip"));
    assert_eq!(o["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(o["items"][0]["product_name"], json!("Iced Latte"));
    assert_eq!(o["items"][0]["total_price"], json!(29.8));
    assert_eq!(o["status_history"][0]["to_status"], json!("pending"));
    assert_eq!(o["status_history"][0]["from_status"], Value::Null);
    assert_eq!(app.current_stock(latte), 8);
    assert_eq!(app.current_stock(bun), 9);

    // The next order of the year takes the next number; a confirmed start is allowed.
    let r = create(&app, &app.owner, &json!({ "order_data": { "status": "confirmed" }, "items": [{ "product_id": bun, "quantity": 1, "unit_price": 3.5 }] })).expect(200);
    assert_eq!(r.body["order_number"], json!(format!("ORD-{year}-0002")));
    assert_eq!(r.body["status"], json!("confirmed"));
    let o = order_view(&app, r.body["order_id"].as_str().unwrap_or_default());
    assert!(o["confirmed_at"].is_string());
    // Cashiers sell.
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    app.order(&cashier, &[(bun, 1, 3.5)]).expect(200);
}

fn order_create_checks_every_figure_against_the_rules(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Iced Latte", 14.9, 10);
    let before = app.fingerprint();
    let r = create(
        &app,
        &app.owner,
        &json!({ "order_data": { "total_amount": 30 }, "items": [{ "product_id": p, "quantity": 2, "unit_price": 14.9 }] }),
    );
    let r = r.edge_error(400, "AMOUNT_MISMATCH");
    assert_eq!(r.body["details"]["expected"]["total_amount"], json!(29.8));
    let body = json!({
        "order_data": { "subtotal": 29, "total_amount": 26.82, "discount_amount": 2.98 },
        "items": [{ "product_id": p, "quantity": 2, "unit_price": 14.9, "total_price": 29 }]
    });
    let r = create(&app, &app.owner, &body).edge_error(400, "AMOUNT_MISMATCH");
    assert_eq!(
        r.body["details"]["expected"],
        json!({ "items[0].total_price": 29.8, "subtotal": 29.8 })
    );
    assert_eq!(app.fingerprint(), before);
    // The 003 example: 29.80 − 2.98 = 26.82.
    let ok = json!({
        "order_data": { "subtotal": 29.8, "total_amount": 26.82, "discount_amount": 2.98, "tax_amount": 0 },
        "items": [{ "product_id": p, "quantity": 2, "unit_price": 14.9, "total_price": 29.8 }]
    });
    create(&app, &app.owner, &ok).expect(200);
}

fn order_create_refuses_bad_input_and_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Iced Latte", 14.9, 3);
    let inactive = app.product(&app.owner, "Retired Blend", 9.0);
    app.stock_in(&app.owner, inactive, 5, None);
    app.put(
        &format!("/v1/products/{inactive}"),
        Some(&app.owner),
        &json!({ "status": "inactive" }),
    )
    .expect(200);
    let other = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let rival_product = app.product(&rival, "Rival Latte", 10.0);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let agent = app.staff_token(app.tenant, Role::Agent);
    let before = app.fingerprint();
    let item = |q: Value, price: Value| json!({ "order_data": {}, "items": [{ "product_id": p, "quantity": q, "unit_price": price }] });
    let cases = [
        (
            json!({ "order_data": {}, "items": [] }),
            400,
            "VALIDATION_ERROR",
        ),
        (json!({ "order_data": {} }), 400, "VALIDATION_ERROR"),
        (
            json!({ "items": [{ "product_id": p, "quantity": 1, "unit_price": 1 }] }),
            400,
            "VALIDATION_ERROR",
        ),
        (item(json!(0), json!(14.9)), 400, "VALIDATION_ERROR"),
        (item(json!(-1), json!(14.9)), 400, "VALIDATION_ERROR"),
        (item(json!(1.5), json!(14.9)), 400, "VALIDATION_ERROR"),
        (item(json!("2"), json!(14.9)), 400, "VALIDATION_ERROR"),
        (item(json!(1), json!(-14.9)), 400, "VALIDATION_ERROR"),
        (item(json!(1), json!(14.999)), 400, "VALIDATION_ERROR"),
        (item(json!(1), json!("abc")), 400, "VALIDATION_ERROR"),
        (item(json!(1), json!(null)), 400, "VALIDATION_ERROR"),
        (
            json!({ "order_data": { "status": "paid" }, "items": [{ "product_id": p, "quantity": 1, "unit_price": 1 }] }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "order_data": { "order_type": "drone" }, "items": [{ "product_id": p, "quantity": 1, "unit_price": 1 }] }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "order_data": { "shipping_fee": -5 }, "items": [{ "product_id": p, "quantity": 1, "unit_price": 1 }] }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "order_data": { "discount_amount": 50 }, "items": [{ "product_id": p, "quantity": 1, "unit_price": 1 }] }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "order_data": {}, "items": [{ "product_id": 987_654, "quantity": 1, "unit_price": 1 }] }),
            404,
            "PRODUCT_NOT_FOUND",
        ),
        (
            json!({ "order_data": {}, "items": [{ "product_id": rival_product, "quantity": 1, "unit_price": 1 }] }),
            404,
            "PRODUCT_NOT_FOUND",
        ),
        (
            json!({ "order_data": {}, "items": [{ "product_id": p, "quantity": 4, "unit_price": 14.9 }] }),
            409,
            "INSUFFICIENT_STOCK",
        ),
        (
            json!({ "order_data": {}, "items": [{ "product_id": inactive, "quantity": 1, "unit_price": 9 }] }),
            409,
            "PRODUCT_INACTIVE",
        ),
    ];
    for (body, status, code) in cases {
        let r = create(&app, &app.owner, &body);
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (status, Some(code)),
            "{body} -> {}",
            r.body
        );
    }
    let ok = json!({ "order_data": {}, "items": [{ "product_id": p, "quantity": 1, "unit_price": 14.9 }] });
    app.post("/functions/v1/order-create", None, &ok)
        .edge_error(401, "AUTH_REQUIRED");
    app.post(
        "/functions/v1/order-create",
        Some(&app.expired_token(&app.owner)),
        &ok,
    )
    .edge_error(401, "AUTH_TOKEN_EXPIRED");
    create(&app, &viewer, &ok).edge_error(403, "FORBIDDEN");
    create(&app, &agent, &ok).edge_error(403, "FORBIDDEN");
    app.send_raw(
        "POST",
        "/functions/v1/order-create",
        Some(&app.owner),
        "{\"order_data\":",
    )
    .edge_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);
    assert_eq!(app.current_stock(p), 3);
}

fn order_create_is_all_or_nothing_across_items(b: Backend) {
    let app = TestApp::start(b);
    let plenty = stocked(&app, "Water", 2.0, 100);
    let scarce = stocked(&app, "Truffle", 50.0, 1);
    let before = app.fingerprint();
    // The first line could be allocated; the second cannot, so neither is.
    let r = app
        .order(&app.owner, &[(plenty, 5, 2.0), (scarce, 2, 50.0)])
        .edge_error(409, "INSUFFICIENT_STOCK");
    assert_eq!(r.body["details"]["product_id"], json!(scarce));
    assert_eq!(app.fingerprint(), before);
    assert_eq!(app.current_stock(plenty), 100);
    // The same product on two lines counts once against its stock.
    app.order(&app.owner, &[(scarce, 1, 50.0), (scarce, 1, 50.0)])
        .edge_error(409, "INSUFFICIENT_STOCK");
    assert_eq!(app.fingerprint(), before);
    // No number was used up: the next order is the first of the year.
    let r = app
        .order(&app.owner, &[(plenty, 5, 2.0), (scarce, 1, 50.0)])
        .expect(200);
    assert!(
        r.body["order_number"]
            .as_str()
            .is_some_and(|n| n.ends_with("-0001")),
        "{}",
        r.body
    );
}

fn pay(
    app: &TestApp,
    token: &str,
    order: &str,
    amount: Value,
    status: &str,
) -> crate::support::Resp {
    app.post(
        "/functions/v1/mock-payment",
        Some(token),
        &json!({ "order_id": order, "method": "credit_card", "amount": amount, "status": status }),
    )
}

fn completed_payment_moves_the_order_to_paid_once(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Iced Latte", 14.9, 10);
    let id = app.order(&app.owner, &[(p, 2, 14.9)]).expect(200).body["order_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let r = pay(&app, &cashier, &id, json!(29.8), "completed").expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(
        (
            r.body["order_status"].as_str(),
            r.body["payment_status"].as_str()
        ),
        (Some("paid"), Some("completed"))
    );
    let o = order_view(&app, &id);
    assert_eq!(o["status"], json!("paid"));
    assert_eq!(o["payment_status"], json!("completed"));
    assert!(o["paid_at"].is_string() && o["confirmed_at"].is_string());
    let steps: Vec<_> = o["status_history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["to_status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(steps, ["pending", "confirmed", "paid"]);
    assert_eq!(o["payments"][0]["amount"], json!(29.8));
    // Each change is announced in the outbox, in the same transaction as the change.
    assert_eq!(
        app.outbox(&id),
        [
            "order.created",
            "order.status_changed",
            "order.status_changed",
            "payment.success"
        ]
    );
    // A second completed payment is refused and recorded nowhere.
    let before = app.fingerprint();
    pay(&app, &cashier, &id, json!("29.80"), "completed").edge_error(409, "PAYMENT_NOT_ALLOWED");
    assert_eq!(app.fingerprint(), before);
}

fn failed_payment_is_recorded_and_changes_nothing_else(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Iced Latte", 14.9, 10);
    let id = app.order(&app.owner, &[(p, 1, 14.9)]).expect(200).body["order_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = pay(&app, &app.owner, &id, json!(14.9), "failed").expect(200);
    assert_eq!(r.body["order_status"], json!("pending"));
    let o = order_view(&app, &id);
    assert_eq!(
        (o["status"].as_str(), o["payment_status"].as_str()),
        (Some("pending"), Some("failed"))
    );
    assert_eq!(o["payments"].as_array().map(Vec::len), Some(1));
    assert_eq!(o["status_history"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.current_stock(p), 9);
    // After a failure the customer can still pay.
    pay(&app, &app.owner, &id, json!(14.9), "completed").expect(200);
}

fn refund_cancels_then_refunds_and_releases_stock(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Iced Latte", 14.9, 10);
    let id = app.order(&app.owner, &[(p, 4, 14.9)]).expect(200).body["order_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let before_refund_nothing_to_refund = app.fingerprint();
    pay(&app, &app.owner, &id, json!(59.6), "refunded").edge_error(409, "NOTHING_TO_REFUND");
    assert_eq!(app.fingerprint(), before_refund_nothing_to_refund);
    pay(&app, &app.owner, &id, json!(59.6), "completed").expect(200);
    assert_eq!(app.current_stock(p), 6);
    let r = pay(&app, &app.owner, &id, json!(59.6), "refunded").expect(200);
    assert_eq!(r.body["order_status"], json!("refunded"));
    assert_eq!(app.current_stock(p), 10);
    let o = order_view(&app, &id);
    let steps: Vec<_> = o["status_history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["to_status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        steps,
        ["pending", "confirmed", "paid", "cancelled", "refunded"]
    );
    assert!(o["cancelled_at"].is_string() && o["refunded_at"].is_string());
    assert_eq!(o["payment_status"], json!("refunded"));
    // Refunding again is refused; the stock was released exactly once.
    let before = app.fingerprint();
    pay(&app, &app.owner, &id, json!(59.6), "refunded").edge_error(409, "NOTHING_TO_REFUND");
    assert_eq!(app.fingerprint(), before);
    assert!(
        app.ledger_balance()
            .iter()
            .all(|(_, remaining, ledger)| remaining == ledger)
    );
}

fn mock_payment_refuses_bad_input_and_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Iced Latte", 14.9, 10);
    let id = app.order(&app.owner, &[(p, 2, 14.9)]).expect(200).body["order_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let other = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let agent = app.staff_token(app.tenant, Role::Agent);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let before = app.fingerprint();
    pay(&app, &app.owner, &id, json!(29.7), "completed").edge_error(400, "VALIDATION_ERROR");
    pay(&app, &app.owner, &id, json!(0), "completed").edge_error(400, "VALIDATION_ERROR");
    pay(&app, &app.owner, &id, json!(-29.8), "completed").edge_error(400, "VALIDATION_ERROR");
    pay(&app, &app.owner, &id, json!("29.8x"), "completed").edge_error(400, "VALIDATION_ERROR");
    pay(&app, &app.owner, &id, json!(29.8), "pending").edge_error(400, "VALIDATION_ERROR");
    app.post(
        "/functions/v1/mock-payment",
        Some(&app.owner),
        &json!({ "order_id": id, "amount": 29.8, "status": "completed" }),
    )
    .edge_error(400, "VALIDATION_ERROR");
    app.post(
        "/functions/v1/mock-payment",
        Some(&app.owner),
        &json!({ "order_id": id, "method": "", "amount": 29.8, "status": "completed" }),
    )
    .edge_error(400, "VALIDATION_ERROR");
    pay(&app, &app.owner, "not-an-order", json!(29.8), "completed")
        .edge_error(404, "ORDER_NOT_FOUND");
    pay(
        &app,
        &app.owner,
        "0193aaaa-0000-7000-8000-000000000000",
        json!(29.8),
        "completed",
    )
    .edge_error(404, "ORDER_NOT_FOUND");
    pay(&app, &rival, &id, json!(29.8), "completed").edge_error(404, "ORDER_NOT_FOUND");
    app.post(
        "/functions/v1/mock-payment",
        None,
        &json!({ "order_id": id, "method": "cash", "amount": 29.8, "status": "completed" }),
    )
    .edge_error(401, "AUTH_REQUIRED");
    pay(
        &app,
        &app.expired_token(&app.owner),
        &id,
        json!(29.8),
        "completed",
    )
    .edge_error(401, "AUTH_TOKEN_EXPIRED");
    pay(&app, &agent, &id, json!(29.8), "completed").edge_error(403, "FORBIDDEN");
    pay(&app, &viewer, &id, json!(29.8), "completed").edge_error(403, "FORBIDDEN");
    assert_eq!(app.fingerprint(), before);
}
