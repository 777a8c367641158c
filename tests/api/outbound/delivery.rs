//! Events reach subscribed endpoints, signed, once per delivery id, through failures and
//! outages; the delivery log, redelivery and the ping.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{eventually, fast, place_order, register, text};
use crate::support::standins::StandIn;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    a_signed_order_created_arrives_within_a_second,
    failed_attempts_are_retried_and_logged_and_each_delivery_succeeds_once,
    a_receiver_down_for_a_while_gets_everything_when_back,
    filters_and_switched_off_endpoints_are_respected,
    redelivery_and_ping,
    a_receiver_that_never_recovers_is_given_up,
);

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn a_signed_order_created_arrives_within_a_second(b: Backend) {
    let app = TestApp::start_outbound(b, fast(), true);
    let receiver = StandIn::start("{}");
    let (endpoint, secret) = register(&app, &format!("{}/hooks", receiver.url), &["order.created"]);
    assert!(
        secret.starts_with("whsec_") && secret.len() == 70,
        "{secret}"
    );
    let placed = Instant::now();
    let order = place_order(&app);
    let got = receiver.wait_for(Duration::from_secs(10), |r| !r.is_empty());
    let took = placed.elapsed();
    assert!(took < Duration::from_secs(1), "order.created took {took:?}");
    let hit = &got[0];
    assert_eq!(hit.path, "/hooks");
    assert_eq!(hit.header("x-kedai-event"), "order.created");
    assert_eq!(hit.header("content-type"), "application/json");
    kedai_webhooks::verify(
        hit.header("x-kedai-signature"),
        &secret,
        hit.body.as_bytes(),
        now(),
        300,
    )
    .unwrap_or_else(|e| panic!("signature: {e}"));
    assert!(
        kedai_webhooks::verify(
            hit.header("x-kedai-signature"),
            "whsec_other",
            hit.body.as_bytes(),
            now(),
            300
        )
        .is_err()
    );
    let body = hit.json();
    assert_eq!(body["event"], json!("order.created"));
    assert_eq!(body["id"], json!(hit.header("x-kedai-event-id")));
    assert_eq!(body["data"]["order_id"], json!(order));
    assert!(
        body["data"]["order_number"]
            .as_str()
            .is_some_and(|n| n.starts_with("ORD-"))
    );
    assert!(
        body["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    // The delivery log shows it.
    let delivery = hit.header("x-kedai-delivery").to_owned();
    eventually(Duration::from_secs(5), "delivery logged", || {
        let r = app
            .get(
                &format!("/v1/webhooks/{endpoint}/deliveries"),
                Some(&app.owner),
            )
            .expect(200);
        r.body["data"][0]["status"] == json!("succeeded")
    });
    let r = app
        .get(
            &format!("/v1/webhooks/{endpoint}/deliveries/{delivery}"),
            Some(&app.owner),
        )
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(d["id"], json!(delivery));
    assert_eq!(d["event_type"], json!("order.created"));
    assert_eq!(d["attempts"], json!(1));
    assert_eq!(d["response_code"], json!(200));
    assert_eq!(d["body"], body);
    assert_eq!(d["attempt_log"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["attempt_log"][0]["response_code"], json!(200));
    assert!(d["latency_ms"].as_u64().is_some());
}

fn failed_attempts_are_retried_and_logged_and_each_delivery_succeeds_once(b: Backend) {
    let app = TestApp::start_outbound(b, fast(), true);
    let receiver = StandIn::start("{\"ok\":true}");
    let (endpoint, secret) = register(&app, &receiver.url, &["*"]);
    receiver.fail_next(2);
    let order = place_order(&app);
    let got = receiver.wait_for(Duration::from_secs(20), |r| {
        r.iter().any(|x| x.answered == 200)
    });
    assert_eq!(got.len(), 3, "two failures then a success");
    // Every attempt carries the same delivery and event ids and body, re-signed each time.
    let delivery = got[0].header("x-kedai-delivery");
    assert!(got.iter().all(|r| r.header("x-kedai-delivery") == delivery));
    assert!(got.iter().all(|r| r.body == got[0].body));
    for r in &got {
        kedai_webhooks::verify(
            r.header("x-kedai-signature"),
            &secret,
            r.body.as_bytes(),
            now(),
            300,
        )
        .unwrap_or_else(|e| panic!("signature: {e}"));
    }
    assert_eq!(got[0].json()["data"]["order_id"], json!(order));
    // Nothing more is sent for it.
    std::thread::sleep(Duration::from_millis(800));
    let after = receiver.received();
    assert_eq!(after.iter().filter(|r| r.answered == 200).count(), 1);
    assert_eq!(after.len(), 3);
    let r = app
        .get(
            &format!("/v1/webhooks/{endpoint}/deliveries/{delivery}"),
            Some(&app.owner),
        )
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(d["status"], json!("succeeded"));
    assert_eq!(d["attempts"], json!(3));
    let codes: Vec<_> = d["attempt_log"]
        .as_array()
        .map(|a| a.iter().map(|x| x["response_code"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(codes, [json!(500), json!(500), json!(200)]);
    assert!(
        d["attempt_log"][0]["response_excerpt"]
            .as_str()
            .is_some_and(|e| e.contains("stand-in answering 500"))
    );
}

fn a_receiver_down_for_a_while_gets_everything_when_back(b: Backend) {
    let app = TestApp::start_outbound(
        b,
        kedai::OutboundSettings {
            job_max_attempts: 30,
            ..fast()
        },
        true,
    );
    let receiver = StandIn::start("{}");
    register(&app, &receiver.url, &["order.created"]);
    receiver.set_down(true);
    let orders: Vec<String> = (0..6).map(|_| place_order(&app)).collect();
    receiver.wait_for(Duration::from_secs(10), |r| r.len() >= 6);
    std::thread::sleep(Duration::from_millis(500));
    receiver.set_down(false);
    let got = receiver.wait_for(Duration::from_secs(30), |r| {
        r.iter().filter(|x| x.answered == 200).count() >= 6
    });
    let mut delivered: Vec<String> = got
        .iter()
        .filter(|r| r.answered == 200)
        .map(|r| text(&r.json()["data"]["order_id"]))
        .collect();
    delivered.sort();
    let mut expected = orders;
    expected.sort();
    assert_eq!(delivered, expected, "each order delivered exactly once");
}

fn filters_and_switched_off_endpoints_are_respected(b: Backend) {
    let app = TestApp::start_outbound(b, fast(), true);
    let payments = StandIn::start("{}");
    let off = StandIn::start("{}");
    let all = StandIn::start("{}");
    register(&app, &payments.url, &["payment.success"]);
    let (off_id, _) = register(&app, &off.url, &["*"]);
    app.patch(
        &format!("/v1/webhooks/{off_id}"),
        Some(&app.owner),
        &json!({ "active": false }),
    )
    .expect(200);
    register(&app, &all.url, &["*"]);
    place_order(&app);
    all.wait_for(Duration::from_secs(10), |r| {
        r.iter()
            .any(|x| x.header("x-kedai-event") == "order.created")
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(payments.received().is_empty(), "payment.success only");
    assert!(off.received().is_empty(), "switched off");
    // Another merchant's events never reach this merchant's endpoints.
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let other_owner = app.staff_token(other, kedai_identity::Role::Owner);
    let product = app.product(&other_owner, "Teh", 4.0);
    app.stock_in(&other_owner, product, 10, None);
    app.post(
        "/v1/orders",
        Some(&other_owner),
        &json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": 1, "unit_price": 4.0 }] }),
    )
    .expect(201);
    std::thread::sleep(Duration::from_millis(600));
    let seen = all.received();
    assert_eq!(
        seen.iter()
            .filter(|r| r.header("x-kedai-event") == "order.created")
            .count(),
        1
    );
}

fn redelivery_and_ping(b: Backend) {
    let app = TestApp::start_outbound(b, fast(), true);
    let receiver = StandIn::start("{\"pong\":1}");
    let (endpoint, secret) = register(&app, &receiver.url, &["order.created"]);
    place_order(&app);
    let got = receiver.wait_for(Duration::from_secs(10), |r| !r.is_empty());
    let first = got[0].clone();
    let delivery = first.header("x-kedai-delivery").to_owned();
    let r = app
        .post(
            &format!("/v1/webhooks/{endpoint}/deliveries/{delivery}/redeliver"),
            Some(&app.owner),
            &json!({}),
        )
        .expect(202);
    let again = text(&r.body["data"]["id"]);
    assert_ne!(again, delivery);
    assert_eq!(
        r.body["data"]["event_id"],
        json!(first.header("x-kedai-event-id"))
    );
    let got = receiver.wait_for(Duration::from_secs(10), |r| r.len() >= 2);
    assert_eq!(got[1].header("x-kedai-delivery"), again);
    assert_eq!(
        got[1].header("x-kedai-event-id"),
        first.header("x-kedai-event-id")
    );
    assert_eq!(got[1].body, first.body);
    // The ping goes now and answers how it went.
    let r = app
        .post(
            &format!("/v1/webhooks/{endpoint}/ping"),
            Some(&app.owner),
            &json!({}),
        )
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(d["event_type"], json!("webhook.ping"));
    assert_eq!(d["status"], json!("succeeded"));
    assert_eq!(d["response_code"], json!(200));
    assert_eq!(d["response_excerpt"], json!("{\"pong\":1}"));
    let got = receiver.received();
    let ping = got
        .iter()
        .find(|r| r.header("x-kedai-event") == "webhook.ping");
    let ping = ping.unwrap_or_else(|| panic!("no ping among {got:?}"));
    kedai_webhooks::verify(
        ping.header("x-kedai-signature"),
        &secret,
        ping.body.as_bytes(),
        now(),
        300,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // A ping to a receiver that fails says so.
    receiver.set_down(true);
    let r = app
        .post(
            &format!("/v1/webhooks/{endpoint}/ping"),
            Some(&app.owner),
            &json!({}),
        )
        .expect(200);
    assert_eq!(r.body["data"]["status"], json!("failed"));
    assert_eq!(r.body["data"]["response_code"], json!(503));
    // Listing by status.
    let r = app
        .get(
            &format!("/v1/webhooks/{endpoint}/deliveries?status=failed"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
}

fn a_receiver_that_never_recovers_is_given_up(b: Backend) {
    let app = TestApp::start_outbound(
        b,
        kedai::OutboundSettings {
            job_max_attempts: 3,
            ..fast()
        },
        true,
    );
    let receiver = StandIn::start("{}");
    let (endpoint, _) = register(&app, &receiver.url, &["order.created"]);
    receiver.set_down(true);
    place_order(&app);
    eventually(Duration::from_secs(15), "parked as failed", || {
        let r = app
            .get(
                &format!("/v1/webhooks/{endpoint}/deliveries"),
                Some(&app.owner),
            )
            .expect(200);
        r.body["data"][0]["status"] == json!("failed")
    });
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(receiver.received().len(), 3, "three attempts, then no more");
    let r = app
        .get(
            &format!("/v1/webhooks/{endpoint}/deliveries"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["data"][0]["attempts"], json!(3));
    assert_eq!(
        r.body["data"][0]["next_attempt_at"],
        serde_json::Value::Null
    );
}
