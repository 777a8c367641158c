//! Membership tiers: create, read, change and delete under their rules, with tokens and roles.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{data, shop_fingerprint, sid_of};
use crate::support::{Backend, ROLES, TestApp};

crate::on_both_backends!(
    shop_membership_tiers_crud_and_rules,
    shop_membership_tier_roles_and_tokens,
);

fn tier_body() -> Value {
    json!({
        "name": "Gold", "description": "Our best", "price": 99, "valid_period_value": 1,
        "valid_period_unit": "YEARS", "discount": 12.5, "min_spend": "2000.00",
        "benefits": ["Extra points", "Exclusive offers"], "is_popular": true, "sort_order": 2
    })
}

fn shop_membership_tiers_crud_and_rules(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post("/v1/memberships/tiers", Some(&app.owner), &tier_body())
        .expect(201);
    let t = data(&r);
    let gold = sid_of(&r);
    // 003 §10.1's shape, plus the definition's other fields.
    assert!(gold.parse::<i64>().is_ok(), "{gold}");
    assert_eq!(t["name"], json!("Gold"));
    assert_eq!(t["min_spend"], json!(2000.0));
    assert_eq!(t["benefits"], json!(["Extra points", "Exclusive offers"]));
    assert_eq!(t["description"], json!("Our best"));
    assert_eq!(t["price"], json!(99.0));
    assert_eq!(t["currency"], json!("MYR"));
    assert_eq!(t["valid_period_value"], json!(1));
    assert_eq!(t["valid_period_unit"], json!("YEARS"));
    assert_eq!(t["discount"], json!(12.5));
    assert_eq!(t["is_popular"], json!(true));
    assert_eq!(t["sort_order"], json!(2));
    // Defaults: free, 12 months, no discount, no minimum, no benefits.
    let r = app
        .post(
            "/v1/memberships/tiers",
            Some(&app.owner),
            &json!({ "name": "Bronze" }),
        )
        .expect(201);
    let t = data(&r);
    assert_eq!(
        (
            &t["price"],
            &t["valid_period_value"],
            &t["valid_period_unit"],
            &t["discount"],
            &t["min_spend"],
            &t["benefits"]
        ),
        (
            &json!(0.0),
            &json!(12),
            &json!("MONTHS"),
            &json!(0.0),
            &json!(0.0),
            &json!([])
        )
    );
    let bronze = sid_of(&r);
    let r = app
        .get("/v1/memberships/tiers", Some(&app.owner))
        .expect(200);
    let names: Vec<&str> = data(&r)
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["Bronze", "Gold"]);
    let r = app
        .patch(
            &format!("/v1/memberships/tiers/{bronze}"),
            Some(&app.owner),
            &json!({ "min_spend": 100, "benefits": ["Welcome reward"], "description": null, "valid_period_unit": "months", "valid_period_value": 6 }),
        )
        .expect(200);
    assert_eq!(data(&r)["min_spend"], json!(100.0));
    assert_eq!(data(&r)["benefits"], json!(["Welcome reward"]));
    assert_eq!(data(&r)["valid_period_unit"], json!("MONTHS"));
    assert_eq!(data(&r)["name"], json!("Bronze"));

    // Rules; a refused request changes nothing.
    let before = shop_fingerprint(&app);
    app.post(
        "/v1/memberships/tiers",
        Some(&app.owner),
        &json!({ "name": "gold" }),
    )
    .merchant_error(409, "TIER_NAME_TAKEN");
    app.patch(
        &format!("/v1/memberships/tiers/{bronze}"),
        Some(&app.owner),
        &json!({ "name": "GOLD" }),
    )
    .merchant_error(409, "TIER_NAME_TAKEN");
    for (body, field) in [
        (json!({}), "name"),
        (json!({ "name": " " }), "name"),
        (json!({ "name": 3 }), "name"),
        (json!({ "name": "S", "price": -1 }), "price"),
        (json!({ "name": "S", "price": "1.234" }), "price"),
        (json!({ "name": "S", "min_spend": -5 }), "min_spend"),
        (
            json!({ "name": "S", "valid_period_value": 0 }),
            "valid_period_value",
        ),
        (
            json!({ "name": "S", "valid_period_value": 121 }),
            "valid_period_value",
        ),
        (
            json!({ "name": "S", "valid_period_value": 11, "valid_period_unit": "YEARS" }),
            "valid_period_value",
        ),
        (
            json!({ "name": "S", "valid_period_value": "12" }),
            "valid_period_value",
        ),
        (
            json!({ "name": "S", "valid_period_unit": "DAYS" }),
            "valid_period_unit",
        ),
        (json!({ "name": "S", "discount": 100.5 }), "discount"),
        (json!({ "name": "S", "discount": -1 }), "discount"),
        (json!({ "name": "S", "discount": 1.234 }), "discount"),
        (
            json!({ "name": "S", "benefits": "free coffee" }),
            "benefits",
        ),
        (json!({ "name": "S", "benefits": [""] }), "benefits"),
        (json!({ "name": "S", "benefits": [1] }), "benefits[0]"),
        (json!({ "name": "S", "is_popular": "yes" }), "is_popular"),
    ] {
        let r = app
            .post("/v1/memberships/tiers", Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    app.patch(
        &format!("/v1/memberships/tiers/{gold}"),
        Some(&app.owner),
        &json!({ "discount": 101 }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    app.send_raw(
        "POST",
        "/v1/memberships/tiers",
        Some(&app.owner),
        "{\"name\":",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    app.patch(
        "/v1/memberships/tiers/999999",
        Some(&app.owner),
        &json!({ "name": "X" }),
    )
    .merchant_error(404, "TIER_NOT_FOUND");
    app.patch(
        "/v1/memberships/tiers/tier_gold",
        Some(&app.owner),
        &json!({ "name": "X" }),
    )
    .merchant_error(404, "TIER_NOT_FOUND");
    assert_eq!(shop_fingerprint(&app), before);

    let r = app
        .delete(&format!("/v1/memberships/tiers/{gold}"), Some(&app.owner))
        .expect(200);
    assert_eq!(data(&r), &json!({ "id": gold, "deleted": true }));
    app.delete(&format!("/v1/memberships/tiers/{gold}"), Some(&app.owner))
        .merchant_error(404, "TIER_NOT_FOUND");
    // The name is free again.
    app.post("/v1/memberships/tiers", Some(&app.owner), &tier_body())
        .expect(201);
}

fn shop_membership_tier_roles_and_tokens(b: Backend) {
    let app = TestApp::start(b);
    let gold = sid_of(
        &app.post("/v1/memberships/tiers", Some(&app.owner), &tier_body())
            .expect(201),
    );
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let theirs = app.staff_token(other, Role::Owner);
    let before = shop_fingerprint(&app);
    let expired = app.expired_token(&app.owner);
    for token in [None, Some("garbage"), Some(expired.as_str())] {
        app.get("/v1/memberships/tiers", token).expect(401);
        app.post("/v1/memberships/tiers", token, &json!({ "name": "S" }))
            .expect(401);
        app.patch(
            &format!("/v1/memberships/tiers/{gold}"),
            token,
            &json!({ "name": "S" }),
        )
        .expect(401);
        app.delete(&format!("/v1/memberships/tiers/{gold}"), token)
            .expect(401);
    }
    for role in ROLES {
        let token = app.staff_token(app.tenant, role);
        // Every role reads customers, so every role reads the tiers.
        app.get("/v1/memberships/tiers", Some(&token)).expect(200);
        if !matches!(role, Role::Owner | Role::Admin | Role::Manager) {
            app.post(
                "/v1/memberships/tiers",
                Some(&token),
                &json!({ "name": "S" }),
            )
            .merchant_error(403, "FORBIDDEN");
            app.patch(
                &format!("/v1/memberships/tiers/{gold}"),
                Some(&token),
                &json!({ "name": "S" }),
            )
            .merchant_error(403, "FORBIDDEN");
            app.delete(&format!("/v1/memberships/tiers/{gold}"), Some(&token))
                .merchant_error(403, "FORBIDDEN");
        }
    }
    // Another merchant sees none of them and cannot touch them.
    let r = app.get("/v1/memberships/tiers", Some(&theirs)).expect(200);
    assert_eq!(data(&r), &json!([]));
    app.patch(
        &format!("/v1/memberships/tiers/{gold}"),
        Some(&theirs),
        &json!({ "name": "S" }),
    )
    .merchant_error(404, "TIER_NOT_FOUND");
    app.delete(&format!("/v1/memberships/tiers/{gold}"), Some(&theirs))
        .merchant_error(404, "TIER_NOT_FOUND");
    assert_eq!(shop_fingerprint(&app), before);
    // A manager defines tiers.
    let manager = app.staff_token(app.tenant, Role::Manager);
    app.post(
        "/v1/memberships/tiers",
        Some(&manager),
        &json!({ "name": "Silver" }),
    )
    .expect(201);
}
