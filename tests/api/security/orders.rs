//! Findings on orders: edge `order-create` storing unchecked references (3) and taking any unit
//! price from any role (4); idempotency comparing bodies byte for byte (11).

use serde_json::{Value, json};

use super::text;
use crate::support::{Backend, PASSWORD, TestApp};

fn outlet(app: &TestApp, token: &str, code: &str) -> String {
    text(
        &app.post(
            "/v1/outlets",
            Some(token),
            &json!({ "name": format!("Outlet {code}"), "code": code }),
        )
        .expect(201)
        .body["data"]["id"],
    )
}

/// A staff member of `role` bound to `outlets`, signed in; returns their token.
fn bound(app: &TestApp, role: &str, outlets: &[&str]) -> String {
    let email = format!("{role}-{}@example.com", uuid::Uuid::new_v4().simple());
    app.post(
        "/v1/staff",
        Some(&app.owner),
        &json!({ "email": email, "role": role, "outlet_ids": outlets, "password": PASSWORD }),
    )
    .expect(201);
    text(
        &app.post(
            "/v1/auth/login",
            None,
            &json!({ "email": email, "password": PASSWORD }),
        )
        .expect(200)
        .body["data"]["access_token"],
    )
}

fn edge_order(
    app: &TestApp,
    token: &str,
    data: Value,
    product: i64,
    unit_price: f64,
) -> crate::support::Resp {
    app.post(
        "/functions/v1/order-create",
        Some(token),
        &json!({ "order_data": data, "items": [{ "product_id": product.to_string(), "quantity": 1, "unit_price": unit_price }] }),
    )
}

/// Finding 3: Before: a cashier bound to outlet 1 created orders for outlet 2, for another merchant's
/// outlet, for `not-an-outlet` and for another merchant's customer — all 200, stored as given.
fn edge_orders_name_only_the_merchants_own_within_the_callers_scope(b: Backend) {
    let app = TestApp::start(b);
    let one = outlet(&app, &app.owner, "ONE");
    let two = outlet(&app, &app.owner, "TWO");
    let cashier = bound(&app, "cashier", &[&one]);
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let other_owner = app.staff_token(other, kedai_identity::Role::Owner);
    let theirs = outlet(&app, &other_owner, "THEIRS");
    let their_customer = text(
        &app.post(
            "/v1/customers",
            Some(&other_owner),
            &json!({ "name": "Zed", "phone": "+60123450100" }),
        )
        .expect(201)
        .body["data"]["id"],
    );
    let product = app.product(&app.owner, "Kopi", 5.0);
    app.stock_in(&app.owner, product, 10, None);
    let before = app.fingerprint();
    for (data, code, field) in [
        (
            json!({ "outlet_id": two }),
            "OUTLET_NOT_FOUND",
            "order_data.outlet_id",
        ),
        (
            json!({ "outlet_id": theirs }),
            "OUTLET_NOT_FOUND",
            "order_data.outlet_id",
        ),
        (
            json!({ "outlet_id": "not-an-outlet" }),
            "OUTLET_NOT_FOUND",
            "order_data.outlet_id",
        ),
        (
            json!({ "outlet_id": one, "customer_id": their_customer }),
            "CUSTOMER_NOT_FOUND",
            "order_data.customer_id",
        ),
        (
            json!({ "customerId": "nobody" }),
            "CUSTOMER_NOT_FOUND",
            "order_data.customer_id",
        ),
    ] {
        let r = edge_order(&app, &cashier, data, product, 5.0).edge_error(400, code);
        assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    }
    assert_eq!(app.fingerprint(), before, "nothing stored");
    // Its own outlet and a customer of its own merchant are fine.
    let mine = text(
        &app.post(
            "/v1/customers",
            Some(&app.owner),
            &json!({ "name": "Ann", "phone": "+60123450101" }),
        )
        .expect(201)
        .body["data"]["id"],
    );
    let r = edge_order(
        &app,
        &cashier,
        json!({ "outlet_id": one.to_uppercase(), "customer_id": mine }),
        product,
        5.0,
    )
    .expect(200);
    let order = app
        .get(
            &format!("/v1/orders/{}", text(&r.body["order_id"])),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(order.body["data"]["outlet_id"], json!(one));
}

/// Finding 4: Before: any role sold a 5.00 product at 0.01 over the edge function; only the arithmetic
/// was checked.
fn selling_below_the_catalogue_price_needs_a_permission_and_is_recorded(b: Backend) {
    let app = TestApp::start(b);
    let product = app.product(&app.owner, "Kopi", 5.0);
    app.stock_in(&app.owner, product, 10, None);
    let cashier = bound(&app, "cashier", &[]);
    let before = app.fingerprint();
    let r = edge_order(&app, &cashier, json!({}), product, 0.01).edge_error(403, "FORBIDDEN");
    assert!(
        text(&r.body["error"]).contains("orders:price_override"),
        "{}",
        r.body
    );
    assert_eq!(app.fingerprint(), before, "nothing sold");
    // At or above the catalogue price no permission is needed.
    edge_order(&app, &cashier, json!({}), product, 5.0).expect(200);
    edge_order(&app, &cashier, json!({}), product, 6.5).expect(200);
    assert!(audit_entries(&app, "order.price_override").is_empty());
    // A manager may, and the audit log says who, for which order, at what prices.
    let manager = bound(&app, "manager", &[]);
    let r = edge_order(&app, &manager, json!({}), product, 0.01).expect(200);
    let order = text(&r.body["order_id"]);
    let entries = audit_entries(&app, "order.price_override");
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0];
    assert_eq!(e["target_id"], json!(order));
    assert!(e["actor"].is_string(), "{e}");
    let me = app.get("/v1/staff", Some(&app.owner)).expect(200);
    let manager_id = me.body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["role"] == json!("manager"))
        .map(|s| s["id"].clone())
        .unwrap_or_default();
    assert_eq!(e["actor"], manager_id);
    assert_eq!(
        e["details"]["lines"],
        json!([{ "line": 0, "product_id": product, "catalogue_price": "5.00", "unit_price": "0.01" }])
    );
}

fn audit_entries(app: &TestApp, action: &str) -> Vec<Value> {
    app.get(&format!("/v1/audit-log?action={action}"), Some(&app.owner))
        .expect(200)
        .body["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Finding 11: Before: the same JSON with its keys in another order was 409
/// `IDEMPOTENCY_KEY_REUSED`.
fn a_retry_is_the_same_request_whatever_its_key_order(b: Backend) {
    let app = TestApp::start(b);
    let product = app.product(&app.owner, "Kopi", 5.0);
    app.stock_in(&app.owner, product, 10, None);
    let send = |body: &str| {
        app.send_with(
            "POST",
            "/v1/orders",
            Some(&app.owner),
            body,
            &[("Idempotency-Key", "order-key-1")],
        )
    };
    let first = send(&format!(
        r#"{{"order_type":"pickup","items":[{{"product_id":{product},"qty":2}}],"notes":"less ice"}}"#
    ))
    .expect(201);
    let retry = send(&format!(
        "{{ \"notes\": \"less ice\",\n  \"items\": [ {{ \"qty\": 2, \"product_id\": {product} }} ],\n  \"order_type\": \"pickup\" }}"
    ))
    .expect(201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.body, first.body);
    // Another request under the same key is still refused.
    send(&format!(
        r#"{{"order_type":"pickup","items":[{{"product_id":{product},"qty":3}}],"notes":"less ice"}}"#
    ))
    .merchant_error(409, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(app.current_stock(product), 8, "one order only");
}

crate::on_both_backends!(
    edge_orders_name_only_the_merchants_own_within_the_callers_scope,
    selling_below_the_catalogue_price_needs_a_permission_and_is_recorded,
    a_retry_is_the_same_request_whatever_its_key_order,
);
