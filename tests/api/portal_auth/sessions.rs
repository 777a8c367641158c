//! Sessions: refresh rotation with reuse revocation, sign-out, and token checks across
//! merchants.

use serde_json::json;

use super::{PHONE, assert_token_response};
use crate::support::portal::PORTAL;
use crate::support::{Backend, Resp, TestApp, race};

crate::on_both_backends!(
    refresh_rotates_and_a_replayed_token_revokes_the_session,
    logout_ends_the_session,
    tokens_are_checked_for_kind_expiry_and_merchant,
);

fn refresh(app: &TestApp, token: &str) -> Resp {
    app.portal_post("/auth/refresh", None, &json!({ "refreshToken": token }))
}

fn refresh_rotates_and_a_replayed_token_revokes_the_session(b: Backend) {
    let app = TestApp::start(b);
    let first = app.register_customer("Amy", PHONE, None);
    let r1 = first["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let second = refresh(&app, &r1).portal_data(200);
    assert_token_response(&second);
    assert_ne!(second["refreshToken"], first["refreshToken"]);
    let r2 = second["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let a2 = second["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.portal_get("/profile", Some(&a2)).portal_data(200);

    // Replaying the first token: refused, and the whole session ends.
    refresh(&app, &r1).portal_error(401, "AUTH_TOKEN_INVALID");
    refresh(&app, &r2).portal_error(401, "AUTH_TOKEN_INVALID");
    app.portal_get("/profile", Some(&a2))
        .portal_error(401, "AUTH_TOKEN_INVALID");

    // Other sessions of the customer are untouched.
    let other = app.otp_sign_in(PHONE);
    let a3 = other["accessToken"].as_str().unwrap_or_default().to_owned();
    app.portal_get("/profile", Some(&a3)).portal_data(200);

    // Two racing refreshes of one token: at most one wins, and the session is revoked.
    let r3 = other["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let app = std::sync::Arc::new(app);
    let racer = std::sync::Arc::clone(&app);
    let statuses = race(4, move |_| refresh(&racer, &r3).status);
    assert!(
        statuses.iter().filter(|s| **s == 200).count() <= 1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 401),
        "{statuses:?}"
    );

    refresh(&app, "not-a-token").portal_error(401, "AUTH_TOKEN_INVALID");
    let r = app.portal_post("/auth/refresh", None, &json!({}));
    r.portal_error(422, "VALIDATION_ERROR");
    // 004's form: only the bearer. A live access token is renewed, without a refresh token.
    app.age_codes(3_661, None);
    let live = app.otp_sign_in(PHONE);
    let access = live["accessToken"].as_str().unwrap_or_default().to_owned();
    let renewed = app
        .portal_send("POST", "/auth/refresh", Some(&access), "")
        .portal_data(200);
    assert!(renewed.get("refreshToken").is_none(), "{renewed}");
    assert_eq!(renewed["memberUuid"], live["memberUuid"]);
    let next = renewed["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.portal_get("/profile", Some(&next)).portal_data(200);
    app.portal_send(
        "POST",
        "/auth/refresh",
        Some(&app.expired_token(&access)),
        "",
    )
    .portal_error(401, "AUTH_TOKEN_EXPIRED");
    app.portal_send("POST", "/auth/refresh", Some("garbage"), "")
        .portal_error(401, "AUTH_TOKEN_INVALID");
    app.portal_send("POST", "/auth/logout", Some(&next), "")
        .portal_data(200);
    app.portal_send("POST", "/auth/refresh", Some(&access), "")
        .portal_error(401, "AUTH_TOKEN_INVALID");
    // A refresh token of one merchant does not work at another.
    let other_app_tenant = app.create_tenant("Other", "HKD", "Asia/Hong_Kong", false);
    let fresh = app.register_customer("Bea", "+85291112222", None);
    let rt = fresh["refreshToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let other_id = other_app_tenant.to_string();
    app.send_with(
        "POST",
        &format!("{PORTAL}/auth/refresh"),
        None,
        &json!({ "refreshToken": rt }).to_string(),
        &[("X-Company-Id", &other_id)],
    )
    .portal_error(401, "AUTH_TOKEN_INVALID");
    refresh(&app, &rt).portal_data(200);
}

fn logout_ends_the_session(b: Backend) {
    let app = TestApp::start(b);
    let d = app.register_customer("Amy", PHONE, None);
    let access = d["accessToken"].as_str().unwrap_or_default().to_owned();
    let rt = d["refreshToken"].as_str().unwrap_or_default().to_owned();
    let v = app
        .portal_post("/auth/validate-token", Some(&access), &json!({}))
        .portal_data(200);
    assert_eq!(v["valid"], json!(true));
    assert_eq!(v["memberUuid"], d["memberUuid"]);
    // An empty body with a JSON content type is fine.
    app.portal_send("POST", "/auth/logout", Some(&access), "")
        .portal_data(200);
    app.portal_post("/auth/validate-token", Some(&access), &json!({}))
        .portal_error(401, "AUTH_TOKEN_INVALID");
    app.portal_get("/profile", Some(&access))
        .portal_error(401, "AUTH_TOKEN_INVALID");
    refresh(&app, &rt).portal_error(401, "AUTH_TOKEN_INVALID");
    app.portal_post("/auth/logout", Some(&access), &json!({}))
        .portal_error(401, "AUTH_TOKEN_INVALID");
    app.portal_post("/auth/logout", None, &json!({}))
        .portal_error(401, "AUTH_REQUIRED");
}

fn tokens_are_checked_for_kind_expiry_and_merchant(b: Backend) {
    let app = TestApp::start(b);
    let access = app.customer_token(PHONE);
    let expired = app.expired_token(&access);
    app.portal_get("/profile", Some(&expired))
        .portal_error(401, "AUTH_TOKEN_EXPIRED");
    app.portal_get("/profile", None)
        .portal_error(401, "AUTH_REQUIRED");
    app.portal_get("/profile", Some("garbage"))
        .portal_error(401, "AUTH_TOKEN_INVALID");
    // A staff token is not a customer token, and the other way round.
    app.portal_get("/profile", Some(&app.owner))
        .portal_error(401, "AUTH_TOKEN_INVALID");
    app.get("/v1/customers", Some(&access))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    // A forged customer id in a validly signed token has no session.
    let forged = app.forge(&access, |c| {
        c["sub"] = json!(kedai_identity::CustomerId::new().to_string());
    });
    app.portal_get("/profile", Some(&forged))
        .portal_error(401, "AUTH_TOKEN_INVALID");
    // A customer of another merchant: 403 where a token is needed, anonymous where not.
    let other = app.create_tenant("Other", "HKD", "Asia/Hong_Kong", false);
    let theirs = app.register_at(other, "Zed", PHONE);
    let their_token = theirs["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.portal_get("/profile", Some(&their_token))
        .portal_error(403, "FORBIDDEN_TENANT");
    app.portal_get("/company/modules", Some(&their_token))
        .portal_data(200);
    // Without a header, the token names its own merchant.
    let p = app
        .get(&format!("{PORTAL}/profile"), Some(&their_token))
        .portal_data(200);
    assert_eq!(p["name"], json!("Zed"));
}
