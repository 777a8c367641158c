//! `/v1/customers/{id}/points/{add,redeem,ledger}`: manual changes, redemptions, the ledger,
//! their refusals, and redemptions racing for one balance.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{balance, customer, ledger, ledger_matches_balances, points, text};
use crate::support::{Backend, TestApp, race};

crate::on_both_backends!(
    points_are_added_redeemed_and_listed,
    points_refusals_change_nothing,
    points_routes_need_a_token_a_role_and_the_merchants_customer,
    concurrent_redemptions_never_overdraw_a_balance,
);

fn points_are_added_redeemed_and_listed(b: Backend) {
    let app = TestApp::start(b);
    let carter = customer(&app, "Carter", None);
    let r = points(
        &app,
        &app.owner,
        &carter,
        "add",
        &json!({ "points": 100, "reason": " Purchase reward ", "reference_no": "ord_50001" }),
    )
    .expect(201);
    let d = &r.body["data"];
    assert_eq!(d["points"], json!(100));
    assert_eq!(d["kind"], json!("adjust"));
    assert_eq!(d["reason"], json!("Purchase reward"));
    assert_eq!(d["reference_no"], json!("ord_50001"));
    assert_eq!(d["balance"], json!(100));
    assert_eq!(d["customer_id"], json!(carter));
    assert_eq!(d["expires_at"], Value::Null);
    assert!(d["created_by"].is_string(), "{d}");
    // A cashier redeems at the counter (003 §10.3's body).
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let r = points(
        &app,
        &cashier,
        &carter,
        "redeem",
        &json!({ "points": 30, "reward_id": "rw_001" }),
    )
    .expect(201);
    assert_eq!(r.body["data"]["points"], json!(-30));
    assert_eq!(r.body["data"]["kind"], json!("redeem"));
    assert_eq!(r.body["data"]["reference_no"], json!("rw_001"));
    assert_eq!(r.body["data"]["reason"], json!("Reward redemption"));
    assert_eq!(r.body["data"]["balance"], json!(70));
    // A correction takes points off.
    let r = points(
        &app,
        &app.owner,
        &carter,
        "add",
        &json!({ "points": -20, "reason": "Typed twice" }),
    )
    .expect(201);
    assert_eq!(r.body["data"]["balance"], json!(50));
    assert_eq!(balance(&app, &carter), 50);

    // The ledger: newest first, each with the balance after it.
    let rows = ledger(&app, &carter);
    let seen: Vec<(i64, String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["points"].as_i64().unwrap_or_default(),
                text(&r["kind"]),
                r["balance"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (-20, "adjust".into(), 50),
            (-30, "redeem".into(), 70),
            (100, "adjust".into(), 100)
        ]
    );
    // Filters and paging.
    let path = |q: &str| format!("/v1/customers/{carter}/points/ledger?{q}");
    let r = app.get(&path("kind=redeem"), Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    assert_eq!(r.body["data"][0]["reference_no"], json!("rw_001"));
    let r = app
        .get(&path("reference_no=ord_50001"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    let r = app
        .get(&path("limit=2&page=2"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(3));
    assert_eq!(r.body["data"][0]["points"], json!(100));
    // Days are the merchant's (Kuala Lumpur): today holds all three, yesterday none.
    let zone: kedai_core::TimeZone = "Asia/Kuala_Lumpur"
        .parse()
        .unwrap_or(kedai_core::TimeZone::UTC);
    let today = zone.local_date(chrono::Utc::now());
    let yesterday = today.pred_opt().unwrap_or(today);
    let r = app
        .get(
            &path(&format!("date_from={today}&date_to={today}")),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(3));
    let r = app
        .get(&path(&format!("date_to={yesterday}")), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(0));
    // Each change is an event for webhooks, and manual ones are audited.
    let e = app
        .outbox_payload(&carter, "points.redeemed")
        .unwrap_or_else(|| panic!("no points.redeemed event"));
    assert_eq!(e["points"], json!(-30), "{e}");
    assert_eq!(e["balance"], json!(70), "{e}");
    assert_eq!(
        crate::support::platform::count(&app, "audit_log WHERE action = 'points.adjusted'"),
        2
    );
    ledger_matches_balances(&app);
}

fn points_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let carter = customer(&app, "Carter", None);
    points(
        &app,
        &app.owner,
        &carter,
        "add",
        &json!({ "points": 50, "reason": "Welcome" }),
    )
    .expect(201);
    let before = app.fingerprint();
    let add = |body: Value| points(&app, &app.owner, &carter, "add", &body);
    let redeem = |body: Value| points(&app, &app.owner, &carter, "redeem", &body);
    let field = |r: crate::support::Resp, code: &str, field: &str| {
        let r = r.merchant_error(422, code);
        assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    };
    field(
        add(json!({ "points": 0, "reason": "x" })),
        "VALIDATION_ERROR",
        "points",
    );
    field(add(json!({ "points": 10 })), "VALIDATION_ERROR", "reason");
    field(
        add(json!({ "points": 10, "reason": "  " })),
        "VALIDATION_ERROR",
        "reason",
    );
    field(
        add(json!({ "points": 10_000_001, "reason": "x" })),
        "VALIDATION_ERROR",
        "points",
    );
    field(
        add(json!({ "points": 10, "reason": "r".repeat(201) })),
        "VALIDATION_ERROR",
        "reason",
    );
    field(
        add(json!({ "points": 10, "reason": "x", "reference_no": "r".repeat(101) })),
        "VALIDATION_ERROR",
        "reference_no",
    );
    // Every bad field at once.
    let r = add(json!({ "points": 0 })).merchant_error(422, "VALIDATION_ERROR");
    assert!(r.body["errors"]["points"].is_array() && r.body["errors"]["reason"].is_array());
    // Taking off more than there is.
    field(
        add(json!({ "points": -51, "reason": "x" })),
        "INSUFFICIENT_POINTS",
        "points",
    );
    field(
        redeem(json!({ "points": 51 })),
        "INSUFFICIENT_POINTS",
        "points",
    );
    field(redeem(json!({ "points": 0 })), "VALIDATION_ERROR", "points");
    field(
        redeem(json!({ "points": -5 })),
        "VALIDATION_ERROR",
        "points",
    );
    field(
        redeem(json!({ "points": 5, "reward_id": "r".repeat(101) })),
        "VALIDATION_ERROR",
        "reward_id",
    );
    // Wrong types, missing and unknown fields, broken JSON.
    field(
        add(json!({ "points": "ten", "reason": "x" })),
        "VALIDATION_ERROR",
        "points",
    );
    field(
        add(json!({ "points": 1.5, "reason": "x" })),
        "VALIDATION_ERROR",
        "points",
    );
    field(
        add(json!({ "points": 1, "reason": 7 })),
        "VALIDATION_ERROR",
        "reason",
    );
    field(add(json!({ "reason": "x" })), "VALIDATION_ERROR", "points");
    field(
        add(json!({ "points": 1, "reason": "x", "balance": 9 })),
        "VALIDATION_ERROR",
        "balance",
    );
    field(
        redeem(json!({ "reward_id": "rw" })),
        "VALIDATION_ERROR",
        "points",
    );
    app.send_raw(
        "POST",
        &format!("/v1/customers/{carter}/points/add"),
        Some(&app.owner),
        "{",
    )
    .expect(400);
    // Bad ledger filters.
    let ledger = |q: &str| {
        app.get(
            &format!("/v1/customers/{carter}/points/ledger?{q}"),
            Some(&app.owner),
        )
    };
    for (q, f) in [
        ("kind=gift", "kind"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2026-05-02&date_to=2026-05-01", "date_to"),
        ("page=0", "page"),
        ("limit=101", "limit"),
    ] {
        let r = ledger(q).merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][f].is_array(), "{q}: {}", r.body);
    }
    assert_eq!(app.fingerprint(), before);
    assert_eq!(balance(&app, &carter), 50);
}

fn points_routes_need_a_token_a_role_and_the_merchants_customer(b: Backend) {
    let app = TestApp::start(b);
    let carter = customer(&app, "Carter", None);
    points(
        &app,
        &app.owner,
        &carter,
        "add",
        &json!({ "points": 50, "reason": "Welcome" }),
    )
    .expect(201);
    let rival = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival_owner, ..) = crate::people::signed_in(&app, rival, Role::Owner);
    let before = app.fingerprint();
    let add = json!({ "points": 5, "reason": "x" });
    let redeem = json!({ "points": 5 });
    let routes = [
        (
            "POST",
            format!("/v1/customers/{carter}/points/add"),
            add.clone(),
        ),
        (
            "POST",
            format!("/v1/customers/{carter}/points/redeem"),
            redeem.clone(),
        ),
        (
            "GET",
            format!("/v1/customers/{carter}/points/ledger"),
            Value::Null,
        ),
    ];
    for (method, path, body) in &routes {
        crate::people::needs_a_token(&app, method, path, body);
    }
    // Roles: viewers and agents read; cashiers redeem but do not adjust; managers do both.
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let agent = app.staff_token(app.tenant, Role::Agent);
    points(&app, &viewer, &carter, "add", &add).merchant_error(403, "FORBIDDEN");
    points(&app, &viewer, &carter, "redeem", &redeem).merchant_error(403, "FORBIDDEN");
    points(&app, &agent, &carter, "redeem", &redeem).merchant_error(403, "FORBIDDEN");
    points(&app, &cashier, &carter, "add", &add).merchant_error(403, "FORBIDDEN");
    app.get(&routes[2].1, Some(&viewer)).expect(200);
    app.get(&routes[2].1, Some(&agent)).expect(200);
    // Another merchant's customer is not found; so is an id that is not one.
    points(&app, &rival_owner, &carter, "add", &add).merchant_error(404, "CUSTOMER_NOT_FOUND");
    points(&app, &rival_owner, &carter, "redeem", &redeem)
        .merchant_error(404, "CUSTOMER_NOT_FOUND");
    app.get(&routes[2].1, Some(&rival_owner))
        .merchant_error(404, "CUSTOMER_NOT_FOUND");
    let unknown = uuid::Uuid::now_v7();
    points(&app, &app.owner, &unknown.to_string(), "add", &add)
        .merchant_error(404, "CUSTOMER_NOT_FOUND");
    points(&app, &app.owner, "cus_20001", "redeem", &redeem)
        .merchant_error(404, "CUSTOMER_NOT_FOUND");
    app.get("/v1/customers/cus_20001/points/ledger", Some(&app.owner))
        .merchant_error(404, "CUSTOMER_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);
    // A manager adjusts and redeems.
    let manager = app.staff_token(app.tenant, Role::Manager);
    points(&app, &manager, &carter, "add", &add).expect(201);
    points(&app, &manager, &carter, "redeem", &redeem).expect(201);
    assert_eq!(balance(&app, &carter), 50);
}

fn concurrent_redemptions_never_overdraw_a_balance(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    let carter = customer(&app, "Carter", None);
    points(
        &app,
        &app.owner,
        &carter,
        "add",
        &json!({ "points": 100, "reason": "Welcome" }),
    )
    .expect(201);
    // Twelve redemptions of 30 race for 100 points: three can succeed.
    let shared = std::sync::Arc::clone(&app);
    let who = carter.clone();
    let statuses = race(12, move |_| {
        let r = points(
            &shared,
            &shared.owner,
            &who,
            "redeem",
            &json!({ "points": 30, "reward_id": "rw_coffee" }),
        );
        if r.status == 422 {
            assert_eq!(
                r.body["error_code"],
                json!("INSUFFICIENT_POINTS"),
                "{}",
                r.body
            );
        }
        r.status
    });
    let won = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(won, 3, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 422),
        "{statuses:?}"
    );
    assert_eq!(balance(&app, &carter), 10);
    let redeemed = ledger(&app, &carter)
        .iter()
        .filter(|r| r["kind"] == json!("redeem"))
        .count();
    assert_eq!(redeemed, 3);
    ledger_matches_balances(&app);
}
