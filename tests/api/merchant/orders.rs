//! Reading orders and moving them through their statuses: legal and illegal changes, payment
//! states, and who may change them.

use kedai_identity::Role;
use serde_json::json;

use super::{set_status, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    order_get_shows_items_payments_and_history,
    delivery_order_walks_every_status_to_completed,
    illegal_status_changes_are_refused_and_change_nothing,
    pending_payment_means_confirmed_and_counter_orders_complete_from_paid,
    order_status_changes_need_a_writing_role_of_the_same_merchant,
);

/// Creates an order of `order_type` for one unit of `product` at 5.00; returns its id.
fn order_of_type(app: &TestApp, product: i64, order_type: &str) -> String {
    let body = json!({ "order_data": { "order_type": order_type }, "items": [{ "product_id": product, "quantity": 1, "unit_price": 5 }] });
    let r = app
        .post("/functions/v1/order-create", Some(&app.owner), &body)
        .expect(200);
    text(&r.body["order_id"])
}

/// True for `ORD-dddd-dddd`.
fn is_order_number(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts.first() == Some(&"ORD")
        && parts
            .iter()
            .skip(1)
            .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn order_get_shows_items_payments_and_history(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Flat White", "sku": "FW-1", "price": 12.5 }),
        )
        .expect(201);
    let p = r.body["data"]["id"].as_i64().unwrap_or_default();
    let q = app.product(&app.owner, "Scone", 8.0);
    app.stock_in(&app.owner, p, 10, None);
    app.stock_in(&app.owner, q, 10, None);
    let created = app
        .order(&app.owner, &[(p, 2, 12.5), (q, 1, 8.0)])
        .expect(200);
    let order = text(&created.body["order_id"]);
    let path = format!("/v1/orders/{order}");

    let r = app.get(&path, Some(&app.owner)).expect(200);
    assert_eq!(r.body["success"], json!(true));
    let d = &r.body["data"];
    assert_eq!(d["id"], json!(order));
    let number = text(&d["order_number"]);
    assert!(is_order_number(&number), "{number}");
    assert_eq!(d["order_number"], created.body["order_number"]);
    assert_eq!(
        (
            d["status"].clone(),
            d["order_type"].clone(),
            d["currency"].clone()
        ),
        (json!("pending"), json!("delivery"), json!("MYR"))
    );
    assert_eq!(
        (
            d["subtotal"].clone(),
            d["total_amount"].clone(),
            d["shipping_fee"].clone()
        ),
        (json!(33.0), json!(33.0), json!(0.0))
    );
    assert_eq!(
        (d["payment_status"].clone(), d["tracking_number"].clone()),
        (json!(null), json!(null))
    );
    assert_eq!(d["customer_email"], json!("c@example.com"));
    assert!(d["created_at"].is_string(), "{}", r.body);
    for stamp in [
        "confirmed_at",
        "paid_at",
        "processing_at",
        "shipped_at",
        "delivered_at",
        "completed_at",
        "cancelled_at",
        "refunded_at",
    ] {
        assert_eq!(d[stamp], json!(null), "{stamp}");
    }
    let items = d["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{}", r.body);
    let line = items
        .iter()
        .find(|i| i["product_id"] == json!(p))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (line["product_name"].clone(), line["product_sku"].clone()),
        (json!("Flat White"), json!("FW-1"))
    );
    assert_eq!(
        (
            line["quantity"].clone(),
            line["unit_price"].clone(),
            line["total_price"].clone()
        ),
        (json!(2), json!(12.5), json!(25.0))
    );
    let line = items
        .iter()
        .find(|i| i["product_id"] == json!(q))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            line["product_name"].clone(),
            line["quantity"].clone(),
            line["total_price"].clone()
        ),
        (json!("Scone"), json!(1), json!(8.0))
    );
    assert_eq!(d["payments"], json!([]));
    let history = d["status_history"].as_array().cloned().unwrap_or_default();
    assert_eq!(history.len(), 1, "{}", r.body);
    let first = history.first().cloned().unwrap_or_default();
    assert_eq!(
        (
            first["from_status"].clone(),
            first["to_status"].clone(),
            first["reason"].clone()
        ),
        (json!(null), json!("pending"), json!("order_created"))
    );

    // A payment shows up in the order, with its status change.
    let pay = json!({ "order_id": order, "method": "cash", "amount": 33, "status": "completed" });
    app.post("/functions/v1/mock-payment", Some(&app.owner), &pay)
        .expect(200);
    let r = app.get(&path, Some(&app.owner)).expect(200);
    let d = &r.body["data"];
    assert_eq!(
        (d["status"].clone(), d["payment_status"].clone()),
        (json!("paid"), json!("completed"))
    );
    let payment = d["payments"][0].clone();
    assert_eq!(
        (
            payment["method"].clone(),
            payment["amount"].clone(),
            payment["status"].clone()
        ),
        (json!("cash"), json!(33.0), json!("completed"))
    );
    assert_eq!(d["payments"].as_array().map(Vec::len), Some(1));
    let statuses: Vec<String> = d["status_history"]
        .as_array()
        .map(|h| h.iter().map(|c| text(&c["to_status"])).collect())
        .unwrap_or_default();
    assert_eq!(statuses, ["pending", "confirmed", "paid"]);
    assert_eq!(d["status_history"][2]["reason"], json!("payment_completed"));

    // Readers may read; unknown and foreign ids are not found.
    for role in [Role::Viewer, Role::Agent, Role::Cashier] {
        let token = app.staff_token(app.tenant, role);
        assert_eq!(
            app.get(&path, Some(&token)).expect(200).body["data"]["id"],
            json!(order),
            "{role}"
        );
    }
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for id in [
        "abc",
        "123",
        "0193aaaa-0000-7000-8000-000000000000",
        number.as_str(),
    ] {
        app.get(&format!("/v1/orders/{id}"), Some(&app.owner))
            .merchant_error(404, "ORDER_NOT_FOUND");
    }
    app.get(&path, Some(&rival))
        .merchant_error(404, "ORDER_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);
}

fn delivery_order_walks_every_status_to_completed(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Cold Brew", 5.0);
    app.stock_in(&app.owner, p, 3, None);
    let order = order_of_type(&app, p, "delivery");
    let stamps = [
        "confirmed_at",
        "paid_at",
        "processing_at",
        "shipped_at",
        "delivered_at",
        "completed_at",
    ];
    let steps = [
        ("confirmed", None),
        ("paid", None),
        ("processing", None),
        ("shipped", Some(" TRK-123 ")),
        ("delivered", None),
        ("completed", None),
    ];
    let mut from = "pending";
    for (n, (status, tracking)) in steps.into_iter().enumerate() {
        let r = set_status(&app, &app.owner, &order, status, tracking).expect(200);
        assert_eq!(r.body["success"], json!(true));
        let d = &r.body["data"];
        assert_eq!(d["status"], json!(status));
        // This step's stamp and every earlier one are set; later ones are not.
        for (i, stamp) in stamps.iter().enumerate() {
            assert_eq!(
                d[*stamp].is_string(),
                i <= n,
                "{status}: {stamp} in {}",
                r.body
            );
        }
        let history = d["status_history"].as_array().cloned().unwrap_or_default();
        assert_eq!(history.len(), n + 2, "{status}: {}", r.body);
        let last = history.last().cloned().unwrap_or_default();
        assert_eq!(
            (
                last["from_status"].clone(),
                last["to_status"].clone(),
                last["reason"].clone()
            ),
            (json!(from), json!(status), json!("status_update"))
        );
        assert!(
            last["actor"].as_str().is_some_and(|a| !a.is_empty()),
            "{}",
            r.body
        );
        // The tracking number is recorded with the shipping step, trimmed, and kept.
        let want_tracking = if n >= 3 {
            json!("TRK-123")
        } else {
            json!(null)
        };
        assert_eq!(d["tracking_number"], want_tracking, "{status}");
        assert_eq!(
            last["tracking_number"],
            if status == "shipped" {
                json!("TRK-123")
            } else {
                json!(null)
            }
        );
        from = status;
    }
    let r = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(
        (d["status"].clone(), d["tracking_number"].clone()),
        (json!("completed"), json!("TRK-123"))
    );
    assert_eq!(
        (d["cancelled_at"].clone(), d["refunded_at"].clone()),
        (json!(null), json!(null))
    );
    let path: Vec<String> = d["status_history"]
        .as_array()
        .map(|h| h.iter().map(|c| text(&c["to_status"])).collect())
        .unwrap_or_default();
    assert_eq!(
        path,
        [
            "pending",
            "confirmed",
            "paid",
            "processing",
            "shipped",
            "delivered",
            "completed"
        ]
    );
    // A completed order keeps its stock.
    assert_eq!(app.current_stock(p), 2);
}

fn illegal_status_changes_are_refused_and_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Iced Tea", 5.0);
    app.stock_in(&app.owner, p, 3, None);
    let order = order_of_type(&app, p, "delivery");
    let path = format!("/v1/orders/{order}/status");

    let before = app.fingerprint();
    let r = set_status(&app, &app.owner, &order, "shipped", Some("TRK-1"))
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(
        r.body["details"],
        json!({ "from": "pending", "to": "shipped" })
    );
    let r = set_status(&app, &app.owner, &order, "pending", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(
        r.body["details"],
        json!({ "from": "pending", "to": "pending" })
    );
    set_status(&app, &app.owner, &order, "refunded", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    for (body, field) in [
        (json!({ "status": "teleported" }), "status"),
        (json!({ "status": "PAID" }), "status"),
        (json!({ "status": "" }), "status"),
        (json!({}), "status"),
        (json!({ "status": 3 }), "status"),
    ] {
        let r = app
            .patch(&path, Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body} -> {}", r.body);
    }
    app.send_raw("PATCH", &path, Some(&app.owner), "{\"status\": ")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);

    for status in ["confirmed", "paid", "processing"] {
        set_status(&app, &app.owner, &order, status, None).expect(200);
    }
    let before = app.fingerprint();
    for tracking in [None, Some(""), Some("   ")] {
        let r = set_status(&app, &app.owner, &order, "shipped", tracking)
            .merchant_error(422, "TRACKING_NUMBER_REQUIRED");
        assert!(
            r.body["errors"]["tracking_number"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{}",
            r.body
        );
    }
    let r = set_status(&app, &app.owner, &order, "completed", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(
        r.body["details"],
        json!({ "from": "processing", "to": "completed" })
    );
    assert_eq!(app.fingerprint(), before);
    let r = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        (
            r.body["data"]["status"].clone(),
            r.body["data"]["shipped_at"].clone()
        ),
        (json!("processing"), json!(null))
    );
    assert_eq!(
        r.body["data"]["status_history"].as_array().map(Vec::len),
        Some(4)
    );

    // The camel-case alias of tracking_number is accepted.
    let r = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "status": "shipped", "trackingNumber": "TRK-9" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["tracking_number"], json!("TRK-9"));
    set_status(&app, &app.owner, &order, "delivered", None).expect(200);
    set_status(&app, &app.owner, &order, "completed", None).expect(200);
    let before = app.fingerprint();
    for status in [
        "pending",
        "pending_payment",
        "confirmed",
        "paid",
        "processing",
        "shipped",
        "delivered",
        "completed",
        "cancelled",
        "refunded",
    ] {
        let r = set_status(&app, &app.owner, &order, status, Some("TRK-10"))
            .merchant_error(409, "INVALID_STATUS_TRANSITION");
        assert_eq!(r.body["details"]["from"], json!("completed"), "{status}");
    }
    assert_eq!(app.fingerprint(), before);
    assert_eq!(app.current_stock(p), 2);
}

fn pending_payment_means_confirmed_and_counter_orders_complete_from_paid(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Nasi Lemak", 5.0);
    app.stock_in(&app.owner, p, 10, None);

    let delivery = order_of_type(&app, p, "delivery");
    let r = set_status(&app, &app.owner, &delivery, "pending_payment", None).expect(200);
    assert_eq!(r.body["data"]["status"], json!("confirmed"));
    assert!(r.body["data"]["confirmed_at"].is_string(), "{}", r.body);
    assert_eq!(
        r.body["data"]["status_history"][1]["to_status"],
        json!("confirmed")
    );
    set_status(&app, &app.owner, &delivery, "paid", None).expect(200);
    let before = app.fingerprint();
    let r = set_status(&app, &app.owner, &delivery, "completed", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(
        r.body["details"],
        json!({ "from": "paid", "to": "completed" })
    );
    assert_eq!(app.fingerprint(), before);

    let pickup = order_of_type(&app, p, "pickup");
    let r = app
        .get(&format!("/v1/orders/{pickup}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        (
            r.body["data"]["order_type"].clone(),
            r.body["data"]["total_amount"].clone()
        ),
        (json!("pickup"), json!(5.0))
    );
    set_status(&app, &app.owner, &pickup, "pending_payment", None).expect(200);
    set_status(&app, &app.owner, &pickup, "paid", None).expect(200);
    let r = set_status(&app, &app.owner, &pickup, "completed", None).expect(200);
    let d = &r.body["data"];
    assert_eq!(d["status"], json!("completed"));
    assert!(
        d["completed_at"].is_string() && d["paid_at"].is_string(),
        "{}",
        r.body
    );
    assert_eq!(
        (
            d["processing_at"].clone(),
            d["shipped_at"].clone(),
            d["delivered_at"].clone()
        ),
        (json!(null), json!(null), json!(null))
    );
    let last = d["status_history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (last["from_status"].clone(), last["to_status"].clone()),
        (json!("paid"), json!("completed"))
    );
    // A pickup order still cannot skip payment.
    let unpaid = order_of_type(&app, p, "pickup");
    let before = app.fingerprint();
    set_status(&app, &app.owner, &unpaid, "completed", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(app.fingerprint(), before);
    // Dine-in orders may complete from processing.
    let dine_in = order_of_type(&app, p, "dine_in");
    for status in ["confirmed", "paid", "processing", "completed"] {
        set_status(&app, &app.owner, &dine_in, status, None).expect(200);
    }
    assert_eq!(app.current_stock(p), 6);
}

fn order_status_changes_need_a_writing_role_of_the_same_merchant(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Roti Canai", 2.5);
    app.stock_in(&app.owner, p, 2, None);
    let order = order_of_type(&app, p, "delivery");
    let agent = app.staff_token(app.tenant, Role::Agent);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for token in [&agent, &viewer] {
        for status in ["confirmed", "cancelled"] {
            set_status(&app, token, &order, status, None).merchant_error(403, "FORBIDDEN");
        }
        // They may still read it.
        assert_eq!(
            app.get(&format!("/v1/orders/{order}"), Some(token))
                .expect(200)
                .body["data"]["status"],
            json!("pending")
        );
    }
    set_status(&app, &rival, &order, "cancelled", None).merchant_error(404, "ORDER_NOT_FOUND");
    for id in ["abc", "0193aaaa-0000-7000-8000-000000000000"] {
        set_status(&app, &app.owner, id, "confirmed", None).merchant_error(404, "ORDER_NOT_FOUND");
    }
    assert_eq!(app.fingerprint(), before);
    assert_eq!(app.current_stock(p), 1);

    let r = set_status(&app, &cashier, &order, "confirmed", None).expect(200);
    assert_eq!(r.body["data"]["status"], json!("confirmed"));
    let manager = app.staff_token(app.tenant, Role::Manager);
    let r = set_status(&app, &manager, &order, "cancelled", None).expect(200);
    assert!(r.body["data"]["cancelled_at"].is_string(), "{}", r.body);
    assert_eq!(app.current_stock(p), 2);
}
