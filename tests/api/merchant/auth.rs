//! Signing in (tokens, bad credentials, an email with several merchants) and what a token and
//! a role let a caller do.

use kedai_identity::{Permission, Role};
use serde_json::{Value, json};

use super::text;
use crate::support::{Backend, PASSWORD, ROLES, Resp, TestApp};

crate::on_both_backends!(
    login_returns_a_bearer_token_that_works,
    login_refuses_bad_credentials_and_bad_bodies,
    login_asks_which_merchant_when_an_email_signs_in_to_several,
    merchant_routes_need_a_valid_token_and_the_right_role,
);

/// A request with any method; `body` is sent as JSON for POST, PUT and PATCH.
fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>, body: &Value) -> Resp {
    match method {
        "GET" => app.get(path, token),
        "DELETE" => app.delete(path, token),
        other => app.send_raw(other, path, token, &body.to_string()),
    }
}

fn login_returns_a_bearer_token_that_works(b: Backend) {
    let app = TestApp::start(b);
    app.create_staff(app.tenant, "Nadia.Manager@Example.com", Role::Manager);
    let r = app
        .post(
            "/v1/auth/login",
            None,
            &json!({ "email": "nadia.manager@example.com", "password": PASSWORD }),
        )
        .expect(200);
    assert_eq!(r.body["success"], json!(true), "{}", r.body);
    assert!(
        r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        r.body
    );
    let data = &r.body["data"];
    assert_eq!(data["token_type"], json!("Bearer"));
    assert_eq!(data["expires_in"], json!(7200));
    assert_eq!(data["merchant_id"], json!(app.tenant.to_string()));
    assert_eq!(data["user"]["name"], json!("nadia.manager"));
    assert_eq!(data["user"]["role"], json!("manager"));
    assert!(
        data["user"]["id"].as_str().is_some_and(|id| !id.is_empty()),
        "{}",
        r.body
    );
    let token = text(&data["access_token"]);
    assert_eq!(token.split('.').count(), 3, "not a JWT: {token}");
    // The token signs the bearer in to the merchant API, as a catalogue writer.
    let r = app.get("/v1/products", Some(&token)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(0));
    let r = app
        .post(
            "/v1/products",
            Some(&token),
            &json!({ "name": "Kaya Toast", "price": 4.5 }),
        )
        .expect(201);
    assert_eq!(r.body["data"]["name"], json!("Kaya Toast"));
}

fn login_refuses_bad_credentials_and_bad_bodies(b: Backend) {
    let app = TestApp::start(b);
    app.create_staff(app.tenant, "sam@example.com", Role::Cashier);
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let before = app.fingerprint();
    let wrong = app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": "sam@example.com", "password": "wrong-password-1" }),
    );
    let wrong = wrong.merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    let unknown = app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": "nobody@example.com", "password": PASSWORD }),
    );
    let unknown = unknown.merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    // The same answer for both, so e-mails cannot be probed.
    assert_eq!(wrong.body["message"], unknown.body["message"]);
    assert!(
        wrong.body.get("data").is_none_or(Value::is_null),
        "{}",
        wrong.body
    );
    // The right password for another merchant, and a malformed e-mail, are no better.
    let r = app.post("/v1/auth/login", None, &json!({ "email": "sam@example.com", "password": PASSWORD, "merchant_id": other.to_string() }));
    r.merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": "not-an-email", "password": PASSWORD }),
    )
    .merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    // Missing fields and wrong types name the field.
    for (body, field) in [
        (json!({ "password": PASSWORD }), "email"),
        (json!({ "email": "sam@example.com" }), "password"),
        (json!({ "email": 42, "password": PASSWORD }), "email"),
        (
            json!({ "email": "sam@example.com", "password": ["x"] }),
            "password",
        ),
        (
            json!({ "email": "sam@example.com", "password": PASSWORD, "merchant_id": "not-a-merchant" }),
            "merchant_id",
        ),
        (
            json!({ "email": "sam@example.com", "password": PASSWORD, "merchant_id": 7 }),
            "merchant_id",
        ),
    ] {
        let r = app
            .post("/v1/auth/login", None, &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body} -> {}", r.body);
    }
    app.post("/v1/auth/login", None, &json!([1, 2]))
        .merchant_error(422, "VALIDATION_ERROR");
    app.send_raw(
        "POST",
        "/v1/auth/login",
        None,
        "{\"email\": \"sam@example.com\", ",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    app.send_raw("POST", "/v1/auth/login", None, "")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);
}

fn login_asks_which_merchant_when_an_email_signs_in_to_several(b: Backend) {
    let app = TestApp::start(b);
    let other = app.create_tenant("Second Branch", "MYR", "Asia/Kuala_Lumpur", false);
    app.create_staff(app.tenant, "lee@example.com", Role::Manager);
    app.create_staff(other, "lee@example.com", Role::Cashier);
    let before = app.fingerprint();
    let r = app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": "lee@example.com", "password": PASSWORD }),
    );
    let r = r.merchant_error(422, "VALIDATION_ERROR");
    assert!(
        r.body["errors"]["merchant_id"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{}",
        r.body
    );
    // A blank merchant id is the same as none.
    let r = app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": "lee@example.com", "password": PASSWORD, "merchant_id": "  " }),
    );
    assert!(r.merchant_error(422, "VALIDATION_ERROR").body["errors"]["merchant_id"].is_array());
    // A wrong password is still just wrong credentials.
    let r = app.post(
        "/v1/auth/login",
        None,
        &json!({ "email": "lee@example.com", "password": "not-the-password" }),
    );
    r.merchant_error(401, "AUTH_INVALID_CREDENTIALS");
    assert_eq!(app.fingerprint(), before);

    for (tenant, role) in [(other, "cashier"), (app.tenant, "manager")] {
        let body = json!({ "email": "lee@example.com", "password": PASSWORD, "merchant_id": tenant.to_string() });
        let r = app.post("/v1/auth/login", None, &body).expect(200);
        assert_eq!(r.body["data"]["merchant_id"], json!(tenant.to_string()));
        assert_eq!(r.body["data"]["user"]["role"], json!(role));
    }
    // The cashier's token is for the second merchant: it sees that catalogue, not ours.
    let p = app.product(&app.owner, "Ours Only", 3.0);
    let body = json!({ "email": "lee@example.com", "password": PASSWORD, "merchant_id": other.to_string() });
    let token =
        text(&app.post("/v1/auth/login", None, &body).expect(200).body["data"]["access_token"]);
    assert_eq!(
        app.get("/v1/products", Some(&token)).expect(200).body["meta"]["total"],
        json!(0)
    );
    app.get(&format!("/v1/products/{p}"), Some(&token))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
}

fn merchant_routes_need_a_valid_token_and_the_right_role(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Teh Tarik", 3.5);
    app.stock_in(&app.owner, p, 5, None);
    let order = text(&app.order(&app.owner, &[(p, 1, 3.5)]).expect(200).body["order_id"]);
    let expired = app.expired_token(&app.owner);
    let forged = app.forge(&app.owner, |c| c["role"] = json!("superuser"));
    let not_staff = app.forge(&app.owner, |c| c["typ"] = json!("customer"));
    let mut tokens = Vec::new();
    for role in ROLES {
        tokens.push((role, app.staff_token(app.tenant, role)));
    }
    let before = app.fingerprint();
    let routes = [
        ("GET", "/v1/products".to_owned(), json!(null)),
        (
            "POST",
            "/v1/products".to_owned(),
            json!({ "name": "Milo", "price": 4 }),
        ),
        ("GET", format!("/v1/products/{p}"), json!(null)),
        (
            "PUT",
            format!("/v1/products/{p}"),
            json!({ "name": "Renamed" }),
        ),
        ("DELETE", format!("/v1/products/{p}"), json!(null)),
        ("GET", format!("/v1/orders/{order}"), json!(null)),
        (
            "PATCH",
            format!("/v1/orders/{order}/status"),
            json!({ "status": "cancelled" }),
        ),
    ];
    for (method, path, body) in &routes {
        let r = call(&app, method, path, None, body).merchant_error(401, "AUTH_REQUIRED");
        assert_eq!(
            r.header("www-authenticate"),
            Some("Bearer"),
            "{method} {path}"
        );
        call(&app, method, path, Some("not-a-jwt"), body).merchant_error(401, "AUTH_TOKEN_INVALID");
        call(&app, method, path, Some(&expired), body).merchant_error(401, "AUTH_TOKEN_EXPIRED");
        call(&app, method, path, Some(&forged), body).merchant_error(401, "AUTH_TOKEN_INVALID");
        call(&app, method, path, Some(&not_staff), body).merchant_error(401, "AUTH_TOKEN_INVALID");
    }
    let r = app.get_with(
        "/v1/products",
        None,
        &[("Authorization", &format!("Basic {}", app.owner))],
    );
    r.merchant_error(401, "AUTH_TOKEN_INVALID");
    // Roles without catalogue writing may read the catalogue but not change it.
    let product = format!("/v1/products/{p}");
    for (role, token) in &tokens {
        app.get("/v1/products", Some(token)).expect(200);
        app.get(&product, Some(token)).expect(200);
        if role.can(Permission::CatalogWrite) {
            continue;
        }
        app.post(
            "/v1/products",
            Some(token),
            &json!({ "name": "Milo", "price": 4 }),
        )
        .merchant_error(403, "FORBIDDEN");
        app.put(
            &product,
            Some(token),
            &json!({ "name": "Renamed", "price": 1 }),
        )
        .merchant_error(403, "FORBIDDEN");
        app.delete(&product, Some(token))
            .merchant_error(403, "FORBIDDEN");
    }
    assert_eq!(app.fingerprint(), before);
    let manager = tokens
        .iter()
        .find(|(r, _)| *r == Role::Manager)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    let r = app
        .post(
            "/v1/products",
            Some(&manager),
            &json!({ "name": "Milo", "price": 4 }),
        )
        .expect(201);
    assert_eq!(r.body["data"]["price"], json!(4.0));
}
