//! `GET`/`PUT /v1/merchant/profile`.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{audit, fingerprint, invalid, needs_a_token, signed_in};
use crate::support::{Backend, ROLES, TestApp};

crate::on_both_backends!(
    profile_is_readable_by_every_role_and_updates_partially,
    profile_currency_is_locked_once_amounts_exist,
    profile_update_refusals_change_nothing,
);

fn profile_is_readable_by_every_role_and_updates_partially(b: Backend) {
    let app = TestApp::start(b);
    for role in ROLES {
        let (token, ..) = signed_in(&app, app.tenant, role);
        let r = app.get("/v1/merchant/profile", Some(&token)).expect(200);
        let d = &r.body["data"];
        assert_eq!(d["merchant_id"], json!(app.tenant.to_string()), "{role}");
        assert_eq!(d["brand_name"], json!("Test Cafe"));
        assert_eq!(d["status"], json!("active"));
        assert_eq!(d["currency"], json!("MYR"));
        assert_eq!(d["time_zone"], json!("Asia/Kuala_Lumpur"));
        assert_eq!(d["business_type"], Value::Null);
        assert_eq!(d["updated_at"], d["created_at"]);
    }
    let r = app
        .put(
            "/v1/merchant/profile",
            Some(&app.owner),
            &json!({ "brand_name": " Demo Cafe Group ", "phone": "+60-12-8888888", "business_type": "Retail & F&B", "email": "Merchant@Brand.COM" }),
        )
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(d["brand_name"], json!("Demo Cafe Group"));
    assert_eq!(d["phone"], json!("+60-12-8888888"));
    assert_eq!(d["business_type"], json!("Retail & F&B"));
    assert_eq!(d["email"], json!("merchant@brand.com"));
    assert_ne!(d["updated_at"], d["created_at"]);
    // An admin changes the zone; null clears the business type; the rest stays.
    let (admin, admin_id, _) = signed_in(&app, app.tenant, Role::Admin);
    app.put(
        "/v1/merchant/profile",
        Some(&admin),
        &json!({ "time_zone": "Asia/Hong_Kong", "business_type": null }),
    )
    .expect(200);
    let r = app
        .get("/v1/merchant/profile", Some(&app.owner))
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(d["time_zone"], json!("Asia/Hong_Kong"));
    assert_eq!(d["business_type"], Value::Null);
    assert_eq!(d["brand_name"], json!("Demo Cafe Group"));
    assert_eq!(d["phone"], json!("+60-12-8888888"));
    // Each change is audited with what changed; an update that changes nothing is not.
    let before = fingerprint(&app);
    app.put(
        "/v1/merchant/profile",
        Some(&admin),
        &json!({ "time_zone": "Asia/Hong_Kong" }),
    )
    .expect(200);
    assert_eq!(fingerprint(&app), before);
    let log = audit(&app, app.tenant, "merchant.profile_updated");
    assert_eq!(log.len(), 2, "{log:?}");
    let last = log.last().unwrap_or_else(|| panic!("no audit"));
    assert_eq!(
        last.details["fields"],
        json!(["business_type", "time_zone"])
    );
    assert_eq!(
        last.details["changes"]["time_zone"],
        json!({ "from": "Asia/Kuala_Lumpur", "to": "Asia/Hong_Kong" })
    );
    assert_eq!(last.actor.as_deref(), Some(admin_id.as_str()));
    assert_eq!(last.target, Some(app.tenant.to_string()));
    // Another merchant's profile is its own.
    let other = app.create_tenant("Rival", "SGD", "Asia/Singapore", false);
    let (rival, ..) = signed_in(&app, other, Role::Viewer);
    let r = app.get("/v1/merchant/profile", Some(&rival)).expect(200);
    assert_eq!(r.body["data"]["brand_name"], json!("Rival"));
    assert_eq!(r.body["data"]["currency"], json!("SGD"));
}

fn profile_currency_is_locked_once_amounts_exist(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .put(
            "/v1/merchant/profile",
            Some(&app.owner),
            &json!({ "currency": "sgd" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["currency"], json!("SGD"));
    let product = app.product(&app.owner, "Iced Latte", 14.9);
    let before = fingerprint(&app);
    app.put(
        "/v1/merchant/profile",
        Some(&app.owner),
        &json!({ "currency": "MYR", "brand_name": "Renamed" }),
    )
    .merchant_error(409, "CURRENCY_LOCKED");
    assert_eq!(
        fingerprint(&app),
        before,
        "nothing changed, not even the name"
    );
    // The same currency again is no change, and other fields still change.
    let r = app
        .put(
            "/v1/merchant/profile",
            Some(&app.owner),
            &json!({ "currency": "SGD", "brand_name": "Renamed" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["brand_name"], json!("Renamed"));
    // Archiving the product does not unlock it: its history is in SGD.
    app.delete(&format!("/v1/products/{product}"), Some(&app.owner))
        .expect(200);
    app.put(
        "/v1/merchant/profile",
        Some(&app.owner),
        &json!({ "currency": "MYR" }),
    )
    .merchant_error(409, "CURRENCY_LOCKED");
}

fn profile_update_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let before = fingerprint(&app);
    needs_a_token(&app, "GET", "/v1/merchant/profile", &Value::Null);
    needs_a_token(
        &app,
        "PUT",
        "/v1/merchant/profile",
        &json!({ "brand_name": "X" }),
    );
    for role in [Role::Manager, Role::Cashier, Role::Agent, Role::Viewer] {
        let (token, ..) = signed_in(&app, app.tenant, role);
        let before = fingerprint(&app);
        app.put(
            "/v1/merchant/profile",
            Some(&token),
            &json!({ "brand_name": "Hacked" }),
        )
        .merchant_error(403, "FORBIDDEN");
        assert_eq!(fingerprint(&app), before, "{role}");
    }
    let before_bad = fingerprint(&app);
    for (body, field) in [
        (json!({ "brand_name": "" }), "brand_name"),
        (json!({ "brand_name": "x".repeat(201) }), "brand_name"),
        (json!({ "brand_name": 5 }), "brand_name"),
        (json!({ "email": "not-an-email" }), "email"),
        (json!({ "phone": "call me" }), "phone"),
        (json!({ "currency": "XYZ" }), "currency"),
        (json!({ "currency": 458 }), "currency"),
        (json!({ "time_zone": "Kuala Lumpur" }), "time_zone"),
        (json!({ "business_type": ["F&B"] }), "business_type"),
    ] {
        invalid(
            app.put("/v1/merchant/profile", Some(&app.owner), &body),
            field,
        );
    }
    app.send_raw("PUT", "/v1/merchant/profile", Some(&app.owner), "{not json")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(fingerprint(&app), before_bad);
    assert_ne!(before, before_bad, "signing staff in is the only change");
}
