//! The "people" part of the merchant API: the merchant profile, staff, outlets and customers.

mod catalog;
mod customers;
mod outlets;
mod profile;
mod staff;

use diesel::connection::Connection;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use kedai_core::TenantId;
use kedai_identity::Role;
use serde_json::{Value, json};

use crate::support::{PASSWORD, Resp, TestApp};

/// A request with any method; `body` is sent as JSON for POST, PUT and PATCH.
pub fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>, body: &Value) -> Resp {
    match method {
        "GET" => app.get(path, token),
        "DELETE" => app.delete(path, token),
        other => app.send_raw(other, path, token, &body.to_string()),
    }
}

/// A string field of a JSON value.
pub fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Creates a staff member of `role` in `tenant` and signs them in: (token, staff id, e-mail).
pub fn signed_in(app: &TestApp, tenant: TenantId, role: Role) -> (String, String, String) {
    let email = format!(
        "{}-{}@example.com",
        role.as_str(),
        uuid::Uuid::new_v4().simple()
    );
    app.create_staff(tenant, &email, role);
    let r = login(app, &email, PASSWORD).expect(200);
    (
        text(&r.body["data"]["access_token"]),
        text(&r.body["data"]["user"]["id"]),
        email,
    )
}

/// Signs in.
pub fn login(app: &TestApp, email: &str, password: &str) -> Resp {
    app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": email, "password": password }),
    )
}

/// Creates an outlet as `token`; returns its id.
pub fn outlet(app: &TestApp, token: &str, name: &str, code: &str) -> String {
    let r = app
        .post(
            "/v1/outlets",
            Some(token),
            &json!({ "name": name, "code": code }),
        )
        .expect(201);
    text(&r.body["data"]["id"])
}

fn connect(app: &TestApp) -> kedai_persistence::DbConnection {
    kedai_persistence::DbConnection::establish(&app.database_url())
        .unwrap_or_else(|e| panic!("connect: {e}"))
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

/// [`TestApp::fingerprint`] plus every row of the people tables (profiles, staff, bindings,
/// outlets, customers, points) and the audit log's size.
pub fn fingerprint(app: &TestApp) -> String {
    let queries = [
        "SELECT 'tenant ' || id || ' ' || name || ' ' || currency || ' ' || time_zone || ' ' || status || ' ' || \
         COALESCE(business_type, '-') || ' ' || COALESCE(email, '-') || ' ' || COALESCE(phone, '-') || ' ' || \
         COALESCE(CAST(updated_at AS TEXT), '-') AS line FROM tenants ORDER BY id",
        "SELECT 'staff ' || id || ' ' || email || ' ' || name || ' ' || role || ' ' || \
         CASE WHEN active THEN 'active' ELSE 'inactive' END || ' ' || password_hash || ' ' || \
         COALESCE(CAST(updated_at AS TEXT), '-') AS line FROM staff ORDER BY id",
        "SELECT 'binding ' || staff_id || ' ' || outlet_id AS line FROM staff_outlets ORDER BY staff_id, outlet_id",
        "SELECT 'outlet ' || id || ' ' || name || ' ' || code || ' ' || COALESCE(address, '-') || ' ' || \
         COALESCE(phone, '-') || ' ' || status || ' ' || CAST(updated_at AS TEXT) || ' ' || \
         COALESCE(CAST(deleted_at AS TEXT), 'live') AS line FROM outlets ORDER BY id",
        "SELECT 'customer ' || id || ' ' || name || ' ' || COALESCE(phone, '-') || ' ' || COALESCE(email, '-') || ' ' || \
         COALESCE(birth_date, '-') || ' ' || COALESCE(source, '-') || ' ' || COALESCE(membership_tier, '-') || ' ' || \
         COALESCE(outlet_id, '-') || ' ' || CAST(updated_at AS TEXT) AS line FROM customers ORDER BY id",
        "SELECT 'points ' || COUNT(*) AS line FROM points_ledger",
        "SELECT 'audit ' || COUNT(*) AS line FROM audit_log",
    ];
    let mut conn = connect(app);
    let mut out = vec![app.fingerprint()];
    for q in queries {
        let lines: Vec<Line> = diesel::sql_query(q)
            .load(&mut conn)
            .unwrap_or_else(|e| panic!("{q}: {e}"));
        out.extend(lines.into_iter().map(|l| l.line));
    }
    out.join("\n")
}

/// An audit entry.
#[derive(Debug, Clone)]
pub struct Audit {
    /// Target id.
    pub target: Option<String>,
    /// Actor.
    pub actor: Option<String>,
    /// Details.
    pub details: Value,
}

/// The audit log of `tenant` for `action`, oldest first.
pub fn audit(app: &TestApp, tenant: TenantId, action: &str) -> Vec<Audit> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<Text>)]
        target_id: Option<String>,
        #[diesel(sql_type = Nullable<Text>)]
        actor: Option<String>,
        #[diesel(sql_type = Text)]
        details: String,
    }
    let mut conn = connect(app);
    diesel::sql_query(
        "SELECT target_id, actor, details FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY created_at, id",
    )
    .bind::<Text, _>(tenant.to_string())
    .bind::<Text, _>(action)
    .load::<Row>(&mut conn)
    .unwrap_or_else(|e| panic!("{e}"))
    .into_iter()
    .map(|r| Audit {
        target: r.target_id,
        actor: r.actor,
        details: serde_json::from_str(&r.details).unwrap_or(Value::Null),
    })
    .collect()
}

/// Asserts the 401s of a route: no token, a bad token, an expired token.
#[track_caller]
pub fn needs_a_token(app: &TestApp, method: &str, path: &str, body: &Value) {
    call(app, method, path, None, body).merchant_error(401, "AUTH_REQUIRED");
    call(app, method, path, Some("not.a.token"), body).merchant_error(401, "AUTH_TOKEN_INVALID");
    let expired = app.expired_token(&app.owner);
    call(app, method, path, Some(&expired), body).merchant_error(401, "AUTH_TOKEN_EXPIRED");
}

/// Asserts a 422 naming `field`.
#[track_caller]
pub fn invalid(r: Resp, field: &str) -> Resp {
    let r = r.merchant_error(422, "VALIDATION_ERROR");
    assert!(
        r.body["errors"][field].is_array(),
        "expected an error on `{field}`: {}",
        r.body
    );
    r
}
