//! `POST /v1/orders/{id}/refunds`: returns of completed orders by lines and by amount, with
//! restocking and points taken back; refusals; refunds racing each other and the completion.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{stocked, text};
use crate::support::platform::count;
use crate::support::{Backend, Resp, TestApp, race};

crate::on_both_backends!(
    completed_orders_are_refunded_by_lines_and_by_amount,
    refund_refusals_change_nothing,
    racing_refunds_never_give_back_more_than_was_paid,
    a_refund_racing_the_completion_keeps_points_and_money_straight,
);

fn customer(app: &TestApp) -> String {
    let r = app
        .post(
            "/v1/customers",
            Some(&app.owner),
            &json!({ "name": "Carter", "email": format!("c{}@example.com", uuid::Uuid::new_v4().simple()) }),
        )
        .expect(201);
    text(&r.body["data"]["id"])
}

/// A paid pickup order of `qty` lattes at 14.90 for `customer`: (order id, its lines).
fn paid(app: &TestApp, product: i64, qty: i64, customer: &str) -> (String, Vec<Value>) {
    let r = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "customer_id": customer, "order_type": "pickup",
                     "items": [{ "product_id": product, "qty": qty }] }),
        )
        .expect(201);
    let order = text(&r.body["data"]["order_id"]);
    let total = r.body["data"]["total"].clone();
    app.post(
        "/functions/v1/mock-payment",
        Some(&app.owner),
        &json!({ "order_id": order, "method": "cash", "amount": total, "status": "completed" }),
    )
    .expect(200);
    let items = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200)
        .body["data"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    (order, items)
}

fn complete(app: &TestApp, order: &str) -> Resp {
    app.patch(
        &format!("/v1/orders/{order}/status"),
        Some(&app.owner),
        &json!({ "status": "completed" }),
    )
}

fn refund(app: &TestApp, order: &str, body: &Value) -> Resp {
    app.post(
        &format!("/v1/orders/{order}/refunds"),
        Some(&app.owner),
        body,
    )
}

fn points(app: &TestApp, customer: &str) -> i64 {
    app.get(&format!("/v1/customers/{customer}"), Some(&app.owner))
        .expect(200)
        .body["data"]["points_balance"]
        .as_i64()
        .unwrap_or(-1)
}

fn completed_orders_are_refunded_by_lines_and_by_amount(b: Backend) {
    let app = TestApp::start(b);
    let latte = stocked(&app, "Iced Latte", 14.90, 10);
    let carter = customer(&app);
    let (order, items) = paid(&app, latte, 3, &carter);
    complete(&app, &order).expect(200);
    assert_eq!(points(&app, &carter), 44);
    assert_eq!(app.current_stock(latte), 7);
    let line = text(&items[0]["id"]);

    // One latte comes back to the shelf: 14.90, a third of the points.
    let r = refund(
        &app,
        &order,
        &json!({ "lines": [{ "item_id": line, "quantity": 1, "restock": true }], "reason": "Spilled" }),
    )
    .expect(201);
    let d = &r.body["data"];
    assert_eq!(d["refunded_total"], json!(14.9));
    assert_eq!(d["refundable"], json!(29.8));
    let first = &d["refunds"][0];
    assert_eq!(first["amount"], json!(14.9));
    assert_eq!(first["reason"], json!("Spilled"));
    assert_eq!(first["points_reversed"], json!(14));
    assert_eq!(
        first["lines"],
        json!([{ "item_id": line, "quantity": 1, "amount": 14.9, "restock": true }])
    );
    assert_eq!(app.current_stock(latte), 8);
    assert_eq!(points(&app, &carter), 30);
    // The order stays completed; the refund is a payment record; spend and points follow.
    let o = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(o.body["data"]["status"], json!("completed"));
    let statuses: Vec<Value> = o.body["data"]["payments"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| p["status"].clone())
        .collect();
    assert!(statuses.contains(&json!("refunded")), "{}", o.body);
    let c = app
        .get(&format!("/v1/customers/{carter}"), Some(&app.owner))
        .expect(200);
    assert_eq!(c.body["data"]["total_spent"], json!(29.8));

    // The rest by amount, kept in the shop: everything is back, points included.
    let r = refund(&app, &order, &json!({ "amount": "29.80" })).expect(201);
    assert_eq!(r.body["data"]["refundable"], json!(0.0));
    assert_eq!(r.body["data"]["refunds"][1]["points_reversed"], json!(30));
    assert_eq!(points(&app, &carter), 0);
    assert_eq!(app.current_stock(latte), 8);
    refund(&app, &order, &json!({ "amount": 0.01 })).merchant_error(422, "NOTHING_TO_REFUND");
    let r = app
        .get(&format!("/v1/orders/{order}/refunds"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["refunds"].as_array().map(Vec::len), Some(2));
    assert_eq!(r.body["data"]["refunded_total"], json!(44.7));
    // Events and audit.
    let e = app
        .outbox_payload(&order, "payment.refunded")
        .unwrap_or_else(|| panic!("no payment.refunded event"));
    assert_eq!(e["amount"], json!("14.90"), "{e}");
    assert_eq!(e["order_status"], json!("completed"), "{e}");
    assert_eq!(count(&app, "audit_log WHERE action = 'order.refunded'"), 2);
    assert_eq!(count(&app, "points_ledger WHERE kind = 'reverse'"), 2);

    // Points already spent are not driven below zero: what is left is taken.
    let (second, _) = paid(&app, latte, 2, &carter);
    complete(&app, &second).expect(200);
    assert_eq!(points(&app, &carter), 29);
    app.post(
        &format!("/v1/customers/{carter}/points/redeem"),
        Some(&app.owner),
        &json!({ "points": 25 }),
    )
    .expect(201);
    let r = refund(&app, &second, &json!({ "amount": 29.80 })).expect(201);
    assert_eq!(r.body["data"]["refunds"][0]["points_reversed"], json!(4));
    assert_eq!(points(&app, &carter), 0);
}

fn refund_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let latte = stocked(&app, "Iced Latte", 14.90, 10);
    let carter = customer(&app);
    let (unfinished, _) = paid(&app, latte, 1, &carter);
    let (order, items) = paid(&app, latte, 2, &carter);
    complete(&app, &order).expect(200);
    let line = text(&items[0]["id"]);
    let rival = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival_owner, ..) = crate::people::signed_in(&app, rival, Role::Owner);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let agent = app.staff_token(app.tenant, Role::Agent);
    let before = app.fingerprint();

    refund(&app, &unfinished, &json!({ "amount": 1 })).merchant_error(409, "ORDER_NOT_REFUNDABLE");
    let field = |body: Value, code: &str, field: &str| {
        let r = refund(&app, &order, &body).merchant_error(422, code);
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    };
    field(json!({}), "VALIDATION_ERROR", "amount");
    field(json!({ "amount": 0 }), "VALIDATION_ERROR", "amount");
    field(json!({ "amount": -5 }), "VALIDATION_ERROR", "amount");
    field(json!({ "amount": "ten" }), "VALIDATION_ERROR", "amount");
    field(json!({ "amount": 0.001 }), "VALIDATION_ERROR", "amount");
    field(json!({ "amount": 29.81 }), "NOTHING_TO_REFUND", "amount");
    field(
        json!({ "lines": [{ "item_id": "not-a-line", "quantity": 1 }] }),
        "VALIDATION_ERROR",
        "lines[0].item_id",
    );
    field(
        json!({ "lines": [{ "item_id": uuid::Uuid::now_v7().to_string(), "quantity": 1 }] }),
        "VALIDATION_ERROR",
        "lines[0].item_id",
    );
    field(
        json!({ "lines": [{ "item_id": line, "quantity": 0 }] }),
        "VALIDATION_ERROR",
        "lines[0].quantity",
    );
    field(
        json!({ "lines": [{ "item_id": line, "quantity": 3 }] }),
        "VALIDATION_ERROR",
        "lines[0].quantity",
    );
    field(
        json!({ "lines": [{ "item_id": line, "quantity": 1 }, { "item_id": line, "quantity": 1 }] }),
        "VALIDATION_ERROR",
        "lines[1].item_id",
    );
    field(
        json!({ "lines": [{ "item_id": line, "quantity": "one" }] }),
        "VALIDATION_ERROR",
        "lines[0].quantity",
    );
    field(
        json!({ "lines": [{ "quantity": 1 }] }),
        "VALIDATION_ERROR",
        "lines[0].item_id",
    );
    field(
        json!({ "amount": 1, "reason": "r".repeat(501) }),
        "VALIDATION_ERROR",
        "reason",
    );
    field(
        json!({ "amount": 1, "refund_all": true }),
        "VALIDATION_ERROR",
        "refund_all",
    );
    app.send_raw(
        "POST",
        &format!("/v1/orders/{order}/refunds"),
        Some(&app.owner),
        "{",
    )
    .expect(400);
    // Who may refund, and whose orders.
    let body = json!({ "amount": 1 });
    let path = format!("/v1/orders/{order}/refunds");
    crate::people::needs_a_token(&app, "POST", &path, &body);
    crate::people::needs_a_token(&app, "GET", &path, &Value::Null);
    app.post(&path, Some(&viewer), &body)
        .merchant_error(403, "FORBIDDEN");
    app.post(&path, Some(&agent), &body)
        .merchant_error(403, "FORBIDDEN");
    app.post(&path, Some(&rival_owner), &body)
        .merchant_error(404, "ORDER_NOT_FOUND");
    app.get(&path, Some(&rival_owner))
        .merchant_error(404, "ORDER_NOT_FOUND");
    refund(&app, "ord_50001", &body).merchant_error(404, "ORDER_NOT_FOUND");
    refund(&app, &uuid::Uuid::now_v7().to_string(), &body).merchant_error(404, "ORDER_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);
    // A cashier refunds at the counter, once per idempotency key.
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let key = [("Idempotency-Key", "refund-carter-1")];
    let a = app
        .post_with(&path, Some(&cashier), &json!({ "amount": 5 }), &key)
        .expect(201);
    let b = app
        .post_with(&path, Some(&cashier), &json!({ "amount": 5 }), &key)
        .expect(201);
    assert_eq!(a.body, b.body);
    assert_eq!(count(&app, "order_refunds"), 1);
}

fn racing_refunds_never_give_back_more_than_was_paid(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let latte = stocked(&app, "Iced Latte", 14.90, 10);
    let carter = customer(&app);
    let (order, items) = paid(&app, latte, 3, &carter);
    complete(&app, &order).expect(200);
    let line = text(&items[0]["id"]);
    // Ten refunds of 10.00 race for 44.70, and five returns of 1 of the 3 lattes.
    let shared = std::sync::Arc::clone(&app);
    let id = order.clone();
    let statuses = race(15, move |i| {
        let body = if i < 10 {
            json!({ "amount": 10 })
        } else {
            json!({ "lines": [{ "item_id": line, "quantity": 1, "restock": true }] })
        };
        let r = refund(&shared, &id, &body);
        assert!(
            r.status == 201 || (r.status == 422 && r.body["error_code"] != json!("INTERNAL_ERROR")),
            "{}: {}",
            r.status,
            r.body
        );
        r.status
    });
    let r = app
        .get(&format!("/v1/orders/{order}/refunds"), Some(&app.owner))
        .expect(200);
    let refunds = r.body["data"]["refunds"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        refunds.len(),
        statuses.iter().filter(|s| **s == 201).count()
    );
    let total: f64 = refunds.iter().filter_map(|r| r["amount"].as_f64()).sum();
    assert!(total <= 44.7 + 1e-9, "refunded {total}");
    assert!(total > 44.7 - 10.0, "room was left: {total}");
    let returned: i64 = refunds
        .iter()
        .flat_map(|r| r["lines"].as_array().cloned().unwrap_or_default())
        .filter_map(|l| l["quantity"].as_i64())
        .sum();
    assert!(returned <= 3, "returned {returned}");
    // What came back to the shelf is what the refunds say.
    assert_eq!(app.current_stock(latte), 7 + returned);
    assert_eq!(
        count(
            &app,
            "orders WHERE refunded_amount_minor > total_amount_minor"
        ),
        0
    );
}

fn a_refund_racing_the_completion_keeps_points_and_money_straight(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let latte = stocked(&app, "Iced Latte", 14.90, 10);
    let carter = customer(&app);
    let (order, _) = paid(&app, latte, 3, &carter);
    let shared = std::sync::Arc::clone(&app);
    let id = order.clone();
    let statuses = race(6, move |i| {
        if i == 0 {
            complete(&shared, &id).status
        } else {
            refund(&shared, &id, &json!({ "amount": 10 })).status
        }
    });
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(
        // Refunded, not completed yet (409), or nothing left (422).
        statuses[1..].iter().all(|s| [201, 409, 422].contains(s)),
        "{statuses:?}"
    );
    let refunded =
        i64::try_from(statuses[1..].iter().filter(|s| **s == 201).count()).unwrap_or_default();
    // 44 earned once; each refund of 10.00 that landed took its share back.
    assert_eq!(count(&app, "points_ledger WHERE kind = 'earn'"), 1);
    let want = 44 - (44 * 1_000 * refunded) / 4_470;
    assert_eq!(points(&app, &carter), want);
    let r = app
        .get(&format!("/v1/orders/{order}/refunds"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        r.body["data"]["refunded_total"].as_f64(),
        Some(10.0 * refunded as f64)
    );
}
