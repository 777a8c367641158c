//! Concurrent and repeated checkouts: the last-units race, idempotent replays, and the coupon
//! usage limit under concurrent checkouts.

use chrono::{Duration, Utc};
use serde_json::json;

use super::{coupon, order_body, portal_error, post, post_keyed, shop, spring};
use crate::commerce::{self, count, text};
use crate::support::{Backend, TestApp, race};

crate::on_both_backends!(
    checkout_race_sells_exactly_the_last_units,
    idempotency_key_replays_the_first_order,
    coupon_usage_limit_holds_across_concurrent_checkouts,
);

fn orders_count(app: &TestApp) -> i64 {
    count(
        &commerce::store(app),
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders",
    )
}

fn checkout_race_sells_exactly_the_last_units(b: Backend) {
    let app = TestApp::start(b);
    let product = app.product(&app.owner, "Last Units", 50.0);
    // Two lots, so the racers also split across lots.
    app.stock_in(&app.owner, product, 2, Some(Utc::now() - Duration::days(2)));
    app.stock_in(&app.owner, product, 1, None);
    let app = std::sync::Arc::new(app);
    let racer = std::sync::Arc::clone(&app);
    let results = race(8, move |_| {
        let body = json!({
            "lineItems": [{ "productId": product, "quantity": 1 }],
            "customerInfo": { "firstName": "Guest", "lastName": "Racer" },
            "shippingAddress": { "addressLine1": "1 Road", "city": "Town" },
        });
        let r = post(&racer, "/shop/orders", &body);
        (r.status, r.body["error"]["code"].clone())
    });
    let sold = results.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(sold, 3, "{results:?}");
    for (status, code) in &results {
        assert!(
            *status == 201 || (*status == 409 && code == "INSUFFICIENT_STOCK"),
            "{results:?}"
        );
    }
    assert_eq!(app.current_stock(product), 0);
    assert!(app.lots(product).iter().all(|(_, r)| *r == 0));
    for (lot, remaining, ledger) in app.ledger_balance() {
        assert_eq!(remaining, ledger, "lot {lot}");
    }
    assert_eq!(orders_count(&app), 3);
}

fn idempotency_key_replays_the_first_order(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let body = order_body(s.product, 1, s.courier);
    let key = uuid::Uuid::new_v4().to_string();
    let first = post_keyed(app, "/shop/orders", &body, Some(&key)).expect(201);
    let again = post_keyed(app, "/shop/orders", &body, Some(&key)).expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.body, again.body, "the first response, replayed");
    assert_eq!(orders_count(app), 1);
    assert_eq!(app.current_stock(s.product), 9);
    let other = order_body(s.product, 2, s.courier);
    portal_error(
        post_keyed(app, "/shop/orders", &other, Some(&key)),
        409,
        "IDEMPOTENCY_KEY_REUSED",
    );
    // A refusal is not kept when it is a conflict a retry may resolve; validation is.
    let key2 = uuid::Uuid::new_v4().to_string();
    let big = order_body(s.product, 50, s.courier);
    portal_error(
        post_keyed(app, "/shop/orders", &big, Some(&key2)),
        409,
        "INSUFFICIENT_STOCK",
    );
    app.stock_in(&app.owner, s.product, 50, None);
    post_keyed(app, "/shop/orders", &big, Some(&key2)).expect(201);
    // Concurrent duplicates make one order.
    let key3 = uuid::Uuid::new_v4().to_string();
    let app = std::sync::Arc::new(s);
    let racer = std::sync::Arc::clone(&app);
    let results = race(4, move |_| {
        let r = post_keyed(
            &racer.app,
            "/shop/orders",
            &order_body(racer.product, 1, racer.courier),
            Some(&key3),
        );
        (r.status, text(&r.body["data"]["orderId"]))
    });
    let ids: std::collections::BTreeSet<&String> = results
        .iter()
        .filter(|(s, _)| *s == 201)
        .map(|(_, id)| id)
        .collect();
    assert_eq!(ids.len(), 1, "{results:?}");
    assert!(
        results.iter().all(|(s, _)| *s == 201 || *s == 409),
        "{results:?}"
    );
    assert_eq!(orders_count(&app.app), 3);
}

fn coupon_usage_limit_holds_across_concurrent_checkouts(b: Backend) {
    let s = shop(b);
    let coupon_id = coupon(&s.app, &spring(Some(2)));
    let s = std::sync::Arc::new(s);
    let racer = std::sync::Arc::clone(&s);
    let results = race(6, move |_| {
        let mut body = order_body(racer.product, 1, racer.courier);
        body["promotionCode"] = json!("SPRING10");
        let r = post(&racer.app, "/shop/orders", &body);
        (r.status, r.body["error"]["code"].clone())
    });
    let won = results.iter().filter(|(st, _)| *st == 201).count();
    assert_eq!(won, 2, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(st, c)| *st == 201 || (*st == 422 && c == "PROMOTION_USAGE_LIMIT_REACHED")),
        "{results:?}"
    );
    let app = &s.app;
    let c = app
        .get(&format!("/v1/coupons/{coupon_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(c.body["data"]["used_count"], json!(2));
    assert_eq!(orders_count(app), 2, "losers leave no order");
    assert_eq!(app.current_stock(s.product), 8, "nor take stock");
}
