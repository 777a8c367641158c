//! `/v1/staff`: accounts, roles, outlet bindings, deactivation.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{audit, call, fingerprint, invalid, login, needs_a_token, outlet, signed_in, text};
use crate::support::{Backend, PASSWORD, ROLES, TestApp};

crate::on_both_backends!(
    staff_are_created_listed_and_read_without_secrets,
    staff_creation_refusals_change_nothing,
    staff_roles_and_outlets_change_under_the_owner_rules,
    staff_deactivation_rules_and_sign_in,
    staff_routes_need_the_staff_permissions,
    racing_owners_never_remove_the_last_owner,
    racing_customers_never_share_a_phone,
);

fn no_secrets(v: &Value) {
    let s = v.to_string();
    assert!(!s.contains("argon2") && !s.contains("password_hash"), "{s}");
}

fn staff_are_created_listed_and_read_without_secrets(b: Backend) {
    let app = TestApp::start(b);
    let a = outlet(&app, &app.owner, "Puchong", "PCH001");
    let c = outlet(&app, &app.owner, "Cheras", "CHR001");
    let r = app
        .post(
            "/v1/staff",
            Some(&app.owner),
            &json!({ "name": "Alice Wong", "email": "Alice@Brand.com", "role": "cashier", "outlet_id": a, "password": "alice-secret-1" }),
        )
        .expect(201);
    no_secrets(&r.body);
    let alice = r.body["data"].clone();
    assert_eq!(alice["name"], json!("Alice Wong"));
    assert_eq!(alice["email"], json!("alice@brand.com"));
    assert_eq!(alice["role"], json!("cashier"));
    assert_eq!(alice["status"], json!("active"));
    assert_eq!(alice["outlet_ids"], json!([a]));
    assert!(alice.get("initial_password").is_none(), "{alice}");
    let alice_id = text(&alice["id"]);
    login(&app, "alice@brand.com", "alice-secret-1").expect(200);
    // Without a password, one is generated, returned once, and signs in.
    let r = app
        .post(
            "/v1/staff",
            Some(&app.owner),
            &json!({ "name": "Ben", "email": "ben@brand.com", "role": "manager", "outlet_ids": [a, c, a] }),
        )
        .expect(201);
    no_secrets(&r.body);
    let password = text(&r.body["data"]["initial_password"]);
    assert!(password.len() >= 12, "{}", r.body);
    let mut outlets: Vec<String> = r.body["data"]["outlet_ids"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(text)
        .collect();
    outlets.sort();
    let mut want = vec![a.clone(), c.clone()];
    want.sort();
    assert_eq!(outlets, want);
    let ben_id = text(&r.body["data"]["id"]);
    login(&app, "ben@brand.com", &password).expect(200);
    let r = app
        .get(&format!("/v1/staff/{ben_id}"), Some(&app.owner))
        .expect(200);
    no_secrets(&r.body);
    assert!(r.body["data"].get("initial_password").is_none());
    assert_eq!(r.body["data"]["role"], json!("manager"));
    // The list: the owner, Alice, Ben, oldest first; paged; filtered by role.
    let r = app.get("/v1/staff", Some(&app.owner)).expect(200);
    no_secrets(&r.body);
    assert_eq!(r.body["meta"]["total"], json!(3));
    let ids: Vec<String> = r.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(|s| text(&s["id"]))
        .collect();
    assert_eq!(ids.get(1..), Some(&[alice_id.clone(), ben_id.clone()][..]));
    let r = app
        .get("/v1/staff?page=2&limit=2", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"][0]["id"], json!(ben_id));
    assert_eq!(r.body["meta"], json!({ "page": 2, "limit": 2, "total": 3 }));
    let r = app
        .get("/v1/staff?role=cashier", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    assert_eq!(r.body["data"][0]["id"], json!(alice_id));
    assert_eq!(r.body["data"][0]["outlet_ids"], json!([a]));
    invalid(app.get("/v1/staff?role=boss", Some(&app.owner)), "role");
    invalid(app.get("/v1/staff?limit=0", Some(&app.owner)), "limit");
    // Audited, without the password.
    let log = audit(&app, app.tenant, "staff.created");
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].target.as_deref(), Some(ben_id.as_str()));
    assert_eq!(log[1].details["password_generated"], json!(true));
    assert_eq!(log[1].details["role"], json!("manager"));
    assert!(!log[1].details.to_string().contains(&password));
    // Another merchant sees none of it.
    let other = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival, ..) = signed_in(&app, other, Role::Owner);
    let r = app.get("/v1/staff", Some(&rival)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    let before = fingerprint(&app);
    for (m, body) in [
        ("GET", Value::Null),
        ("PUT", json!({ "name": "Stolen" })),
        ("PATCH", json!({ "role": "viewer" })),
        ("DELETE", Value::Null),
    ] {
        let r = call(
            &app,
            m,
            &format!("/v1/staff/{alice_id}"),
            Some(&rival),
            &body,
        )
        .merchant_error(404, "STAFF_NOT_FOUND");
        assert!(!r.body.to_string().contains("alice"), "{}", r.body);
    }
    app.post(
        &format!("/v1/staff/{alice_id}/deactivate"),
        Some(&rival),
        &json!({}),
    )
    .merchant_error(404, "STAFF_NOT_FOUND");
    app.get("/v1/staff/not-an-id", Some(&app.owner))
        .merchant_error(404, "STAFF_NOT_FOUND");
    app.get(
        &format!("/v1/staff/{}", uuid::Uuid::new_v4()),
        Some(&app.owner),
    )
    .merchant_error(404, "STAFF_NOT_FOUND");
    assert_eq!(fingerprint(&app), before);
}

fn staff_creation_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let a = outlet(&app, &app.owner, "Puchong", "PCH001");
    let other = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival, ..) = signed_in(&app, other, Role::Owner);
    let foreign = outlet(&app, &rival, "Rival Shop", "PCH001");
    let (admin, ..) = signed_in(&app, app.tenant, Role::Admin);
    app.post(
        "/v1/staff",
        Some(&app.owner),
        &json!({ "email": "taken@brand.com", "role": "viewer" }),
    )
    .expect(201);
    let before = fingerprint(&app);
    let ok = json!({ "name": "Z", "email": "z@brand.com", "role": "cashier" });
    needs_a_token(&app, "POST", "/v1/staff", &ok);
    app.post(
        "/v1/staff",
        Some(&admin),
        &json!({ "email": "boss2@brand.com", "role": "owner" }),
    )
    .merchant_error(403, "OWNER_ROLE_REQUIRED");
    for (body, field) in [
        (json!({ "role": "cashier" }), "email"),
        (json!({ "email": "z@brand.com" }), "role"),
        (json!({ "email": "nope", "role": "cashier" }), "email"),
        (json!({ "email": "z@brand.com", "role": "boss" }), "role"),
        (json!({ "email": "z@brand.com", "role": 3 }), "role"),
        (
            json!({ "email": "z@brand.com", "role": "cashier", "password": "short" }),
            "password",
        ),
        (
            json!({ "email": "z@brand.com", "role": "cashier", "name": "x".repeat(201) }),
            "name",
        ),
        (
            json!({ "email": "z@brand.com", "role": "cashier", "outlet_id": uuid::Uuid::new_v4().to_string() }),
            "outlet_id",
        ),
        (
            json!({ "email": "z@brand.com", "role": "cashier", "outlet_id": "out_101" }),
            "outlet_id",
        ),
        (
            json!({ "email": "z@brand.com", "role": "cashier", "outlet_ids": [foreign] }),
            "outlet_ids[0]",
        ),
        (
            json!({ "email": "z@brand.com", "role": "cashier", "outlet_ids": [a, "x"] }),
            "outlet_ids[1]",
        ),
        (
            json!({ "email": "z@brand.com", "role": "cashier", "outlet_ids": a }),
            "outlet_ids",
        ),
    ] {
        invalid(app.post("/v1/staff", Some(&app.owner), &body), field);
    }
    app.post(
        "/v1/staff",
        Some(&app.owner),
        &json!({ "email": "Taken@Brand.com", "role": "cashier" }),
    )
    .merchant_error(409, "STAFF_EMAIL_TAKEN");
    app.send_raw("POST", "/v1/staff", Some(&app.owner), "{\"email\": ")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(fingerprint(&app), before);
}

fn staff_roles_and_outlets_change_under_the_owner_rules(b: Backend) {
    let app = TestApp::start(b);
    let owner_id = text(&app.get("/v1/staff", Some(&app.owner)).expect(200).body["data"][0]["id"]);
    let a = outlet(&app, &app.owner, "Puchong", "PCH001");
    let c = outlet(&app, &app.owner, "Cheras", "CHR001");
    let (admin, ..) = signed_in(&app, app.tenant, Role::Admin);
    let r = app
        .post(
            "/v1/staff",
            Some(&admin),
            &json!({ "name": "Sam", "email": "sam@brand.com", "role": "cashier", "outlet_ids": [a] }),
        )
        .expect(201);
    let sam = text(&r.body["data"]["id"]);
    let path = format!("/v1/staff/{sam}");
    // An admin moves Sam to manager and to the other outlet; renames with PATCH.
    let r = app
        .put(
            &path,
            Some(&admin),
            &json!({ "role": "manager", "outlet_ids": [c] }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["role"], json!("manager"));
    assert_eq!(r.body["data"]["outlet_ids"], json!([c]));
    assert_ne!(r.body["data"]["updated_at"], r.body["data"]["created_at"]);
    let r = app
        .patch(&path, Some(&admin), &json!({ "name": "Samuel" }))
        .expect(200);
    assert_eq!(r.body["data"]["name"], json!("Samuel"));
    assert_eq!(r.body["data"]["role"], json!("manager"));
    assert_eq!(r.body["data"]["outlet_ids"], json!([c]));
    let roles = audit(&app, app.tenant, "staff.role_changed");
    assert_eq!(roles.len(), 1);
    assert_eq!(
        roles[0].details,
        json!({ "from": "cashier", "to": "manager" })
    );
    let moves = audit(&app, app.tenant, "staff.outlets_changed");
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0].details, json!({ "from": [a], "to": [c] }));
    // Only an owner grants or removes the owner role.
    let before = fingerprint(&app);
    app.put(&path, Some(&admin), &json!({ "role": "owner" }))
        .merchant_error(403, "OWNER_ROLE_REQUIRED");
    app.patch(
        &format!("/v1/staff/{owner_id}"),
        Some(&admin),
        &json!({ "role": "admin" }),
    )
    .merchant_error(403, "OWNER_ROLE_REQUIRED");
    // The last active owner cannot step down.
    app.patch(
        &format!("/v1/staff/{owner_id}"),
        Some(&app.owner),
        &json!({ "role": "admin" }),
    )
    .merchant_error(409, "LAST_OWNER");
    // Bad changes.
    invalid(
        app.put(&path, Some(&app.owner), &json!({ "role": "boss" })),
        "role",
    );
    invalid(
        app.put(&path, Some(&app.owner), &json!({ "name": "" })),
        "name",
    );
    invalid(
        app.put(
            &path,
            Some(&app.owner),
            &json!({ "outlet_ids": [uuid::Uuid::new_v4().to_string()] }),
        ),
        "outlet_ids[0]",
    );
    invalid(
        app.put(&path, Some(&app.owner), &json!({ "outlet_ids": "x" })),
        "outlet_ids",
    );
    assert_eq!(fingerprint(&app), before);
    // With a second owner, the first may step down; an owner makes owners.
    let r = app
        .patch(&path, Some(&app.owner), &json!({ "role": "owner" }))
        .expect(200);
    assert_eq!(r.body["data"]["role"], json!("owner"));
    let r = app
        .patch(
            &format!("/v1/staff/{owner_id}"),
            Some(&app.owner),
            &json!({ "role": "admin" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["role"], json!("admin"));
    // The former owner's token still says owner, but the rules use the stored role.
    app.patch(&path, Some(&app.owner), &json!({ "role": "viewer" }))
        .merchant_error(403, "OWNER_ROLE_REQUIRED");
    // Sam is an owner now: an admin may no longer change Sam's outlets or name.
    let before = fingerprint(&app);
    app.patch(&path, Some(&admin), &json!({ "outlet_ids": [] }))
        .merchant_error(403, "OWNER_ROLE_REQUIRED");
    app.patch(&path, Some(&admin), &json!({ "name": "Sammy" }))
        .merchant_error(403, "OWNER_ROLE_REQUIRED");
    assert_eq!(fingerprint(&app), before);
    assert_eq!(audit(&app, app.tenant, "staff.role_changed").len(), 3);
}

fn staff_deactivation_rules_and_sign_in(b: Backend) {
    let app = TestApp::start(b);
    let owner_id = text(&app.get("/v1/staff", Some(&app.owner)).expect(200).body["data"][0]["id"]);
    let (admin, admin_id, _) = signed_in(&app, app.tenant, Role::Admin);
    let (cashier, cashier_id, cashier_email) = signed_in(&app, app.tenant, Role::Cashier);
    let before = fingerprint(&app);
    app.post(
        &format!("/v1/staff/{admin_id}/deactivate"),
        Some(&admin),
        &json!({}),
    )
    .merchant_error(409, "CANNOT_DEACTIVATE_SELF");
    app.delete(&format!("/v1/staff/{owner_id}"), Some(&app.owner))
        .merchant_error(409, "CANNOT_DEACTIVATE_SELF");
    app.delete(&format!("/v1/staff/{owner_id}"), Some(&admin))
        .merchant_error(403, "OWNER_ROLE_REQUIRED");
    assert_eq!(fingerprint(&app), before);
    // The cashier is deactivated: listed as inactive, cannot sign in, their token changes
    // nothing about staff.
    let r = app
        .post(
            &format!("/v1/staff/{cashier_id}/deactivate"),
            Some(&admin),
            &json!({}),
        )
        .expect(200);
    assert_eq!(r.body["data"]["status"], json!("inactive"));
    login(&app, &cashier_email, PASSWORD).merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    let r = app
        .get(&format!("/v1/staff/{cashier_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["status"], json!("inactive"));
    // Again: nothing new.
    let before = fingerprint(&app);
    app.delete(&format!("/v1/staff/{cashier_id}"), Some(&admin))
        .expect(200);
    assert_eq!(fingerprint(&app), before);
    let log = audit(&app, app.tenant, "staff.deactivated");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].target.as_deref(), Some(cashier_id.as_str()));
    assert_eq!(log[0].actor.as_deref(), Some(admin_id.as_str()));
    // A deactivated admin's token cannot change staff either.
    let (admin2, admin2_id, _) = signed_in(&app, app.tenant, Role::Admin);
    app.delete(&format!("/v1/staff/{admin2_id}"), Some(&app.owner))
        .expect(200);
    let before = fingerprint(&app);
    app.post(
        "/v1/staff",
        Some(&admin2),
        &json!({ "email": "ghost@brand.com", "role": "viewer" }),
    )
    .merchant_error(401, "AUTH_TOKEN_INVALID");
    assert_eq!(fingerprint(&app), before);
    let _ = cashier;
    // Two owners: one may deactivate the other, but not the last.
    let (owner2, owner2_id, _) = signed_in(&app, app.tenant, Role::Owner);
    app.delete(&format!("/v1/staff/{owner_id}"), Some(&owner2))
        .expect(200);
    let before = fingerprint(&app);
    app.patch(
        &format!("/v1/staff/{owner2_id}"),
        Some(&owner2),
        &json!({ "role": "admin" }),
    )
    .merchant_error(409, "LAST_OWNER");
    assert_eq!(fingerprint(&app), before);
}

fn staff_routes_need_the_staff_permissions(b: Backend) {
    let app = TestApp::start(b);
    let (_, target, _) = signed_in(&app, app.tenant, Role::Viewer);
    let path = format!("/v1/staff/{target}");
    for (m, p) in [("GET", "/v1/staff"), ("GET", path.as_str())] {
        needs_a_token(&app, m, p, &Value::Null);
    }
    needs_a_token(&app, "PUT", &path, &json!({ "name": "x" }));
    needs_a_token(&app, "POST", &format!("{path}/deactivate"), &json!({}));
    for role in ROLES {
        let (token, ..) = signed_in(&app, app.tenant, role);
        let reads = matches!(role, Role::Owner | Role::Admin | Role::Manager);
        let writes = matches!(role, Role::Owner | Role::Admin);
        let r = app.get("/v1/staff", Some(&token));
        if reads {
            r.expect(200);
            app.get(&path, Some(&token)).expect(200);
        } else {
            r.merchant_error(403, "FORBIDDEN");
            app.get(&path, Some(&token))
                .merchant_error(403, "FORBIDDEN");
        }
        if !writes {
            let before = fingerprint(&app);
            app.post(
                "/v1/staff",
                Some(&token),
                &json!({ "email": "new@brand.com", "role": "viewer" }),
            )
            .merchant_error(403, "FORBIDDEN");
            app.put(&path, Some(&token), &json!({ "name": "x" }))
                .merchant_error(403, "FORBIDDEN");
            app.patch(&path, Some(&token), &json!({ "role": "admin" }))
                .merchant_error(403, "FORBIDDEN");
            app.post(&format!("{path}/deactivate"), Some(&token), &json!({}))
                .merchant_error(403, "FORBIDDEN");
            app.delete(&path, Some(&token))
                .merchant_error(403, "FORBIDDEN");
            assert_eq!(fingerprint(&app), before, "{role}");
        }
    }
}

/// The active owners of the main tenant, by listing them.
fn active_owners(app: &TestApp, token: &str) -> usize {
    let r = app
        .get("/v1/staff?role=owner&limit=100", Some(token))
        .expect(200);
    r.body["data"].as_array().map_or(0, |d| {
        d.iter().filter(|s| s["status"] == json!("active")).count()
    })
}

fn racing_owners_never_remove_the_last_owner(b: Backend) {
    for round in 0..3 {
        let app = std::sync::Arc::new(TestApp::start(b));
        let (admin, ..) = signed_in(&app, app.tenant, Role::Admin);
        let (a, a_id, _) = signed_in(&app, app.tenant, Role::Owner);
        let (o, o_id, _) = signed_in(&app, app.tenant, Role::Owner);
        // Three owners (the test app's own among them): retire the first, then race the other
        // two against each other, by demotion or by deactivation.
        let first = text(&app.get("/v1/staff", Some(&admin)).expect(200).body["data"][0]["id"]);
        app.delete(&format!("/v1/staff/{first}"), Some(&a))
            .expect(200);
        assert_eq!(active_owners(&app, &admin), 2);
        let racer = std::sync::Arc::clone(&app);
        let statuses = crate::support::race(2, move |i| {
            let (token, target) = if i == 0 { (&a, &o_id) } else { (&o, &a_id) };
            let path = format!("/v1/staff/{target}");
            if round == 1 {
                racer
                    .patch(&path, Some(token), &json!({ "role": "manager" }))
                    .status
            } else {
                racer.delete(&path, Some(token)).status
            }
        });
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| matches!(s, 200 | 401 | 403 | 409)),
            "{statuses:?}"
        );
        assert_eq!(active_owners(&app, &admin), 1, "round {round}");
    }
}

fn racing_customers_never_share_a_phone(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let racer = std::sync::Arc::clone(&app);
    let statuses = crate::support::race(6, move |i| {
        let r = racer.post(
            "/v1/customers",
            Some(&racer.owner),
            &json!({ "name": format!("C{i}"), "phone": "+60 12-345 6789" }),
        );
        if r.status == 409 {
            assert_eq!(
                r.body["error_code"],
                json!("CUSTOMER_PHONE_TAKEN"),
                "{}",
                r.body
            );
        }
        r.status
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        5,
        "{statuses:?}"
    );
    let r = app.get("/v1/customers", Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
}
