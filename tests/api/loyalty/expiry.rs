//! Points that expire: earned with the end of the merchant-local day months later, written
//! off by the outbox worker, soonest-expiring first, once.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{balance, complete, customer, ledger, ledger_matches_balances, paid_pickup, points};
use crate::support::platform::count;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(expired_points_are_written_off_by_the_worker);

fn expired_points_are_written_off_by_the_worker(b: Backend) {
    let app = TestApp::start_outbound(
        b,
        kedai::OutboundSettings {
            worker_poll_ms: 20,
            points_expiry_sweep_secs: 1,
            ..kedai::OutboundSettings::default()
        },
        true,
    );
    let latte = app.product(&app.owner, "Iced Latte", 14.90);
    let _ = app.stock_in(&app.owner, latte, 10, None);
    app.put(
        "/v1/points/rule",
        Some(&app.owner),
        &json!({ "expiry_months": 1 }),
    )
    .expect(200);
    let carter = customer(&app, "Carter", None);
    let order = paid_pickup(&app, &carter, latte, 2, 14.90);
    complete(&app, &order).expect(200);
    // Earned today in Kuala Lumpur: they expire when the same day a month on ends there.
    let earned = ledger(&app, &carter)[0].clone();
    assert_eq!(earned["points"], json!(29));
    let zone: kedai_core::TimeZone = "Asia/Kuala_Lumpur"
        .parse()
        .unwrap_or(kedai_core::TimeZone::UTC);
    let today = zone.local_date(chrono::Utc::now());
    let last_day = today
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(today);
    let want = zone.end_of_day(last_day);
    let got =
        chrono::DateTime::parse_from_rfc3339(earned["expires_at"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}: {earned}"));
    assert_eq!(got, want, "{earned}");
    // 10 are spent: the spend comes out of the 29 that expire first.
    points(
        &app,
        &app.owner,
        &carter,
        "redeem",
        &json!({ "points": 10 }),
    )
    .expect(201);
    // A month passes for the earned points (moved back in time); a later manual credit has
    // its own month ahead.
    let past = if app.database_url().starts_with("postgres") {
        "CURRENT_TIMESTAMP - INTERVAL '1 day'"
    } else {
        "datetime('now', '-1 day')"
    };
    app.sabotage(&format!(
        "UPDATE points_ledger SET expires_at = {past} WHERE kind = 'earn'; \
         UPDATE points_balances SET next_expiry_at = {past};"
    ));
    let credit = points(
        &app,
        &app.owner,
        &carter,
        "add",
        &json!({ "points": 40, "reason": "Birthday" }),
    )
    .expect(201);
    assert!(
        credit.body["data"]["expires_at"].is_string(),
        "{}",
        credit.body
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while count(&app, "points_ledger WHERE kind = 'expire'") == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let expired: Vec<Value> = ledger(&app, &carter)
        .into_iter()
        .filter(|r| r["kind"] == json!("expire"))
        .collect();
    assert_eq!(expired.len(), 1, "{expired:?}");
    assert_eq!(expired[0]["points"], json!(-19));
    assert_eq!(expired[0]["created_by"], Value::Null);
    assert_eq!(balance(&app, &carter), 40);
    // The next expiry is the birthday credit's; later sweeps take nothing more.
    std::thread::sleep(Duration::from_millis(2_500));
    assert_eq!(count(&app, "points_ledger WHERE kind = 'expire'"), 1);
    assert_eq!(
        count(
            &app,
            "points_balances WHERE next_expiry_at IS NOT NULL AND next_expiry_at > CURRENT_TIMESTAMP"
        ),
        1
    );
    let e = app
        .outbox_payload(&carter, "points.expired")
        .unwrap_or_else(|| panic!("no points.expired event"));
    assert_eq!(e["points"], json!(-19), "{e}");
    assert_eq!(e["balance"], json!(40), "{e}");
    ledger_matches_balances(&app);
}
