//! Coupons (`/v1/coupons`): create, list, read, validate, disable; and the use cases order
//! creation uses to redeem and release them, raced on the real database.

mod manage;
mod redeem;
mod validation;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::commerce::text;
use crate::support::{Resp, TestApp};

fn lunch10() -> Value {
    json!({
        "title": "10% OFF Lunch Promo",
        "code": "lunch10",
        "discount_type": "percentage",
        "discount_value": 10,
        "valid_from": (Utc::now() - Duration::days(1)).to_rfc3339(),
        "valid_to": (Utc::now() + Duration::days(30)).to_rfc3339(),
        "usage_limit": 500
    })
}

fn create(app: &TestApp, token: &str, body: &Value) -> Resp {
    app.post("/v1/coupons", Some(token), body)
}

fn created(app: &TestApp, body: &Value) -> String {
    text(&create(app, &app.owner, body).expect(201).body["data"]["id"])
}

fn validate(app: &TestApp, token: &str, body: &Value) -> Resp {
    app.post("/v1/coupons/validate", Some(token), body)
}

/// Asserts a 422 with `code` naming `field`.
#[track_caller]
fn refused(r: Resp, code: &str, field: &str) -> Resp {
    let r = r.merchant_error(422, code);
    assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    r
}
