//! Campaigns (003 §15): spin-the-wheel plays within the daily limit and minimum purchase,
//! prizes as stock, single-use reward codes; refusals; races for the last prize, the daily
//! limit and one code.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{customer, paid_pickup, text};
use crate::support::platform::count;
use crate::support::{Backend, TestApp, race};

crate::on_both_backends!(
    customers_play_the_wheel_and_claim_prizes,
    campaign_refusals_change_nothing,
    racing_plays_never_over_award_or_pass_the_daily_limit,
);

fn campaign(app: &TestApp, rules: Value, prizes: Value) -> String {
    let r = app
        .post(
            "/v1/campaigns",
            Some(&app.owner),
            &json!({
                "title": "Spin & Win", "campaign_type": "game_reward", "game_type": "spin_wheel",
                "start_at": "2026-01-01T00:00:00Z", "end_at": "2099-12-31T23:59:59Z",
                "rules": rules, "prizes": prizes,
            }),
        )
        .expect(201);
    text(&r.body["data"]["id"])
}

fn play(app: &TestApp, id: &str, customer: &str) -> crate::support::Resp {
    app.post(
        &format!("/v1/campaigns/{id}/play"),
        Some(&app.owner),
        &json!({ "customer_id": customer, "source": "qr_code" }),
    )
}

fn claim(app: &TestApp, id: &str, customer: &str, code: &Value) -> crate::support::Resp {
    app.post(
        &format!("/v1/campaigns/{id}/claim"),
        Some(&app.owner),
        &json!({ "customer_id": customer, "reward_code": code }),
    )
}

fn customers_play_the_wheel_and_claim_prizes(b: Backend) {
    let app = TestApp::start(b);
    let latte = app.product(&app.owner, "Iced Latte", 14.90);
    let _ = app.stock_in(&app.owner, latte, 20, None);
    // 003 §15.2: one play a day after a purchase of 20.00; the wheel gives 50 points.
    let wheel = campaign(
        &app,
        json!({ "daily_play_limit": 1, "min_purchase": 20 }),
        json!([{ "name": "50 points", "weight": 1, "reward_type": "points", "points": 50 }]),
    );
    let carter = customer(&app, "Carter", None);
    play(&app, &wheel, &carter).merchant_error(422, "CAMPAIGN_MIN_PURCHASE");
    let order = paid_pickup(&app, &carter, latte, 2, 14.90);
    let r = play(&app, &wheel, &carter).expect(200);
    let d = &r.body["data"];
    assert_eq!(d["won"], json!(true));
    assert_eq!(d["prize"]["name"], json!("50 points"));
    assert_eq!(d["plays_left_today"], json!(0));
    assert_eq!(d["odds"], json!([{ "prize": 0, "weight": 1, "of": 1 }]));
    let code = d["reward_code"].clone();
    assert!(text(&code).starts_with("RW"), "{code}");
    play(&app, &wheel, &carter).merchant_error(409, "CAMPAIGN_PLAY_LIMIT");
    // 003 §15.4: the code claims the prize, once.
    let c = claim(&app, &wheel, &carter, &code).expect(200);
    assert_eq!(c.body["data"]["points_balance"], json!(50));
    claim(&app, &wheel, &carter, &code).merchant_error(409, "REWARD_ALREADY_CLAIMED");
    let e = app
        .outbox_payload(&wheel, "campaign.reward_claimed")
        .unwrap_or_else(|| panic!("no campaign.reward_claimed event"));
    assert_eq!(e["customer_id"], json!(carter), "{e}");
    assert_eq!(e["points"], json!(50), "{e}");
    // Completing the order earns its own points beside the prize.
    super::complete(&app, &order).expect(200);
    assert_eq!(super::balance(&app, &carter), 79);
    let r = app
        .get(&format!("/v1/campaigns/{wheel}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["prizes"][0]["won"], json!(1));
    assert_eq!(r.body["data"]["active"], json!(true));

    // Gift and coupon prizes, and a "try again" slice.
    let gift = text(
        &app.post(
            "/v1/gift-offers",
            Some(&app.owner),
            &json!({ "name": "Free Cookie", "claim_code": "COOKIE" }),
        )
        .expect(201)
        .body["data"]["id"],
    );
    app.post(
        "/v1/coupons",
        Some(&app.owner),
        &json!({ "title": "Spin prize", "code": "SPIN10", "discount_type": "percentage", "discount_value": 10 }),
    )
    .expect(201);
    let gifts = campaign(
        &app,
        json!({ "daily_play_limit": 3 }),
        json!([{ "name": "Cookie", "weight": 1, "quantity": 1, "reward_type": "gift_offer", "gift_offer_id": gift }]),
    );
    let r = play(&app, &gifts, &carter).expect(200);
    let c = claim(&app, &gifts, &carter, &r.body["data"]["reward_code"]).expect(200);
    assert!(
        text(&c.body["data"]["gift_code"]).starts_with("GF-"),
        "{}",
        c.body
    );
    // The only prize is gone: the next play wins nothing.
    let r = play(&app, &gifts, &carter).expect(200);
    assert_eq!(r.body["data"]["won"], json!(false));
    assert_eq!(r.body["data"]["reward_code"], Value::Null);
    assert_eq!(r.body["data"]["odds"], json!([]));
    let coupons = campaign(
        &app,
        json!({}),
        json!([{ "name": "10% off", "weight": 1, "reward_type": "coupon", "coupon_code": "spin10" }]),
    );
    let r = play(&app, &coupons, &carter).expect(200);
    let c = claim(&app, &coupons, &carter, &r.body["data"]["reward_code"]).expect(200);
    assert_eq!(c.body["data"]["coupon_code"], json!("SPIN10"));
    let nothing = campaign(
        &app,
        json!({}),
        json!([{ "name": "Try again", "weight": 1, "reward_type": "nothing" }]),
    );
    let r = play(&app, &nothing, &carter).expect(200);
    assert_eq!(r.body["data"]["won"], json!(false));
    let list = app.get("/v1/campaigns", Some(&app.owner)).expect(200);
    assert_eq!(list.body["meta"]["total"], json!(4));
    assert_eq!(count(&app, "campaign_plays"), 5);
}

fn campaign_refusals_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let wheel = campaign(
        &app,
        json!({ "daily_play_limit": 5 }),
        json!([{ "name": "5 points", "weight": 1, "reward_type": "points", "points": 5 }]),
    );
    let later = app
        .post(
            "/v1/campaigns",
            Some(&app.owner),
            &json!({ "title": "Later", "game_type": "spin_wheel", "start_at": "2098-01-01T00:00:00Z",
                     "end_at": "2099-01-01T00:00:00Z",
                     "prizes": [{ "name": "x", "weight": 1, "reward_type": "nothing" }] }),
        )
        .expect(201);
    let later = text(&later.body["data"]["id"]);
    let carter = customer(&app, "Carter", None);
    let dee = customer(&app, "Dee", None);
    let won = play(&app, &wheel, &carter).expect(200);
    let code = won.body["data"]["reward_code"].clone();
    let rival = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival_owner, ..) = crate::people::signed_in(&app, rival, Role::Owner);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let before = app.fingerprint();

    let create = |body: Value| app.post("/v1/campaigns", Some(&app.owner), &body);
    let base = json!({ "title": "X", "game_type": "spin_wheel", "start_at": "2026-01-01T00:00:00Z",
                       "end_at": "2099-01-01T00:00:00Z",
                       "prizes": [{ "name": "p", "weight": 1, "reward_type": "nothing" }] });
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("title", json!(" ")), "title"),
        (with("end_at", json!("2025-01-01T00:00:00Z")), "end_at"),
        (with("prizes", json!([])), "prizes"),
        (
            with(
                "prizes",
                json!([{ "name": "p", "weight": 0, "reward_type": "nothing" }]),
            ),
            "prizes",
        ),
        (
            with(
                "prizes",
                json!([{ "name": "p", "weight": 1, "reward_type": "points" }]),
            ),
            "prizes",
        ),
        (
            with(
                "prizes",
                json!([{ "name": "p", "weight": 1, "quantity": -1, "reward_type": "nothing" }]),
            ),
            "prizes",
        ),
        (
            with(
                "prizes",
                json!([{ "name": "p", "weight": 1, "reward_type": "jackpot" }]),
            ),
            "prizes[0].reward_type",
        ),
        (
            with(
                "prizes",
                json!([{ "name": "p", "weight": 1, "reward_type": "coupon", "coupon_code": "NOPE" }]),
            ),
            "prizes[0].coupon_code",
        ),
        (
            with(
                "prizes",
                json!([{ "name": "p", "weight": 1, "reward_type": "gift_offer", "gift_offer_id": uuid::Uuid::now_v7().to_string() }]),
            ),
            "prizes[0].gift_offer_id",
        ),
        (
            with("rules", json!({ "daily_play_limit": 0 })),
            "rules.daily_play_limit",
        ),
        (
            with("rules", json!({ "min_purchase": -1 })),
            "rules.min_purchase",
        ),
        (with("outlet_ids", json!(["out_101"])), "outlet_ids"),
        (with("game_type", json!("slot_machine")), "game_type"),
        (with("start_at", json!("tomorrow")), "start_at"),
        (with("prizes", json!("all")), "prizes"),
        (with("bonus", json!(1)), "bonus"),
    ] {
        let r = create(body.clone()).merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    app.send_raw("POST", "/v1/campaigns", Some(&app.owner), "{")
        .expect(400);
    // Plays and claims.
    play(&app, &later, &carter).merchant_error(409, "CAMPAIGN_NOT_ACTIVE");
    play(&app, &wheel, "cus_20001").merchant_error(404, "CUSTOMER_NOT_FOUND");
    play(&app, &uuid::Uuid::now_v7().to_string(), &carter)
        .merchant_error(404, "CAMPAIGN_NOT_FOUND");
    claim(&app, &wheel, &carter, &json!("RWNOTACODE")).merchant_error(422, "REWARD_CODE_INVALID");
    claim(&app, &wheel, &dee, &code).merchant_error(422, "REWARD_CODE_INVALID");
    app.post(
        &format!("/v1/campaigns/{wheel}/play"),
        Some(&app.owner),
        &json!({ "source": "app" }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    for path in [
        "/v1/campaigns".to_owned(),
        format!("/v1/campaigns/{wheel}/play"),
        format!("/v1/campaigns/{wheel}/claim"),
    ] {
        crate::people::needs_a_token(&app, "POST", &path, &json!({ "customer_id": carter }));
    }
    crate::people::needs_a_token(&app, "GET", &format!("/v1/campaigns/{wheel}"), &Value::Null);
    app.post("/v1/campaigns", Some(&viewer), &base)
        .merchant_error(403, "FORBIDDEN");
    app.post(
        &format!("/v1/campaigns/{wheel}/play"),
        Some(&viewer),
        &json!({ "customer_id": carter }),
    )
    .merchant_error(403, "FORBIDDEN");
    app.get(&format!("/v1/campaigns/{wheel}"), Some(&rival_owner))
        .merchant_error(404, "CAMPAIGN_NOT_FOUND");
    play(&app, &wheel, &carter).expect(200);
    let after_play = app.fingerprint();
    assert_ne!(before, after_play);
    app.post(
        &format!("/v1/campaigns/{wheel}/play"),
        Some(&rival_owner),
        &json!({ "customer_id": carter }),
    )
    .merchant_error(404, "CAMPAIGN_NOT_FOUND");
    assert_eq!(app.fingerprint(), after_play);
    assert_eq!(
        count(&app, "campaign_plays WHERE claimed_at IS NOT NULL"),
        0
    );
}

fn racing_plays_never_over_award_or_pass_the_daily_limit(b: Backend) {
    let app = std::sync::Arc::new(TestApp::start(b));
    // Two of the only prize, eight customers spinning at once.
    let scarce = campaign(
        &app,
        json!({}),
        json!([{ "name": "Last latte", "weight": 1, "quantity": 2, "reward_type": "points", "points": 10 }]),
    );
    let people: Vec<String> = (0..8)
        .map(|i| customer(&app, &format!("P{i}"), None))
        .collect();
    let shared = std::sync::Arc::clone(&app);
    let (id, who) = (scarce.clone(), people.clone());
    let wins = race(8, move |i| {
        let r = play(&shared, &id, &who[i]).expect(200);
        r.body["data"]["won"] == json!(true)
    });
    assert_eq!(wins.iter().filter(|w| **w).count(), 2, "{wins:?}");
    let r = app
        .get(&format!("/v1/campaigns/{scarce}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["prizes"][0]["won"], json!(2));
    // One customer, two plays a day, eight at once.
    let twice = campaign(
        &app,
        json!({ "daily_play_limit": 2 }),
        json!([{ "name": "1 point", "weight": 1, "reward_type": "points", "points": 1 }]),
    );
    let shared = std::sync::Arc::clone(&app);
    let (id, who) = (twice.clone(), people[0].clone());
    let statuses = race(8, move |_| play(&shared, &id, &who).status);
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    // The scarce wheel is empty now: plays win nothing.
    let late = customer(&app, "Late", None);
    let won = play(&app, &scarce, &late).expect(200);
    assert_eq!(won.body["data"]["won"], json!(false));
    // One code claimed by six tills: once.
    let fresh = campaign(
        &app,
        json!({}),
        json!([{ "name": "3 points", "weight": 1, "reward_type": "points", "points": 3 }]),
    );
    let r = play(&app, &fresh, &people[1]).expect(200);
    let code = r.body["data"]["reward_code"].clone();
    let shared = std::sync::Arc::clone(&app);
    let who = people[1].clone();
    let statuses = race(6, move |_| claim(&shared, &fresh, &who, &code).status);
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(super::balance(&app, &people[1]), 3);
}
