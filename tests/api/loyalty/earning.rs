//! Points earned by completed orders under the merchant's rule (`/v1/points/rule`) and the
//! customer's tier multiplier, shown on the portal profile; the rule's refusals; completions
//! racing.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{balance, complete, customer, ledger, ledger_matches_balances, paid_pickup, text};
use crate::support::{Backend, TestApp, race};

crate::on_both_backends!(
    completed_orders_earn_under_the_rule_and_the_tier,
    the_rule_chooses_what_earns,
    points_rule_refusals_change_nothing,
    the_portal_profile_shows_earned_points,
    racing_completions_earn_once,
);

fn latte(app: &TestApp) -> i64 {
    let id = app.product(&app.owner, "Iced Latte", 14.90);
    let _ = app.stock_in(&app.owner, id, 100, None);
    id
}

fn earned(app: &TestApp, customer: &str) -> Vec<(i64, String)> {
    ledger(app, customer)
        .iter()
        .filter(|r| r["kind"] == json!("earn"))
        .map(|r| {
            (
                r["points"].as_i64().unwrap_or_default(),
                text(&r["reference_no"]),
            )
        })
        .collect()
}

fn set_rule(app: &TestApp, body: &Value) -> Value {
    app.put("/v1/points/rule", Some(&app.owner), body)
        .expect(200)
        .body["data"]
        .clone()
}

fn completed_orders_earn_under_the_rule_and_the_tier(b: Backend) {
    let app = TestApp::start(b);
    let latte = latte(&app);
    // The standard rule: 1 point per ringgit, rounded down.
    let r = app.get("/v1/points/rule", Some(&app.owner)).expect(200);
    assert_eq!(
        r.body["data"],
        json!({ "enabled": true, "points": 1, "per_amount": 1.0, "currency": "MYR", "rounding": "down",
                "order_types": ["delivery", "pickup", "dine_in"], "channels": ["merchant", "online"],
                "expiry_months": null })
    );
    let carter = customer(&app, "Carter", None);
    let order = paid_pickup(&app, &carter, latte, 2, 14.90);
    // Paid is not enough: points come with completion.
    assert_eq!(balance(&app, &carter), 0);
    complete(&app, &order).expect(200);
    assert_eq!(earned(&app, &carter), [(29, order.clone())]);
    let row = &ledger(&app, &carter)[0];
    assert!(text(&row["reason"]).starts_with("Order ORD-"), "{row}");
    // Earned by the completion the owner made.
    assert!(row["created_by"].is_string(), "{row}");

    // A Gold member earns 1.5×: 29.80 × 1.5 = 44.7 → 44.
    app.post(
        "/v1/memberships/tiers",
        Some(&app.owner),
        &json!({ "name": "Gold", "points_multiplier": 1.5, "min_spend": 2000 }),
    )
    .expect(201);
    let gold = customer(&app, "Goldie", Some("gold"));
    let order = paid_pickup(&app, &gold, latte, 2, 14.90);
    complete(&app, &order).expect(200);
    assert_eq!(earned(&app, &gold), [(44, order)]);

    // 5 points per 10.00, rounded up: 29.80 → 14.9 → 15.
    set_rule(
        &app,
        &json!({ "points": 5, "per_amount": "10.00", "rounding": "up" }),
    );
    let order = paid_pickup(&app, &carter, latte, 2, 14.90);
    complete(&app, &order).expect(200);
    assert_eq!(earned(&app, &carter)[0], (15, order));
    assert_eq!(balance(&app, &carter), 44);
    // An order without a customer earns nobody anything, and completes as before.
    let r = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "order_type": "pickup", "items": [{ "product_id": latte, "qty": 1, "unit_price": 14.90 }] }),
        )
        .expect(201);
    let anonymous = text(&r.body["data"]["order_id"]);
    app.post(
        "/functions/v1/mock-payment",
        Some(&app.owner),
        &json!({ "order_id": anonymous, "method": "cash", "amount": 14.90, "status": "completed" }),
    )
    .expect(200);
    complete(&app, &anonymous).expect(200);
    assert_eq!(
        crate::support::platform::count(&app, "points_ledger WHERE kind = 'earn'"),
        3
    );
    ledger_matches_balances(&app);
}

fn the_rule_chooses_what_earns(b: Backend) {
    let app = TestApp::start(b);
    let latte = latte(&app);
    let carter = customer(&app, "Carter", None);
    // Only delivery orders earn: a pickup earns nothing.
    let rule = set_rule(&app, &json!({ "order_types": ["delivery", "delivery"] }));
    assert_eq!(rule["order_types"], json!(["delivery"]));
    let order = paid_pickup(&app, &carter, latte, 1, 14.90);
    complete(&app, &order).expect(200);
    assert_eq!(balance(&app, &carter), 0);
    // Only the storefront earns: staff orders do not.
    set_rule(
        &app,
        &json!({ "order_types": ["pickup", "dine_in"], "channels": ["online"] }),
    );
    let order = paid_pickup(&app, &carter, latte, 1, 14.90);
    complete(&app, &order).expect(200);
    assert_eq!(balance(&app, &carter), 0);
    // Switched off, nothing earns; switched on, staff orders earn again.
    set_rule(&app, &json!({ "channels": ["merchant"], "enabled": false }));
    let order = paid_pickup(&app, &carter, latte, 1, 14.90);
    complete(&app, &order).expect(200);
    assert_eq!(balance(&app, &carter), 0);
    let rule = set_rule(&app, &json!({ "enabled": true, "rounding": "nearest" }));
    assert_eq!(rule["channels"], json!(["merchant"]));
    let order = paid_pickup(&app, &carter, latte, 1, 14.90);
    complete(&app, &order).expect(200);
    assert_eq!(earned(&app, &carter), [(15, order)]);
    // The rule is audited.
    assert_eq!(
        crate::support::platform::count(&app, "audit_log WHERE action = 'points.rule_changed'"),
        4
    );
}

fn points_rule_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    set_rule(&app, &json!({ "expiry_months": 12 }));
    let rival = app.create_tenant("Rival", "SGD", "Asia/Singapore", false);
    let (rival_owner, ..) = crate::people::signed_in(&app, rival, Role::Owner);
    let before = app.fingerprint();
    let put = |body: Value| app.put("/v1/points/rule", Some(&app.owner), &body);
    let r = put(json!({
        "points": 0, "per_amount": 0, "order_types": [], "channels": [], "expiry_months": 121
    }))
    .merchant_error(422, "VALIDATION_ERROR");
    for f in [
        "points",
        "per_amount",
        "order_types",
        "channels",
        "expiry_months",
    ] {
        assert!(r.body["errors"][f].is_array(), "{f}: {}", r.body);
    }
    for (body, f) in [
        (json!({ "points": -1 }), "points"),
        (json!({ "points": 10_001 }), "points"),
        (json!({ "per_amount": -5 }), "per_amount"),
        (json!({ "per_amount": "0.001" }), "per_amount"),
        (json!({ "rounding": "sideways" }), "rounding"),
        (json!({ "order_types": ["takeaway"] }), "order_types"),
        (json!({ "channels": ["pos"] }), "channels"),
        (json!({ "expiry_months": 0 }), "expiry_months"),
    ] {
        let r = put(body.clone()).merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][f].is_array(), "{body}: {}", r.body);
    }
    for (body, f) in [
        (json!({ "points": "five" }), "points"),
        (json!({ "enabled": "yes" }), "enabled"),
        (json!({ "order_types": "pickup" }), "order_types"),
        (json!({ "expiry_months": "soon" }), "expiry_months"),
        (json!({ "bonus": 2 }), "bonus"),
    ] {
        let r = put(body.clone()).merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][f].is_array(), "{body}: {}", r.body);
    }
    app.send_raw("PUT", "/v1/points/rule", Some(&app.owner), "{")
        .expect(400);
    // Tokens and roles.
    crate::people::needs_a_token(&app, "PUT", "/v1/points/rule", &json!({ "points": 2 }));
    crate::people::needs_a_token(&app, "GET", "/v1/points/rule", &Value::Null);
    for role in [Role::Cashier, Role::Agent, Role::Viewer] {
        let token = app.staff_token(app.tenant, role);
        app.put("/v1/points/rule", Some(&token), &json!({ "points": 2 }))
            .merchant_error(403, "FORBIDDEN");
        app.get("/v1/points/rule", Some(&token)).expect(200);
    }
    // Another merchant's rule is their own.
    let r = app.get("/v1/points/rule", Some(&rival_owner)).expect(200);
    assert_eq!(r.body["data"]["expiry_months"], Value::Null);
    assert_eq!(r.body["data"]["currency"], json!("SGD"));
    assert_eq!(app.fingerprint(), before);
    let r = app.get("/v1/points/rule", Some(&app.owner)).expect(200);
    assert_eq!(r.body["data"]["expiry_months"], json!(12));
    // Tier multipliers are checked too.
    for m in [json!(0), json!(10.5), json!("1.555"), json!(-1)] {
        let r = app
            .post(
                "/v1/memberships/tiers",
                Some(&app.owner),
                &json!({ "name": "Gold", "points_multiplier": m }),
            )
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(
            r.body["errors"]["points_multiplier"].is_array(),
            "{}",
            r.body
        );
    }
}

fn the_portal_profile_shows_earned_points(b: Backend) {
    let app = TestApp::start(b);
    let latte = latte(&app);
    app.post(
        "/v1/memberships/tiers",
        Some(&app.owner),
        &json!({ "name": "Silver", "points_multiplier": 2 }),
    )
    .expect(201);
    let token = app.customer_token("+60123456789");
    let member = app.portal_get("/profile", Some(&token)).portal_data(200);
    assert_eq!(member["points"], json!(0));
    let id = text(&member["uuid"]);
    app.patch(
        &format!("/v1/customers/{id}"),
        Some(&app.owner),
        &json!({ "membership_tier": "Silver" }),
    )
    .expect(200);
    let order = paid_pickup(&app, &id, latte, 1, 14.90);
    complete(&app, &order).expect(200);
    let member = app.portal_get("/profile", Some(&token)).portal_data(200);
    assert_eq!(member["points"], json!(29));
    assert_eq!(member["membershipTier"]["multiplier"], json!(2.0));
}

fn racing_completions_earn_once(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let latte = latte(&app);
    let carter = customer(&app, "Carter", None);
    let order = paid_pickup(&app, &carter, latte, 2, 14.90);
    let shared = std::sync::Arc::clone(&app);
    let id = order.clone();
    let statuses = race(8, move |_| complete(&shared, &id).status);
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(earned(&app, &carter), [(29, order)]);
    assert_eq!(balance(&app, &carter), 29);
    ledger_matches_balances(&app);
}
