//! Managing coupons: create, read and list, refusals, tokens and roles, other merchants, and
//! disabling.

use chrono::{Duration, Utc};
use kedai_identity::{Permission, Role};
use serde_json::{Value, json};

use super::{create, created, lunch10, refused, validate};
use crate::commerce::{self, audit, fingerprint, outlet, text};
use crate::support::{Backend, ROLES, TestApp};

crate::on_both_backends!(
    coupon_create_get_and_list,
    coupon_create_rejects_bad_input_and_changes_nothing,
    coupon_routes_need_a_token_and_the_right_role,
    coupons_of_other_merchants_are_not_found,
    disable_is_idempotent_and_audited,
);

fn coupon_create_get_and_list(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let a = outlet(&db, app.tenant, "KLCC");
    let manager = app.staff_token(app.tenant, Role::Manager);
    let mut body = lunch10();
    body["applicable_outlet_ids"] = json!([a, a]);
    body["min_cart_total"] = json!("20.00");
    body["max_discount"] = json!(15.5);
    let r = create(&app, &manager, &body).expect(201);
    assert_eq!(r.body["success"], json!(true));
    let c = &r.body["data"];
    let id = text(&c["id"]);
    assert_eq!(c["code"], json!("LUNCH10"));
    assert_eq!(c["title"], json!("10% OFF Lunch Promo"));
    assert_eq!(c["discount_type"], json!("percentage"));
    assert_eq!(c["discount_value"], json!(10.0));
    assert_eq!(c["currency"], json!("MYR"));
    assert_eq!(c["min_cart_total"], json!(20.0));
    assert_eq!(c["max_discount"], json!(15.5));
    assert_eq!(c["usage_limit"], json!(500));
    assert_eq!(c["used_count"], json!(0));
    assert_eq!(c["status"], json!("active"));
    assert_eq!(c["applicable_outlet_ids"], json!([a]));
    assert!(c["valid_from"].is_string() && c["disabled_at"].is_null());
    assert_eq!(audit(&db, &id), ["coupon.created"]);

    // Fixed, with fractional percentages and no window or limit.
    let fixed = created(
        &app,
        &json!({ "title": "RM5 off", "code": "FIVE-OFF", "discount_type": "fixed", "discount_value": "5.00" }),
    );
    let pct = created(
        &app,
        &json!({ "title": "12.5%", "code": "twelve_5", "discount_type": "percentage", "discount_value": "12.50" }),
    );

    let got = app
        .get(&format!("/v1/coupons/{fixed}"), Some(&app.owner))
        .expect(200);
    assert_eq!(got.body["data"]["discount_value"], json!(5.0));
    assert_eq!(got.body["data"]["discount_type"], json!("fixed"));
    assert!(got.body["data"]["usage_limit"].is_null() && got.body["data"]["valid_to"].is_null());
    let got = app
        .get(&format!("/v1/coupons/{pct}"), Some(&app.owner))
        .expect(200);
    assert_eq!(got.body["data"]["discount_value"], json!(12.5));
    assert_eq!(got.body["data"]["code"], json!("TWELVE_5"));

    let list = app.get("/v1/coupons", Some(&app.owner)).expect(200);
    let ids: Vec<String> = list.body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| text(&c["id"]))
        .collect();
    assert_eq!(ids, [pct.clone(), fixed.clone(), id.clone()]);
    assert_eq!(list.body["meta"]["total"], json!(3));
    let paged = app
        .get("/v1/coupons?page=2&limit=2", Some(&app.owner))
        .expect(200);
    assert_eq!(paged.body["data"][0]["id"], json!(id));
    assert_eq!(
        paged.body["meta"],
        json!({ "page": 2, "limit": 2, "total": 3 })
    );

    app.patch(
        &format!("/v1/coupons/{fixed}/disable"),
        Some(&app.owner),
        &json!({}),
    )
    .expect(200);
    let active = app
        .get("/v1/coupons?status=active", Some(&app.owner))
        .expect(200);
    assert_eq!(active.body["meta"]["total"], json!(2));
    let disabled = app
        .get("/v1/coupons?status=disabled", Some(&app.owner))
        .expect(200);
    assert_eq!(disabled.body["data"][0]["id"], json!(fixed));
    assert_eq!(disabled.body["meta"]["total"], json!(1));
    refused(
        app.get("/v1/coupons?status=expired", Some(&app.owner)),
        "VALIDATION_ERROR",
        "status",
    );
    refused(
        app.get("/v1/coupons?limit=0", Some(&app.owner)),
        "VALIDATION_ERROR",
        "limit",
    );
    refused(
        app.get("/v1/coupons?page=zero", Some(&app.owner)),
        "VALIDATION_ERROR",
        "page",
    );
}

fn coupon_create_rejects_bad_input_and_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    created(&app, &lunch10());
    let other = app.create_tenant("Other Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let foreign_outlet = outlet(&db, other, "X1");
    let before = fingerprint(&app, &db);
    let with = |k: &str, v: Value| {
        let mut b = lunch10();
        b["code"] = json!("NEW10");
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = lunch10();
        b["code"] = json!("NEW10");
        b.as_object_mut().map(|o| o.remove(k));
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (without("title"), "title"),
        (without("code"), "code"),
        (without("discount_type"), "discount_type"),
        (without("discount_value"), "discount_value"),
        (with("title", json!("  ")), "title"),
        (with("title", json!(42)), "title"),
        (with("code", json!("ab")), "code"),
        (with("code", json!("HAS SPACE")), "code"),
        (with("code", json!("X".repeat(33))), "code"),
        (with("code", json!(null)), "code"),
        (with("discount_type", json!("bogo")), "discount_type"),
        (with("discount_value", json!(0)), "discount_value"),
        (with("discount_value", json!(-5)), "discount_value"),
        (with("discount_value", json!(100.01)), "discount_value"),
        (with("discount_value", json!("12.345")), "discount_value"),
        (with("discount_value", json!("ten")), "discount_value"),
        (with("discount_value", json!(true)), "discount_value"),
        (with("valid_from", json!("yesterday")), "valid_from"),
        (
            with("valid_to", lunch10()["valid_from"].clone()),
            "valid_to",
        ),
        (
            with(
                "valid_to",
                json!((Utc::now() - Duration::days(2)).to_rfc3339()),
            ),
            "valid_to",
        ),
        (with("usage_limit", json!(0)), "usage_limit"),
        (with("usage_limit", json!(-3)), "usage_limit"),
        (with("usage_limit", json!("many")), "usage_limit"),
        (with("usage_limit", json!(1.5)), "usage_limit"),
        (
            with("applicable_outlet_ids", json!(["nope"])),
            "applicable_outlet_ids",
        ),
        (
            with("applicable_outlet_ids", json!([foreign_outlet])),
            "applicable_outlet_ids",
        ),
        (
            with("applicable_outlet_ids", json!("all")),
            "applicable_outlet_ids",
        ),
        (with("min_cart_total", json!(-1)), "min_cart_total"),
        (with("min_cart_total", json!("1.234")), "min_cart_total"),
        (with("max_discount", json!(0)), "max_discount"),
    ];
    for (body, field) in &cases {
        let r = create(&app, &app.owner, body);
        assert_eq!(r.status, 422, "{field}: {body} -> {}", r.body);
        refused(r, "VALIDATION_ERROR", field);
    }
    // A fixed amount is in the merchant's currency: no sub-sen amounts, above zero.
    let mut fixed = with("discount_type", json!("fixed"));
    fixed["discount_value"] = json!("0.001");
    refused(
        create(&app, &app.owner, &fixed),
        "VALIDATION_ERROR",
        "discount_value",
    );
    fixed["discount_value"] = json!(0);
    refused(
        create(&app, &app.owner, &fixed),
        "VALIDATION_ERROR",
        "discount_value",
    );
    // Every bad field is named at once.
    let r = create(
        &app,
        &app.owner,
        &json!({ "title": "", "code": "a", "discount_type": "percentage", "discount_value": 0, "usage_limit": 0 }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    for f in ["title", "code", "discount_value", "usage_limit"] {
        assert!(r.body["errors"][f].is_array(), "{f}: {}", r.body);
    }
    // Codes are unique per merchant, whatever the case.
    let mut dup = lunch10();
    dup["code"] = json!("Lunch10");
    create(&app, &app.owner, &dup).merchant_error(409, "COUPON_CODE_TAKEN");
    // Malformed and non-object bodies.
    app.send_raw("POST", "/v1/coupons", Some(&app.owner), "{\"title\":")
        .merchant_error(400, "MALFORMED_REQUEST");
    refused(
        app.send_raw("POST", "/v1/coupons", Some(&app.owner), "[1]"),
        "VALIDATION_ERROR",
        "body",
    );
    assert_eq!(fingerprint(&app, &db), before);
    // The same code is free in another merchant.
    let other_owner = app.staff_token(other, Role::Owner);
    create(&app, &other_owner, &lunch10()).expect(201);
}

fn coupon_routes_need_a_token_and_the_right_role(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let id = created(&app, &lunch10());
    let expired = app.expired_token(&app.owner);
    let check = json!({ "code": "LUNCH10", "cart_total": 29.8 });
    let routes: [(&str, String, Value); 5] = [
        ("GET", "/v1/coupons".into(), json!({})),
        ("POST", "/v1/coupons".into(), lunch10()),
        ("GET", format!("/v1/coupons/{id}"), json!({})),
        ("POST", "/v1/coupons/validate".into(), check.clone()),
        ("PATCH", format!("/v1/coupons/{id}/disable"), json!({})),
    ];
    let call = |method: &str, path: &str, token: Option<&str>, body: &Value| match method {
        "GET" => app.get(path, token),
        m => app.send_raw(m, path, token, &body.to_string()),
    };
    let tokens: Vec<(Role, String)> = ROLES
        .iter()
        .map(|r| (*r, app.staff_token(app.tenant, *r)))
        .collect();
    let before = fingerprint(&app, &db);
    for (method, path, body) in &routes {
        for (token, code) in [
            (None, "AUTH_REQUIRED"),
            (Some("not-a-token"), "AUTH_TOKEN_INVALID"),
            (Some(expired.as_str()), "AUTH_TOKEN_EXPIRED"),
        ] {
            call(method, path, token, body).merchant_error(401, code);
        }
    }
    for (role, token) in &tokens {
        let (role, token) = (*role, token.as_str());
        let writes = role.can(Permission::CouponsWrite);
        let reads = role.can(Permission::CouponsRead);
        assert!(reads, "every role reads coupons");
        // Forbidden writes are refused before the body is judged.
        if !writes {
            let mut bad = lunch10();
            bad["discount_value"] = json!(0);
            call("POST", "/v1/coupons", Some(token), &bad).merchant_error(403, "FORBIDDEN");
            call(
                "PATCH",
                &format!("/v1/coupons/{id}/disable"),
                Some(token),
                &json!({}),
            )
            .merchant_error(403, "FORBIDDEN");
        }
        call("GET", "/v1/coupons", Some(token), &json!({})).expect(200);
        call("GET", &format!("/v1/coupons/{id}"), Some(token), &json!({})).expect(200);
        validate(&app, token, &check).expect(200);
    }
    assert_eq!(fingerprint(&app, &db), before);
    let manager = app.staff_token(app.tenant, Role::Manager);
    let mut body = lunch10();
    body["code"] = json!("MGR");
    create(&app, &manager, &body).expect(201);
}

fn coupons_of_other_merchants_are_not_found(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let other = app.create_tenant("Other Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let other_owner = app.staff_token(other, Role::Owner);
    let mut body = lunch10();
    body["code"] = json!("THEIRS");
    let theirs = text(&create(&app, &other_owner, &body).expect(201).body["data"]["id"]);
    let before = fingerprint(&app, &db);
    for path in [
        format!("/v1/coupons/{theirs}"),
        "/v1/coupons/not-a-uuid".to_owned(),
        format!("/v1/coupons/{}", uuid::Uuid::now_v7()),
    ] {
        app.get(&path, Some(&app.owner))
            .merchant_error(404, "COUPON_NOT_FOUND");
        app.patch(&format!("{path}/disable"), Some(&app.owner), &json!({}))
            .merchant_error(404, "COUPON_NOT_FOUND");
    }
    refused(
        validate(
            &app,
            &app.owner,
            &json!({ "code": "THEIRS", "cart_total": 50 }),
        ),
        "COUPON_INVALID",
        "code",
    );
    let list = app.get("/v1/coupons", Some(&app.owner)).expect(200);
    assert_eq!(list.body["meta"]["total"], json!(0));
    assert_eq!(fingerprint(&app, &db), before);
    // Still active for its owner.
    validate(
        &app,
        &other_owner,
        &json!({ "code": "theirs", "cart_total": 50 }),
    )
    .expect(200);
}

fn disable_is_idempotent_and_audited(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let id = created(&app, &lunch10());
    let manager = app.staff_token(app.tenant, Role::Manager);
    let path = format!("/v1/coupons/{id}/disable");
    let r = app.patch(&path, Some(&manager), &json!({})).expect(200);
    assert_eq!(r.body["data"]["status"], json!("disabled"));
    let at = r.body["data"]["disabled_at"].clone();
    assert!(at.is_string());
    let before = fingerprint(&app, &db);
    let again = app.patch(&path, Some(&app.owner), &json!({})).expect(200);
    assert_eq!(again.body["data"]["status"], json!("disabled"));
    assert_eq!(again.body["data"]["disabled_at"], at);
    assert_eq!(fingerprint(&app, &db), before);
    assert_eq!(audit(&db, &id), ["coupon.created", "coupon.disabled"]);
    let got = app
        .get(&format!("/v1/coupons/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(got.body["data"]["status"], json!("disabled"));
    refused(
        validate(
            &app,
            &app.owner,
            &json!({ "code": "LUNCH10", "cart_total": 10 }),
        ),
        "COUPON_INVALID",
        "code",
    );
}
