//! One-time codes: sign-in with the code from the message log, hashing, expiry, the resend
//! cool-down, counted guesses, caps per recipient and address, and identifiers per channel.

use serde_json::json;

use super::{PHONE, assert_token_response, otp};
use crate::commerce::count;
use crate::support::portal::PORTAL;
use crate::support::{Backend, Resp, TestApp, race};

crate::on_both_backends!(
    otp_sign_in_with_the_code_from_the_message_log,
    codes_are_hashed_expire_and_wait_for_the_cooldown,
    a_code_is_locked_after_five_wrong_guesses_even_when_raced,
    racing_code_requests_send_one_code,
    code_requests_are_limited_per_address,
    the_identifier_must_fit_the_channel,
);

fn verify(app: &TestApp, phone: &str, code: &str) -> Resp {
    app.portal_post(
        "/auth/otp/verify",
        None,
        &json!({ "phone": phone, "otp": code }),
    )
}

/// Moves the recipient's codes back in time, past the resend cool-down.
fn age_codes(app: &TestApp, seconds: i64) {
    app.age_codes(seconds, None);
}

fn otp_sign_in_with_the_code_from_the_message_log(b: Backend) {
    let app = TestApp::start(b);
    let registered = app.register_customer("Amy", PHONE, Some("amy@example.com"));
    let data = otp(
        &app,
        &json!({ "phone": "+852 9123 4567", "companyId": app.company() }),
    )
    .portal_data(200);
    assert!(data["message"].is_string(), "{data}");
    let code = app.last_otp(PHONE);
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|c| c.is_ascii_digit()), "{code}");

    let d = verify(&app, PHONE, &code).portal_data(200);
    assert_token_response(&d);
    assert_eq!(d["memberUuid"], registered["memberUuid"]);
    assert_eq!(d["phone"], json!(PHONE));
    assert_eq!(d["email"], json!("amy@example.com"));
    let token = d["accessToken"].as_str().unwrap_or_default().to_owned();
    let profile = app.portal_get("/profile", Some(&token)).portal_data(200);
    assert_eq!(profile["uuid"], registered["memberUuid"]);
    // The code worked once.
    verify(&app, PHONE, &code).portal_error(422, "OTP_NOT_REQUESTED");
    // 004's `code` is accepted in place of `otp`.
    age_codes(&app, 120);
    otp(&app, &json!({ "phone": PHONE })).portal_data(200);
    let code = app.last_otp(PHONE);
    app.portal_post(
        "/auth/otp/verify",
        None,
        &json!({ "phone": PHONE, "code": code }),
    )
    .portal_data(200);
}

fn codes_are_hashed_expire_and_wait_for_the_cooldown(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    let _ = app.register_customer("Amy", PHONE, None);
    otp(&app, &json!({ "phone": PHONE })).portal_data(200);
    let code = app.last_otp(PHONE);
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM otp_challenges WHERE code_hash LIKE '%{code}%'")
        ),
        0,
        "the code is not stored as given"
    );
    // Asking again at once: the cool-down, with Retry-After.
    let r = otp(&app, &json!({ "phone": PHONE })).portal_error(429, "OTP_COOLDOWN");
    let wait: i64 = r
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    // The code registration took, and this one.
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM otp_challenges"), 2);

    // Past its five minutes the code is refused.
    age_codes(&app, 301);
    verify(&app, PHONE, &code).portal_error(422, "OTP_EXPIRED");
    // A new code replaces it, and the old one does not work.
    otp(&app, &json!({ "phone": PHONE })).portal_data(200);
    let new_code = app.last_otp(PHONE);
    if new_code != code {
        verify(&app, PHONE, &code).portal_error(422, "OTP_INVALID");
    }
    verify(&app, PHONE, &new_code).portal_data(200);

    // Five codes an hour per recipient.
    for _ in 0..3 {
        age_codes(&app, 61);
        otp(&app, &json!({ "phone": PHONE })).portal_data(200);
    }
    age_codes(&app, 61);
    let r = otp(&app, &json!({ "phone": PHONE })).portal_error(429, "OTP_RATE_LIMITED");
    assert!(r.header("retry-after").is_some());
    // Other recipients are not affected; verifying without a code is refused.
    verify(&app, "+85291239999", "123456").portal_error(422, "OTP_NOT_REQUESTED");
    // A right code for someone who never registered: 404, and they can register.
    otp(&app, &json!({ "phone": "+85291239999" })).portal_data(200);
    let stranger = app.last_otp("+85291239999");
    verify(&app, "+85291239999", &stranger).portal_error(404, "MEMBER_NOT_FOUND");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM customers WHERE phone = '+85291239999'"
        ),
        0,
        "sign-in never creates customers"
    );
}

fn a_code_is_locked_after_five_wrong_guesses_even_when_raced(b: Backend) {
    let app = TestApp::start(b);
    let _ = app.register_customer("Amy", PHONE, None);
    otp(&app, &json!({ "phone": PHONE })).portal_data(200);
    let code = app.last_otp(PHONE);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (2..=4).rev() {
        let r = verify(&app, PHONE, wrong).portal_error(422, "OTP_INVALID");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("{left} attempts left"))),
            "{}",
            r.body
        );
    }
    // Two guesses left; twelve race for them.
    let app = std::sync::Arc::new(app);
    let racer = std::sync::Arc::clone(&app);
    let wrong = wrong.to_owned();
    let statuses = race(12, move |_| {
        let r = verify(&racer, PHONE, &wrong);
        r.body["error"]["code"].as_str().unwrap_or("").to_owned()
    });
    let invalid = statuses.iter().filter(|c| *c == "OTP_INVALID").count();
    let locked = statuses.iter().filter(|c| *c == "OTP_LOCKED").count();
    assert_eq!((invalid, locked), (2, 10), "{statuses:?}");
    let db = app.db_store();
    assert_eq!(
        count(
            &db,
            "SELECT CAST(MAX(attempts) AS BIGINT) AS n FROM otp_challenges"
        ),
        5
    );
    // Now even the right code is refused.
    let r = verify(&app, PHONE, &code).portal_error(429, "OTP_LOCKED");
    assert!(r.header("retry-after").is_some());
    // A new code (after the cool-down) works.
    age_codes(&app, 61);
    otp(&app, &json!({ "phone": PHONE })).portal_data(200);
    let code = app.last_otp(PHONE);
    verify(&app, PHONE, &code).portal_data(200);
}

fn racing_code_requests_send_one_code(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let racer = std::sync::Arc::clone(&app);
    let answers = race(10, move |_| {
        let r = otp(&racer, &json!({ "phone": PHONE }));
        (
            r.status,
            r.body["error"]["code"].as_str().unwrap_or("").to_owned(),
        )
    });
    let sent = answers.iter().filter(|(s, _)| *s == 200).count();
    let cooled = answers
        .iter()
        .filter(|(s, c)| *s == 429 && c == "OTP_COOLDOWN")
        .count();
    assert_eq!((sent, cooled), (1, 9), "{answers:?}");
    let db = app.db_store();
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM otp_challenges"), 1);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM notifications"), 1);
}

fn code_requests_are_limited_per_address(b: Backend) {
    let app = TestApp::start_limited(
        b,
        64 * 1024,
        kedai::Limits {
            rate_limit_per_minute: 1_000,
            rate_limit_per_ip_per_minute: 1_000,
            otp_per_ip_per_hour: 3,
            ..kedai::Limits::default()
        },
    );
    for i in 0..3 {
        otp(&app, &json!({ "phone": format!("+8529100000{i}") })).portal_data(200);
    }
    let r = otp(&app, &json!({ "phone": "+85291000009" })).portal_error(429, "RATE_LIMIT_EXCEEDED");
    assert!(r.header("retry-after").is_some());
    assert_eq!(
        count(&app.db_store(), "SELECT COUNT(*) AS n FROM otp_challenges"),
        3
    );
}

fn the_identifier_must_fit_the_channel(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    let channel = app.portal_get(
        &format!("/auth/login-channel?companyId={}", app.company()),
        None,
    );
    assert_eq!(channel.portal_data(200), json!({ "channel": "sms" }));
    let field = |r: Resp, f: &str| {
        let r = r.portal_error(422, "VALIDATION_ERROR");
        assert!(
            r.body["error"]["details"]["errors"][f].is_array(),
            "{f}: {}",
            r.body
        );
    };
    field(otp(&app, &json!({ "email": "amy@example.com" })), "phone");
    field(otp(&app, &json!({ "phone": "12345" })), "phone");
    field(otp(&app, &json!({})), "phone");
    // An empty body with a JSON content type is an empty object.
    field(app.portal_send("POST", "/auth/otp", None, ""), "phone");
    field(otp(&app, &json!({ "phone": 85291234567_i64 })), "phone");
    app.portal_send("POST", "/auth/otp", None, "{")
        .portal_error(400, "MALFORMED_REQUEST");
    field(verify(&app, PHONE, "12ab56"), "otp");
    field(
        app.portal_post("/auth/otp/verify", None, &json!({ "phone": PHONE })),
        "otp",
    );
    // companyId in the body must agree with the header.
    let other = kedai_core::TenantId::new().to_string();
    otp(&app, &json!({ "phone": PHONE, "companyId": other })).portal_error(400, "COMPANY_MISMATCH");
    // companyId alone (no header) names the merchant.
    let r = app.post(
        &format!("{PORTAL}/auth/otp"),
        None,
        &json!({ "phone": PHONE, "companyId": app.company() }),
    );
    r.portal_data(200);
    let r = app.get(
        &format!("{PORTAL}/auth/login-channel?companyId={other}"),
        None,
    );
    r.portal_error(404, "COMPANY_NOT_FOUND");
    app.get(&format!("{PORTAL}/auth/login-channel"), None)
        .portal_error(400, "TENANT_REQUIRED");
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM otp_challenges"), 1);

    // Switch the merchant to e-mail codes.
    app.patch(
        "/v1/storefront/settings",
        Some(&app.owner),
        &json!({ "login_channel": "email" }),
    )
    .expect(200);
    assert_eq!(
        app.portal_get("/auth/login-channel", None).portal_data(200),
        json!({ "channel": "email" })
    );
    field(otp(&app, &json!({ "phone": PHONE })), "email");
    // Registration now proves the e-mail, not the phone.
    app.prove("email", "bea@example.com");
    let d = app
        .portal_post(
            "/auth/register",
            None,
            &json!({ "name": "Bea", "phone": "+85291110000", "email": "bea@example.com" }),
        )
        .portal_data(201);
    assert_eq!(d["email"], json!("bea@example.com"));
    app.age_codes(3_661, Some("bea@example.com"));
    otp(&app, &json!({ "email": "Bea@Example.com" })).portal_data(200);
    let log = app
        .get(
            "/v1/notifications?kind=otp&recipient=bea%40example.com",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(log.body["data"][0]["channel"], json!("email"));
    assert!(log.body["data"][0]["subject"].is_string());
    let code = app.last_otp("bea@example.com");
    let d = app
        .portal_post(
            "/auth/otp/verify",
            None,
            &json!({ "email": "bea@example.com", "otp": code }),
        )
        .portal_data(200);
    assert_eq!(d["email"], json!("bea@example.com"));
}
