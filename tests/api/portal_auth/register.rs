//! Registration: the merchant's customer is created once, and bad input changes nothing.

use serde_json::{Value, json};

use super::{PHONE, assert_token_response, otp};
use crate::commerce::count;
use crate::support::{Backend, Resp, TestApp, race};

crate::on_both_backends!(
    register_creates_the_merchants_customer_once,
    register_refuses_bad_input_and_changes_nothing,
);

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
