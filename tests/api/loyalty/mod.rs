//! Loyalty over the merchant API and the portal: points earned, adjusted, redeemed and expired.

mod campaigns;
mod earning;
mod expiry;
mod gifts;
mod points;
mod tiers;

use serde_json::{Value, json};

use crate::support::platform::count;
use crate::support::{Resp, TestApp};

/// A string field of a JSON value.
pub fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Registers a customer as the owner; returns their id.
pub fn customer(app: &TestApp, name: &str, tier: Option<&str>) -> String {
    let r = app
        .post(
            "/v1/customers",
            Some(&app.owner),
            &json!({
                "name": name,
                "email": format!("{}-{}@example.com", name.to_lowercase(), uuid::Uuid::new_v4().simple()),
                "membership_tier": tier,
            }),
        )
        .expect(201);
    text(&r.body["data"]["id"])
}

/// Posts to `/v1/customers/{id}/points/{action}`.
pub fn points(app: &TestApp, token: &str, customer: &str, action: &str, body: &Value) -> Resp {
    app.post(
        &format!("/v1/customers/{customer}/points/{action}"),
        Some(token),
        body,
    )
}

/// The customer's points balance as the merchant API shows it.
pub fn balance(app: &TestApp, customer: &str) -> i64 {
    let r = app
        .get(&format!("/v1/customers/{customer}"), Some(&app.owner))
        .expect(200);
    r.body["data"]["points_balance"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", r.body))
}

/// The customer's ledger rows, newest first (one page of up to 100).
pub fn ledger(app: &TestApp, customer: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!("/v1/customers/{customer}/points/ledger?limit=100"),
            Some(&app.owner),
        )
        .expect(200);
    r.body["data"].as_array().cloned().unwrap_or_default()
}

/// The ledger's sum for every customer equals their balance row.
pub fn ledger_matches_balances(app: &TestApp) {
    let drift = count(
        app,
        "points_balances b WHERE b.balance <> \
         (SELECT COALESCE(SUM(l.delta), 0) FROM points_ledger l \
          WHERE l.tenant_id = b.tenant_id AND l.customer_id = b.customer_id)",
    );
    assert_eq!(drift, 0, "a balance differs from its ledger's sum");
    assert_eq!(count(app, "points_balances WHERE balance < 0"), 0);
}

/// A pickup order for the customer at `price` each, paid in cash; returns the order id.
pub fn paid_pickup(app: &TestApp, customer: &str, product: i64, qty: i64, price: f64) -> String {
    let r = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({
                "customer_id": customer,
                "order_type": "pickup",
                "items": [{ "product_id": product, "qty": qty, "unit_price": price }],
            }),
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
    order
}

/// Completes an order.
pub fn complete(app: &TestApp, order: &str) -> Resp {
    app.patch(
        &format!("/v1/orders/{order}/status"),
        Some(&app.owner),
        &json!({ "status": "completed" }),
    )
}
