//! `/functions/v1/stock-in`, `stock-adjust` and `allocate-inventory`.

use chrono::{Duration, Utc};
use kedai_identity::Role;
use serde_json::json;

use crate::support::{Backend, ROLES, TestApp};

crate::on_both_backends!(
    stock_in_adds_a_lot_and_reports_current_stock,
    stock_in_rejects_bad_input_and_changes_nothing,
    stock_in_needs_a_token_and_a_stocking_role,
    fifo_scenario_spans_the_oldest_lots_and_cancel_puts_them_back,
    allocate_rejects_short_stock_and_bad_input,
    product_level_adjustments_follow_the_rules,
    record_level_adjustments_follow_the_rules,
    other_tenants_products_and_records_are_invisible,
);

fn stock_in_adds_a_lot_and_reports_current_stock(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Iced Latte", 14.9);
    let first = app.stock_in(&app.owner, p, 100, None);
    assert_eq!(first["success"], json!(true));
    assert_eq!(first["product_id"], json!(p));
    assert_eq!(first["quantity"], json!(100));
    assert_eq!(first["current_stock"], json!(100));
    assert_eq!(first["message"], json!("庫存入庫成功"));
    assert!(
        first["inventory_id"]
            .as_str()
            .is_some_and(|s| s.len() == 36)
    );
    // Numeric product ids and the default source are accepted too.
    let r = app
        .post(
            "/functions/v1/stock-in",
            Some(&app.owner),
            &json!({ "product_id": p, "quantity": 50, "note": "供應商A進貨" }),
        )
        .expect(200);
    assert_eq!(r.body["current_stock"], json!(150));
    assert_ne!(r.body["inventory_id"], first["inventory_id"]);
    assert_eq!(app.current_stock(p), 150);
    assert!(
        app.ledger_balance()
            .iter()
            .all(|(_, remaining, ledger)| remaining == ledger)
    );
}

fn stock_in_rejects_bad_input_and_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Iced Latte", 14.9);
    app.stock_in(&app.owner, p, 10, None);
    let before = app.fingerprint();
    let tomorrow = (Utc::now() + Duration::days(1)).to_rfc3339();
    let cases = [
        (
            json!({ "product_id": p, "quantity": 0 }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": -5 }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": 2.5 }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": "10" }),
            400,
            "VALIDATION_ERROR",
        ),
        (json!({ "product_id": p }), 400, "VALIDATION_ERROR"),
        (json!({ "quantity": 5 }), 400, "VALIDATION_ERROR"),
        (
            json!({ "product_id": "550e8400-e29b-41d4-a716-446655440000", "quantity": 5 }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": 0, "quantity": 5 }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": 5, "source": "gift" }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": 5, "received_at": "yesterday" }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": 5, "received_at": tomorrow }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": 999_999, "quantity": 5 }),
            404,
            "PRODUCT_NOT_FOUND",
        ),
        (json!([1, 2]), 400, "VALIDATION_ERROR"),
    ];
    for (body, status, code) in cases {
        let r = app.post("/functions/v1/stock-in", Some(&app.owner), &body);
        assert_eq!(r.status, status, "{body} -> {}", r.body);
        r.edge_error(status, code);
    }
    let r = app.send_raw(
        "POST",
        "/functions/v1/stock-in",
        Some(&app.owner),
        "{\"product_id\": 1, ",
    );
    r.edge_error(400, "MALFORMED_REQUEST");
    let r = app.send_raw("POST", "/functions/v1/stock-in", Some(&app.owner), "");
    r.edge_error(400, "MALFORMED_REQUEST");
    let r = app.post(
        "/functions/v1/stock-in",
        Some(&app.owner),
        &json!({ "product_id": p, "quantity": 5, "note": "x".repeat(70_000) }),
    );
    r.edge_error(413, "PAYLOAD_TOO_LARGE");
    // A validation error names the field.
    let r = app
        .post(
            "/functions/v1/stock-in",
            Some(&app.owner),
            &json!({ "product_id": p, "quantity": "ten" }),
        )
        .expect(400);
    assert!(r.body["errors"]["quantity"].is_array(), "{}", r.body);
    assert_eq!(app.fingerprint(), before);
}

fn stock_in_needs_a_token_and_a_stocking_role(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Iced Latte", 14.9);
    let before = app.fingerprint();
    let body = json!({ "product_id": p, "quantity": 5 });
    app.post("/functions/v1/stock-in", None, &body)
        .edge_error(401, "AUTH_REQUIRED");
    app.post("/functions/v1/stock-in", Some("not-a-jwt"), &body)
        .edge_error(401, "AUTH_TOKEN_INVALID");
    let expired = app.expired_token(&app.owner);
    app.post("/functions/v1/stock-in", Some(&expired), &body)
        .edge_error(401, "AUTH_TOKEN_EXPIRED");
    let forged = app.forge(&app.owner, |c| c["role"] = json!("superuser"));
    app.post("/functions/v1/stock-in", Some(&forged), &body)
        .edge_error(401, "AUTH_TOKEN_INVALID");
    let r = app.send_raw("POST", "/functions/v1/stock-in", None, &body.to_string());
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    for role in ROLES {
        if role.can(kedai_identity::Permission::InventoryWrite) {
            continue;
        }
        let token = app.staff_token(app.tenant, role);
        app.post("/functions/v1/stock-in", Some(&token), &body)
            .edge_error(403, "FORBIDDEN");
    }
    assert_eq!(app.fingerprint(), before);
    let manager = app.staff_token(app.tenant, Role::Manager);
    app.post("/functions/v1/stock-in", Some(&manager), &body)
        .expect(200);
}

fn fifo_scenario_spans_the_oldest_lots_and_cancel_puts_them_back(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Flat White", 12.5);
    let now = Utc::now();
    // Three lots received on three days, recorded newest first to prove receipt order rules.
    let day3 = app.stock_in(&app.owner, p, 30, Some(now - Duration::days(1)));
    let day1 = app.stock_in(&app.owner, p, 10, Some(now - Duration::days(3)));
    let day2 = app.stock_in(&app.owner, p, 20, Some(now - Duration::days(2)));
    assert_eq!(day2["current_stock"], json!(60));
    let id = |v: &serde_json::Value| v["inventory_id"].as_str().unwrap_or_default().to_owned();
    let (l1, l2, l3) = (id(&day1), id(&day2), id(&day3));

    // An order of 15 spans the two oldest lots: all 10 of day 1, then 5 of day 2.
    let r = app.order(&app.owner, &[(p, 15, 12.5)]).expect(200);
    let order = r.body["order_id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        app.lots(p),
        vec![(l1.clone(), 0), (l2.clone(), 15), (l3.clone(), 30)]
    );
    assert_eq!(app.current_stock(p), 45);

    // allocate-inventory reports current stock and keeps taking oldest first.
    let r = app.post("/functions/v1/allocate-inventory", Some(&app.owner), &json!({ "product_id": p.to_string(), "quantity": 20, "source": "order", "ref_id": "pos-1" })).expect(200);
    assert_eq!(
        r.body,
        json!({ "success": true, "product_id": p, "current_stock": 25 })
    );
    assert_eq!(
        app.lots(p),
        vec![(l1.clone(), 0), (l2.clone(), 0), (l3.clone(), 25)]
    );

    // Cancelling the order puts 10 back into day 1 and 5 into day 2.
    let r = app
        .patch(
            &format!("/v1/orders/{order}/status"),
            Some(&app.owner),
            &json!({ "status": "cancelled" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["status"], json!("cancelled"));
    assert_eq!(app.lots(p), vec![(l1, 10), (l2, 5), (l3, 25)]);
    assert_eq!(app.current_stock(p), 40);
    assert!(
        app.ledger_balance()
            .iter()
            .all(|(_, remaining, ledger)| remaining == ledger),
        "{:?}",
        app.ledger_balance()
    );
}

fn allocate_rejects_short_stock_and_bad_input(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Croissant", 8.0);
    app.stock_in(&app.owner, p, 5, None);
    let before = app.fingerprint();
    let r = app.post(
        "/functions/v1/allocate-inventory",
        Some(&app.owner),
        &json!({ "product_id": p, "quantity": 6, "ref_id": "x" }),
    );
    let r = r.edge_error(409, "INSUFFICIENT_STOCK");
    assert_eq!(
        r.body["details"],
        json!({ "product_id": p, "requested": 6, "available": 5 })
    );
    for (body, status, code) in [
        (
            json!({ "product_id": p, "quantity": 0, "ref_id": "x" }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": -1, "ref_id": "x" }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": 1 }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": 1, "ref_id": "" }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": p, "quantity": 1, "ref_id": "x", "source": "Not A Code!" }),
            400,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "product_id": 424_242, "quantity": 1, "ref_id": "x" }),
            404,
            "PRODUCT_NOT_FOUND",
        ),
    ] {
        app.post("/functions/v1/allocate-inventory", Some(&app.owner), &body)
            .edge_error(status, code);
    }
    app.post(
        "/functions/v1/allocate-inventory",
        None,
        &json!({ "product_id": p, "quantity": 1, "ref_id": "x" }),
    )
    .edge_error(401, "AUTH_REQUIRED");
    for role in [Role::Agent, Role::Viewer] {
        let t = app.staff_token(app.tenant, role);
        app.post(
            "/functions/v1/allocate-inventory",
            Some(&t),
            &json!({ "product_id": p, "quantity": 1, "ref_id": "x" }),
        )
        .edge_error(403, "FORBIDDEN");
    }
    assert_eq!(app.fingerprint(), before);
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let r = app
        .post(
            "/functions/v1/allocate-inventory",
            Some(&cashier),
            &json!({ "product_id": p, "quantity": 5, "ref_id": "x" }),
        )
        .expect(200);
    assert_eq!(r.body["current_stock"], json!(0));
}

fn adjust(app: &TestApp, body: serde_json::Value) -> crate::support::Resp {
    app.post("/functions/v1/stock-adjust", Some(&app.owner), &body)
}

fn product_level_adjustments_follow_the_rules(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Muffin", 6.0);
    // A decrease with no record at all is refused.
    let r = adjust(
        &app,
        json!({ "product_id": p, "adjust_quantity": -1, "reason": "damage_writeoff" }),
    );
    r.edge_error(409, "NO_STOCK_RECORD");
    // An increase with no record creates one with the documented note.
    let r = adjust(&app, json!({ "product_id": p, "adjust_quantity": 15, "reason": "inventory_audit_increase", "source": "manual_adjustment" })).expect(200);
    assert_eq!(r.body["adjustment_type"], json!("increase"));
    assert_eq!(
        (
            r.body["previous_available_stock"].as_i64(),
            r.body["new_available_stock"].as_i64()
        ),
        (Some(0), Some(15))
    );
    assert_eq!(r.body["message"], json!("庫存調整成功"));
    let created = r.body["inventory_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(app.lots(p), vec![(created.clone(), 15)]);

    // An increase goes to the newest record.
    let newer = app.stock_in(&app.owner, p, 5, Some(Utc::now() - Duration::days(9)));
    let newer = newer["inventory_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = adjust(
        &app,
        json!({ "product_id": p.to_string(), "adjust_quantity": 3, "reason": "return_goods" }),
    )
    .expect(200);
    assert_eq!(r.body["inventory_id"], json!(newer));
    assert_eq!(app.current_stock(p), 23);

    // A decrease never exceeds the product's stock, and takes the newest record first.
    let before = app.fingerprint();
    adjust(
        &app,
        json!({ "product_id": p, "adjust_quantity": -24, "reason": "loss_theft" }),
    )
    .edge_error(409, "INSUFFICIENT_STOCK");
    // Zero, wrong-direction reasons, unknown reasons and `other` without a note change nothing.
    for body in [
        json!({ "product_id": p, "adjust_quantity": 0, "reason": "other", "note": "x" }),
        json!({ "product_id": p, "adjust_quantity": 2, "reason": "damage_writeoff" }),
        json!({ "product_id": p, "adjust_quantity": -2, "reason": "supplier_compensation" }),
        json!({ "product_id": p, "adjust_quantity": -2, "reason": "shrinkage" }),
        json!({ "product_id": p, "adjust_quantity": -2, "reason": "other" }),
        json!({ "product_id": p, "adjust_quantity": -2 }),
        json!({ "adjust_quantity": -2, "reason": "loss_theft" }),
        json!({ "product_id": p, "inventory_id": newer, "adjust_quantity": -2, "reason": "loss_theft" }),
        json!({ "product_id": p, "adjust_quantity": "-2", "reason": "loss_theft" }),
    ] {
        adjust(&app, body).edge_error(400, "VALIDATION_ERROR");
    }
    adjust(
        &app,
        json!({ "product_id": 31_337, "adjust_quantity": 2, "reason": "return_goods" }),
    )
    .edge_error(404, "PRODUCT_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);

    let r = adjust(&app, json!({ "product_id": p, "adjust_quantity": -10, "reason": "other", "note": "tasting event" })).expect(200);
    assert_eq!(r.body["adjustment_type"], json!("decrease"));
    assert_eq!(
        (
            r.body["previous_available_stock"].as_i64(),
            r.body["new_available_stock"].as_i64()
        ),
        (Some(23), Some(13))
    );
    // The newest record (8 units) is emptied first, then the older one gives 2.
    assert_eq!(r.body["inventory_id"], json!(newer));
    let mut lots = app.lots(p);
    lots.sort();
    let mut want = vec![(created, 13), (newer, 0)];
    want.sort();
    assert_eq!(lots, want);
    assert!(
        app.ledger_balance()
            .iter()
            .all(|(_, remaining, ledger)| remaining == ledger)
    );
}

fn record_level_adjustments_follow_the_rules(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Bagel", 5.0);
    let lot = app.stock_in(&app.owner, p, 10, None);
    let lot = lot["inventory_id"].as_str().unwrap_or_default().to_owned();
    app.stock_in(&app.owner, p, 50, None);
    let before = app.fingerprint();
    adjust(
        &app,
        json!({ "inventory_id": lot, "adjust_quantity": -11, "reason": "damage_writeoff" }),
    )
    .edge_error(409, "INSUFFICIENT_STOCK");
    adjust(&app, json!({ "inventory_id": "0193aaaa-0000-7000-8000-000000000000", "adjust_quantity": -1, "reason": "damage_writeoff" }))
        .edge_error(404, "INVENTORY_RECORD_NOT_FOUND");
    adjust(
        &app,
        json!({ "inventory_id": "lot-1", "adjust_quantity": -1, "reason": "damage_writeoff" }),
    )
    .edge_error(400, "VALIDATION_ERROR");
    assert_eq!(app.fingerprint(), before);
    let r = adjust(&app, json!({ "inventory_id": lot, "adjust_quantity": -5, "reason": "damage_writeoff", "source": "inventory_audit" })).expect(200);
    assert_eq!(r.body["inventory_id"], json!(lot));
    assert_eq!(
        (
            r.body["previous_available_stock"].as_i64(),
            r.body["new_available_stock"].as_i64()
        ),
        (Some(10), Some(5))
    );
    assert_eq!(app.current_stock(p), 55);
}

fn other_tenants_products_and_records_are_invisible(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Secret Blend", 30.0);
    let lot = app.stock_in(&app.owner, p, 10, None);
    let lot = lot["inventory_id"].as_str().unwrap_or_default().to_owned();
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    app.post(
        "/functions/v1/stock-in",
        Some(&rival),
        &json!({ "product_id": p, "quantity": 5 }),
    )
    .edge_error(404, "PRODUCT_NOT_FOUND");
    app.post(
        "/functions/v1/stock-adjust",
        Some(&rival),
        &json!({ "inventory_id": lot, "adjust_quantity": -5, "reason": "loss_theft" }),
    )
    .edge_error(404, "INVENTORY_RECORD_NOT_FOUND");
    app.post(
        "/functions/v1/allocate-inventory",
        Some(&rival),
        &json!({ "product_id": p, "quantity": 1, "ref_id": "x" }),
    )
    .edge_error(404, "PRODUCT_NOT_FOUND");
    app.get(&format!("/v1/products/{p}"), Some(&rival))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);
}
