//! Redeeming and releasing coupons through the use cases, raced on the real database.

use std::sync::Arc;

use chrono::Utc;
use kedai_app::Store;
use kedai_app::coupons::{self, AppliedCoupon};
use kedai_core::{Currency, Money};
use serde_json::json;

use super::{created, lunch10, refused, validate};
use crate::commerce::{self, count};
use crate::support::{Backend, TestApp, race};

crate::on_both_backends!(redeem_never_passes_the_usage_limit_and_release_gives_back_once);

fn redeem_never_passes_the_usage_limit_and_release_gives_back_once(b: Backend) {
    let app = Arc::new(TestApp::start(b));
    let db = Arc::new(commerce::store(&app));
    let mut body = lunch10();
    body["usage_limit"] = json!(3);
    let id = created(&app, &body);
    let orders: Vec<String> = (0..6)
        .map(|_| commerce::order(&app, &app.owner, 10.0, 1))
        .collect();
    let tenant = app.tenant;
    let myr = Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"));
    let store: &dyn Store = db.as_ref();
    let applied = store
        .read(|tx| {
            coupons::quote(
                tx,
                tenant,
                "lunch10",
                None,
                Money::from_minor(1000, myr),
                Utc::now(),
            )
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied.discount.minor(), 100);
    assert_eq!(applied.code, "LUNCH10");
    let shared: Arc<(AppliedCoupon, Vec<String>)> = Arc::new((applied, orders.clone()));
    let d = Arc::clone(&db);
    let results = race(6, move |i| {
        let store: &dyn Store = d.as_ref();
        let (applied, orders) = shared.as_ref();
        store
            .write(|tx| coupons::redeem(tx, tenant, applied, &orders[i], Some("cus_1"), Utc::now()))
            .map_err(|e| e.to_string())
    });
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 3, "{results:?}");
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| e.contains("usage limit reached")),
        "{results:?}"
    );
    let used = |db: &kedai_persistence::DbStore| {
        count(
            db,
            &format!("SELECT used_count AS n FROM coupons WHERE id = '{id}'"),
        )
    };
    assert_eq!(used(&db), 3);
    assert_eq!(
        count(
            &db,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM coupon_redemptions"
        ),
        3
    );
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM outbox_events WHERE event_type = 'coupon.redeemed' AND aggregate_id = '{id}'"
            )
        ),
        3
    );
    refused(
        validate(
            &app,
            &app.owner,
            &json!({ "code": "LUNCH10", "cart_total": 10 }),
        ),
        "COUPON_INVALID",
        "code",
    );
    // Releasing a redeemed order gives one use back, once; other orders give nothing back.
    let redeemed: Vec<&String> = orders
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_ok())
        .map(|(o, _)| o)
        .collect();
    let not_redeemed: Vec<&String> = orders
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_err())
        .map(|(o, _)| o)
        .collect();
    let release = |order: &str| {
        store
            .write(|tx| coupons::release_for_order(tx, tenant, order, Utc::now()))
            .unwrap_or_else(|e| panic!("{e}"));
    };
    release(redeemed[0]);
    assert_eq!(used(&db), 2);
    release(redeemed[0]);
    release(not_redeemed[0]);
    assert_eq!(used(&db), 2);
    assert_eq!(
        count(
            &db,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM coupon_redemptions WHERE released_at IS NOT NULL"
        ),
        1
    );
    validate(
        &app,
        &app.owner,
        &json!({ "code": "LUNCH10", "cart_total": 10 }),
    )
    .expect(200);
    // A disabled coupon cannot be redeemed even when quoted before.
    app.patch(
        &format!("/v1/coupons/{id}/disable"),
        Some(&app.owner),
        &json!({}),
    )
    .expect(200);
    let applied = AppliedCoupon {
        coupon_id: id.parse().unwrap_or_else(|e| panic!("{e}")),
        code: "LUNCH10".into(),
        discount: Money::from_minor(100, myr),
    };
    let err = store
        .write(|tx| coupons::redeem(tx, tenant, &applied, not_redeemed[1], None, Utc::now()))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("disabled"), "{err}");
    assert_eq!(used(&db), 2);
}
