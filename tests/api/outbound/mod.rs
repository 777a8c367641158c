//! Work that leaves the process: webhook endpoints and their deliveries by the outbox worker,
//! and customer messages over SMTP and an SMS provider — against loopback stand-ins.

mod delivery;
mod leases;
mod messages;
mod webhooks;

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::TestApp;

/// Outgoing-work settings for tests: a worker that polls every 20 ms and retries after
/// 100–400 ms, five attempts; webhooks to loopback over `http` allowed.
pub fn fast() -> kedai::OutboundSettings {
    kedai::OutboundSettings {
        worker_poll_ms: 20,
        job_max_attempts: 5,
        job_retry_base_ms: 100,
        job_retry_cap_ms: 400,
        webhook_timeout_ms: 2_000,
        webhook_allow_http: Some(true),
        webhook_allow_private: Some(true),
        ..kedai::OutboundSettings::default()
    }
}

/// A string field.
pub fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Registers an endpoint as the owner; returns (id, secret).
pub fn register(app: &TestApp, url: &str, events: &[&str]) -> (String, String) {
    let r = app
        .post(
            "/v1/webhooks",
            Some(&app.owner),
            &json!({ "url": url, "events": events }),
        )
        .expect(201);
    (text(&r.body["data"]["id"]), text(&r.body["data"]["secret"]))
}

/// Places an order over the merchant API (one in-stock product); returns its id.
pub fn place_order(app: &TestApp) -> String {
    let product = app.product(&app.owner, "Kopi", 6.5);
    app.stock_in(&app.owner, product, 100, None);
    let r = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": 1, "unit_price": 6.5 }] }),
        )
        .expect(201);
    text(&r.body["data"]["order_id"])
}

/// Waits until `done` holds (panics after `limit`).
pub fn eventually(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
