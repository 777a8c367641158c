//! `/v1/webhooks`: registering, changing, rotating and deleting endpoints, and every refusal.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{fast, register, text};
use crate::people::{call, fingerprint, invalid, needs_a_token, signed_in};
use crate::support::standins::StandIn;
use crate::support::{Backend, ROLES, TestApp};

crate::on_both_backends!(
    endpoints_are_registered_changed_rotated_and_deleted,
    webhook_refusals_change_nothing,
    production_refuses_plain_and_internal_urls,
);

fn endpoints_are_registered_changed_rotated_and_deleted(b: Backend) {
    let app = TestApp::start_outbound(b, fast(), false);
    let receiver = StandIn::start("{}");
    let r = app
        .post(
            "/v1/webhooks",
            Some(&app.owner),
            &json!({ "url": receiver.url, "events": ["order.created", "payment.success"], "description": " POS " }),
        )
        .expect(201);
    let d = r.body["data"].clone();
    let id = text(&d["id"]);
    let secret = text(&d["secret"]);
    assert!(secret.starts_with("whsec_"));
    assert_eq!(d["events"], json!(["order.created", "payment.success"]));
    assert_eq!(d["description"], json!("POS"));
    assert_eq!(d["active"], json!(true));
    // The secret is never shown again.
    let r = app
        .get(&format!("/v1/webhooks/{id}"), Some(&app.owner))
        .expect(200);
    assert!(r.body["data"].get("secret").is_none(), "{}", r.body);
    let list = app.get("/v1/webhooks", Some(&app.owner)).expect(200);
    assert_eq!(list.body["data"].as_array().map(Vec::len), Some(1));
    assert!(list.body["data"][0].get("secret").is_none());
    // Absent fields stay; an empty description clears it; every event with "*".
    let r = app
        .patch(
            &format!("/v1/webhooks/{id}"),
            Some(&app.owner),
            &json!({ "events": ["*"], "description": "" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["events"], json!(["*"]));
    assert_eq!(r.body["data"]["description"], Value::Null);
    assert_eq!(r.body["data"]["url"], d["url"]);
    // Rotation with an overlap: both secrets sign until it ends.
    let r = app
        .post(
            &format!("/v1/webhooks/{id}/rotate-secret"),
            Some(&app.owner),
            &json!({ "overlap_hours": 2 }),
        )
        .expect(200);
    let fresh = text(&r.body["data"]["secret"]);
    assert!(fresh.starts_with("whsec_") && fresh != secret);
    assert!(r.body["data"]["previous_secret_expires_at"].is_string());
    let r = app
        .post(
            &format!("/v1/webhooks/{id}/ping"),
            Some(&app.owner),
            &json!({}),
        )
        .expect(200);
    assert_eq!(r.body["data"]["status"], json!("succeeded"));
    let ping = receiver
        .received()
        .pop()
        .unwrap_or_else(|| panic!("no ping"));
    let now = chrono::Utc::now().timestamp();
    let header = ping.header("x-kedai-signature");
    assert_eq!(header.matches("v1=").count(), 2, "{header}");
    for s in [&fresh, &secret] {
        kedai_webhooks::verify(header, s, ping.body.as_bytes(), now, 300)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    // An empty body rotates with the default overlap; 0 retires the old secret at once.
    app.send_raw(
        "POST",
        &format!("/v1/webhooks/{id}/rotate-secret"),
        Some(&app.owner),
        "",
    )
    .expect(200);
    let r = app
        .post(
            &format!("/v1/webhooks/{id}/rotate-secret"),
            Some(&app.owner),
            &json!({ "overlap_hours": 0 }),
        )
        .expect(200);
    let last = text(&r.body["data"]["secret"]);
    assert_eq!(r.body["data"]["previous_secret_expires_at"], Value::Null);
    app.post(
        &format!("/v1/webhooks/{id}/ping"),
        Some(&app.owner),
        &json!({}),
    )
    .expect(200);
    let ping = receiver
        .received()
        .pop()
        .unwrap_or_else(|| panic!("no ping"));
    let header = ping.header("x-kedai-signature");
    assert_eq!(header.matches("v1=").count(), 1, "{header}");
    kedai_webhooks::verify(header, &last, ping.body.as_bytes(), now, 300)
        .unwrap_or_else(|e| panic!("{e}"));
    // Admins manage webhooks too; every change is audited.
    let (admin, ..) = signed_in(&app, app.tenant, Role::Admin);
    app.get("/v1/webhooks", Some(&admin)).expect(200);
    let audit = app
        .get(
            "/v1/audit-log?action=webhook.created,webhook.updated,webhook.secret_rotated",
            Some(&app.owner),
        )
        .expect(200);
    let actions: Vec<String> = audit.body["data"]
        .as_array()
        .map(|a| a.iter().map(|e| text(&e["action"])).collect())
        .unwrap_or_default();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "webhook.secret_rotated")
            .count(),
        3,
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "webhook.created"),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "webhook.updated"),
        "{actions:?}"
    );
    // Deleted with its log.
    let r = app
        .delete(&format!("/v1/webhooks/{id}"), Some(&admin))
        .expect(200);
    assert_eq!(r.body["data"], json!({ "id": id, "deleted": true }));
    app.get(&format!("/v1/webhooks/{id}"), Some(&app.owner))
        .merchant_error(404, "WEBHOOK_NOT_FOUND");
    assert_eq!(
        crate::support::platform::count(&app, "webhook_deliveries"),
        0
    );
}

fn webhook_refusals_change_nothing(b: Backend) {
    let app = TestApp::start_outbound(b, fast(), false);
    let (mine, _) = register(&app, "http://127.0.0.1:9/mine", &["*"]);
    let other = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival, ..) = signed_in(&app, other, Role::Owner);
    let r = app
        .post(
            "/v1/webhooks",
            Some(&rival),
            &json!({ "url": "http://127.0.0.1:9/theirs" }),
        )
        .expect(201);
    let theirs = text(&r.body["data"]["id"]);
    let path = format!("/v1/webhooks/{mine}");
    let routes: Vec<(&str, String, Value)> = vec![
        ("GET", "/v1/webhooks".into(), Value::Null),
        (
            "POST",
            "/v1/webhooks".into(),
            json!({ "url": "http://127.0.0.1:9/x" }),
        ),
        ("GET", path.clone(), Value::Null),
        ("PATCH", path.clone(), json!({ "active": false })),
        ("DELETE", path.clone(), Value::Null),
        ("POST", format!("{path}/rotate-secret"), json!({})),
        ("POST", format!("{path}/ping"), json!({})),
        ("GET", format!("{path}/deliveries"), Value::Null),
    ];
    let tokens: Vec<String> = ROLES
        .into_iter()
        .filter(|r| !matches!(r, Role::Owner | Role::Admin))
        .map(|role| signed_in(&app, app.tenant, role).0)
        .collect();
    let before = fingerprint(&app);
    for (method, route, body) in &routes {
        needs_a_token(&app, method, route, body);
    }
    for token in &tokens {
        for (method, route, body) in &routes {
            call(&app, method, route, Some(token), body).merchant_error(403, "FORBIDDEN");
        }
    }
    assert_eq!(fingerprint(&app), before);
    for (body, field) in [
        (json!({}), "url"),
        (json!({ "url": 5 }), "url"),
        (json!({ "url": "" }), "url"),
        (json!({ "url": "not a url" }), "url"),
        (json!({ "url": "ftp://127.0.0.1/x" }), "url"),
        (json!({ "url": "http://u:p@127.0.0.1/x" }), "url"),
        (
            json!({ "url": "http://127.0.0.1/x", "events": [] }),
            "events",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "events": ["order.shipped"] }),
            "events",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "events": ["webhook.ping"] }),
            "events",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "events": "order.created" }),
            "events",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "active": "yes" }),
            "active",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "description": "x".repeat(501) }),
            "description",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "secret": "mine" }),
            "secret",
        ),
    ] {
        invalid(app.post("/v1/webhooks", Some(&app.owner), &body), field);
    }
    for (body, field) in [
        (json!({ "url": "nope" }), "url"),
        (json!({ "events": ["nope"] }), "events"),
        (json!({ "active": 1 }), "active"),
    ] {
        invalid(app.patch(&path, Some(&app.owner), &body), field);
    }
    for hours in [json!(-1), json!(169), json!("24"), json!(1.5)] {
        invalid(
            app.post(
                &format!("{path}/rotate-secret"),
                Some(&app.owner),
                &json!({ "overlap_hours": hours }),
            ),
            "overlap_hours",
        );
    }
    app.send_raw("POST", "/v1/webhooks", Some(&app.owner), "{\"url\":")
        .merchant_error(400, "MALFORMED_REQUEST");
    app.send_raw(
        "POST",
        &format!("{path}/rotate-secret"),
        Some(&app.owner),
        "{",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    // Unknown, malformed and other-tenant ids are all not found, and leak nothing.
    for id in [
        theirs.as_str(),
        "01939e1e-0000-7000-8000-000000000000",
        "nope",
    ] {
        let p = format!("/v1/webhooks/{id}");
        app.get(&p, Some(&app.owner))
            .merchant_error(404, "WEBHOOK_NOT_FOUND");
        app.patch(&p, Some(&app.owner), &json!({ "active": false }))
            .merchant_error(404, "WEBHOOK_NOT_FOUND");
        app.delete(&p, Some(&app.owner))
            .merchant_error(404, "WEBHOOK_NOT_FOUND");
        app.post(&format!("{p}/rotate-secret"), Some(&app.owner), &json!({}))
            .merchant_error(404, "WEBHOOK_NOT_FOUND");
        app.post(&format!("{p}/ping"), Some(&app.owner), &json!({}))
            .merchant_error(404, "WEBHOOK_NOT_FOUND");
        app.get(&format!("{p}/deliveries"), Some(&app.owner))
            .merchant_error(404, "WEBHOOK_NOT_FOUND");
    }
    for delivery in ["01939e1e-0000-7000-8000-000000000000", "nope"] {
        app.get(&format!("{path}/deliveries/{delivery}"), Some(&app.owner))
            .merchant_error(404, "WEBHOOK_DELIVERY_NOT_FOUND");
        app.post(
            &format!("{path}/deliveries/{delivery}/redeliver"),
            Some(&app.owner),
            &json!({}),
        )
        .merchant_error(404, "WEBHOOK_DELIVERY_NOT_FOUND");
    }
    for query in ["status=lost", "limit=0", "page=-1", "limit=x"] {
        app.get(&format!("{path}/deliveries?{query}"), Some(&app.owner))
            .merchant_error(422, "VALIDATION_ERROR");
    }
    assert_eq!(fingerprint(&app), before);
    // The rival's endpoint is untouched, and at most 20 endpoints per merchant.
    let r = app
        .get(&format!("/v1/webhooks/{theirs}"), Some(&rival))
        .expect(200);
    assert_eq!(r.body["data"]["active"], json!(true));
    for n in 1..20 {
        register(&app, &format!("http://127.0.0.1:9/{n}"), &["*"]);
    }
    let before = fingerprint(&app);
    app.post(
        "/v1/webhooks",
        Some(&app.owner),
        &json!({ "url": "http://127.0.0.1:9/21" }),
    )
    .merchant_error(409, "WEBHOOK_LIMIT_REACHED");
    assert_eq!(fingerprint(&app), before);
}

fn production_refuses_plain_and_internal_urls(b: Backend) {
    let app = TestApp::start_outbound(
        b,
        kedai::OutboundSettings {
            webhook_allow_http: Some(false),
            webhook_allow_private: Some(false),
            ..fast()
        },
        false,
    );
    let before = fingerprint(&app);
    for url in [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://10.0.0.5/x",
        "https://192.168.1.10/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://localhost/x",
    ] {
        invalid(
            app.post("/v1/webhooks", Some(&app.owner), &json!({ "url": url })),
            "url",
        );
    }
    assert_eq!(fingerprint(&app), before);
    let r = app
        .post(
            "/v1/webhooks",
            Some(&app.owner),
            &json!({ "url": "https://hooks.example.com/kedai" }),
        )
        .expect(201);
    assert_eq!(
        r.body["data"]["url"],
        json!("https://hooks.example.com/kedai")
    );
}
