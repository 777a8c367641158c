//! The customer portal's wire contract (`contracts/favcrm-v6.md`): each route called exactly as
//! the FavCRM client and storefronts call it (casing, headers, empty bodies with a JSON content
//! type, the tenant id repeated in bodies and queries), and each answer checked field by field
//! against the shape they read.

use serde_json::{Value, json};

use crate::support::portal::{PORTAL, assert_shape};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    tenant_routes_answer_in_the_clients_shapes,
    auth_routes_answer_in_the_clients_shapes,
    profile_answers_as_api_member,
    errors_use_the_portal_envelope,
);

/// The SDK's headers: tenant, JSON accept and content type on every call, bearer if set.
fn sdk_headers(company: &str) -> Vec<(&'static str, String)> {
    vec![
        ("X-Company-Id", company.to_owned()),
        ("Accept", "application/json".to_owned()),
        ("Content-Type", "application/json".to_owned()),
    ]
}

fn sdk_get(app: &TestApp, path: &str, token: Option<&str>) -> crate::support::Resp {
    let company = app.company();
    let headers = sdk_headers(&company);
    let refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.get_with(&format!("{PORTAL}{path}"), token, &refs)
}

fn sdk_post(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> crate::support::Resp {
    let company = app.company();
    let headers = sdk_headers(&company);
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(k, _)| *k != "Content-Type")
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    // A POST without options sends no body at all, still with the JSON content type.
    let raw = body.map(Value::to_string).unwrap_or_default();
    app.send_with("POST", &format!("{PORTAL}{path}"), token, &raw, &refs)
}

fn tenant_routes_answer_in_the_clients_shapes(b: Backend) {
    let app = TestApp::start(b);
    app.post(
        "/v1/storefront/domains",
        Some(&app.owner),
        &json!({ "hostname": "shop.example.com" }),
    )
    .expect(201);
    // The resolver: `hostname`, lower-cased, and no headers at all.
    let d = app
        .get(
            &format!("{PORTAL}/storefront/resolve-domain?hostname=shop.example.com"),
            None,
        )
        .portal_data(200);
    assert_shape(&d, &["companyId: string"]);
    assert_eq!(d["companyId"], json!(app.company()));

    let d = sdk_get(&app, "/company/modules", None).portal_data(200);
    assert_shape(
        &d,
        &[
            "modules: array",
            "brandName: string",
            "name: string",
            "brandEmail: string|null",
            "email: string|null",
            "brandLogoUrl: string|null",
            "logoUrl: string|null",
            "analyticsConfig: object|null",
        ],
    );
    for m in d["modules"].as_array().into_iter().flatten() {
        assert_shape(m, &["code: string"]);
    }
}

fn auth_routes_answer_in_the_clients_shapes(b: Backend) {
    let app = TestApp::start(b);
    let company = app.company();
    // login-channel: companyId in the query as well as the header.
    let d = sdk_get(
        &app,
        &format!("/auth/login-channel?companyId={company}"),
        None,
    )
    .portal_data(200);
    assert_shape(&d, &["channel: string"]);
    assert!(["sms", "whatsapp", "email"].contains(&d["channel"].as_str().unwrap_or("")));

    // A newcomer as the client signs them up: otp (`{ phone }` plus companyId in the body),
    // otp/verify (no companyId in the body) answering MEMBER_NOT_FOUND, then register.
    let d = sdk_post(
        &app,
        "/auth/otp",
        None,
        Some(&json!({ "phone": "+85291234567", "companyId": company })),
    )
    .portal_data(200);
    assert_shape(&d, &["message: string"]);
    let code = app.last_otp("+85291234567");
    sdk_post(
        &app,
        "/auth/otp/verify",
        None,
        Some(&json!({ "phone": "+85291234567", "otp": code })),
    )
    .portal_error(404, "MEMBER_NOT_FOUND");
    // register: RegisterInput with companyId in the body and the snake_case utm_data.
    let d = sdk_post(
        &app,
        "/auth/register",
        None,
        Some(&json!({
            "name": "Amy", "phone": "+85291234567", "email": "amy@example.com",
            "agreeToReceivePromotion": true, "agreeToTerms": true, "source": "storefront",
            "utm_data": null, "companyId": company
        })),
    )
    .portal_data(201);
    let token_shape = [
        "token: string",
        "accessToken: string",
        "refreshToken?: string",
        "expiresIn?: int",
        "memberUuid: string",
        "memberName: string",
        "phone?: string|null",
        "email?: string|null",
    ];
    assert_shape(&d, &token_shape);
    assert_eq!(d["token"], d["accessToken"]);

    // The member signs in later with a new code.
    app.age_codes(3_661, None);
    sdk_post(
        &app,
        "/auth/otp",
        None,
        Some(&json!({ "phone": "+85291234567", "companyId": company })),
    )
    .portal_data(200);
    let code = app.last_otp("+85291234567");
    let d = sdk_post(
        &app,
        "/auth/otp/verify",
        None,
        Some(&json!({ "phone": "+85291234567", "otp": code })),
    )
    .portal_data(200);
    assert_shape(&d, &token_shape);
    let access = d["accessToken"].as_str().unwrap_or_default().to_owned();
    let refresh = d["refreshToken"].as_str().unwrap_or_default().to_owned();

    // The spec-only routes: validate-token and logout with empty bodies, refresh with a body.
    let d = sdk_post(&app, "/auth/validate-token", Some(&access), None).portal_data(200);
    assert_shape(
        &d,
        &["valid: bool", "memberUuid: string", "memberName: string"],
    );
    let d = sdk_post(
        &app,
        "/auth/refresh",
        None,
        Some(&json!({ "refreshToken": refresh })),
    )
    .portal_data(200);
    assert_shape(&d, &token_shape);
    let access = d["accessToken"].as_str().unwrap_or_default().to_owned();
    let d = sdk_post(&app, "/auth/logout", Some(&access), None).portal_data(200);
    assert_shape(&d, &["loggedOut: bool"]);

    // registration-form: the SDK's RegistrationFormConfig.
    let d = sdk_get(&app, "/auth/registration-form", None).portal_data(200);
    assert_shape(
        &d,
        &[
            "fields: array",
            "defaultCountryCode: string",
            "countryCode?: string",
            "countryPhonePrefix?: string",
        ],
    );
    for f in d["fields"].as_array().into_iter().flatten() {
        assert_shape(
            f,
            &[
                "key: string",
                "label: string",
                "type: string",
                "required: bool",
                "enabled: bool",
                "order: int",
                "checkboxLabel?: string",
            ],
        );
        assert!(
            ["text", "phone", "email", "select", "date", "checkbox"]
                .contains(&f["type"].as_str().unwrap_or("")),
            "{f}"
        );
    }
}

fn profile_answers_as_api_member(b: Backend) {
    let app = TestApp::start(b);
    let token = app.customer_token("+85291234567");
    let member_shape = [
        "id: int",
        "code: string|null",
        "name: string|null",
        "lastName: string|null",
        "phone: string|null",
        "email: string|null",
        "points: int",
        "stamps: int",
        "credits?: string",
        "uuid: string",
        "agreeToReceivePromotion: bool",
        "expiryDate: string|null",
        "createdAt: string",
        "updatedAt: string",
        "membershipTier: object|null",
    ];
    let d = sdk_get(&app, "/profile", Some(&token)).portal_data(200);
    assert_shape(&d, &member_shape);
    // PATCH with a partial member.
    let company = app.company();
    let d = app
        .send_with(
            "PATCH",
            &format!("{PORTAL}/profile"),
            Some(&token),
            &json!({ "name": "Amy Wong" }).to_string(),
            &[("X-Company-Id", &company), ("Accept", "application/json")],
        )
        .portal_data(200);
    assert_shape(&d, &member_shape);
    assert_eq!(d["name"], json!("Amy Wong"));
}

fn errors_use_the_portal_envelope(b: Backend) {
    let app = TestApp::start(b);
    // What the SDK parses: error.code and error.message, nothing at the top level it needs.
    for r in [
        sdk_get(&app, "/profile", None),
        sdk_post(&app, "/auth/otp", None, Some(&json!({ "phone": "bad" }))),
        app.get(&format!("{PORTAL}/company/modules"), None),
        sdk_get(&app, "/no-such-route", None),
    ] {
        assert!(r.status >= 400, "{}", r.status);
        assert_shape(&r.body, &["success: bool", "error: object"]);
        assert_eq!(r.body["success"], json!(false));
        assert_shape(
            &r.body["error"],
            &["code: string", "message: string", "details?: object"],
        );
        let code = r.body["error"]["code"].as_str().unwrap_or_default();
        assert!(
            !code.is_empty() && code.bytes().all(|c| c.is_ascii_uppercase() || c == b'_'),
            "SCREAMING_SNAKE code: {code}"
        );
    }
    // 401 carries the challenge header; the SDK treats it as "log out", so only token routes give it.
    let r = sdk_get(&app, "/profile", Some("expired.or.bad"));
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
}
