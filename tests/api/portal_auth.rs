//! Customer sign-in on the portal: one-time codes (hashed, expiring, counted guesses, resend
//! cool-down, caps per recipient and address), registration, refresh rotation with reuse
//! revocation, sign-out, token checks across merchants, and the member profile.

use serde_json::{Value, json};

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
    register_creates_the_merchants_customer_once,
    register_refuses_bad_input_and_changes_nothing,
    refresh_rotates_and_a_replayed_token_revokes_the_session,
    logout_ends_the_session,
    tokens_are_checked_for_kind_expiry_and_merchant,
    the_profile_reads_and_changes_the_members_record,
);

const PHONE: &str = "+85291234567";

fn otp(app: &TestApp, body: &Value) -> Resp {
    app.portal_post("/auth/otp", None, body)
}

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

/// Asserts the contract's AuthTokenResponse, field by field.
#[track_caller]
fn assert_token_response(d: &Value) {
    let token = d["token"].as_str().unwrap_or_else(|| panic!("token: {d}"));
    assert_eq!(
        d["accessToken"],
        json!(token),
        "token and accessToken are the same JWT"
    );
    assert_eq!(token.split('.').count(), 3, "a JWT");
    assert!(
        d["refreshToken"].as_str().is_some_and(|t| t.len() >= 32),
        "{d}"
    );
    assert_eq!(d["expiresIn"], json!(900));
    assert!(
        d["memberUuid"].as_str().is_some_and(|u| u.len() == 36),
        "{d}"
    );
    assert!(d["memberName"].is_string(), "{d}");
    assert!(d.get("phone").is_some() && d.get("email").is_some(), "{d}");
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

fn register_creates_the_merchants_customer_once(b: Backend) {
    let app = TestApp::start(b);
    app.prove_phone("+85290000000");
    let r = app.portal_post(
        "/auth/register",
        None,
        &json!({
            "name": "Carter", "lastName": "Yip", "phone": "+852-9000 0000",
            "email": "Carter@Example.com", "gender": "M", "dateOfBirth": "1990-01-01",
            "agreeToReceivePromotion": true, "agreeToTerms": true, "source": "ig-campaign",
            "utm_data": { "utm_source": "ig" }, "companyId": app.company(), "tierId": null
        }),
    );
    let d = r.portal_data(201);
    assert_token_response(&d);
    assert_eq!(d["memberName"], json!("Carter"));
    assert_eq!(d["phone"], json!("+85290000000"));
    let id = d["memberUuid"].as_str().unwrap_or_default().to_owned();
    // The same record the merchant API shows.
    let c = app
        .get(&format!("/v1/customers/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(c.body["data"]["email"], json!("carter@example.com"));
    assert_eq!(c.body["data"]["source"], json!("ig-campaign"));
    assert_eq!(c.body["data"]["birth_date"], json!("1990-01-01"));
    assert!(
        app.outbox(&id).contains(&"customer.created".to_owned()),
        "{:?}",
        app.outbox(&id)
    );
    let token = d["accessToken"].as_str().unwrap_or_default().to_owned();
    let p = app.portal_get("/profile", Some(&token)).portal_data(200);
    assert_eq!(p["lastName"], json!("Yip"));
    assert_eq!(p["agreeToReceivePromotion"], json!(true));
    assert_eq!(p["id"], json!(1), "the first member number");
    // The proof was used up: registering again with it is refused.
    app.portal_post(
        "/auth/register",
        None,
        &json!({ "name": "Again", "phone": "+85290000000" }),
    )
    .portal_error(422, "OTP_VERIFICATION_REQUIRED");

    // Someone who controls a member's phone and proves it with the code in the form is told
    // it is taken (nothing they did not know); nothing is created.
    app.age_codes(3_661, Some("+85290000000"));
    otp(&app, &json!({ "phone": "+85290000000" })).portal_data(200);
    let code = app.last_otp("+85290000000");
    let before = app.fingerprint();
    app.portal_post(
        "/auth/register",
        None,
        &json!({ "name": "Dup", "phone": "+85290000000", "otp": code }),
    )
    .portal_error(409, "CUSTOMER_PHONE_TAKEN");
    assert_eq!(app.fingerprint(), before);
    // An e-mail no code proved is kept only when nobody has it: a member's e-mail is left out
    // rather than refused, which would tell whose it is.
    app.prove_phone("+85290000001");
    let d = app
        .portal_post(
            "/auth/register",
            None,
            &json!({ "name": "Dup", "phone": "+85290000001", "email": "carter@example.com" }),
        )
        .portal_data(201);
    assert_eq!(d["email"], json!(null));
    assert_eq!(d["phone"], json!("+85290000001"));

    // Racing registrations with one proof: exactly one wins.
    app.prove_phone("+85290000077");
    let app = std::sync::Arc::new(app);
    let racer = std::sync::Arc::clone(&app);
    let answers = race(6, move |i| {
        let r = racer.portal_post(
            "/auth/register",
            None,
            &json!({ "name": format!("Racer {i}"), "phone": "+85290000077" }),
        );
        (r.status, r.body["error"]["code"].clone())
    });
    assert_eq!(
        answers.iter().filter(|(s, _)| *s == 201).count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|(s, code)| *s == 201
            || (*s == 422 && *code == json!("OTP_VERIFICATION_REQUIRED"))
            || (*s == 409 && *code == json!("CUSTOMER_PHONE_TAKEN"))),
        "{answers:?}"
    );
    let db = app.db_store();
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM customers WHERE phone = '+85290000077'"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(DISTINCT member_no) AS n FROM customers WHERE member_no IS NOT NULL"
        ),
        3,
        "member numbers are unique"
    );
}

fn register_refuses_bad_input_and_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let before = app.fingerprint();
    let reg = |body: Value| app.portal_post("/auth/register", None, &body);
    let field = |r: Resp, f: &str| {
        let r = r.portal_error(422, "VALIDATION_ERROR");
        assert!(
            r.body["error"]["details"]["errors"][f].is_array(),
            "{f}: {}",
            r.body
        );
    };
    field(reg(json!({ "phone": PHONE })), "name");
    field(reg(json!({ "name": "Amy" })), "phone");
    field(reg(json!({ "name": "", "phone": PHONE })), "name");
    field(reg(json!({ "name": 5, "phone": PHONE })), "name");
    field(reg(json!({ "name": "Amy", "phone": "9123" })), "phone");
    field(
        reg(json!({ "name": "Amy", "phone": PHONE, "email": "nope" })),
        "email",
    );
    field(
        reg(json!({ "name": "Amy", "phone": PHONE, "dateOfBirth": "1990-13-01" })),
        "dateOfBirth",
    );
    field(
        reg(json!({ "name": "Amy", "phone": PHONE, "utm_data": "ig" })),
        "utm_data",
    );
    field(
        reg(json!({ "name": "Amy", "phone": PHONE, "agreeToTerms": "yes" })),
        "agreeToTerms",
    );
    field(app.portal_send("POST", "/auth/register", None, ""), "name");
    app.portal_send("POST", "/auth/register", None, "[1]")
        .portal_error(422, "VALIDATION_ERROR");
    reg(json!({ "name": "Amy", "phone": PHONE, "companyId": kedai_core::TenantId::new().to_string() }))
        .portal_error(400, "COMPANY_MISMATCH");
    // A form that requires the e-mail.
    app.put(
        "/v1/storefront/registration-form",
        Some(&app.owner),
        &json!({ "defaultCountryCode": "852", "fields": [
            { "key": "name", "label": "Name", "type": "text", "required": true, "enabled": true, "order": 1 },
            { "key": "phone", "label": "Phone", "type": "phone", "required": true, "enabled": true, "order": 2 },
            { "key": "email", "label": "Email", "type": "email", "required": true, "enabled": true, "order": 3 },
            { "key": "agreeToTerms", "label": "Terms", "type": "checkbox", "required": true, "enabled": true, "order": 4 }
        ]}),
    )
    .expect(200);
    let before_form = app.fingerprint();
    let r = reg(json!({ "name": "Amy", "phone": PHONE })).portal_error(422, "VALIDATION_ERROR");
    assert!(
        r.body["error"]["details"]["errors"]["email"].is_array(),
        "{}",
        r.body
    );
    assert!(
        r.body["error"]["details"]["errors"]["agreeToTerms"].is_array(),
        "{}",
        r.body
    );
    // A complete form without proof of the phone: refused, whoever the phone belongs to.
    reg(json!({ "name": "Amy", "phone": PHONE, "email": "amy@example.com", "agreeToTerms": true }))
        .portal_error(422, "OTP_VERIFICATION_REQUIRED");
    assert_eq!(app.fingerprint(), before_form, "refusals changed nothing");
    app.prove_phone(PHONE);
    reg(json!({ "name": "Amy", "phone": PHONE, "email": "amy@example.com", "agreeToTerms": true }))
        .portal_data(201);
    assert_ne!(app.fingerprint(), before);
}

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

fn the_profile_reads_and_changes_the_members_record(b: Backend) {
    let app = TestApp::start(b);
    let d = app.register_customer("Amy", PHONE, Some("amy@example.com"));
    let token = d["accessToken"].as_str().unwrap_or_default().to_owned();
    let id = d["memberUuid"].as_str().unwrap_or_default().to_owned();
    let p = app.portal_get("/profile", Some(&token)).portal_data(200);
    // ApiMember's types.
    assert!(p["id"].is_i64(), "{p}");
    assert_eq!(p["uuid"], json!(id));
    assert_eq!(p["points"], json!(0));
    assert!(p["stamps"].is_i64());
    assert!(p["credits"].is_string());
    assert!(p["membershipTier"].is_null());
    assert!(p["createdAt"].is_string() && p["updatedAt"].is_string());
    assert!(p.get("code").is_some() && p.get("expiryDate").is_some());

    let patch = |body: Value| app.portal_send("PATCH", "/profile", Some(&token), &body.to_string());
    // A new e-mail needs the code sent to it.
    let before = app.fingerprint();
    let r = patch(json!({ "name": "Amy Lee", "email": "AMY.LEE@example.com" }))
        .portal_error(422, "OTP_VERIFICATION_REQUIRED");
    assert!(
        r.body["error"]["details"]["errors"]["email"].is_array(),
        "{}",
        r.body
    );
    assert_eq!(app.fingerprint(), before);
    let code = |to: &str| {
        app.portal_post(
            "/profile/verification-code",
            Some(&token),
            &json!({ "email": to }),
        )
        .portal_data(200);
        app.last_otp(to)
    };
    let sent = code("amy.lee@example.com");
    let wrong = if sent == "000000" { "111111" } else { "000000" };
    patch(json!({ "email": "amy.lee@example.com", "emailOtp": wrong }))
        .portal_error(422, "OTP_INVALID");
    let p = patch(
        json!({ "name": "Amy Lee", "lastName": "Lee", "email": "AMY.LEE@example.com",
                          "dateOfBirth": "1992-02-29", "emailOtp": sent }),
    )
    .portal_data(200);
    assert_eq!(p["name"], json!("Amy Lee"));
    assert_eq!(p["email"], json!("amy.lee@example.com"));
    let c = app
        .get(&format!("/v1/customers/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(c.body["data"]["name"], json!("Amy Lee"));
    assert_eq!(c.body["data"]["email"], json!("amy.lee@example.com"));
    // An empty body changes nothing.
    let same = app
        .portal_send("PATCH", "/profile", Some(&token), "")
        .portal_data(200);
    assert_eq!(same["name"], json!("Amy Lee"));

    let _ = app.register_customer("Bea", "+85291119999", Some("bea@example.com"));
    // Without the code, another member's e-mail or phone is refused like any other: the
    // answer does not tell that it is taken.
    let before = app.fingerprint();
    patch(json!({ "email": "bea@example.com" })).portal_error(422, "OTP_VERIFICATION_REQUIRED");
    patch(json!({ "phone": "+85291119999" })).portal_error(422, "OTP_VERIFICATION_REQUIRED");
    patch(json!({ "email": "nobody@example.com" })).portal_error(422, "OTP_VERIFICATION_REQUIRED");
    assert_eq!(app.fingerprint(), before);
    // Whoever controls it and proves it is told.
    let sent = code("bea@example.com");
    let before = app.fingerprint();
    patch(json!({ "email": "bea@example.com", "otp": sent }))
        .portal_error(409, "CUSTOMER_EMAIL_TAKEN");
    let field = |r: Resp, f: &str| {
        let r = r.portal_error(422, "VALIDATION_ERROR");
        assert!(
            r.body["error"]["details"]["errors"][f].is_array(),
            "{f}: {}",
            r.body
        );
    };
    field(patch(json!({ "phone": null })), "phone");
    field(patch(json!({ "name": "" })), "name");
    field(patch(json!({ "email": "x" })), "email");
    field(patch(json!({ "dateOfBirth": "tomorrow" })), "dateOfBirth");
    field(
        patch(json!({ "agreeToReceivePromotion": "yes" })),
        "agreeToReceivePromotion",
    );
    assert_eq!(app.fingerprint(), before, "refusals changed nothing");
    app.portal_send("PATCH", "/profile", None, "{}")
        .portal_error(401, "AUTH_REQUIRED");

    // The member's tier, defined by the merchant and granted on their record.
    let tier = app
        .post(
            "/v1/memberships/tiers",
            Some(&app.owner),
            &json!({ "name": "Gold", "min_spend": 2000, "benefits": ["Extra points"], "discount": 12.5 }),
        )
        .expect(201);
    app.patch(
        &format!("/v1/customers/{id}"),
        Some(&app.owner),
        &json!({ "membership_tier": "gold" }),
    )
    .expect(200);
    let p = app.portal_get("/profile", Some(&token)).portal_data(200);
    let t = &p["membershipTier"];
    assert_eq!(t["name"], json!("Gold"));
    assert_eq!(
        t["id"].to_string(),
        tier.body["data"]["id"].as_str().unwrap_or("").to_owned()
    );
    assert_eq!(t["discount"], json!(12.5));
    assert_eq!(t["totalSpendingAmount"], json!(2000.0));
    // ApiMember types the tier's gateway as a string.
    assert_eq!(t["paymentGateway"], json!(""));
}
