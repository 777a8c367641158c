//! The merchant API's orders (003 §13, 002's OrderApiService): placing, listing, reading,
//! changing fields, the overview and the trend.

mod fields;
mod listing;
mod overview;
mod placing;
mod reading;
mod refunds;

use serde_json::{Value, json};

use crate::support::{Resp, TestApp};

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// A product at `price` with `stock` units in one lot.
fn stocked(app: &TestApp, name: &str, price: f64, stock: i64) -> i64 {
    let id = app.product(&app.owner, name, price);
    if stock > 0 {
        let _ = app.stock_in(&app.owner, id, stock, None);
    }
    id
}

fn place(app: &TestApp, token: &str, body: &Value) -> Resp {
    app.post("/v1/orders", Some(token), body)
}

/// Places a pickup order of `qty` units of `product` (optionally with a contact name).
fn placed(app: &TestApp, product: i64, qty: i64, contact: Option<&str>) -> Value {
    let mut body =
        json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": qty }] });
    if let Some(c) = contact {
        body["contact_name"] = json!(c);
    }
    place(app, &app.owner, &body).expect(201).body["data"].clone()
}

fn set_status(app: &TestApp, order: &str, status: &str) {
    let _ = app
        .patch(
            &format!("/v1/orders/{order}/status"),
            Some(&app.owner),
            &json!({ "status": status }),
        )
        .expect(200);
}

fn pay(app: &TestApp, order: &str, amount: f64) {
    let _ = app
        .post(
            "/functions/v1/mock-payment",
            Some(&app.owner),
            &json!({ "order_id": order, "amount": amount, "method": "cash", "status": "completed" }),
        )
        .expect(200);
}
