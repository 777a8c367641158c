//! `/v1/outlets`.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{call, fingerprint, invalid, needs_a_token, outlet, signed_in, text};
use crate::support::{Backend, ROLES, TestApp};

crate::on_both_backends!(
    outlets_are_created_read_updated_and_soft_deleted,
    outlet_refusals_change_nothing,
    cashiers_see_only_their_outlets,
);

fn outlets_are_created_read_updated_and_soft_deleted(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/outlets",
            Some(&app.owner),
            &json!({ "name": "Demo Cafe - Puchong", "code": "pch001", "address": "72-1A Jalan Puteri 2/4, Bandar Puteri, Puchong", "phone": "+60-16-9642896", "status": "active" }),
        )
        .expect(201);
    let d = r.body["data"].clone();
    assert_eq!(d["name"], json!("Demo Cafe - Puchong"));
    assert_eq!(d["code"], json!("PCH001"));
    assert_eq!(d["phone"], json!("+60-16-9642896"));
    assert_eq!(d["status"], json!("active"));
    let id = text(&d["id"]);
    let path = format!("/v1/outlets/{id}");
    let r = app.get(&path, Some(&app.owner)).expect(200);
    assert_eq!(r.body["data"], d);
    let (admin, ..) = signed_in(&app, app.tenant, Role::Admin);
    let second = outlet(&app, &admin, "Cheras", "CHR-001");
    let r = app.get("/v1/outlets", Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(2));
    assert_eq!(r.body["data"][0]["id"], json!(id));
    assert_eq!(r.body["data"][1]["id"], json!(second));
    let r = app
        .get("/v1/outlets?limit=1&page=2", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"][0]["id"], json!(second));
    // Partial update; null clears the address.
    let r = app
        .put(
            &path,
            Some(&app.owner),
            &json!({ "status": "inactive", "address": null }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["status"], json!("inactive"));
    assert_eq!(r.body["data"]["address"], Value::Null);
    assert_eq!(r.body["data"]["name"], json!("Demo Cafe - Puchong"));
    assert_eq!(r.body["data"]["phone"], json!("+60-16-9642896"));
    // Its own code again is fine.
    app.put(&path, Some(&app.owner), &json!({ "code": "PCH001" }))
        .expect(200);
    // A staff binding, then deletion: gone, unbound, and the code is free again.
    let r = app
        .post(
            "/v1/staff",
            Some(&app.owner),
            &json!({ "email": "c@brand.com", "role": "cashier", "outlet_ids": [id, second] }),
        )
        .expect(201);
    let staff = text(&r.body["data"]["id"]);
    let r = app.delete(&path, Some(&admin)).expect(200);
    assert_eq!(r.body["data"], json!({ "id": id, "deleted": true }));
    app.get(&path, Some(&app.owner))
        .merchant_error(404, "OUTLET_NOT_FOUND");
    let before = fingerprint(&app);
    app.delete(&path, Some(&app.owner))
        .merchant_error(404, "OUTLET_NOT_FOUND");
    app.put(&path, Some(&app.owner), &json!({ "name": "Back" }))
        .merchant_error(404, "OUTLET_NOT_FOUND");
    assert_eq!(fingerprint(&app), before);
    let r = app
        .get(&format!("/v1/staff/{staff}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["outlet_ids"], json!([second]));
    let r = app.get("/v1/outlets", Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    outlet(&app, &app.owner, "Puchong again", "PCH001");
    // A deleted outlet can no longer be bound.
    invalid(
        app.post(
            "/v1/staff",
            Some(&app.owner),
            &json!({ "email": "d@brand.com", "role": "cashier", "outlet_id": id }),
        ),
        "outlet_id",
    );
}

fn outlet_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let mine = outlet(&app, &app.owner, "Puchong", "PCH001");
    let other_code = outlet(&app, &app.owner, "Cheras", "CHR001");
    let other = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival, ..) = signed_in(&app, other, Role::Owner);
    let theirs = outlet(&app, &rival, "Rival", "PCH001");
    let path = format!("/v1/outlets/{mine}");
    let before = fingerprint(&app);
    needs_a_token(&app, "GET", "/v1/outlets", &Value::Null);
    needs_a_token(&app, "GET", &path, &Value::Null);
    needs_a_token(
        &app,
        "POST",
        "/v1/outlets",
        &json!({ "name": "X", "code": "X" }),
    );
    needs_a_token(&app, "PUT", &path, &json!({ "name": "X" }));
    needs_a_token(&app, "DELETE", &path, &Value::Null);
    for role in ROLES {
        let (token, ..) = signed_in(&app, app.tenant, role);
        if matches!(role, Role::Owner | Role::Admin) {
            continue;
        }
        let before = fingerprint(&app);
        app.post(
            "/v1/outlets",
            Some(&token),
            &json!({ "name": "X", "code": "X1" }),
        )
        .merchant_error(403, "FORBIDDEN");
        app.put(&path, Some(&token), &json!({ "name": "X" }))
            .merchant_error(403, "FORBIDDEN");
        app.delete(&path, Some(&token))
            .merchant_error(403, "FORBIDDEN");
        assert_eq!(fingerprint(&app), before, "{role}");
    }
    let before_bad = fingerprint(&app);
    for (body, field) in [
        (json!({ "code": "X" }), "name"),
        (json!({ "name": "X" }), "code"),
        (json!({ "name": "", "code": "X" }), "name"),
        (json!({ "name": "X", "code": "has space" }), "code"),
        (json!({ "name": "X", "code": "x".repeat(33) }), "code"),
        (json!({ "name": "X", "code": 7 }), "code"),
        (
            json!({ "name": "X", "code": "X", "status": "open" }),
            "status",
        ),
        (
            json!({ "name": "X", "code": "X", "phone": "call us" }),
            "phone",
        ),
        (
            json!({ "name": "X", "code": "X", "address": "x".repeat(501) }),
            "address",
        ),
    ] {
        invalid(app.post("/v1/outlets", Some(&app.owner), &body), field);
    }
    for (body, field) in [
        (json!({ "name": "" }), "name"),
        (json!({ "status": "closed" }), "status"),
        (json!({ "code": "" }), "code"),
    ] {
        invalid(app.put(&path, Some(&app.owner), &body), field);
    }
    app.post(
        "/v1/outlets",
        Some(&app.owner),
        &json!({ "name": "Dup", "code": "pch001" }),
    )
    .merchant_error(409, "OUTLET_CODE_TAKEN");
    app.put(
        &format!("/v1/outlets/{other_code}"),
        Some(&app.owner),
        &json!({ "code": "PCH001" }),
    )
    .merchant_error(409, "OUTLET_CODE_TAKEN");
    // Unknown, malformed and other-tenant ids are all not found, and leak nothing.
    for id in [
        theirs.clone(),
        uuid::Uuid::new_v4().to_string(),
        "out_101".into(),
    ] {
        let p = format!("/v1/outlets/{id}");
        for (m, body) in [
            ("GET", Value::Null),
            ("PUT", json!({ "name": "Mine" })),
            ("DELETE", Value::Null),
        ] {
            let r =
                call(&app, m, &p, Some(&app.owner), &body).merchant_error(404, "OUTLET_NOT_FOUND");
            assert!(!r.body.to_string().contains("Rival"), "{}", r.body);
        }
    }
    app.send_raw("POST", "/v1/outlets", Some(&app.owner), "{\"name\": ")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(fingerprint(&app), before_bad);
    assert_ne!(before, before_bad);
    let r = app.get("/v1/outlets", Some(&rival)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    assert_eq!(r.body["data"][0]["id"], json!(theirs));
}

fn cashiers_see_only_their_outlets(b: Backend) {
    let app = TestApp::start(b);
    let a = outlet(&app, &app.owner, "Puchong", "PCH001");
    let c = outlet(&app, &app.owner, "Cheras", "CHR001");
    let r = app
        .post(
            "/v1/staff",
            Some(&app.owner),
            &json!({ "email": "cash@brand.com", "role": "cashier", "outlet_id": a, "password": "cashier-pass-1" }),
        )
        .expect(201);
    let cashier_id = text(&r.body["data"]["id"]);
    let token = text(
        &super::login(&app, "cash@brand.com", "cashier-pass-1")
            .expect(200)
            .body["data"]["access_token"],
    );
    let r = app.get("/v1/outlets", Some(&token)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    assert_eq!(r.body["data"][0]["id"], json!(a));
    app.get(&format!("/v1/outlets/{a}"), Some(&token))
        .expect(200);
    app.get(&format!("/v1/outlets/{c}"), Some(&token))
        .merchant_error(404, "OUTLET_NOT_FOUND");
    // Other roles read every outlet.
    for role in [Role::Manager, Role::Agent, Role::Viewer] {
        let (t, ..) = signed_in(&app, app.tenant, role);
        let r = app.get("/v1/outlets", Some(&t)).expect(200);
        assert_eq!(r.body["meta"]["total"], json!(2), "{role}");
        app.get(&format!("/v1/outlets/{c}"), Some(&t)).expect(200);
    }
    // Rebinding changes what the cashier sees at once.
    app.patch(
        &format!("/v1/staff/{cashier_id}"),
        Some(&app.owner),
        &json!({ "outlet_ids": [c] }),
    )
    .expect(200);
    let r = app.get("/v1/outlets", Some(&token)).expect(200);
    assert_eq!(r.body["data"][0]["id"], json!(c));
    assert_eq!(r.body["meta"]["total"], json!(1));
    // An unbound cashier sees none.
    app.patch(
        &format!("/v1/staff/{cashier_id}"),
        Some(&app.owner),
        &json!({ "outlet_ids": [] }),
    )
    .expect(200);
    let r = app.get("/v1/outlets", Some(&token)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(0));
}
