//! Shipping and payment methods: managed under `/v1` with tokens, roles and tenants, and
//! listed on the storefront in the contract's shape.

use kedai_identity::Role;
use serde_json::json;

use super::{PORTAL, get, portal_error, shipping_method, shop};
use crate::commerce::{self, fingerprint, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    merchant_manages_shipping_methods,
    merchant_manages_payment_methods,
    shop_settings_need_a_token_the_right_role_and_their_own_tenant,
    storefront_lists_active_methods_in_the_contract_shape,
);

fn merchant_manages_shipping_methods(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/shipping-methods",
            Some(&app.owner),
            &json!({ "name": " Express ", "description": "Next day", "cost": "45.50", "free_shipping_threshold": 800, "estimated_days": "1", "sort_order": 2 }),
        )
        .expect(201);
    let m = &r.body["data"];
    let id = m["id"].as_i64().unwrap_or_else(|| panic!("{}", r.body));
    assert_eq!(m["name"], json!("Express"));
    assert_eq!(m["description"], json!("Next day"));
    assert_eq!(m["cost"], json!(45.5));
    assert_eq!(m["free_shipping_threshold"], json!(800.0));
    assert_eq!(m["currency"], json!("MYR"));
    assert_eq!(m["estimated_days"], json!("1"));
    assert_eq!(m["active"], json!(true));
    assert_eq!(m["sort_order"], json!(2));
    let standard = shipping_method(&app, &json!({ "name": "Standard", "cost": 0 }));
    let list = app
        .get("/v1/shipping-methods", Some(&app.owner))
        .expect(200);
    let ids: Vec<i64> = list.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", list.body))
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    assert_eq!(ids, [standard, id], "by sort order");

    let r = app
        .patch(
            &format!("/v1/shipping-methods/{id}"),
            Some(&app.owner),
            &json!({ "free_shipping_threshold": null, "active": false, "cost": 50 }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["free_shipping_threshold"], json!(null));
    assert_eq!(r.body["data"]["active"], json!(false));
    assert_eq!(r.body["data"]["cost"], json!(50.0));
    assert_eq!(r.body["data"]["name"], json!("Express"), "kept");

    // Bad input: every bad field named, nothing changed.
    let before = fingerprint(&app, &commerce::store(&app));
    for (body, field) in [
        (json!({ "cost": 1 }), "name"),
        (json!({ "name": "x" }), "cost"),
        (json!({ "name": "", "cost": 1 }), "name"),
        (json!({ "name": "x", "cost": -1 }), "cost"),
        (json!({ "name": "x", "cost": "abc" }), "cost"),
        (json!({ "name": "x", "cost": 1.234 }), "cost"),
        (
            json!({ "name": "x", "cost": 1, "free_shipping_threshold": -5 }),
            "free_shipping_threshold",
        ),
        (
            json!({ "name": "x", "cost": 1, "sort_order": "first" }),
            "sort_order",
        ),
        (json!({ "name": "x", "cost": 1, "active": "yes" }), "active"),
    ] {
        let r = app
            .post("/v1/shipping-methods", Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    }
    app.patch(
        &format!("/v1/shipping-methods/{id}"),
        Some(&app.owner),
        &json!({ "cost": -3 }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    app.send_raw("POST", "/v1/shipping-methods", Some(&app.owner), "{")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(before, fingerprint(&app, &commerce::store(&app)));

    for missing in ["999999", "0", "abc"] {
        app.patch(
            &format!("/v1/shipping-methods/{missing}"),
            Some(&app.owner),
            &json!({ "cost": 1 }),
        )
        .merchant_error(404, "SHIPPING_METHOD_NOT_FOUND");
        app.delete(&format!("/v1/shipping-methods/{missing}"), Some(&app.owner))
            .merchant_error(404, "SHIPPING_METHOD_NOT_FOUND");
    }
    let r = app
        .delete(&format!("/v1/shipping-methods/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"], json!({ "id": id, "deleted": true }));
    app.delete(&format!("/v1/shipping-methods/{id}"), Some(&app.owner))
        .merchant_error(404, "SHIPPING_METHOD_NOT_FOUND");
    let list = app
        .get("/v1/shipping-methods", Some(&app.owner))
        .expect(200);
    assert_eq!(list.body["data"].as_array().map(Vec::len), Some(1));
}

fn merchant_manages_payment_methods(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/payment-methods",
            Some(&app.owner),
            &json!({ "name": "Cash on delivery", "type": "cash_on_delivery", "instructions": "Have exact change" }),
        )
        .expect(201);
    let m = &r.body["data"];
    let id = text(&m["id"]);
    assert_eq!(id.len(), 36, "a UUID");
    assert_eq!(m["type"], json!("cash_on_delivery"));
    assert_eq!(m["has_gateway"], json!(false));
    assert_eq!(m["position"], json!(0));
    assert_eq!(m["active"], json!(true));
    let r = app
        .patch(
            &format!("/v1/payment-methods/{id}"),
            Some(&app.owner),
            &json!({ "type": "gateway", "instructions": null, "position": 3 }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["has_gateway"], json!(true));
    assert_eq!(r.body["data"]["instructions"], json!(null));
    assert_eq!(r.body["data"]["position"], json!(3));
    assert_eq!(r.body["data"]["name"], json!("Cash on delivery"));

    let before = fingerprint(&app, &commerce::store(&app));
    for (body, field) in [
        (json!({ "type": "manual" }), "name"),
        (json!({ "name": "x" }), "type"),
        (json!({ "name": "x", "type": "crypto" }), "type"),
        (json!({ "name": "x".repeat(65), "type": "manual" }), "name"),
        (
            json!({ "name": "x", "type": "manual", "position": 1.5 }),
            "position",
        ),
    ] {
        let r = app
            .post("/v1/payment-methods", Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    }
    assert_eq!(before, fingerprint(&app, &commerce::store(&app)));
    app.patch(
        "/v1/payment-methods/not-a-uuid",
        Some(&app.owner),
        &json!({ "position": 1 }),
    )
    .merchant_error(404, "PAYMENT_METHOD_NOT_FOUND");
    let r = app
        .delete(&format!("/v1/payment-methods/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"], json!({ "id": id, "deleted": true }));
    let list = app.get("/v1/payment-methods", Some(&app.owner)).expect(200);
    assert_eq!(list.body["data"], json!([]));
}

fn shop_settings_need_a_token_the_right_role_and_their_own_tenant(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    app.get("/v1/shipping-methods", None)
        .merchant_error(401, "AUTH_REQUIRED");
    app.post(
        "/v1/payment-methods",
        None,
        &json!({ "name": "x", "type": "manual" }),
    )
    .merchant_error(401, "AUTH_REQUIRED");
    let expired = app.expired_token(&app.owner);
    app.get("/v1/payment-methods", Some(&expired))
        .merchant_error(401, "AUTH_TOKEN_EXPIRED");
    for role in [Role::Manager, Role::Cashier, Role::Agent, Role::Viewer] {
        let token = app.staff_token(app.tenant, role);
        app.get("/v1/shipping-methods", Some(&token)).expect(200);
        app.get("/v1/payment-methods", Some(&token)).expect(200);
        app.post(
            "/v1/shipping-methods",
            Some(&token),
            &json!({ "name": "x", "cost": 1 }),
        )
        .merchant_error(403, "FORBIDDEN");
        app.patch(
            &format!("/v1/shipping-methods/{}", s.courier),
            Some(&token),
            &json!({ "cost": 1 }),
        )
        .merchant_error(403, "FORBIDDEN");
        app.delete(&format!("/v1/payment-methods/{}", s.bank), Some(&token))
            .merchant_error(403, "FORBIDDEN");
    }
    let admin = app.staff_token(app.tenant, Role::Admin);
    app.patch(
        &format!("/v1/shipping-methods/{}", s.courier),
        Some(&admin),
        &json!({ "estimated_days": "3-5" }),
    )
    .expect(200);
    // Another merchant sees none of them and changes none of them.
    let other = app.create_tenant("Other Shop", "MYR", "Asia/Kuala_Lumpur", false);
    let owner = app.staff_token(other, Role::Owner);
    let r = app.get("/v1/shipping-methods", Some(&owner)).expect(200);
    assert_eq!(r.body["data"], json!([]));
    app.patch(
        &format!("/v1/shipping-methods/{}", s.courier),
        Some(&owner),
        &json!({ "cost": 1 }),
    )
    .merchant_error(404, "SHIPPING_METHOD_NOT_FOUND");
    app.delete(&format!("/v1/payment-methods/{}", s.card), Some(&owner))
        .merchant_error(404, "PAYMENT_METHOD_NOT_FOUND");
}

fn storefront_lists_active_methods_in_the_contract_shape(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let free = shipping_method(
        app,
        &json!({ "name": "Pickup point", "cost": 0, "sort_order": 0 }),
    );
    let hidden = shipping_method(
        app,
        &json!({ "name": "Hidden", "cost": 5, "active": false }),
    );
    let r = get(app, "/shop/shipping-methods").expect(200);
    assert_eq!(r.body["success"], json!(true));
    let list = r.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a bare array: {}", r.body));
    assert_eq!(list.len(), 2, "active only: {}", r.body);
    assert!(list.iter().all(|m| m["id"] != json!(hidden)));
    assert_eq!(
        list[0],
        json!({ "id": free, "name": "Pickup point", "description": null, "cost": 0.0, "freeShippingThreshold": null, "estimatedDays": null })
    );
    assert_eq!(
        list[1],
        json!({ "id": s.courier, "name": "Courier", "description": null, "cost": 30.0, "freeShippingThreshold": 500.0, "estimatedDays": "2-3" })
    );
    assert!(list[1]["id"].is_i64());
    let r = get(app, "/shop/shipping-methods?order_amount=500").expect(200);
    assert_eq!(
        r.body["data"][1]["cost"],
        json!(0.0),
        "free at the threshold"
    );
    let r = get(app, "/shop/shipping-methods?order_amount=499.99").expect(200);
    assert_eq!(r.body["data"][1]["cost"], json!(30.0));
    for bad in ["abc", "-1", "1.234"] {
        let r = portal_error(
            get(app, &format!("/shop/shipping-methods?order_amount={bad}")),
            422,
            "VALIDATION_ERROR",
        );
        assert!(
            r.body["error"]["details"]["errors"]["order_amount"].is_array(),
            "{}",
            r.body
        );
    }

    let r = get(app, "/shop/payment-methods").expect(200);
    assert_eq!(
        r.body["data"],
        json!([
            { "id": s.card, "name": "Card", "type": "gateway", "instructions": null, "hasGateway": true, "position": 1 },
            { "id": s.bank, "name": "Bank transfer", "type": "manual", "instructions": "Pay to 123-456", "hasGateway": false, "position": 2 },
        ])
    );

    // The tenant comes from X-Company-Id: absent, malformed or unknown is refused.
    let r = app.get(&format!("{PORTAL}/shop/payment-methods"), None);
    assert!((400..500).contains(&r.status), "{}", r.body);
    assert_eq!(r.body["success"], json!(false));
    let unknown = uuid::Uuid::now_v7().to_string();
    for company in [unknown.as_str(), "nope"] {
        let r = app.get_with(
            &format!("{PORTAL}/shop/shipping-methods"),
            None,
            &[("X-Company-Id", company)],
        );
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(r.body["success"], json!(false));
    }
}
