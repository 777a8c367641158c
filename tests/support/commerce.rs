//! Helpers for the coupon and payment tests: a second store on the test database (to run use
//! cases and read tables the server does not expose), a fingerprint of the commerce tables,
//! raw HTML requests, outlets and orders to pay.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai_core::TenantId;
use kedai_persistence::DbStore;
use serde_json::Value;

use crate::support::TestApp;

/// The test app's store, to run use cases and read tables the server does not expose.
#[must_use]
pub fn store(app: &TestApp) -> DbStore {
    app.db_store()
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Runs a `SELECT CAST(... AS BIGINT) AS n` query.
#[must_use]
pub fn count(db: &DbStore, sql: &str) -> i64 {
    let mut conn = db.pool().get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// Runs a statement.
pub fn execute(db: &DbStore, sql: &str) {
    let mut conn = db.pool().get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(sql)
        .execute(&mut conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The server's fingerprint plus every coupon, redemption, payment intent, mock session and
/// audit entry. Equal fingerprints mean nothing changed.
#[must_use]
pub fn fingerprint(app: &TestApp, db: &DbStore) -> String {
    let queries = [
        "SELECT 'coupon ' || id || ' ' || code || ' ' || status || ' ' || used_count AS line FROM coupons ORDER BY id",
        "SELECT 'redemption ' || id || ' ' || COALESCE(CAST(released_at AS TEXT), '-') AS line FROM coupon_redemptions ORDER BY id",
        "SELECT 'intent ' || id || ' ' || status || ' ' || COALESCE(payment_id, '-') AS line FROM payment_intents ORDER BY id",
        "SELECT 'session ' || id || ' ' || status AS line FROM mock_gateway_sessions ORDER BY id",
        "SELECT 'audit ' || CAST(COUNT(*) AS TEXT) AS line FROM audit_log",
    ];
    let mut conn = db.pool().get().unwrap_or_else(|e| panic!("{e}"));
    let mut out = vec![app.fingerprint()];
    for q in queries {
        let lines: Vec<Line> = diesel::sql_query(q)
            .load(&mut conn)
            .unwrap_or_else(|e| panic!("{q}: {e}"));
        out.extend(lines.into_iter().map(|l| l.line));
    }
    out.join("\n")
}

/// Audit actions of a target, oldest first.
#[must_use]
pub fn audit(db: &DbStore, target: &str) -> Vec<String> {
    let mut conn = db.pool().get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(
        "SELECT action AS line FROM audit_log WHERE target_id = $1 ORDER BY created_at, id",
    )
    .bind::<Text, _>(target)
    .load::<Line>(&mut conn)
    .unwrap_or_else(|e| panic!("{e}"))
    .into_iter()
    .map(|l| l.line)
    .collect()
}

/// Adds a live outlet to a tenant (outlets have no route on this branch); returns its id.
#[must_use]
pub fn outlet(db: &DbStore, tenant: TenantId, code: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    execute(
        db,
        &format!(
            "INSERT INTO outlets (id, tenant_id, name, code, status, created_at, updated_at) \
             VALUES ('{id}', '{tenant}', 'Outlet {code}', '{code}', 'active', \
             CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
    );
    id
}

/// A raw HTTP response: status, content type, body text.
pub struct Page {
    /// Status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// Body.
    pub text: String,
}

/// A GET or a form-less POST to `path`, read as text (for the HTML checkout page).
#[must_use]
pub fn page(app: &TestApp, method: &str, path: &str) -> Page {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}{path}", app.url());
    let r = match method {
        "GET" => agent.get(&url).call(),
        "POST" => agent
            .post(&url)
            .content_type("application/x-www-form-urlencoded")
            .send(""),
        other => panic!("unsupported method {other}"),
    };
    let mut r = r.unwrap_or_else(|e| panic!("request failed: {e}"));
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    Page {
        status,
        content_type,
        text,
    }
}

/// A stocked product and a pending order of `quantity` units at `price`, all made by `token`'s
/// merchant; returns the order id.
#[must_use]
pub fn order(app: &TestApp, token: &str, price: f64, quantity: i64) -> String {
    let p = app.product(token, "Iced Latte", price);
    app.stock_in(token, p, quantity, None);
    let r = app.order(token, &[(p, quantity, price)]).expect(200);
    text(&r.body["order_id"])
}

/// A JSON string's text (empty for anything else).
#[must_use]
pub fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}
