//! Payments (`/v1/payments`): intents at the mock gateway, its checkout page over HTTP,
//! verification (once, however many race), and the payment list.

use std::sync::Arc;

use kedai_identity::{Permission, Role};
use serde_json::{Value, json};

use crate::commerce::{self, count, fingerprint, page, text};
use crate::support::{Backend, ROLES, Resp, TestApp, race};

crate::on_both_backends!(
    intent_checkout_approve_verify_pays_the_order,
    declined_payment_fails_the_intent_and_leaves_the_order_awaiting,
    intent_refuses_bad_input_and_changes_nothing,
    payment_routes_need_a_token_and_the_right_role,
    intents_of_other_merchants_are_not_found,
    verify_after_the_order_was_cancelled_records_nothing,
    concurrent_verifies_pay_once,
    checkout_page_of_an_unknown_session_is_a_404_page,
    payment_list_filters_and_pages,
);

fn intent(app: &TestApp, token: &str, order: &str, amount: Value) -> Resp {
    app.post(
        "/v1/payments/intents",
        Some(token),
        &json!({ "order_id": order, "method": "fpx", "amount": amount, "currency": "MYR" }),
    )
}

fn verify(app: &TestApp, token: &str, intent: &str) -> Resp {
    app.post(
        "/v1/payments/verify",
        Some(token),
        &json!({ "payment_intent_id": intent }),
    )
}

/// The path of a payment URL (`/pay/mock/<session>`).
fn checkout_path(payment_url: &str) -> String {
    let at = payment_url
        .find("/pay/mock/")
        .unwrap_or_else(|| panic!("not a mock checkout url: {payment_url}"));
    payment_url[at..].to_owned()
}

/// Opens an intent for `order` of `amount`; returns (intent id, checkout path).
fn opened(app: &TestApp, order: &str, amount: Value) -> (String, String) {
    let r = intent(app, &app.owner, order, amount).expect(201);
    (
        text(&r.body["data"]["payment_intent_id"]),
        checkout_path(&text(&r.body["data"]["payment_url"])),
    )
}

/// Presses Approve on the checkout page.
fn approve(app: &TestApp, path: &str) {
    let p = page(app, "POST", &format!("{path}/approve"));
    assert_eq!(p.status, 200, "{}", p.text);
}

fn order_status(app: &TestApp, order: &str) -> Value {
    app.get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200)
        .body["data"]["status"]
        .clone()
}

#[track_caller]
fn refused(r: Resp, code: &str, field: &str) -> Resp {
    let r = r.merchant_error(422, code);
    assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    r
}

fn intent_checkout_approve_verify_pays_the_order(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let order = commerce::order(&app, &app.owner, 14.9, 2);
    let number = text(
        &app.get(&format!("/v1/orders/{order}"), Some(&app.owner))
            .expect(200)
            .body["data"]["order_number"],
    );
    let r = intent(&app, &cashier, &order, json!(29.80)).expect(201);
    let d = &r.body["data"];
    let id = text(&d["payment_intent_id"]);
    assert_eq!(d["status"], json!("requires_action"));
    assert_eq!(d["order_id"], json!(order));
    assert_eq!(d["amount"], json!(29.8));
    assert_eq!(d["currency"], json!("MYR"));
    assert_eq!(d["method"], json!("fpx"));
    let url = text(&d["payment_url"]);
    assert!(url.starts_with("http://"), "{url}");
    let path = checkout_path(&url);
    let session = path.trim_start_matches("/pay/mock/");
    // A random (version 4) UUID: the session id is the page's only secret.
    assert_eq!(
        uuid::Uuid::parse_str(session)
            .map(|u| u.get_version_num())
            .ok(),
        Some(4),
        "{session}"
    );

    // Nothing decided yet.
    verify(&app, &cashier, &id).merchant_error(409, "PAYMENT_PENDING");
    assert_eq!(order_status(&app, &order), json!("pending"));

    // The checkout page: merchant, order, amount, and the two buttons.
    let p = page(&app, "GET", &path);
    assert_eq!(p.status, 200, "{}", p.text);
    assert!(
        p.content_type.starts_with("text/html"),
        "{}",
        p.content_type
    );
    for needle in [
        "<!DOCTYPE html>",
        "Test Cafe",
        number.as_str(),
        "MYR",
        "29.80",
        &format!("action=\"{session}/approve\""),
        &format!("action=\"{session}/decline\""),
    ] {
        assert!(p.text.contains(needle), "{needle} missing from {}", p.text);
    }
    assert!(
        !p.text.contains("http://") && !p.text.contains("https://"),
        "no external assets"
    );

    let p = page(&app, "POST", &format!("{path}/approve"));
    assert_eq!(p.status, 200);
    assert!(p.text.contains("Payment approved"), "{}", p.text);
    // The first decision wins.
    let p = page(&app, "POST", &format!("{path}/decline"));
    assert!(p.text.contains("Payment approved"), "{}", p.text);
    let p = page(&app, "GET", &path);
    assert!(
        p.text.contains("Payment approved") && !p.text.contains("<form"),
        "{}",
        p.text
    );

    let r = verify(&app, &cashier, &id).expect(200);
    let v = r.body["data"].clone();
    assert_eq!(v["payment_intent_id"], json!(id));
    assert_eq!(v["status"], json!("succeeded"));
    assert_eq!(v["order_id"], json!(order));
    assert_eq!(v["order_status"], json!("paid"));
    let payment_id = text(&v["payment_id"]);
    assert!(!payment_id.is_empty());
    let reference = text(&v["gateway_reference"]);
    assert!(reference.starts_with("MOCK-"), "{reference}");

    let o = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200)
        .body["data"]
        .clone();
    assert_eq!(o["status"], json!("paid"));
    assert_eq!(o["payment_status"], json!("completed"));
    assert_eq!(o["payments"].as_array().map(Vec::len), Some(1));
    assert_eq!(o["payments"][0]["id"], json!(payment_id));
    assert_eq!(o["payments"][0]["method"], json!("fpx"));
    assert_eq!(o["payments"][0]["amount"], json!(29.8));
    assert!(app.outbox(&order).contains(&"payment.success".to_owned()));

    // Verifying again answers the same success and pays nothing more, with or without the
    // matching reference; a wrong reference is refused.
    let before = fingerprint(&app, &db);
    let again = verify(&app, &cashier, &id).expect(200);
    assert_eq!(again.body["data"]["payment_id"], json!(payment_id));
    let with_ref = app
        .post(
            "/v1/payments/verify",
            Some(&cashier),
            &json!({ "payment_intent_id": id, "gateway_reference": reference }),
        )
        .expect(200);
    assert_eq!(with_ref.body["data"]["payment_id"], json!(payment_id));
    refused(
        app.post(
            "/v1/payments/verify",
            Some(&cashier),
            &json!({ "payment_intent_id": id, "gateway_reference": "GX99887766" }),
        ),
        "PAYMENT_FAILED",
        "gateway_reference",
    );
    assert_eq!(fingerprint(&app, &db), before);

    // The list shows it.
    let list = app.get("/v1/payments", Some(&app.owner)).expect(200);
    let row = &list.body["data"][0];
    assert_eq!(row["payment_intent_id"], json!(id));
    assert_eq!(row["order_number"], json!(number));
    assert_eq!(row["status"], json!("succeeded"));
    assert_eq!(row["gateway_reference"], json!(reference));
    assert_eq!(row["payment_id"], json!(payment_id));
    assert_eq!(row["amount"], json!(29.8));
    assert!(row["completed_at"].is_string() && row["created_at"].is_string());

    // A paid order takes no more intents.
    let before = fingerprint(&app, &db);
    intent(&app, &cashier, &order, json!(29.8)).merchant_error(409, "PAYMENT_NOT_ALLOWED");
    assert_eq!(fingerprint(&app, &db), before);
}

fn declined_payment_fails_the_intent_and_leaves_the_order_awaiting(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let order = commerce::order(&app, &app.owner, 10.0, 1);
    let (id, path) = opened(&app, &order, json!("10.00"));
    let p = page(&app, "POST", &format!("{path}/decline"));
    assert_eq!(p.status, 200);
    assert!(p.text.contains("Payment declined"), "{}", p.text);
    let p = page(&app, "POST", &format!("{path}/approve"));
    assert!(
        p.text.contains("Payment declined"),
        "first decision wins: {}",
        p.text
    );

    refused(
        verify(&app, &app.owner, &id),
        "PAYMENT_FAILED",
        "payment_intent_id",
    );
    assert_eq!(order_status(&app, &order), json!("pending"));
    assert_eq!(
        count(&db, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM payments"),
        0
    );
    assert!(app.outbox(&order).contains(&"payment.failed".to_owned()));
    let before = fingerprint(&app, &db);
    refused(
        verify(&app, &app.owner, &id),
        "PAYMENT_FAILED",
        "payment_intent_id",
    );
    assert_eq!(fingerprint(&app, &db), before);
    let list = app
        .get(&format!("/v1/payments?order_id={order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(list.body["data"][0]["status"], json!("failed"));
    assert!(list.body["data"][0]["payment_id"].is_null());

    // The customer tries again with a new intent, and pays.
    let (second, path) = opened(&app, &order, json!(10));
    assert_ne!(second, id);
    approve(&app, &path);
    let r = verify(&app, &app.owner, &second).expect(200);
    assert_eq!(r.body["data"]["order_status"], json!("paid"));
}

fn intent_refuses_bad_input_and_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let order = commerce::order(&app, &app.owner, 14.9, 2);
    let paid = commerce::order(&app, &app.owner, 5.0, 1);
    let (pid, path) = opened(&app, &paid, json!(5));
    approve(&app, &path);
    verify(&app, &app.owner, &pid).expect(200);
    let cancelled = commerce::order(&app, &app.owner, 5.0, 1);
    app.patch(
        &format!("/v1/orders/{cancelled}/status"),
        Some(&app.owner),
        &json!({ "status": "cancelled" }),
    )
    .expect(200);
    let hkd = app.create_tenant("HK Cafe", "HKD", "Asia/Hong_Kong", false);
    let foreign = commerce::order(&app, &app.staff_token(hkd, Role::Owner), 10.0, 1);
    let before = fingerprint(&app, &db);

    let good = json!({ "order_id": order, "method": "fpx", "amount": 29.8, "currency": "MYR" });
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = good.clone();
        b.as_object_mut().map(|o| o.remove(k));
        b
    };
    let post = |body: &Value| app.post("/v1/payments/intents", Some(&app.owner), body);
    for (body, code, field) in [
        (with("amount", json!(29.7)), "PAYMENT_FAILED", "amount"),
        (with("amount", json!("30")), "PAYMENT_FAILED", "amount"),
        (with("amount", json!(0)), "VALIDATION_ERROR", "amount"),
        (with("amount", json!(-29.8)), "VALIDATION_ERROR", "amount"),
        (with("amount", json!("abc")), "VALIDATION_ERROR", "amount"),
        (
            with("amount", json!("29.801")),
            "VALIDATION_ERROR",
            "amount",
        ),
        (with("amount", json!(null)), "VALIDATION_ERROR", "amount"),
        (
            with("currency", json!("USD")),
            "VALIDATION_ERROR",
            "currency",
        ),
        (
            with("currency", json!("XYZ")),
            "VALIDATION_ERROR",
            "currency",
        ),
        (with("currency", json!(458)), "VALIDATION_ERROR", "currency"),
        (with("method", json!("  ")), "VALIDATION_ERROR", "method"),
        (
            with("method", json!("x".repeat(65))),
            "VALIDATION_ERROR",
            "method",
        ),
        (with("order_id", json!(42)), "VALIDATION_ERROR", "order_id"),
        (without("order_id"), "VALIDATION_ERROR", "order_id"),
        (without("method"), "VALIDATION_ERROR", "method"),
        (without("amount"), "VALIDATION_ERROR", "amount"),
        (without("currency"), "VALIDATION_ERROR", "currency"),
    ] {
        let r = post(&body);
        assert_eq!(r.status, 422, "{body} -> {}", r.body);
        refused(r, code, field);
    }
    // The currency is the merchant's, in any case.
    let r = post(&with("currency", json!("myr")));
    assert_eq!(r.status, 201, "{}", r.body);
    let before_lower = fingerprint(&app, &db);
    assert_ne!(before_lower, before);
    for missing in [
        "not-a-uuid".to_owned(),
        uuid::Uuid::now_v7().to_string(),
        foreign.clone(),
    ] {
        post(&with("order_id", json!(missing))).merchant_error(404, "ORDER_NOT_FOUND");
    }
    for done in [&paid, &cancelled] {
        let mut body = with("order_id", json!(done));
        body["amount"] = json!(5);
        post(&body).merchant_error(409, "PAYMENT_NOT_ALLOWED");
    }
    app.send_raw(
        "POST",
        "/v1/payments/intents",
        Some(&app.owner),
        "{\"order_id\"",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    refused(
        app.send_raw("POST", "/v1/payments/intents", Some(&app.owner), "\"x\""),
        "VALIDATION_ERROR",
        "body",
    );
    assert_eq!(fingerprint(&app, &db), before_lower);
}

fn payment_routes_need_a_token_and_the_right_role(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let order = commerce::order(&app, &app.owner, 10.0, 1);
    let (id, _) = opened(&app, &order, json!(10));
    let expired = app.expired_token(&app.owner);
    let tokens: Vec<(Role, String)> = ROLES
        .iter()
        .map(|r| (*r, app.staff_token(app.tenant, *r)))
        .collect();
    let before = fingerprint(&app, &db);
    let open = json!({ "order_id": order, "method": "card", "amount": 10, "currency": "MYR" });
    let check = json!({ "payment_intent_id": id });
    for (token, code) in [
        (None, "AUTH_REQUIRED"),
        (Some("not-a-token"), "AUTH_TOKEN_INVALID"),
        (Some(expired.as_str()), "AUTH_TOKEN_EXPIRED"),
    ] {
        app.post("/v1/payments/intents", token, &open)
            .merchant_error(401, code);
        app.post("/v1/payments/verify", token, &check)
            .merchant_error(401, code);
        app.get("/v1/payments", token).merchant_error(401, code);
    }
    for (role, token) in &tokens {
        if !role.can(Permission::PaymentsWrite) {
            // Refused before the body is judged.
            let mut bad = open.clone();
            bad["amount"] = json!(0);
            app.post("/v1/payments/intents", Some(token), &bad)
                .merchant_error(403, "FORBIDDEN");
            app.post("/v1/payments/verify", Some(token), &check)
                .merchant_error(403, "FORBIDDEN");
        } else {
            // Allowed: still pending at the gateway.
            verify(&app, token, &id).merchant_error(409, "PAYMENT_PENDING");
        }
        assert!(role.can(Permission::OrdersRead));
        app.get("/v1/payments", Some(token)).expect(200);
    }
    assert_eq!(fingerprint(&app, &db), before);
    let cashier = tokens
        .iter()
        .find(|(r, _)| *r == Role::Cashier)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    app.post("/v1/payments/intents", Some(&cashier), &open)
        .expect(201);
}

fn intents_of_other_merchants_are_not_found(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let other = app.create_tenant("Other Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let other_owner = app.staff_token(other, Role::Owner);
    let theirs_order = commerce::order(&app, &other_owner, 10.0, 1);
    let r = intent(&app, &other_owner, &theirs_order, json!(10)).expect(201);
    let theirs = text(&r.body["data"]["payment_intent_id"]);
    let path = checkout_path(&text(&r.body["data"]["payment_url"]));
    approve(&app, &path);
    let before = fingerprint(&app, &db);
    for id in [
        theirs.clone(),
        "pay_30001".to_owned(),
        uuid::Uuid::now_v7().to_string(),
    ] {
        verify(&app, &app.owner, &id).merchant_error(404, "PAYMENT_INTENT_NOT_FOUND");
    }
    refused(
        app.post("/v1/payments/verify", Some(&app.owner), &json!({})),
        "VALIDATION_ERROR",
        "payment_intent_id",
    );
    let list = app.get("/v1/payments", Some(&app.owner)).expect(200);
    assert_eq!(list.body["meta"]["total"], json!(0));
    let list = app
        .get(
            &format!("/v1/payments?order_id={theirs_order}"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(list.body["meta"]["total"], json!(0));
    assert_eq!(fingerprint(&app, &db), before);
    // Its own merchant verifies it.
    verify(&app, &other_owner, &theirs).expect(200);
}

fn verify_after_the_order_was_cancelled_records_nothing(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let order = commerce::order(&app, &app.owner, 10.0, 1);
    let (id, path) = opened(&app, &order, json!(10));
    approve(&app, &path);
    app.patch(
        &format!("/v1/orders/{order}/status"),
        Some(&app.owner),
        &json!({ "status": "cancelled" }),
    )
    .expect(200);
    let before = fingerprint(&app, &db);
    verify(&app, &app.owner, &id).merchant_error(409, "PAYMENT_NOT_ALLOWED");
    verify(&app, &app.owner, &id).merchant_error(409, "PAYMENT_NOT_ALLOWED");
    assert_eq!(fingerprint(&app, &db), before);
    assert_eq!(order_status(&app, &order), json!("cancelled"));
    // Cancelling the order cancelled its intent: the approved checkout can no longer settle it.
    let list = app.get("/v1/payments", Some(&app.owner)).expect(200);
    assert_eq!(list.body["data"][0]["status"], json!("cancelled"));
}

fn concurrent_verifies_pay_once(b: Backend) {
    let app = Arc::new(TestApp::start(b));
    let db = commerce::store(&app);
    let order = commerce::order(&app, &app.owner, 12.5, 2);
    let (id, path) = opened(&app, &order, json!(25));
    approve(&app, &path);
    let a = Arc::clone(&app);
    let results = race(8, move |_| {
        let r = verify(&a, &a.owner, &id);
        (r.status, text(&r.body["data"]["payment_id"]))
    });
    assert!(results.iter().all(|(s, _)| *s == 200), "{results:?}");
    let first = results.first().map(|(_, p)| p.clone()).unwrap_or_default();
    assert!(!first.is_empty());
    assert!(results.iter().all(|(_, p)| *p == first), "{results:?}");
    assert_eq!(
        count(&db, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM payments"),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM order_status_history WHERE to_status = 'paid'"
        ),
        1
    );
    assert_eq!(
        app.outbox(&order)
            .iter()
            .filter(|e| *e == "payment.success")
            .count(),
        1
    );
    assert_eq!(order_status(&app, &order), json!("paid"));
}

fn checkout_page_of_an_unknown_session_is_a_404_page(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let before = fingerprint(&app, &db);
    let fresh = uuid::Uuid::now_v7().to_string();
    for path in [
        format!("/pay/mock/{fresh}"),
        "/pay/mock/not-a-session".to_owned(),
        format!("/pay/mock/{fresh}/approve"),
        format!("/pay/mock/{fresh}/decline"),
    ] {
        let method = if path.ends_with("approve") || path.ends_with("decline") {
            "POST"
        } else {
            "GET"
        };
        let p = page(&app, method, &path);
        assert_eq!(p.status, 404, "{path}: {}", p.text);
        assert!(
            p.content_type.starts_with("text/html"),
            "{}",
            p.content_type
        );
        assert!(p.text.contains("Payment not found"), "{}", p.text);
    }
    assert_eq!(fingerprint(&app, &db), before);
}

fn payment_list_filters_and_pages(b: Backend) {
    let app = TestApp::start(b);
    let one = commerce::order(&app, &app.owner, 10.0, 1);
    let two = commerce::order(&app, &app.owner, 20.0, 1);
    let (a, _) = opened(&app, &one, json!(10));
    let (b2, stale) = opened(&app, &two, json!(20));
    // A second intent for the same order supersedes the first: its page takes no approval
    // and its link no longer settles the order.
    let (c, path) = opened(&app, &two, json!(20));
    let p = page(&app, "POST", &format!("{stale}/approve"));
    assert_eq!(p.status, 409, "{}", p.text);
    assert!(p.text.contains("cancelled"), "{}", p.text);
    verify(&app, &app.owner, &b2).merchant_error(409, "PAYMENT_NOT_ALLOWED");
    approve(&app, &path);
    verify(&app, &app.owner, &c).expect(200);
    let ids = |r: &Resp| -> Vec<String> {
        r.body["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| text(&x["payment_intent_id"]))
            .collect()
    };
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let all = app.get("/v1/payments", Some(&viewer)).expect(200);
    assert_eq!(ids(&all), [c.clone(), b2.clone(), a.clone()]);
    assert_eq!(
        all.body["meta"],
        json!({ "page": 1, "limit": 20, "total": 3 })
    );
    let r = app
        .get(&format!("/v1/payments?order_id={two}"), Some(&viewer))
        .expect(200);
    assert_eq!(ids(&r), [c.clone(), b2.clone()]);
    let r = app
        .get("/v1/payments?status=succeeded", Some(&viewer))
        .expect(200);
    assert_eq!(ids(&r), [c]);
    let r = app
        .get("/v1/payments?status=cancelled", Some(&viewer))
        .expect(200);
    assert_eq!(ids(&r), [b2]);
    let r = app
        .get(
            "/v1/payments?status=requires_action&limit=1&page=1",
            Some(&viewer),
        )
        .expect(200);
    assert_eq!(ids(&r), [a]);
    assert_eq!(r.body["meta"]["total"], json!(1));
    for (q, field) in [
        ("status=paid", "status"),
        ("order_id=nope", "order_id"),
        ("limit=101", "limit"),
        ("page=0", "page"),
    ] {
        refused(
            app.get(&format!("/v1/payments?{q}"), Some(&viewer)),
            "VALIDATION_ERROR",
            field,
        );
    }
}
