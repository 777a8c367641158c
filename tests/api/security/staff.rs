//! Findings on staff accounts: a reused refresh token did not end the session (7), anyone could
//! keep a staff member out with a wrong password every few minutes (8), and an admin could
//! change an owner's name and outlets (12).

use serde_json::json;

use super::text;
use crate::support::{Backend, PASSWORD, TestApp};

fn sign_in(app: &TestApp, email: &str, from: &str) -> crate::support::Resp {
    app.post_with(
        "/v1/auth/login",
        None,
        &json!({ "email": email, "password": PASSWORD }),
        &[("X-Forwarded-For", from)],
    )
}

/// Finding 7: Before: presenting a refresh token that had been exchanged was refused, but the session
/// went on — so a thief who refreshed first kept it.
fn a_reused_refresh_token_ends_the_session(b: Backend) {
    let app = TestApp::start(b);
    app.create_staff(app.tenant, "tan@example.com", kedai_identity::Role::Cashier);
    let first = sign_in(&app, "tan@example.com", "1.1.1.1").expect(200);
    let stolen = text(&first.body["data"]["refresh_token"]);
    // The thief refreshes first and holds the session's newest tokens.
    let thief = app
        .post(
            "/v1/auth/refresh",
            None,
            &json!({ "refresh_token": stolen }),
        )
        .expect(200);
    let thief_access = text(&thief.body["data"]["access_token"]);
    let thief_refresh = text(&thief.body["data"]["refresh_token"]);
    app.get("/v1/products", Some(&thief_access)).expect(200);
    // The rightful holder presents the (now spent) token: refused, and the session ends.
    app.post(
        "/v1/auth/refresh",
        None,
        &json!({ "refresh_token": stolen }),
    )
    .merchant_error(401, "AUTH_TOKEN_INVALID");
    app.get("/v1/products", Some(&thief_access))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    app.post(
        "/v1/auth/refresh",
        None,
        &json!({ "refresh_token": thief_refresh }),
    )
    .merchant_error(401, "AUTH_TOKEN_INVALID");
    let log = app
        .get("/v1/audit-log?action=auth.refresh_reused", Some(&app.owner))
        .expect(200);
    assert_eq!(log.body["meta"]["total"], json!(1), "{}", log.body);
    // The owner's other sessions are untouched, and the cashier may sign in again.
    app.get("/v1/products", Some(&app.owner)).expect(200);
    sign_in(&app, "tan@example.com", "1.1.1.1").expect(200);
}

fn limited(b: Backend, per_email: u32) -> TestApp {
    TestApp::start_limited(
        b,
        64 * 1024,
        kedai::Limits {
            trust_forwarded_for: true,
            rate_limit_per_ip_per_minute: 10_000,
            login_failures_per_email_and_ip: 5,
            login_failures_per_ip: 20,
            login_failures_per_email: per_email,
            ..kedai::Limits::default()
        },
    )
}

/// Finding 8: Before: five wrong passwords for an e-mail from anywhere refused every sign-in of it for
/// a while, so one wrong password every three minutes kept its owner out indefinitely.
fn a_stranger_cannot_keep_the_owner_out(b: Backend) {
    let app = limited(b, 100);
    app.create_staff(
        app.tenant,
        "boss@example.com",
        kedai_identity::Role::Manager,
    );
    let wrong = |from: &str| {
        app.post_with(
            "/v1/auth/login",
            None,
            &json!({ "email": "boss@example.com", "password": "guess" }),
            &[("X-Forwarded-For", from)],
        )
    };
    for _ in 0..5 {
        wrong("203.0.113.7").merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    }
    // The guesser is stopped...
    let r =
        sign_in(&app, "boss@example.com", "203.0.113.7").merchant_error(429, "RATE_LIMIT_EXCEEDED");
    assert!(r.header("retry-after").is_some());
    // ...and the owner, at their own address, is not.
    sign_in(&app, "boss@example.com", "198.51.100.1").expect(200);
    for _ in 0..10 {
        wrong("203.0.113.7").merchant_error(429, "RATE_LIMIT_EXCEEDED");
    }
    sign_in(&app, "boss@example.com", "198.51.100.1").expect(200);
}

/// Finding 8, the trade-off: guesses spread over many addresses are capped per account at a much
/// higher count, past which the account is refused everywhere for the window.
fn guesses_from_many_addresses_are_capped_per_account(b: Backend) {
    let app = limited(b, 12);
    app.create_staff(
        app.tenant,
        "boss@example.com",
        kedai_identity::Role::Manager,
    );
    for i in 0..12 {
        app.post_with(
            "/v1/auth/login",
            None,
            &json!({ "email": "boss@example.com", "password": "guess" }),
            &[("X-Forwarded-For", &format!("203.0.113.{}", i % 4))],
        )
        .merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    }
    sign_in(&app, "boss@example.com", "198.51.100.1").merchant_error(429, "RATE_LIMIT_EXCEEDED");
    // Other accounts are not affected.
    app.create_staff(app.tenant, "ann@example.com", kedai_identity::Role::Cashier);
    sign_in(&app, "ann@example.com", "198.51.100.1").expect(200);
}

/// Finding 12: Before: an admin could rename an owner and change an owner's outlets.
fn only_owners_change_an_owners_account(b: Backend) {
    let app = TestApp::start(b);
    let staff = app.get("/v1/staff", Some(&app.owner)).expect(200);
    let owner_id = text(&staff.body["data"][0]["id"]);
    let outlet = text(
        &app.post(
            "/v1/outlets",
            Some(&app.owner),
            &json!({ "name": "Puchong", "code": "PCH001" }),
        )
        .expect(201)
        .body["data"]["id"],
    );
    let admin = app.staff_token(app.tenant, kedai_identity::Role::Admin);
    let path = format!("/v1/staff/{owner_id}");
    let before = crate::people::fingerprint(&app);
    for (method, body) in [
        ("PATCH", json!({ "name": "Not The Boss" })),
        ("PUT", json!({ "outlet_ids": [outlet] })),
        ("PATCH", json!({ "outlet_ids": [] })),
        ("PATCH", json!({ "role": "viewer" })),
    ] {
        app.send_raw(method, &path, Some(&admin), &body.to_string())
            .merchant_error(403, "OWNER_ROLE_REQUIRED");
    }
    app.delete(&path, Some(&admin))
        .merchant_error(403, "OWNER_ROLE_REQUIRED");
    assert_eq!(crate::people::fingerprint(&app), before);
    // An owner may.
    let r = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "name": "The Boss", "outlet_ids": [outlet] }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["name"], json!("The Boss"));
    assert_eq!(r.body["data"]["outlet_ids"], json!([outlet]));
}

crate::on_both_backends!(
    a_reused_refresh_token_ends_the_session,
    a_stranger_cannot_keep_the_owner_out,
    guesses_from_many_addresses_are_capped_per_account,
    only_owners_change_an_owners_account,
);
