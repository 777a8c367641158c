//! Gift offers (004 gifts; contract §9): the merchant defines them under `/v1/gift-offers`;
//! members redeem them for points or claim them with a code on the portal; staff use the
//! single-use code at the counter. Quotas and points hold under races.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::text;
use crate::support::platform::count;
use crate::support::portal::bare_array;
use crate::support::{Backend, TestApp, race};

crate::on_both_backends!(
    members_redeem_and_claim_gifts_and_staff_use_them,
    gift_refusals_change_nothing,
    racing_redemptions_never_pass_a_quota_or_a_balance,
);

fn offer(app: &TestApp, body: &Value) -> String {
    let r = app
        .post("/v1/gift-offers", Some(&app.owner), body)
        .expect(201);
    text(&r.body["data"]["id"])
}

/// A member with a token and `points` points: (token, customer id).
fn member(app: &TestApp, phone: &str, points: i64) -> (String, String) {
    let token = app.customer_token(phone);
    let id = text(&app.portal_get("/profile", Some(&token)).portal_data(200)["uuid"]);
    if points > 0 {
        app.post(
            &format!("/v1/customers/{id}/points/add"),
            Some(&app.owner),
            &json!({ "points": points, "reason": "Welcome" }),
        )
        .expect(201);
    }
    (token, id)
}

fn balance(app: &TestApp, token: &str) -> i64 {
    app.portal_get("/profile", Some(token)).portal_data(200)["points"]
        .as_i64()
        .unwrap_or(-1)
}

fn redeem(app: &TestApp, token: &str, offer: &str) -> crate::support::Resp {
    app.portal_send(
        "POST",
        &format!("/gifts/offers/{offer}/redeem"),
        Some(token),
        "",
    )
}

fn members_redeem_and_claim_gifts_and_staff_use_them(b: Backend) {
    let app = TestApp::start(b);
    let latte = offer(
        &app,
        &json!({ "name": "Free Iced Latte", "points": 100, "face_value": 14.90, "face_value_type": "AMOUNT",
                 "expiry_days": 30, "quota": 2, "quota_per_member": 1 }),
    );
    // The storefront lists it for anyone, in the client's shape.
    let page = app.portal_get("/gifts/offers", None).portal_data(200);
    assert_eq!(page["total"], json!(1));
    assert_eq!(
        (page["limit"].clone(), page["offset"].clone()),
        (json!(20), json!(0))
    );
    let o = &page["items"][0];
    assert_eq!(o["name"], json!("Free Iced Latte"));
    assert_eq!(o["points"], json!(100));
    assert_eq!(o["faceValue"], json!(14.9));
    assert_eq!(o["faceValueType"], json!("AMOUNT"));
    assert_eq!(o["expiryPeriod"], json!("30"));
    assert_eq!(o["expiryPeriodUnit"], json!("days"));
    assert_eq!(o["quota"], json!(2));
    assert_eq!(o["isRedeemable"], json!(true));
    // Signed in, it is the member's: not for 50 points, yes for 250.
    let (poor, _) = member(&app, "+60123000010", 50);
    let one = app
        .portal_get(&format!("/gifts/offers/{latte}"), Some(&poor))
        .portal_data(200);
    assert_eq!(one["isRedeemable"], json!(false));
    let r = app
        .get(&format!("/v1/gift-offers/{latte}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["face_value"], json!(14.9));
    assert_eq!(r.body["data"]["redeemed_count"], json!(0));
    let (amy, amy_id) = member(&app, "+60123000011", 250);
    let one = app
        .portal_get(&format!("/gifts/offers/{latte}"), Some(&amy))
        .portal_data(200);
    assert_eq!(one["isRedeemable"], json!(true));

    // Amy redeems with an empty body: 100 points for a single-use code valid 30 local days.
    let r = redeem(&app, &amy, &latte).portal_data(200);
    assert_eq!(r["status"], json!("VALID"));
    assert_eq!(r["points"], json!(100));
    let code = text(&r["couponCode"]);
    assert!(code.starts_with("GF-") && code.len() == 13, "{code}");
    let zone: kedai_core::TimeZone = "Asia/Kuala_Lumpur"
        .parse()
        .unwrap_or(kedai_core::TimeZone::UTC);
    let last = zone
        .local_date(chrono::Utc::now())
        .checked_add_days(chrono::Days::new(30))
        .map(|d| d.to_string());
    assert_eq!(r["expiresAt"].as_str().map(str::to_owned), last);
    assert_eq!(r["giftOffer"]["name"], json!("Free Iced Latte"));
    assert_eq!(balance(&app, &amy), 150);
    // Once per member.
    redeem(&app, &amy, &latte).portal_error(409, "GIFT_MEMBER_QUOTA");
    assert_eq!(balance(&app, &amy), 150);
    // Ben takes the last one; Cat finds none left.
    let (ben, _) = member(&app, "+60123000012", 100);
    let ben_r = redeem(&app, &ben, &latte).portal_data(200);
    let (cat, _) = member(&app, "+60123000013", 500);
    redeem(&app, &cat, &latte).portal_error(409, "GIFT_SOLD_OUT");
    assert_eq!(balance(&app, &cat), 500);

    // Amy's redemptions.
    let list = app
        .portal_get("/gifts/redemptions", Some(&amy))
        .portal_data(200);
    assert_eq!(list["total"], json!(1));
    assert_eq!(list["items"][0]["couponCode"], json!(code));
    let valid = app
        .portal_get("/gifts/redemptions?status=valid", Some(&amy))
        .portal_data(200);
    assert_eq!(valid["items"].as_array().map(Vec::len), Some(1));
    let used = app
        .portal_get("/gifts/redemptions?status=used", Some(&amy))
        .portal_data(200);
    assert_eq!(used["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(used["total"], json!(0));
    let id = text(&r["id"]);
    app.portal_get(&format!("/gifts/redemptions/{id}"), Some(&amy))
        .portal_data(200);
    app.portal_get(&format!("/gifts/redemptions/{id}"), Some(&ben))
        .portal_error(404, "REDEMPTION_NOT_FOUND");

    // A cashier uses Amy's code, once.
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let used = app
        .post(
            "/v1/gift-redemptions/use",
            Some(&cashier),
            &json!({ "code": code.to_lowercase() }),
        )
        .expect(200);
    assert_eq!(used.body["data"]["status"], json!("USED"));
    assert_eq!(used.body["data"]["customer_id"], json!(amy_id));
    app.post(
        "/v1/gift-redemptions/use",
        Some(&cashier),
        &json!({ "code": code }),
    )
    .merchant_error(409, "REDEMPTION_NOT_USABLE");
    let r = app
        .portal_get(&format!("/gifts/redemptions/{id}"), Some(&amy))
        .portal_data(200);
    assert_eq!(r["status"], json!("USED"));
    app.portal_send(
        "POST",
        &format!("/gifts/redemptions/{id}/fulfill"),
        Some(&amy),
        "",
    )
    .portal_error(409, "REDEMPTION_NOT_USABLE");
    // Ben has his fulfilled, then used.
    let ben_id = text(&ben_r["id"]);
    let f = app
        .portal_send(
            "POST",
            &format!("/gifts/redemptions/{ben_id}/fulfill"),
            Some(&ben),
            "",
        )
        .portal_data(200);
    assert_eq!(f["status"], json!("FULFILLED"));
    assert_eq!(f["fulfillmentMethod"], json!("self"));
    app.post(
        "/v1/gift-redemptions/use",
        Some(&cashier),
        &json!({ "code": ben_r["couponCode"] }),
    )
    .expect(200);

    // A gift claimed with a code from a link: no points.
    offer(
        &app,
        &json!({ "name": "Birthday Cake", "claim_code": "cake-2026", "quota_per_member": 1 }),
    );
    let c = app
        .portal_post("/gifts/claim", Some(&cat), &json!({ "code": "CAKE-2026" }))
        .portal_data(200);
    assert_eq!(c["points"], Value::Null);
    assert_eq!(c["giftOffer"]["name"], json!("Birthday Cake"));
    app.portal_post(
        "/gifts/claim",
        Some(&cat),
        &json!({ "claimToken": "cake-2026" }),
    )
    .portal_error(409, "GIFT_MEMBER_QUOTA");
    app.portal_post(
        "/gifts/claim",
        Some(&ben),
        &json!({ "claimToken": "cake-2026" }),
    )
    .portal_data(200);
    assert_eq!(balance(&app, &cat), 500);
    // Past its last day a valid redemption reads, lists and counts as expired.
    app.sabotage(&format!(
        "UPDATE gift_redemptions SET expires_on = '2020-01-01' WHERE code = '{}'",
        text(&c["couponCode"])
    ));
    let expired = app
        .portal_get("/gifts/redemptions?status=expired", Some(&cat))
        .portal_data(200);
    assert_eq!(expired["total"], json!(1));
    assert_eq!(expired["items"][0]["status"], json!("EXPIRED"));
    let valid = app
        .portal_get("/gifts/redemptions?status=VALID", Some(&cat))
        .portal_data(200);
    assert_eq!(valid["total"], json!(0));
    // The merchant sees the counts.
    let r = app.get("/v1/gift-offers", Some(&app.owner)).expect(200);
    let rows = r.body["data"].as_array().cloned().unwrap_or_default();
    let counted: Vec<(String, i64)> = rows
        .iter()
        .map(|o| (text(&o["name"]), o["redeemed_count"].as_i64().unwrap_or(-1)))
        .collect();
    assert_eq!(
        counted,
        [
            ("Birthday Cake".to_owned(), 2),
            ("Free Iced Latte".to_owned(), 2)
        ]
    );
    assert_eq!(count(&app, "points_ledger WHERE kind = 'redeem'"), 2);
}

fn gift_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let latte = offer(&app, &json!({ "name": "Latte", "points": 100 }));
    let coded = offer(&app, &json!({ "name": "Cake", "claim_code": "CAKE" }));
    let (poor, _) = member(&app, "+60123000021", 99);
    let rival = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival_owner, ..) = crate::people::signed_in(&app, rival, Role::Owner);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let agent = app.staff_token(app.tenant, Role::Agent);
    let before = app.fingerprint();

    // The portal.
    redeem(&app, &poor, &latte).portal_error(422, "INSUFFICIENT_POINTS");
    redeem(&app, &poor, &coded).portal_error(409, "GIFT_NOT_FOR_POINTS");
    redeem(&app, &poor, &uuid::Uuid::now_v7().to_string())
        .portal_error(404, "GIFT_OFFER_NOT_FOUND");
    redeem(&app, &poor, "rw_001").portal_error(404, "GIFT_OFFER_NOT_FOUND");
    app.portal_send("POST", &format!("/gifts/offers/{latte}/redeem"), None, "")
        .portal_error(401, "AUTH_REQUIRED");
    app.portal_post("/gifts/claim", Some(&poor), &json!({ "code": "NOPE" }))
        .portal_error(422, "GIFT_CODE_INVALID");
    app.portal_post("/gifts/claim", Some(&poor), &json!({}))
        .portal_error(422, "VALIDATION_ERROR");
    app.portal_post("/gifts/claim", None, &json!({ "code": "CAKE" }))
        .portal_error(401, "AUTH_REQUIRED");
    app.portal_get("/gifts/redemptions", None)
        .portal_error(401, "AUTH_REQUIRED");
    app.portal_get("/gifts/redemptions?status=lost", Some(&poor))
        .portal_error(422, "VALIDATION_ERROR");
    app.portal_get("/gifts/offers?limit=0", None)
        .portal_error(422, "VALIDATION_ERROR");
    app.portal_get("/gifts/offers?offset=-1", None)
        .portal_error(422, "VALIDATION_ERROR");
    app.portal_get("/gifts/redemptions/nope", Some(&poor))
        .portal_error(404, "REDEMPTION_NOT_FOUND");

    // The merchant.
    let create = |body: Value| app.post("/v1/gift-offers", Some(&app.owner), &body);
    for (body, field) in [
        (json!({ "points": 10 }), "name"),
        (json!({ "name": "X" }), "points"),
        (json!({ "name": "X", "points": 0 }), "points"),
        (json!({ "name": "X", "points": -5 }), "points"),
        (json!({ "name": "X", "points": "ten" }), "points"),
        (json!({ "name": "X", "points": 1, "quota": -1 }), "quota"),
        (
            json!({ "name": "X", "points": 1, "quota_per_member": -1 }),
            "quotaPerMember",
        ),
        (
            json!({ "name": "X", "points": 1, "face_value": 5 }),
            "faceValueType",
        ),
        (
            json!({ "name": "X", "points": 1, "face_value": 101, "face_value_type": "PERCENTAGE" }),
            "faceValue",
        ),
        (
            json!({ "name": "X", "points": 1, "face_value_type": "GOLD" }),
            "face_value_type",
        ),
        (
            json!({ "name": "X", "points": 1, "expiry_days": 0 }),
            "expiryPeriod",
        ),
        (
            json!({ "name": "X", "points": 1, "membership_tier_id": 999 }),
            "membershipTierId",
        ),
        (
            json!({ "name": "X", "points": 1, "start_at": "2026-05-02T00:00:00Z", "end_at": "2026-05-01T00:00:00Z" }),
            "endDate",
        ),
        (
            json!({ "name": "X", "points": 1, "claim_code": "has space" }),
            "claimCode",
        ),
        (
            json!({ "name": "X", "points": 1, "status": "paused" }),
            "status",
        ),
        (json!({ "name": "X", "points": 1, "stock": 3 }), "stock"),
    ] {
        let r = create(body.clone()).merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    create(json!({ "name": "Other cake", "claim_code": "cake" }))
        .merchant_error(409, "GIFT_CODE_TAKEN");
    app.send_raw("POST", "/v1/gift-offers", Some(&app.owner), "{")
        .expect(400);
    crate::people::needs_a_token(
        &app,
        "POST",
        "/v1/gift-offers",
        &json!({ "name": "X", "points": 1 }),
    );
    crate::people::needs_a_token(&app, "GET", "/v1/gift-offers", &Value::Null);
    crate::people::needs_a_token(
        &app,
        "POST",
        "/v1/gift-redemptions/use",
        &json!({ "code": "GF-1" }),
    );
    create(json!({ "name": "X", "points": 1 })).expect(201);
    let before_x = app.fingerprint();
    app.post(
        "/v1/gift-offers",
        Some(&viewer),
        &json!({ "name": "Y", "points": 1 }),
    )
    .merchant_error(403, "FORBIDDEN");
    app.patch(
        &format!("/v1/gift-offers/{latte}"),
        Some(&agent),
        &json!({ "points": 1 }),
    )
    .merchant_error(403, "FORBIDDEN");
    app.post(
        "/v1/gift-redemptions/use",
        Some(&agent),
        &json!({ "code": "GF-1" }),
    )
    .merchant_error(403, "FORBIDDEN");
    app.post(
        "/v1/gift-redemptions/use",
        Some(&app.owner),
        &json!({ "code": "GF-NOTACODE" }),
    )
    .merchant_error(404, "REDEMPTION_NOT_FOUND");
    app.get(&format!("/v1/gift-offers/{latte}"), Some(&rival_owner))
        .merchant_error(404, "GIFT_OFFER_NOT_FOUND");
    app.patch(
        &format!("/v1/gift-offers/{latte}"),
        Some(&rival_owner),
        &json!({ "points": 1 }),
    )
    .merchant_error(404, "GIFT_OFFER_NOT_FOUND");
    app.get("/v1/gift-offers/nope", Some(&app.owner))
        .merchant_error(404, "GIFT_OFFER_NOT_FOUND");
    app.patch(
        &format!("/v1/gift-offers/{latte}"),
        Some(&app.owner),
        &json!({ "claim_code": "cake" }),
    )
    .merchant_error(409, "GIFT_CODE_TAKEN");
    assert_eq!(app.fingerprint(), before_x);
    assert_ne!(before, before_x);
    assert_eq!(count(&app, "gift_redemptions"), 0);
    assert_eq!(count(&app, "gift_offers WHERE redeemed_count > 0"), 0);
    // A withdrawn offer is not listed, and cannot be redeemed.
    app.patch(
        &format!("/v1/gift-offers/{latte}"),
        Some(&app.owner),
        &json!({ "status": "inactive", "points": 50 }),
    )
    .expect(200);
    let page = app
        .portal_get("/gifts/offers", Some(&poor))
        .portal_data(200);
    let names: Vec<String> = bare_array(&page["items"])
        .iter()
        .map(|o| text(&o["name"]))
        .collect();
    assert!(!names.contains(&"Latte".to_owned()), "{names:?}");
    redeem(&app, &poor, &latte).portal_error(409, "GIFT_NOT_AVAILABLE");
}

fn racing_redemptions_never_pass_a_quota_or_a_balance(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    // Three in all, eight members racing.
    let scarce = offer(&app, &json!({ "name": "Scarce", "points": 10, "quota": 3 }));
    let tokens: Vec<String> = (0..8)
        .map(|i| member(&app, &format!("+6012300010{i}"), 100).0)
        .collect();
    let shared = std::sync::Arc::clone(&app);
    let id = scarce.clone();
    let statuses = race(8, move |i| redeem(&shared, &tokens[i], &id).status);
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        3,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(count(&app, "gift_redemptions"), 3);
    // One member racing for two per member, and for a balance of 250 at 100 each.
    let twice = offer(
        &app,
        &json!({ "name": "Twice", "points": 100, "quota_per_member": 2 }),
    );
    let (dan, _) = member(&app, "+60123000199", 250);
    let shared = std::sync::Arc::clone(&app);
    let (t, o) = (dan.clone(), twice.clone());
    let statuses = race(10, move |_| redeem(&shared, &t, &o).status);
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 409, 422].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(balance(&app, &dan), 50);
    let list = app
        .portal_get("/gifts/redemptions", Some(&dan))
        .portal_data(200);
    assert_eq!(list["total"], json!(2));
    // Tills racing to use one code: one wins.
    let code = text(&list["items"][0]["couponCode"]);
    let shared = std::sync::Arc::clone(&app);
    let statuses = race(6, move |_| {
        shared
            .post(
                "/v1/gift-redemptions/use",
                Some(&shared.owner),
                &json!({ "code": code }),
            )
            .status
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    super::ledger_matches_balances(&app);
}
