//! The merchant API (`/v1`): sign-in, products, and reading and moving orders.

mod auth;
mod orders;
mod products;

use serde_json::{Value, json};

use crate::support::{Resp, TestApp};

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// PATCHes an order's status as `token`.
fn set_status(
    app: &TestApp,
    token: &str,
    order: &str,
    status: &str,
    tracking: Option<&str>,
) -> Resp {
    let mut body = json!({ "status": status });
    if let Some(t) = tracking {
        body["tracking_number"] = json!(t);
    }
    app.patch(&format!("/v1/orders/{order}/status"), Some(token), &body)
}
