//! Customer portal tenant context: storefront domains (merchant side and resolution), the
//! tenant header, host-based resolution, company modules, CORS, and the merchant's portal
//! settings and message log.

use kedai_identity::Role;
use serde_json::{Value, json};

use crate::support::portal::PORTAL;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    domains_register_resolve_and_remove,
    domain_routes_refuse_bad_input_roles_and_tokens,
    the_tenant_comes_from_the_header_the_host_or_nowhere,
    company_modules_follow_the_settings,
    settings_refuse_bad_values_and_change_nothing,
    browsers_get_cors_answers,
    the_message_log_is_for_owners_and_admins,
);

fn domains(app: &TestApp, token: &str, host: &str) -> crate::support::Resp {
    app.post(
        "/v1/storefront/domains",
        Some(token),
        &json!({ "hostname": host }),
    )
}

fn resolve(app: &TestApp, query: &str) -> crate::support::Resp {
    // The FavCRM resolver sends no headers at all.
    app.get(&format!("{PORTAL}/storefront/resolve-domain{query}"), None)
}

fn domains_register_resolve_and_remove(b: Backend) {
    let app = TestApp::start(b);
    let r = domains(&app, &app.owner, "Shop.Example.COM:443").expect(201);
    assert_eq!(r.body["data"]["hostname"], json!("shop.example.com"));
    assert!(r.body["data"]["created_at"].is_string());
    let list = app
        .get("/v1/storefront/domains", Some(&app.owner))
        .expect(200);
    assert_eq!(list.body["data"][0]["hostname"], json!("shop.example.com"));

    let data = resolve(&app, "?hostname=shop.example.com").portal_data(200);
    assert_eq!(data, json!({ "companyId": app.company() }));
    // 004's parameter name works too, and the host is normalised.
    let data = resolve(&app, "?domain=SHOP.example.com").portal_data(200);
    assert_eq!(data["companyId"], json!(app.company()));

    resolve(&app, "?hostname=other.example.com").portal_error(404, "DOMAIN_NOT_FOUND");
    resolve(&app, "").portal_error(422, "VALIDATION_ERROR");

    app.delete("/v1/storefront/domains/shop.example.com", Some(&app.owner))
        .expect(200);
    resolve(&app, "?hostname=shop.example.com").portal_error(404, "DOMAIN_NOT_FOUND");
    app.delete("/v1/storefront/domains/shop.example.com", Some(&app.owner))
        .merchant_error(404, "DOMAIN_NOT_FOUND");
}

fn domain_routes_refuse_bad_input_roles_and_tokens(b: Backend) {
    let app = TestApp::start(b);
    domains(&app, &app.owner, "shop.example.com").expect(201);
    let other = app.create_tenant("Other", "HKD", "Asia/Hong_Kong", false);
    let other_owner = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    // Taken, by anyone (another merchant here).
    domains(&app, &other_owner, "shop.example.com").merchant_error(409, "DOMAIN_TAKEN");
    domains(&app, &app.owner, "shop.example.com").merchant_error(409, "DOMAIN_TAKEN");
    for bad in [
        "localhost",
        "https://x.example.com",
        "a b.com",
        "x.example.com/path",
        "",
    ] {
        domains(&app, &app.owner, bad).merchant_error(422, "VALIDATION_ERROR");
    }
    app.post(
        "/v1/storefront/domains",
        Some(&app.owner),
        &json!({ "hostname": 5 }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    app.post("/v1/storefront/domains", Some(&app.owner), &json!({}))
        .merchant_error(422, "VALIDATION_ERROR");
    app.send_raw("POST", "/v1/storefront/domains", Some(&app.owner), "{")
        .merchant_error(400, "MALFORMED_REQUEST");
    // Another merchant cannot remove it.
    app.delete(
        "/v1/storefront/domains/shop.example.com",
        Some(&other_owner),
    )
    .merchant_error(404, "DOMAIN_NOT_FOUND");
    for role in [Role::Manager, Role::Cashier, Role::Agent, Role::Viewer] {
        let token = app.staff_token(app.tenant, role);
        domains(&app, &token, "new.example.com").merchant_error(403, "FORBIDDEN");
        app.get("/v1/storefront/domains", Some(&token))
            .merchant_error(403, "FORBIDDEN");
        app.delete("/v1/storefront/domains/shop.example.com", Some(&token))
            .merchant_error(403, "FORBIDDEN");
    }
    domains(&app, "not-a-token", "new.example.com").merchant_error(401, "AUTH_TOKEN_INVALID");
    app.get("/v1/storefront/domains", None)
        .merchant_error(401, "AUTH_REQUIRED");
    let expired = app.expired_token(&app.owner);
    domains(&app, &expired, "new.example.com").merchant_error(401, "AUTH_TOKEN_EXPIRED");
    assert_eq!(app.fingerprint(), before, "refusals changed nothing");
}

fn modules(app: &TestApp, headers: &[(&str, &str)]) -> crate::support::Resp {
    app.get_with(&format!("{PORTAL}/company/modules"), None, headers)
}

fn the_tenant_comes_from_the_header_the_host_or_nowhere(b: Backend) {
    let app = TestApp::start(b);
    let company = app.company();
    modules(&app, &[("X-Company-Id", &company)]).portal_data(200);
    // No header and an unregistered host: the tenant is required.
    modules(&app, &[]).portal_error(400, "TENANT_REQUIRED");
    // A registered storefront host selects its merchant without the header.
    domains(&app, &app.owner, "shop.example.com").expect(201);
    let data = modules(&app, &[("X-Forwarded-Host", "shop.example.com")]).portal_data(200);
    assert_eq!(data["brandName"], json!("Test Cafe"));
    modules(&app, &[("X-Forwarded-Host", "unknown.example.com")])
        .portal_error(400, "TENANT_REQUIRED");
    // Unknown and malformed company ids.
    let unknown = kedai_core::TenantId::new().to_string();
    modules(&app, &[("X-Company-Id", &unknown)]).portal_error(404, "COMPANY_NOT_FOUND");
    modules(&app, &[("X-Company-Id", "not-a-uuid")]).portal_error(404, "COMPANY_NOT_FOUND");
    // The header wins over the host.
    let other = app.create_tenant("Other Shop", "HKD", "Asia/Hong_Kong", false);
    let other_id = other.to_string();
    let data = modules(
        &app,
        &[
            ("X-Company-Id", &other_id),
            ("X-Forwarded-Host", "shop.example.com"),
        ],
    )
    .portal_data(200);
    assert_eq!(data["brandName"], json!("Other Shop"));
    assert_eq!(data["currency"], json!("HKD"));
    // A bad bearer on a public route is anonymous, not a 401.
    let r = app.get_with(
        &format!("{PORTAL}/company/modules"),
        Some("garbage"),
        &[("X-Company-Id", &company)],
    );
    r.portal_data(200);
}

fn company_modules_follow_the_settings(b: Backend) {
    let app = TestApp::start(b);
    let data = app.portal_get("/company/modules", None).portal_data(200);
    // The contract's shape: modules as [{code}], brand under both names, analytics or null.
    assert_eq!(
        data["modules"],
        json!([{ "code": "payment_gateway" }, { "code": "orders_shop" }, { "code": "pages" }])
    );
    assert_eq!(data["brandName"], json!("Test Cafe"));
    assert_eq!(data["name"], json!("Test Cafe"));
    assert!(data["brandLogoUrl"].is_null() && data["logoUrl"].is_null());
    assert!(data["analyticsConfig"].is_null());
    assert!(data.get("brandEmail").is_some() && data.get("email").is_some());

    let r = app
        .patch(
            "/v1/storefront/settings",
            Some(&app.owner),
            &json!({
                "modules": ["pages", "orders_shop", "events"],
                "brand_name": "Kedai Coffee",
                "brand_email": "Hello@Kedai.Example",
                "brand_logo_url": "https://cdn.example.com/logo.png",
                "analytics": { "gtmId": "GTM-1", "ga4Id": null, "metaPixelId": "42" }
            }),
        )
        .expect(200);
    assert_eq!(
        r.body["data"]["modules"],
        json!(["events", "orders_shop", "pages"])
    );
    let data = app.portal_get("/company/modules", None).portal_data(200);
    assert_eq!(
        data["modules"],
        json!([{ "code": "events" }, { "code": "orders_shop" }, { "code": "pages" }])
    );
    assert_eq!(data["brandName"], json!("Kedai Coffee"));
    assert_eq!(data["email"], json!("hello@kedai.example"));
    assert_eq!(data["logoUrl"], json!("https://cdn.example.com/logo.png"));
    assert_eq!(
        data["analyticsConfig"],
        json!({ "gtmId": "GTM-1", "ga4Id": null, "metaPixelId": "42" })
    );
    // Null clears.
    app.patch(
        "/v1/storefront/settings",
        Some(&app.owner),
        &json!({ "brand_name": null, "analytics": null }),
    )
    .expect(200);
    let data = app.portal_get("/company/modules", None).portal_data(200);
    assert_eq!(data["brandName"], json!("Test Cafe"));
    assert!(data["analyticsConfig"].is_null());
    let audit = crate::commerce::audit(&app.db_store(), &app.company());
    assert!(
        audit.iter().any(|a| a.contains("portal.settings_updated")),
        "{audit:?}"
    );
}

fn settings_refuse_bad_values_and_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let before = app.fingerprint();
    let patch = |body: Value| app.patch("/v1/storefront/settings", Some(&app.owner), &body);
    for (body, field) in [
        (json!({ "login_channel": "pigeon" }), "login_channel"),
        (json!({ "modules": ["shop"] }), "modules"),
        (json!({ "brand_email": "not-mail" }), "brand_email"),
        (
            json!({ "brand_logo_url": "ftp://x/logo.png" }),
            "brand_logo_url",
        ),
        (json!({ "brand_name": "x".repeat(201) }), "brand_name"),
        (json!({ "modules": "pages" }), "modules"),
        (json!({ "login_channel": 3 }), "login_channel"),
    ] {
        let r = patch(body).merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    }
    let form = |fields: Value| {
        app.put(
            "/v1/storefront/registration-form",
            Some(&app.owner),
            &json!({ "fields": fields, "defaultCountryCode": "852" }),
        )
    };
    let f = |key: &str, t: &str, required: bool| json!({ "key": key, "label": key, "type": t, "required": required, "enabled": true, "order": 1 });
    form(json!([f("name", "text", true)])).merchant_error(422, "VALIDATION_ERROR");
    form(json!([f("name", "text", true), f("phone", "phone", false)]))
        .merchant_error(422, "VALIDATION_ERROR");
    form(json!([
        f("name", "text", true),
        f("phone", "phone", true),
        f("shoe", "text", false)
    ]))
    .merchant_error(422, "VALIDATION_ERROR");
    form(json!([
        f("name", "text", true),
        f("phone", "phone", true),
        f("email", "date", false)
    ]))
    .merchant_error(422, "VALIDATION_ERROR");
    form(json!([
        f("name", "text", true),
        f("phone", "phone", true),
        f("email", "bogus", false)
    ]))
    .merchant_error(422, "VALIDATION_ERROR");
    for role in [Role::Manager, Role::Viewer] {
        let token = app.staff_token(app.tenant, role);
        app.patch(
            "/v1/storefront/settings",
            Some(&token),
            &json!({ "modules": [] }),
        )
        .merchant_error(403, "FORBIDDEN");
        app.get("/v1/storefront/settings", Some(&token))
            .merchant_error(403, "FORBIDDEN");
        app.put(
            "/v1/storefront/registration-form",
            Some(&token),
            &json!({ "fields": [], "defaultCountryCode": "852" }),
        )
        .merchant_error(403, "FORBIDDEN");
    }
    app.get("/v1/storefront/settings", None)
        .merchant_error(401, "AUTH_REQUIRED");
    // Staff creation above added staff rows only; the portal tables are as they were.
    let portal_lines = |fp: String| {
        fp.lines()
            .filter(|l| l.starts_with("settings ") || l.starts_with("domain "))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(portal_lines(app.fingerprint()), portal_lines(before));

    // A valid form is stored sorted and served to the portal.
    let r = form(json!([
        { "key": "email", "label": "E-mail", "type": "email", "required": true, "enabled": true, "order": 3 },
        { "key": "name", "label": "Name", "type": "text", "required": true, "enabled": true, "order": 1 },
        { "key": "phone", "label": "Mobile", "type": "phone", "required": true, "enabled": true, "order": 2 }
    ]))
    .expect(200);
    assert_eq!(r.body["data"]["fields"][0]["key"], json!("name"));
    let data = app
        .portal_get("/auth/registration-form", None)
        .portal_data(200);
    assert_eq!(data["fields"][2]["key"], json!("email"));
    assert_eq!(data["fields"][1]["label"], json!("Mobile"));
    assert_eq!(data["countryPhonePrefix"], json!("+852"));
}

fn browsers_get_cors_answers(b: Backend) {
    let app = TestApp::start(b);
    let r = app.options(
        &format!("{PORTAL}/shop/orders"),
        &[
            ("Origin", "https://shop.example.com"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization,x-company-id,content-type,idempotency-key",
            ),
        ],
    );
    assert!(r.status < 300, "preflight: {}", r.status);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://shop.example.com")
    );
    let allowed = r
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_lowercase();
    for h in [
        "authorization",
        "x-company-id",
        "content-type",
        "idempotency-key",
    ] {
        assert!(allowed.contains(h), "{h} in {allowed}");
    }
    let methods = r.header("access-control-allow-methods").unwrap_or_default();
    for m in ["GET", "POST", "PATCH", "DELETE"] {
        assert!(methods.contains(m), "{m} in {methods}");
    }
    let company = app.company();
    let r = app.get_with(
        &format!("{PORTAL}/company/modules"),
        None,
        &[
            ("X-Company-Id", &company),
            ("Origin", "https://shop.example.com"),
        ],
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://shop.example.com")
    );
    // Errors carry CORS headers too, so a browser can read them.
    let r = app.get_with(
        &format!("{PORTAL}/company/modules"),
        None,
        &[("Origin", "https://shop.example.com")],
    );
    r.portal_error(400, "TENANT_REQUIRED");
}

fn the_message_log_is_for_owners_and_admins(b: Backend) {
    let app = TestApp::start(b);
    for phone in ["+85291110001", "+85291110002", "+85291110003"] {
        app.portal_post("/auth/otp", None, &json!({ "phone": phone }))
            .portal_data(200);
    }
    let r = app
        .get("/v1/notifications?limit=2", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(3));
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(2));
    let m = &r.body["data"][0];
    assert_eq!(m["recipient"], json!("+85291110003"), "newest first");
    assert_eq!(m["kind"], json!("otp"));
    assert_eq!(m["channel"], json!("sms"));
    assert!(
        m["body"]
            .as_str()
            .is_some_and(|b| b.contains("sign-in code"))
    );
    let r = app
        .get(
            "/v1/notifications?recipient=%2B852%209111%200002",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    let admin = app.staff_token(app.tenant, Role::Admin);
    app.get("/v1/notifications", Some(&admin)).expect(200);
    for role in [Role::Manager, Role::Cashier, Role::Agent, Role::Viewer] {
        let token = app.staff_token(app.tenant, role);
        app.get("/v1/notifications", Some(&token))
            .merchant_error(403, "FORBIDDEN");
    }
    app.get("/v1/notifications", None)
        .merchant_error(401, "AUTH_REQUIRED");
    app.get("/v1/notifications?kind=fax", Some(&app.owner))
        .merchant_error(422, "VALIDATION_ERROR");
    app.get("/v1/notifications?limit=0", Some(&app.owner))
        .merchant_error(422, "VALIDATION_ERROR");
    // Another merchant sees none of these.
    let other = app.create_tenant("Other", "HKD", "Asia/Hong_Kong", false);
    let other_owner = app.staff_token(other, Role::Owner);
    let r = app.get("/v1/notifications", Some(&other_owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(0));
}
