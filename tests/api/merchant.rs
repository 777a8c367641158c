//! The merchant API (`/v1`): sign-in, products, and reading and moving orders.

use kedai_identity::{Permission, Role};
use serde_json::{Value, json};

use crate::support::{Backend, PASSWORD, ROLES, Resp, TestApp};

crate::on_both_backends!(
    login_returns_a_bearer_token_that_works,
    login_refuses_bad_credentials_and_bad_bodies,
    login_asks_which_merchant_when_an_email_signs_in_to_several,
    merchant_routes_need_a_valid_token_and_the_right_role,
    product_list_pages_newest_first_and_checks_paging,
    product_create_accepts_every_field_and_both_price_forms,
    product_create_rejects_bad_fields_and_taken_skus,
    product_get_shows_stock_and_hides_unknown_and_foreign_ids,
    product_update_is_partial_and_null_clears,
    product_delete_is_refused_while_in_use_then_archives,
    order_get_shows_items_payments_and_history,
    delivery_order_walks_every_status_to_completed,
    illegal_status_changes_are_refused_and_change_nothing,
    pending_payment_means_confirmed_and_counter_orders_complete_from_paid,
    order_status_changes_need_a_writing_role_of_the_same_merchant,
);

/// A request with any method; `body` is sent as JSON for POST, PUT and PATCH.
fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>, body: &Value) -> Resp {
    match method {
        "GET" => app.get(path, token),
        "DELETE" => app.delete(path, token),
        other => app.send_raw(other, path, token, &body.to_string()),
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Creates an order of `order_type` for one unit of `product` at 5.00; returns its id.
fn order_of_type(app: &TestApp, product: i64, order_type: &str) -> String {
    let body = json!({ "order_data": { "order_type": order_type }, "items": [{ "product_id": product, "quantity": 1, "unit_price": 5 }] });
    let r = app
        .post("/functions/v1/order-create", Some(&app.owner), &body)
        .expect(200);
    text(&r.body["order_id"])
}

/// PATCHes an order's status as `token`.
fn set_status(
    app: &TestApp,
    token: &str,
    order: &str,
    status: &str,
    tracking: Option<&str>,
) -> Resp {
    let mut body = json!({ "status": status });
    if let Some(t) = tracking {
        body["tracking_number"] = json!(t);
    }
    app.patch(&format!("/v1/orders/{order}/status"), Some(token), &body)
}

/// Creates an outlet with this code as the owner; returns its id.
fn outlet(app: &TestApp, code: &str) -> String {
    let r = app
        .post(
            "/v1/outlets",
            Some(&app.owner),
            &json!({ "name": code, "code": code }),
        )
        .expect(201);
    text(&r.body["data"]["id"])
}

/// True for `ORD-dddd-dddd`.
fn is_order_number(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts.first() == Some(&"ORD")
        && parts
            .iter()
            .skip(1)
            .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------------------
// sign-in

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

// ---------------------------------------------------------------------------------------------
// tokens and roles

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

// ---------------------------------------------------------------------------------------------
// products

fn product_list_pages_newest_first_and_checks_paging(b: Backend) {
    let app = TestApp::start(b);
    let ids: Vec<i64> = ["Americano", "Cappuccino", "Mocha"]
        .iter()
        .map(|n| app.product(&app.owner, n, 9.0))
        .collect();
    app.stock_in(&app.owner, ids[1], 12, None);
    let names = |r: &Resp| -> Vec<String> {
        r.body["data"]
            .as_array()
            .map(|a| a.iter().map(|p| text(&p["name"])).collect())
            .unwrap_or_default()
    };

    let r = app.get("/v1/products", Some(&app.owner)).expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(names(&r), ["Mocha", "Cappuccino", "Americano"]);
    assert_eq!(
        r.body["meta"],
        json!({ "page": 1, "limit": 20, "total": 3 })
    );
    assert_eq!(r.body["data"][1]["current_stock"], json!(12));
    assert_eq!(r.body["data"][0]["current_stock"], json!(0));
    assert_eq!(r.body["data"][1]["id"], json!(ids[1]));

    let r = app
        .get("/v1/products?page=1&limit=2", Some(&app.owner))
        .expect(200);
    assert_eq!(names(&r), ["Mocha", "Cappuccino"]);
    assert_eq!(r.body["meta"], json!({ "page": 1, "limit": 2, "total": 3 }));
    let r = app
        .get("/v1/products?page=2&limit=2", Some(&app.owner))
        .expect(200);
    assert_eq!(names(&r), ["Americano"]);
    assert_eq!(r.body["meta"], json!({ "page": 2, "limit": 2, "total": 3 }));
    let r = app
        .get("/v1/products?page=9&limit=100", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"], json!([]));
    assert_eq!(r.body["meta"]["total"], json!(3));

    let readers: Vec<(Role, String)> = [Role::Viewer, Role::Agent, Role::Cashier]
        .into_iter()
        .map(|r| (r, app.staff_token(app.tenant, r)))
        .collect();
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-5", "limit"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("limit=ten", "limit"),
    ] {
        let r = app
            .get(&format!("/v1/products?{query}"), Some(&app.owner))
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{query} -> {}", r.body);
    }
    // Read-only roles may list the catalogue.
    for (role, token) in &readers {
        let r = app.get("/v1/products?limit=1", Some(token)).expect(200);
        assert_eq!(names(&r), ["Mocha"], "{role}");
        assert_eq!(r.body["meta"]["total"], json!(3));
    }
    // Another merchant's list is its own.
    let r = app.get("/v1/products", Some(&rival)).expect(200);
    assert_eq!(
        (r.body["data"].clone(), r.body["meta"]["total"].clone()),
        (json!([]), json!(0))
    );
    assert_eq!(app.fingerprint(), before);
}

fn product_create_accepts_every_field_and_both_price_forms(b: Backend) {
    let app = TestApp::start(b);
    let out_101 = outlet(&app, "PCH001");
    let out_102 = outlet(&app, "CHR001");
    let body = json!({
        "name": "  Iced Latte ",
        "sku": "DRINK-009",
        "category": "Beverage",
        "description": "Double shot over ice",
        "price": "14.90",
        "status": "inactive",
        "outlet_ids": [out_101, out_101, out_102],
    });
    let r = app
        .post("/v1/products", Some(&app.owner), &body)
        .expect(201);
    assert_eq!(r.body["success"], json!(true));
    assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    let d = &r.body["data"];
    let id = d["id"].as_i64().unwrap_or_default();
    assert!(id > 0, "{}", r.body);
    assert_eq!(d["name"], json!("Iced Latte"));
    assert_eq!(d["sku"], json!("DRINK-009"));
    assert_eq!(d["category"], json!("Beverage"));
    assert_eq!(d["description"], json!("Double shot over ice"));
    assert_eq!(d["price"], json!(14.9));
    assert_eq!(d["currency"], json!("MYR"));
    assert_eq!(d["status"], json!("inactive"));
    assert_eq!(d["outlet_ids"], json!([out_101, out_102]));
    assert_eq!(d["current_stock"], json!(0));
    assert!(
        d["created_at"].is_string() && d["updated_at"].is_string(),
        "{}",
        r.body
    );
    // It is stored as answered.
    let r = app
        .get(&format!("/v1/products/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"], *d);

    // Defaults, and the price as a JSON number (including trailing zeros and whole numbers).
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Espresso", "price": 14.9 }),
        )
        .expect(201);
    let d = &r.body["data"];
    assert_eq!(
        (d["price"].clone(), d["status"].clone()),
        (json!(14.9), json!("active"))
    );
    assert_eq!(
        (
            d["sku"].clone(),
            d["category"].clone(),
            d["outlet_ids"].clone()
        ),
        (json!(null), json!(null), json!([]))
    );
    for (price, want) in [
        (json!(12), 12.0),
        (json!("7"), 7.0),
        (json!(0), 0.0),
        (json!("0.50"), 0.5),
        (json!(" 3.10 "), 3.1),
    ] {
        let r = app
            .post(
                "/v1/products",
                Some(&app.owner),
                &json!({ "name": "Biscuit", "price": price }),
            )
            .expect(201);
        assert_eq!(r.body["data"]["price"], json!(want), "{price}");
    }
    // Products without a SKU do not collide with each other.
    let r = app.get("/v1/products", Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(7));
}

fn product_create_rejects_bad_fields_and_taken_skus(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Latte", "sku": "LAT-1", "price": 10 }),
        )
        .expect(201);
    let existing = r.body["data"]["id"].as_i64().unwrap_or_default();
    let before = app.fingerprint();
    for (body, field) in [
        (json!({ "name": "X", "price": -1 }), "price"),
        (json!({ "name": "X", "price": "-0.01" }), "price"),
        (json!({ "name": "X", "price": "1.234" }), "price"),
        (json!({ "name": "X", "price": 1.234 }), "price"),
        (json!({ "name": "X", "price": "abc" }), "price"),
        (json!({ "name": "X", "price": true }), "price"),
        (json!({ "name": "X" }), "price"),
        (json!({ "name": "", "price": 1 }), "name"),
        (json!({ "name": "   ", "price": 1 }), "name"),
        (json!({ "name": "x".repeat(201), "price": 1 }), "name"),
        (json!({ "price": 1 }), "name"),
        (json!({ "name": 5, "price": 1 }), "name"),
        (
            json!({ "name": "X", "price": 1, "status": "archived" }),
            "status",
        ),
        (
            json!({ "name": "X", "price": 1, "status": "Active" }),
            "status",
        ),
        (json!({ "name": "X", "price": 1, "sku": "A B" }), "sku"),
        (
            json!({ "name": "X", "price": 1, "outlet_ids": "out_1" }),
            "outlet_ids",
        ),
        (
            json!({ "name": "X", "price": 1, "outlet_ids": [""] }),
            "outlet_ids",
        ),
    ] {
        let r = app.post("/v1/products", Some(&app.owner), &body);
        let r = r.merchant_error(422, "VALIDATION_ERROR");
        assert!(
            r.body["errors"][field]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{body} -> {}",
            r.body
        );
    }
    let r = app.post(
        "/v1/products",
        Some(&app.owner),
        &json!({ "name": "Another Latte", "sku": "LAT-1", "price": 11 }),
    );
    let r = r.merchant_error(409, "SKU_TAKEN");
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("LAT-1")),
        "{}",
        r.body
    );
    // The SKU is trimmed before it is compared.
    app.post(
        "/v1/products",
        Some(&app.owner),
        &json!({ "name": "Another Latte", "sku": " LAT-1 ", "price": 11 }),
    )
    .merchant_error(409, "SKU_TAKEN");
    app.send_raw(
        "POST",
        "/v1/products",
        Some(&app.owner),
        "{\"name\": \"X\", \"price\": ",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    app.send_raw(
        "POST",
        "/v1/products",
        Some(&app.owner),
        "{\"name\": \"X\", \"price\": 1} trailing",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);
    // Another merchant may use the same SKU.
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let r = app
        .post(
            "/v1/products",
            Some(&rival),
            &json!({ "name": "Rival Latte", "sku": "LAT-1", "price": 9 }),
        )
        .expect(201);
    assert_ne!(r.body["data"]["id"], json!(existing));
}

fn product_get_shows_stock_and_hides_unknown_and_foreign_ids(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Croissant", 8.5);
    app.stock_in(&app.owner, p, 7, None);
    app.stock_in(&app.owner, p, 3, None);
    let r = app
        .get(&format!("/v1/products/{p}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["success"], json!(true));
    let d = &r.body["data"];
    assert_eq!(
        (d["id"].clone(), d["name"].clone(), d["price"].clone()),
        (json!(p), json!("Croissant"), json!(8.5))
    );
    assert_eq!(d["current_stock"], json!(10));
    // An order takes stock out of the count.
    app.order(&app.owner, &[(p, 4, 8.5)]).expect(200);
    assert_eq!(app.current_stock(p), 6);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    assert_eq!(
        app.get(&format!("/v1/products/{p}"), Some(&viewer))
            .expect(200)
            .body["data"]["current_stock"],
        json!(6)
    );

    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for id in ["abc", "0", "-1", "1.5", "999999", "99999999999999999999"] {
        app.get(&format!("/v1/products/{id}"), Some(&app.owner))
            .merchant_error(404, "PRODUCT_NOT_FOUND");
    }
    let r = app
        .get(&format!("/v1/products/{p}"), Some(&rival))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    assert!(r.body.get("data").is_none_or(Value::is_null), "{}", r.body);
    assert_eq!(app.fingerprint(), before);
}

fn product_update_is_partial_and_null_clears(b: Backend) {
    let app = TestApp::start(b);
    let out_1 = outlet(&app, "OUT1");
    let body = json!({ "name": "Latte", "sku": "LAT-1", "category": "Coffee", "description": "Hot milk", "price": 10, "outlet_ids": [out_1] });
    let p = app
        .post("/v1/products", Some(&app.owner), &body)
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_default();
    let q = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Mocha", "sku": "MOC-1", "price": 11 }),
        )
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_default();
    app.stock_in(&app.owner, p, 4, None);
    let path = format!("/v1/products/{p}");

    // Only the price changes.
    let r = app
        .put(&path, Some(&app.owner), &json!({ "price": "15.50" }))
        .expect(200);
    assert_eq!(r.body["success"], json!(true));
    let d = &r.body["data"];
    assert_eq!(d["price"], json!(15.5));
    assert_eq!(
        (d["name"].clone(), d["sku"].clone(), d["category"].clone()),
        (json!("Latte"), json!("LAT-1"), json!("Coffee"))
    );
    assert_eq!(
        (d["description"].clone(), d["outlet_ids"].clone()),
        (json!("Hot milk"), json!([out_1]))
    );
    assert_eq!(d["current_stock"], json!(4));
    // `null` clears the SKU; absent fields stay.
    let r = app
        .put(
            &path,
            Some(&app.owner),
            &json!({ "sku": null, "status": "inactive" }),
        )
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(
        (d["sku"].clone(), d["status"].clone(), d["category"].clone()),
        (json!(null), json!("inactive"), json!("Coffee"))
    );
    let r = app.put(&path, Some(&app.owner), &json!({ "name": " Caffe Latte ", "category": null, "description": null, "outlet_ids": [] })).expect(200);
    let d = &r.body["data"];
    assert_eq!(
        (
            d["name"].clone(),
            d["category"].clone(),
            d["description"].clone()
        ),
        (json!("Caffe Latte"), json!(null), json!(null))
    );
    assert_eq!(
        (d["price"].clone(), d["outlet_ids"].clone()),
        (json!(15.5), json!([]))
    );
    // The change is stored, and the cleared SKU is free for another product.
    let stored = app.get(&path, Some(&app.owner)).expect(200);
    assert_eq!(stored.body["data"], *d);
    let r = app
        .put(
            &format!("/v1/products/{q}"),
            Some(&app.owner),
            &json!({ "sku": "LAT-1" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["sku"], json!("LAT-1"));

    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    app.put(
        &path,
        Some(&rival),
        &json!({ "name": "Stolen", "price": 0 }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.put(
        "/v1/products/999999",
        Some(&app.owner),
        &json!({ "name": "Ghost" }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.put(
        "/v1/products/abc",
        Some(&app.owner),
        &json!({ "name": "Ghost" }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.put(&path, Some(&app.owner), &json!({ "sku": "LAT-1" }))
        .merchant_error(409, "SKU_TAKEN");
    for (body, field) in [
        (json!({ "name": "" }), "name"),
        (json!({ "price": -2 }), "price"),
        (json!({ "price": "9.999" }), "price"),
        (json!({ "status": "deleted" }), "status"),
        (json!({ "sku": "has space" }), "sku"),
        (json!({ "outlet_ids": [""] }), "outlet_ids"),
    ] {
        let r = app
            .put(&path, Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body} -> {}", r.body);
    }
    app.send_raw("PUT", &path, Some(&app.owner), "{\"name\": ")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);
    let stored_again = app.get(&path, Some(&app.owner)).expect(200);
    assert_eq!(stored_again.body["data"]["name"], json!("Caffe Latte"));
    assert_eq!(stored_again.body["data"]["category"], json!(null));
}

fn product_delete_is_refused_while_in_use_then_archives(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Seasonal Pie", "sku": "PIE-1", "price": 5 }),
        )
        .expect(201);
    let p = r.body["data"]["id"].as_i64().unwrap_or_default();
    let keep = app.product(&app.owner, "Staple Bun", 2.0);
    let path = format!("/v1/products/{p}");
    app.stock_in(&app.owner, p, 1, None);

    // Stock on hand.
    let before = app.fingerprint();
    let r = app
        .delete(&path, Some(&app.owner))
        .merchant_error(409, "PRODUCT_IN_USE");
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("stock")),
        "{}",
        r.body
    );
    assert_eq!(app.fingerprint(), before);

    // No stock left, but on an open order.
    let order = text(&app.order(&app.owner, &[(p, 1, 5.0)]).expect(200).body["order_id"]);
    assert_eq!(app.current_stock(p), 0);
    let before = app.fingerprint();
    let r = app
        .delete(&path, Some(&app.owner))
        .merchant_error(409, "PRODUCT_IN_USE");
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("order")),
        "{}",
        r.body
    );
    assert_eq!(app.fingerprint(), before);

    // Cancelling releases the unit back into stock: still in use.
    set_status(&app, &app.owner, &order, "cancelled", None).expect(200);
    assert_eq!(app.current_stock(p), 1);
    let before = app.fingerprint();
    app.delete(&path, Some(&app.owner))
        .merchant_error(409, "PRODUCT_IN_USE");
    assert_eq!(app.fingerprint(), before);

    // Written off, it can go.
    let adjust = json!({ "product_id": p, "adjust_quantity": -1, "reason": "damage_writeoff" });
    app.post("/functions/v1/stock-adjust", Some(&app.owner), &adjust)
        .expect(200);
    let r = app.delete(&path, Some(&app.owner)).expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(r.body["data"], json!({ "id": p, "archived": true }));

    let before = app.fingerprint();
    app.get(&path, Some(&app.owner))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.delete(&path, Some(&app.owner))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.put(&path, Some(&app.owner), &json!({ "name": "Back" }))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.post(
        "/functions/v1/stock-in",
        Some(&app.owner),
        &json!({ "product_id": p, "quantity": 5 }),
    )
    .edge_error(404, "PRODUCT_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);
    let r = app.get("/v1/products", Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    assert_eq!(
        r.body["data"]
            .as_array()
            .map(|a| a.iter().map(|p| p["id"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(keep)])
    );
    // The order still names it.
    let r = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        r.body["data"]["items"][0]["product_name"],
        json!("Seasonal Pie")
    );
    // Its SKU is free again.
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "New Pie", "sku": "PIE-1", "price": 6 }),
        )
        .expect(201);
    assert_ne!(r.body["data"]["id"], json!(p));
    assert_eq!(r.body["data"]["sku"], json!("PIE-1"));
}

// ---------------------------------------------------------------------------------------------
// orders

fn order_get_shows_items_payments_and_history(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Flat White", "sku": "FW-1", "price": 12.5 }),
        )
        .expect(201);
    let p = r.body["data"]["id"].as_i64().unwrap_or_default();
    let q = app.product(&app.owner, "Scone", 8.0);
    app.stock_in(&app.owner, p, 10, None);
    app.stock_in(&app.owner, q, 10, None);
    let created = app
        .order(&app.owner, &[(p, 2, 12.5), (q, 1, 8.0)])
        .expect(200);
    let order = text(&created.body["order_id"]);
    let path = format!("/v1/orders/{order}");

    let r = app.get(&path, Some(&app.owner)).expect(200);
    assert_eq!(r.body["success"], json!(true));
    let d = &r.body["data"];
    assert_eq!(d["id"], json!(order));
    let number = text(&d["order_number"]);
    assert!(is_order_number(&number), "{number}");
    assert_eq!(d["order_number"], created.body["order_number"]);
    assert_eq!(
        (
            d["status"].clone(),
            d["order_type"].clone(),
            d["currency"].clone()
        ),
        (json!("pending"), json!("delivery"), json!("MYR"))
    );
    assert_eq!(
        (
            d["subtotal"].clone(),
            d["total_amount"].clone(),
            d["shipping_fee"].clone()
        ),
        (json!(33.0), json!(33.0), json!(0.0))
    );
    assert_eq!(
        (d["payment_status"].clone(), d["tracking_number"].clone()),
        (json!(null), json!(null))
    );
    assert_eq!(d["customer_email"], json!("c@example.com"));
    assert!(d["created_at"].is_string(), "{}", r.body);
    for stamp in [
        "confirmed_at",
        "paid_at",
        "processing_at",
        "shipped_at",
        "delivered_at",
        "completed_at",
        "cancelled_at",
        "refunded_at",
    ] {
        assert_eq!(d[stamp], json!(null), "{stamp}");
    }
    let items = d["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{}", r.body);
    let line = items
        .iter()
        .find(|i| i["product_id"] == json!(p))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (line["product_name"].clone(), line["product_sku"].clone()),
        (json!("Flat White"), json!("FW-1"))
    );
    assert_eq!(
        (
            line["quantity"].clone(),
            line["unit_price"].clone(),
            line["total_price"].clone()
        ),
        (json!(2), json!(12.5), json!(25.0))
    );
    let line = items
        .iter()
        .find(|i| i["product_id"] == json!(q))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            line["product_name"].clone(),
            line["quantity"].clone(),
            line["total_price"].clone()
        ),
        (json!("Scone"), json!(1), json!(8.0))
    );
    assert_eq!(d["payments"], json!([]));
    let history = d["status_history"].as_array().cloned().unwrap_or_default();
    assert_eq!(history.len(), 1, "{}", r.body);
    let first = history.first().cloned().unwrap_or_default();
    assert_eq!(
        (
            first["from_status"].clone(),
            first["to_status"].clone(),
            first["reason"].clone()
        ),
        (json!(null), json!("pending"), json!("order_created"))
    );

    // A payment shows up in the order, with its status change.
    let pay = json!({ "order_id": order, "method": "cash", "amount": 33, "status": "completed" });
    app.post("/functions/v1/mock-payment", Some(&app.owner), &pay)
        .expect(200);
    let r = app.get(&path, Some(&app.owner)).expect(200);
    let d = &r.body["data"];
    assert_eq!(
        (d["status"].clone(), d["payment_status"].clone()),
        (json!("paid"), json!("completed"))
    );
    let payment = d["payments"][0].clone();
    assert_eq!(
        (
            payment["method"].clone(),
            payment["amount"].clone(),
            payment["status"].clone()
        ),
        (json!("cash"), json!(33.0), json!("completed"))
    );
    assert_eq!(d["payments"].as_array().map(Vec::len), Some(1));
    let statuses: Vec<String> = d["status_history"]
        .as_array()
        .map(|h| h.iter().map(|c| text(&c["to_status"])).collect())
        .unwrap_or_default();
    assert_eq!(statuses, ["pending", "confirmed", "paid"]);
    assert_eq!(d["status_history"][2]["reason"], json!("payment_completed"));

    // Readers may read; unknown and foreign ids are not found.
    for role in [Role::Viewer, Role::Agent, Role::Cashier] {
        let token = app.staff_token(app.tenant, role);
        assert_eq!(
            app.get(&path, Some(&token)).expect(200).body["data"]["id"],
            json!(order),
            "{role}"
        );
    }
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for id in [
        "abc",
        "123",
        "0193aaaa-0000-7000-8000-000000000000",
        number.as_str(),
    ] {
        app.get(&format!("/v1/orders/{id}"), Some(&app.owner))
            .merchant_error(404, "ORDER_NOT_FOUND");
    }
    app.get(&path, Some(&rival))
        .merchant_error(404, "ORDER_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);
}

fn delivery_order_walks_every_status_to_completed(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Cold Brew", 5.0);
    app.stock_in(&app.owner, p, 3, None);
    let order = order_of_type(&app, p, "delivery");
    let stamps = [
        "confirmed_at",
        "paid_at",
        "processing_at",
        "shipped_at",
        "delivered_at",
        "completed_at",
    ];
    let steps = [
        ("confirmed", None),
        ("paid", None),
        ("processing", None),
        ("shipped", Some(" TRK-123 ")),
        ("delivered", None),
        ("completed", None),
    ];
    let mut from = "pending";
    for (n, (status, tracking)) in steps.into_iter().enumerate() {
        let r = set_status(&app, &app.owner, &order, status, tracking).expect(200);
        assert_eq!(r.body["success"], json!(true));
        let d = &r.body["data"];
        assert_eq!(d["status"], json!(status));
        // This step's stamp and every earlier one are set; later ones are not.
        for (i, stamp) in stamps.iter().enumerate() {
            assert_eq!(
                d[*stamp].is_string(),
                i <= n,
                "{status}: {stamp} in {}",
                r.body
            );
        }
        let history = d["status_history"].as_array().cloned().unwrap_or_default();
        assert_eq!(history.len(), n + 2, "{status}: {}", r.body);
        let last = history.last().cloned().unwrap_or_default();
        assert_eq!(
            (
                last["from_status"].clone(),
                last["to_status"].clone(),
                last["reason"].clone()
            ),
            (json!(from), json!(status), json!("status_update"))
        );
        assert!(
            last["actor"].as_str().is_some_and(|a| !a.is_empty()),
            "{}",
            r.body
        );
        // The tracking number is recorded with the shipping step, trimmed, and kept.
        let want_tracking = if n >= 3 {
            json!("TRK-123")
        } else {
            json!(null)
        };
        assert_eq!(d["tracking_number"], want_tracking, "{status}");
        assert_eq!(
            last["tracking_number"],
            if status == "shipped" {
                json!("TRK-123")
            } else {
                json!(null)
            }
        );
        from = status;
    }
    let r = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(
        (d["status"].clone(), d["tracking_number"].clone()),
        (json!("completed"), json!("TRK-123"))
    );
    assert_eq!(
        (d["cancelled_at"].clone(), d["refunded_at"].clone()),
        (json!(null), json!(null))
    );
    let path: Vec<String> = d["status_history"]
        .as_array()
        .map(|h| h.iter().map(|c| text(&c["to_status"])).collect())
        .unwrap_or_default();
    assert_eq!(
        path,
        [
            "pending",
            "confirmed",
            "paid",
            "processing",
            "shipped",
            "delivered",
            "completed"
        ]
    );
    // A completed order keeps its stock.
    assert_eq!(app.current_stock(p), 2);
}

fn illegal_status_changes_are_refused_and_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Iced Tea", 5.0);
    app.stock_in(&app.owner, p, 3, None);
    let order = order_of_type(&app, p, "delivery");
    let path = format!("/v1/orders/{order}/status");

    let before = app.fingerprint();
    let r = set_status(&app, &app.owner, &order, "shipped", Some("TRK-1"))
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(
        r.body["details"],
        json!({ "from": "pending", "to": "shipped" })
    );
    let r = set_status(&app, &app.owner, &order, "pending", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(
        r.body["details"],
        json!({ "from": "pending", "to": "pending" })
    );
    set_status(&app, &app.owner, &order, "refunded", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    for (body, field) in [
        (json!({ "status": "teleported" }), "status"),
        (json!({ "status": "PAID" }), "status"),
        (json!({ "status": "" }), "status"),
        (json!({}), "status"),
        (json!({ "status": 3 }), "status"),
    ] {
        let r = app
            .patch(&path, Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body} -> {}", r.body);
    }
    app.send_raw("PATCH", &path, Some(&app.owner), "{\"status\": ")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);

    for status in ["confirmed", "paid", "processing"] {
        set_status(&app, &app.owner, &order, status, None).expect(200);
    }
    let before = app.fingerprint();
    for tracking in [None, Some(""), Some("   ")] {
        let r = set_status(&app, &app.owner, &order, "shipped", tracking)
            .merchant_error(422, "TRACKING_NUMBER_REQUIRED");
        assert!(
            r.body["errors"]["tracking_number"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{}",
            r.body
        );
    }
    let r = set_status(&app, &app.owner, &order, "completed", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(
        r.body["details"],
        json!({ "from": "processing", "to": "completed" })
    );
    assert_eq!(app.fingerprint(), before);
    let r = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        (
            r.body["data"]["status"].clone(),
            r.body["data"]["shipped_at"].clone()
        ),
        (json!("processing"), json!(null))
    );
    assert_eq!(
        r.body["data"]["status_history"].as_array().map(Vec::len),
        Some(4)
    );

    // The camel-case alias of tracking_number is accepted.
    let r = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "status": "shipped", "trackingNumber": "TRK-9" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["tracking_number"], json!("TRK-9"));
    set_status(&app, &app.owner, &order, "delivered", None).expect(200);
    set_status(&app, &app.owner, &order, "completed", None).expect(200);
    let before = app.fingerprint();
    for status in [
        "pending",
        "pending_payment",
        "confirmed",
        "paid",
        "processing",
        "shipped",
        "delivered",
        "completed",
        "cancelled",
        "refunded",
    ] {
        let r = set_status(&app, &app.owner, &order, status, Some("TRK-10"))
            .merchant_error(409, "INVALID_STATUS_TRANSITION");
        assert_eq!(r.body["details"]["from"], json!("completed"), "{status}");
    }
    assert_eq!(app.fingerprint(), before);
    assert_eq!(app.current_stock(p), 2);
}

fn pending_payment_means_confirmed_and_counter_orders_complete_from_paid(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Nasi Lemak", 5.0);
    app.stock_in(&app.owner, p, 10, None);

    let delivery = order_of_type(&app, p, "delivery");
    let r = set_status(&app, &app.owner, &delivery, "pending_payment", None).expect(200);
    assert_eq!(r.body["data"]["status"], json!("confirmed"));
    assert!(r.body["data"]["confirmed_at"].is_string(), "{}", r.body);
    assert_eq!(
        r.body["data"]["status_history"][1]["to_status"],
        json!("confirmed")
    );
    set_status(&app, &app.owner, &delivery, "paid", None).expect(200);
    let before = app.fingerprint();
    let r = set_status(&app, &app.owner, &delivery, "completed", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(
        r.body["details"],
        json!({ "from": "paid", "to": "completed" })
    );
    assert_eq!(app.fingerprint(), before);

    let pickup = order_of_type(&app, p, "pickup");
    let r = app
        .get(&format!("/v1/orders/{pickup}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        (
            r.body["data"]["order_type"].clone(),
            r.body["data"]["total_amount"].clone()
        ),
        (json!("pickup"), json!(5.0))
    );
    set_status(&app, &app.owner, &pickup, "pending_payment", None).expect(200);
    set_status(&app, &app.owner, &pickup, "paid", None).expect(200);
    let r = set_status(&app, &app.owner, &pickup, "completed", None).expect(200);
    let d = &r.body["data"];
    assert_eq!(d["status"], json!("completed"));
    assert!(
        d["completed_at"].is_string() && d["paid_at"].is_string(),
        "{}",
        r.body
    );
    assert_eq!(
        (
            d["processing_at"].clone(),
            d["shipped_at"].clone(),
            d["delivered_at"].clone()
        ),
        (json!(null), json!(null), json!(null))
    );
    let last = d["status_history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (last["from_status"].clone(), last["to_status"].clone()),
        (json!("paid"), json!("completed"))
    );
    // A pickup order still cannot skip payment.
    let unpaid = order_of_type(&app, p, "pickup");
    let before = app.fingerprint();
    set_status(&app, &app.owner, &unpaid, "completed", None)
        .merchant_error(409, "INVALID_STATUS_TRANSITION");
    assert_eq!(app.fingerprint(), before);
    // Dine-in orders may complete from processing.
    let dine_in = order_of_type(&app, p, "dine_in");
    for status in ["confirmed", "paid", "processing", "completed"] {
        set_status(&app, &app.owner, &dine_in, status, None).expect(200);
    }
    assert_eq!(app.current_stock(p), 6);
}

fn order_status_changes_need_a_writing_role_of_the_same_merchant(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Roti Canai", 2.5);
    app.stock_in(&app.owner, p, 2, None);
    let order = order_of_type(&app, p, "delivery");
    let agent = app.staff_token(app.tenant, Role::Agent);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for token in [&agent, &viewer] {
        for status in ["confirmed", "cancelled"] {
            set_status(&app, token, &order, status, None).merchant_error(403, "FORBIDDEN");
        }
        // They may still read it.
        assert_eq!(
            app.get(&format!("/v1/orders/{order}"), Some(token))
                .expect(200)
                .body["data"]["status"],
            json!("pending")
        );
    }
    set_status(&app, &rival, &order, "cancelled", None).merchant_error(404, "ORDER_NOT_FOUND");
    for id in ["abc", "0193aaaa-0000-7000-8000-000000000000"] {
        set_status(&app, &app.owner, id, "confirmed", None).merchant_error(404, "ORDER_NOT_FOUND");
    }
    assert_eq!(app.fingerprint(), before);
    assert_eq!(app.current_stock(p), 1);

    let r = set_status(&app, &cashier, &order, "confirmed", None).expect(200);
    assert_eq!(r.body["data"]["status"], json!("confirmed"));
    let manager = app.staff_token(app.tenant, Role::Manager);
    let r = set_status(&app, &manager, &order, "cancelled", None).expect(200);
    assert!(r.body["data"]["cancelled_at"].is_string(), "{}", r.body);
    assert_eq!(app.current_stock(p), 2);
}
