//! Tiers by spend (003 §10.1): a member's tier follows their qualifying spend — completed
//! orders less refunds over the tier's period — up and down; free tiers are joined on the
//! portal (`POST /membership/enroll`); bought tiers are kept.

use serde_json::{Value, json};

use super::{complete, paid_pickup, text};
use crate::support::platform::count;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    a_members_tier_follows_their_spend,
    enrolment_refusals_change_nothing,
);

fn tier(app: &TestApp, body: &Value) -> i64 {
    let r = app
        .post("/v1/memberships/tiers", Some(&app.owner), body)
        .expect(201);
    text(&r.body["data"]["id"]).parse().unwrap_or_default()
}

fn tier_name(app: &TestApp, token: &str) -> Value {
    app.portal_get("/profile", Some(token)).portal_data(200)["membershipTier"]["name"].clone()
}

fn a_members_tier_follows_their_spend(b: Backend) {
    let app = TestApp::start(b);
    let latte = app.product(&app.owner, "Iced Latte", 14.90);
    let _ = app.stock_in(&app.owner, latte, 100, None);
    let bronze = tier(&app, &json!({ "name": "Bronze" }));
    tier(&app, &json!({ "name": "Silver", "min_spend": 50 }));
    tier(
        &app,
        &json!({ "name": "Gold", "min_spend": 100, "valid_period_value": 6 }),
    );
    let token = app.customer_token("+60123000001");
    let member = app.portal_get("/profile", Some(&token)).portal_data(200);
    let id = text(&member["uuid"]);
    assert_eq!(member["membershipTier"], Value::Null);

    // Below every minimum and not a member: no tier.
    let o = paid_pickup(&app, &id, latte, 2, 14.90);
    complete(&app, &o).expect(200);
    assert_eq!(tier_name(&app, &token), Value::Null);
    // Joining the free tier on the storefront.
    let r = app
        .portal_post(
            "/membership/enroll",
            Some(&token),
            &json!({ "tierId": bronze }),
        )
        .portal_data(200);
    assert_eq!(r["membershipId"], json!(id));
    assert_eq!(tier_name(&app, &token), json!("Bronze"));
    // Again: nothing changes.
    app.portal_post(
        "/membership/enroll",
        Some(&token),
        &json!({ "tierId": bronze.to_string() }),
    )
    .portal_data(200);
    assert_eq!(count(&app, "tier_changes"), 1);

    // 29.80 + 59.60 = 89.40 reaches Silver; 89.40 + 29.80 = 119.20 reaches Gold.
    let second = paid_pickup(&app, &id, latte, 4, 14.90);
    complete(&app, &second).expect(200);
    assert_eq!(tier_name(&app, &token), json!("Silver"));
    let third = paid_pickup(&app, &id, latte, 2, 14.90);
    complete(&app, &third).expect(200);
    assert_eq!(tier_name(&app, &token), json!("Gold"));
    let e = app
        .outbox_payload(&id, "customer.tier_changed")
        .unwrap_or_else(|| panic!("no customer.tier_changed event"));
    assert_eq!(e["from"], Value::Null, "{e}");
    assert_eq!(e["to"], json!("Bronze"), "{e}");
    assert_eq!(e["reason"], json!("enroll"), "{e}");
    // A refund of 30.00 leaves 89.20: back to Silver, in the refund's transaction.
    app.post(
        &format!("/v1/orders/{second}/refunds"),
        Some(&app.owner),
        &json!({ "amount": 30 }),
    )
    .expect(201);
    assert_eq!(tier_name(&app, &token), json!("Silver"));
    let r = app
        .get(&format!("/v1/customers/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["membership_tier"], json!("Silver"));

    // Gold counts six months, merchant-local: an order completed seven months ago drops out.
    let ago = if app.database_url().starts_with("postgres") {
        "CURRENT_TIMESTAMP - INTERVAL '7 months'"
    } else {
        "datetime('now', '-7 months')"
    };
    app.sabotage(&format!(
        "UPDATE orders SET completed_at = {ago} WHERE id = '{third}'"
    ));
    let fourth = paid_pickup(&app, &id, latte, 3, 14.90);
    complete(&app, &fourth).expect(200);
    // Gold (6 months) without the third order: 29.80 + 29.60 + 44.70 = 104.10.
    assert_eq!(tier_name(&app, &token), json!("Gold"));
    app.sabotage(&format!(
        "UPDATE orders SET completed_at = {ago} WHERE id IN ('{second}', '{fourth}')"
    ));
    app.post(
        &format!("/v1/orders/{o}/refunds"),
        Some(&app.owner),
        &json!({ "amount": 0.01 }),
    )
    .expect(201);
    // Six months back only the first order (29.79) counts; twelve months back, all: Silver.
    assert_eq!(tier_name(&app, &token), json!("Silver"));
    // Up to Silver, Gold; down to Silver; up to Gold; down to Silver.
    assert_eq!(count(&app, "tier_changes WHERE reason = 'spend'"), 5);
}

fn enrolment_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let silver = tier(&app, &json!({ "name": "Silver", "min_spend": 50 }));
    let vip = tier(&app, &json!({ "name": "VIP", "price": 99 }));
    let token = app.customer_token("+60123000002");
    let before = app.fingerprint();
    let enroll = |body: Value| app.portal_post("/membership/enroll", Some(&token), &body);
    enroll(json!({ "tierId": silver })).portal_error(422, "TIER_NOT_QUALIFIED");
    enroll(json!({ "tierId": vip })).portal_error(422, "TIER_PAYMENT_REQUIRED");
    enroll(json!({ "tierId": 999_999 })).portal_error(404, "TIER_NOT_FOUND");
    enroll(json!({ "tierId": "gold" })).portal_error(422, "VALIDATION_ERROR");
    enroll(json!({})).portal_error(422, "VALIDATION_ERROR");
    app.portal_post(
        "/membership/enroll-paid",
        Some(&token),
        &json!({ "tierId": vip, "paymentIntentId": "pi_1" }),
    )
    .portal_error(422, "TIER_PAYMENT_UNAVAILABLE");
    for path in ["/membership/enroll", "/membership/enroll-paid"] {
        app.portal_post(path, None, &json!({ "tierId": silver }))
            .portal_error(401, "AUTH_REQUIRED");
        app.portal_post(path, Some("not.a.token"), &json!({ "tierId": silver }))
            .portal_error(401, "AUTH_TOKEN_INVALID");
    }
    // Another merchant's tier is not found.
    let rival = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival_owner, ..) = crate::people::signed_in(&app, rival, kedai_identity::Role::Owner);
    let theirs = app
        .post(
            "/v1/memberships/tiers",
            Some(&rival_owner),
            &json!({ "name": "Free" }),
        )
        .expect(201);
    let before_rival = app.fingerprint();
    enroll(json!({ "tierId": text(&theirs.body["data"]["id"]) }))
        .portal_error(404, "TIER_NOT_FOUND");
    assert_eq!(app.fingerprint(), before_rival);
    assert_ne!(before, before_rival);
    assert_eq!(count(&app, "tier_changes"), 0);
    // A member holding a bought tier keeps it: enrolling in a free one is refused.
    let id = text(&app.portal_get("/profile", Some(&token)).portal_data(200)["uuid"]);
    app.patch(
        &format!("/v1/customers/{id}"),
        Some(&app.owner),
        &json!({ "membership_tier": "VIP" }),
    )
    .expect(200);
    let free = tier(&app, &json!({ "name": "Friends" }));
    enroll(json!({ "tierId": free })).portal_error(409, "TIER_PAID_HELD");
    assert_eq!(tier_name(&app, &token), json!("VIP"));
}
