//! Rate limits, idempotency keys and the audit log.

use kedai_identity::Role;
use serde_json::{Value, json};

use crate::support::platform::{count, lines, sign_in, text};
use crate::support::{Backend, ROLES, Resp, TestApp, race};

crate::on_both_backends! {
    a_token_is_limited_per_minute_and_others_are_not,
    requests_without_a_token_are_limited_per_address,
    a_key_replays_the_first_response,
    a_key_is_refused_for_another_request_and_must_be_well_formed,
    a_failed_request_frees_its_key_and_old_keys_expire,
    racing_requests_with_one_key_create_one_order,
    the_audit_log_lists_sensitive_actions_newest_first,
    the_audit_log_is_for_owners_and_admins_of_the_same_merchant,
}

fn limits(per_token: u32, per_ip: u32) -> kedai::Limits {
    kedai::Limits {
        rate_limit_per_minute: per_token,
        rate_limit_per_ip_per_minute: per_ip,
        ..kedai::Limits::default()
    }
}

fn number(r: &Resp, name: &str) -> u64 {
    r.header(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name}: {:?}", r.headers))
}

fn a_token_is_limited_per_minute_and_others_are_not(b: Backend) {
    let app = TestApp::start_limited(b, 64 * 1024, limits(5, 1000));
    let other = app.staff_token(app.tenant, Role::Viewer);
    for left in (0..5).rev() {
        let r = app.get("/v1/products", Some(&app.owner)).expect(200);
        assert_eq!(number(&r, "x-ratelimit-limit"), 5);
        assert_eq!(number(&r, "x-ratelimit-remaining"), left);
        assert!(number(&r, "x-ratelimit-reset") <= 60);
    }
    let r = app
        .get("/v1/products", Some(&app.owner))
        .merchant_error(429, "RATE_LIMIT_EXCEEDED");
    assert_eq!(number(&r, "x-ratelimit-remaining"), 0);
    assert_eq!(number(&r, "x-ratelimit-limit"), 5);
    assert!((1..=60).contains(&number(&r, "retry-after")));
    // The edge functions share the token's quota and answer in their own envelope.
    let before = app.fingerprint();
    app.post(
        "/functions/v1/stock-in",
        Some(&app.owner),
        &json!({ "product_id": 1, "quantity": 1 }),
    )
    .edge_error(429, "RATE_LIMIT_EXCEEDED");
    assert_eq!(app.fingerprint(), before);
    // Another token has its own quota; health checks are never limited.
    let r = app.get("/v1/products", Some(&other)).expect(200);
    assert_eq!(number(&r, "x-ratelimit-remaining"), 4);
    for _ in 0..10 {
        let r = app.get("/health", None).expect(200);
        assert!(r.header("x-ratelimit-limit").is_none());
    }
    app.get("/ready", Some(&app.owner)).expect(200);
}

fn requests_without_a_token_are_limited_per_address(b: Backend) {
    let app = TestApp::start_limited(b, 64 * 1024, limits(1000, 4));
    // Signing the owner in at start-up was one request from this address.
    let mut seen = Vec::new();
    for _ in 0..3 {
        let r = app
            .get("/v1/products", None)
            .merchant_error(401, "AUTH_REQUIRED");
        seen.push(number(&r, "x-ratelimit-remaining"));
        assert_eq!(number(&r, "x-ratelimit-limit"), 4);
    }
    assert_eq!(seen, [2, 1, 0]);
    app.get("/v1/products", None)
        .merchant_error(429, "RATE_LIMIT_EXCEEDED");
    app.get("/v1/nowhere", Some("not-a-jwt"))
        .merchant_error(429, "RATE_LIMIT_EXCEEDED");
    app.post("/functions/v1/order-create", None, &json!({}))
        .edge_error(429, "RATE_LIMIT_EXCEEDED");
    // A valid token is counted by its session instead.
    app.get("/v1/products", Some(&app.owner)).expect(200);
    app.get("/health", None).expect(200);
}

fn stocked(app: &TestApp, price: f64, quantity: i64) -> i64 {
    let p = app.product(&app.owner, "Nasi Lemak", price);
    app.stock_in(&app.owner, p, quantity, None);
    p
}

fn order_body(product: i64) -> Value {
    json!({
        "order_data": { "customer_email": "c@example.com" },
        "items": [{ "product_id": product.to_string(), "quantity": 1, "unit_price": 8.5 }],
    })
}

fn keyed(app: &TestApp, path: &str, token: &str, body: &Value, key: &str) -> Resp {
    app.post_with(path, Some(token), body, &[("Idempotency-Key", key)])
}

fn orders(app: &TestApp) -> i64 {
    count(app, "orders")
}

fn a_key_replays_the_first_response(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, 8.5, 10);
    let path = "/functions/v1/order-create";
    let first = keyed(&app, path, &app.owner, &order_body(p), "order-1").expect(200);
    assert!(first.header("idempotent-replayed").is_none());
    let before = app.fingerprint();
    for _ in 0..2 {
        let again = keyed(&app, path, &app.owner, &order_body(p), "order-1").expect(200);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(again.body, first.body);
    }
    assert_eq!(app.fingerprint(), before);
    assert_eq!(orders(&app), 1);
    assert_eq!(app.current_stock(p), 9);

    // Keys are per caller: another staff member's same key is a new request.
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let theirs = keyed(&app, path, &cashier, &order_body(p), "order-1").expect(200);
    assert!(theirs.header("idempotent-replayed").is_none());
    assert_ne!(theirs.body["order_id"], first.body["order_id"]);
    // Without a key, every request runs.
    app.order(&app.owner, &[(p, 1, 8.5)]).expect(200);
    assert_eq!(orders(&app), 3);

    // Validation refusals replay; conflicts with the current state do not: after restocking, a
    // short-stock order retried with its key runs again and succeeds.
    let bad = json!({ "order_data": {}, "items": [{ "product_id": p.to_string(), "quantity": 0, "unit_price": 8.5 }] });
    let refused = keyed(&app, path, &app.owner, &bad, "bad").edge_error(400, "VALIDATION_ERROR");
    let again = keyed(&app, path, &app.owner, &bad, "bad").edge_error(400, "VALIDATION_ERROR");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, refused.body);
    let big = json!({ "order_data": {}, "items": [{ "product_id": p.to_string(), "quantity": 50, "unit_price": 8.5 }] });
    let short = keyed(&app, path, &app.owner, &big, "big").edge_error(409, "INSUFFICIENT_STOCK");
    assert!(short.header("idempotent-replayed").is_none());
    app.stock_in(&app.owner, p, 100, None);
    let ran = keyed(&app, path, &app.owner, &big, "big").expect(200);
    assert!(ran.header("idempotent-replayed").is_none());
    let replayed = keyed(&app, path, &app.owner, &big, "big").expect(200);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(replayed.body, ran.body);

    // Stock-in replays as well.
    let body = json!({ "product_id": p, "quantity": 5 });
    let first = keyed(&app, "/functions/v1/stock-in", &app.owner, &body, "in-1").expect(200);
    let lots = count(&app, "inventory_lots");
    let again = keyed(&app, "/functions/v1/stock-in", &app.owner, &body, "in-1").expect(200);
    assert_eq!(
        (again.body.clone(), count(&app, "inventory_lots")),
        (first.body, lots)
    );

    // No token: the key is ignored and the handler says 401.
    app.post_with(
        path,
        None,
        &order_body(p),
        &[("Idempotency-Key", "order-1")],
    )
    .edge_error(401, "AUTH_REQUIRED");
}

fn a_key_is_refused_for_another_request_and_must_be_well_formed(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, 8.5, 10);
    let path = "/functions/v1/order-create";
    keyed(&app, path, &app.owner, &order_body(p), "k").expect(200);
    let before = app.fingerprint();
    let mut other = order_body(p);
    other["items"][0]["quantity"] = json!(2);
    keyed(&app, path, &app.owner, &other, "k").edge_error(409, "IDEMPOTENCY_KEY_REUSED");
    // The same body on another keyed route is another request.
    keyed(
        &app,
        "/functions/v1/stock-in",
        &app.owner,
        &order_body(p),
        "k",
    )
    .edge_error(409, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(app.fingerprint(), before);

    let long = "k".repeat(256);
    for bad in ["", "   ", long.as_str()] {
        let r =
            keyed(&app, path, &app.owner, &order_body(p), bad).edge_error(400, "VALIDATION_ERROR");
        assert!(r.body["errors"]["Idempotency-Key"].is_array(), "{}", r.body);
        let r = keyed(&app, "/v1/orders", &app.owner, &json!({}), bad)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"]["Idempotency-Key"].is_array(), "{}", r.body);
    }
    assert_eq!(app.fingerprint(), before);
    keyed(&app, path, &app.owner, &order_body(p), &"k".repeat(255)).expect(200);
}

fn a_failed_request_frees_its_key_and_old_keys_expire(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, 8.5, 10);
    let path = "/functions/v1/order-create";
    // A server error keeps nothing: the retry runs.
    app.sabotage("ALTER TABLE order_items RENAME TO order_items_away");
    keyed(&app, path, &app.owner, &order_body(p), "retry-me").edge_error(500, "INTERNAL_ERROR");
    app.sabotage("ALTER TABLE order_items_away RENAME TO order_items");
    assert_eq!(count(&app, "idempotency_keys"), 0);
    let r = keyed(&app, path, &app.owner, &order_body(p), "retry-me").expect(200);
    assert!(r.header("idempotent-replayed").is_none());
    assert_eq!(orders(&app), 1);

    // After 24 hours a key is forgotten and may carry a new request.
    app.sabotage("UPDATE idempotency_keys SET created_at = '2001-01-01 00:00:00'");
    let mut other = order_body(p);
    other["items"][0]["quantity"] = json!(2);
    let r = keyed(&app, path, &app.owner, &other, "retry-me").expect(200);
    assert!(r.header("idempotent-replayed").is_none());
    assert_eq!(orders(&app), 2);
    assert_eq!(count(&app, "idempotency_keys"), 1);

    // A new claim sweeps the merchant's other expired keys.
    keyed(&app, path, &app.owner, &order_body(p), "old-1").expect(200);
    keyed(&app, path, &app.owner, &order_body(p), "old-2").expect(200);
    app.sabotage(
        "UPDATE idempotency_keys SET created_at = '2001-01-01 00:00:00' \
         WHERE idempotency_key IN ('old-1', 'old-2')",
    );
    assert_eq!(count(&app, "idempotency_keys"), 3);
    keyed(&app, path, &app.owner, &order_body(p), "fresh").expect(200);
    assert_eq!(
        lines(
            &app,
            "SELECT idempotency_key AS line FROM idempotency_keys ORDER BY idempotency_key"
        ),
        vec![Some("fresh".to_owned()), Some("retry-me".to_owned())]
    );
}

fn racing_requests_with_one_key_create_one_order(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let p = stocked(&app, 8.5, 100);
    let shared = std::sync::Arc::clone(&app);
    let answers = race(8, move |_| {
        keyed(
            &shared,
            "/functions/v1/order-create",
            &shared.owner,
            &order_body(p),
            "race-key",
        )
    });
    assert_eq!(orders(&app), 1);
    assert_eq!(app.current_stock(p), 99);
    let created: Vec<&Resp> = answers
        .iter()
        .filter(|r| r.status == 200 && r.header("idempotent-replayed").is_none())
        .collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    let first = &created[0].body;
    for r in &answers {
        match (r.status, r.header("idempotent-replayed")) {
            (200, None) => {}
            (200, Some("true")) => assert_eq!(&r.body, first),
            (409, None) => assert_eq!(
                r.body["code"],
                json!("IDEMPOTENCY_KEY_IN_USE"),
                "{}",
                r.body
            ),
            other => panic!("unexpected answer {other:?}: {}", r.body),
        }
    }
    // Once finished, every retry is the replay.
    let again = keyed(
        &app,
        "/functions/v1/order-create",
        &app.owner,
        &order_body(p),
        "race-key",
    )
    .expect(200);
    assert_eq!(&again.body, first);
}

fn the_audit_log_lists_sensitive_actions_newest_first(b: Backend) {
    let app = TestApp::start(b);
    app.create_staff(app.tenant, "amy@example.com", Role::Manager);
    let amy = sign_in(&app, "amy@example.com");
    let amy_id = text(&amy["user"]["id"]);
    app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": "amy@example.com", "password": "not-it" }),
    )
    .merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    let p = stocked(&app, 14.9, 10);
    let manager = text(&amy["access_token"]);
    app.post(
        "/functions/v1/stock-adjust",
        Some(&manager),
        &json!({ "product_id": p, "adjust_quantity": -2, "reason": "damage_writeoff" }),
    )
    .expect(200);
    let order = text(&app.order(&app.owner, &[(p, 1, 14.9)]).expect(200).body["order_id"]);
    for status in ["completed", "refunded"] {
        app.post(
            "/functions/v1/mock-payment",
            Some(&app.owner),
            &json!({ "order_id": order, "method": "cash", "amount": 14.9, "status": status }),
        )
        .expect(200);
    }
    app.post("/v1/auth/logout", Some(&manager), &json!({}))
        .expect(200);

    let r = app.get("/v1/audit-log", Some(&app.owner)).expect(200);
    assert_eq!(r.body["success"], json!(true));
    let actions: Vec<&str> = r.body["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        actions,
        [
            "auth.logout",
            "payment.refunded",
            "stock.adjusted",
            "auth.login_failed",
            "auth.login",
            "auth.login"
        ],
        "{}",
        r.body
    );
    assert_eq!(r.body["meta"]["total"], json!(6));
    let entries = r.body["data"].as_array().cloned().unwrap_or_default();
    let find = |action: &str| {
        entries
            .iter()
            .find(|e| e["action"] == json!(action))
            .cloned()
            .unwrap_or_default()
    };
    let adjusted = find("stock.adjusted");
    assert_eq!(adjusted["actor"], json!(amy_id));
    assert_eq!(adjusted["target_type"], json!("product"));
    assert_eq!(adjusted["details"]["product_id"], json!(p));
    assert_eq!(adjusted["details"]["quantity"], json!(-2));
    assert_eq!(adjusted["details"]["reason"], json!("damage_writeoff"));
    assert!(adjusted["details"]["lot_id"].is_string());
    let refunded = find("payment.refunded");
    assert_eq!(refunded["target_id"], json!(order));
    assert_eq!(refunded["target_type"], json!("order"));
    let failed = find("auth.login_failed");
    assert!(failed["actor"].is_null());
    assert_eq!(failed["details"], json!({ "email": "amy@example.com" }));
    assert!(find("auth.logout")["created_at"].is_string());

    // Filters and paging.
    let list = |query: &str| {
        app.get(&format!("/v1/audit-log?{query}"), Some(&app.owner))
            .expect(200)
            .body
    };
    let mine = list(&format!("actor={amy_id}"));
    assert_eq!(mine["meta"]["total"], json!(3), "{mine}");
    assert_eq!(list("action=auth.login")["meta"]["total"], json!(2));
    assert_eq!(
        list("action=auth.login,auth.logout&action=stock.adjusted")["meta"]["total"],
        json!(4)
    );
    assert_eq!(list("action=nothing.happened")["meta"]["total"], json!(0));
    let page = list("page=2&limit=4");
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        (page["meta"]["page"].clone(), page["meta"]["limit"].clone()),
        (json!(2), json!(4))
    );
    assert_eq!(list("date_from=2999-01-01")["meta"]["total"], json!(0));
    assert_eq!(list("date_to=2000-01-01")["meta"]["total"], json!(0));
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(
        list(&format!("date_from={today}&date_to={today}"))["meta"]["total"],
        json!(6)
    );
    assert_eq!(
        list("date_from=2000-01-01T00:00:00Z")["meta"]["total"],
        json!(6)
    );
    for (query, field) in [
        ("date_from=yesterday", "date_from"),
        ("actor=not-a-staff-id", "actor"),
        ("date_to=2026-13-01", "date_to"),
        ("date_from=2026-02-01&date_to=2026-01-01", "date_to"),
        ("page=0", "page"),
        ("limit=1000", "limit"),
    ] {
        let r = app
            .get(&format!("/v1/audit-log?{query}"), Some(&app.owner))
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{query}: {}", r.body);
    }
}

fn the_audit_log_is_for_owners_and_admins_of_the_same_merchant(b: Backend) {
    let app = TestApp::start(b);
    let rival = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let rival_owner = app.staff_token(rival, Role::Owner);
    app.get("/v1/audit-log", None)
        .merchant_error(401, "AUTH_REQUIRED");
    app.get("/v1/audit-log", Some("not-a-jwt"))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    app.get("/v1/audit-log", Some(&app.expired_token(&app.owner)))
        .merchant_error(401, "AUTH_TOKEN_EXPIRED");
    for role in ROLES {
        let token = app.staff_token(app.tenant, role);
        let r = app.get("/v1/audit-log", Some(&token));
        if matches!(role, Role::Owner | Role::Admin) {
            r.expect(200);
        } else {
            r.merchant_error(403, "FORBIDDEN");
        }
    }
    // Each merchant sees only its own entries.
    let ours = app
        .get("/v1/audit-log?limit=100", Some(&app.owner))
        .expect(200);
    let theirs = app
        .get("/v1/audit-log?limit=100", Some(&rival_owner))
        .expect(200);
    assert_eq!(ours.body["meta"]["total"], json!(7), "{}", ours.body);
    assert_eq!(theirs.body["meta"]["total"], json!(1), "{}", theirs.body);
    let ids = |r: &Resp| -> Vec<String> {
        r.body["data"]
            .as_array()
            .map(|a| a.iter().map(|e| e["id"].to_string()).collect())
            .unwrap_or_default()
    };
    assert!(ids(&theirs).iter().all(|id| !ids(&ours).contains(id)));
}
