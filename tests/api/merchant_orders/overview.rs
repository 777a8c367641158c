//! The overview and the trend: revenue per local day, roles and ranges.

use chrono::{Days, Utc};
use kedai_identity::Role;
use serde_json::json;

use super::{pay, placed, set_status, stocked, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    summary_and_trend_count_revenue_per_local_day,
    summary_and_trend_check_roles_and_ranges,
);

fn summary_and_trend_count_revenue_per_local_day(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Tea", 10.00, 100);
    let a = placed(&app, p, 1, None); // paid: 10
    let c = placed(&app, p, 2, None); // paid: 20
    let d = placed(&app, p, 3, None); // cancelled: 30
    let _ = placed(&app, p, 4, None); // awaiting payment: 40
    pay(&app, &text(&a["order_id"]), 10.0);
    pay(&app, &text(&c["order_id"]), 20.0);
    set_status(&app, &text(&c["order_id"]), "completed");
    set_status(&app, &text(&d["order_id"]), "cancelled");

    let r = app.get("/v1/orders/summary", Some(&app.owner)).expect(200);
    let s = &r.body["data"];
    assert_eq!(s["total_orders"], json!(4));
    assert_eq!(s["total_revenue"], json!(30.0));
    assert_eq!(s["average_order_value"], json!(15.0));
    assert_eq!(s["pending_orders"], json!(1));
    assert_eq!(s["in_progress_orders"], json!(1));
    assert_eq!(s["completed_orders"], json!(1));
    assert_eq!(s["cancelled_orders"], json!(1));
    assert_eq!(s["currency"], json!("MYR"));

    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let yesterday = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let r = app
        .get(
            &format!("/v1/orders/summary?date_from={yesterday}&date_to={yesterday}"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["data"]["total_orders"], json!(0));
    assert_eq!(r.body["data"]["average_order_value"], json!(0.0));

    let r = app.get("/v1/orders/trend", Some(&app.owner)).expect(200);
    let days = r.body["data"]["days"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .clone();
    assert_eq!(days.len(), 30);
    let last = &days[29];
    assert_eq!(last["date"], json!(today.to_string()));
    assert_eq!(last["orders"], json!(4));
    assert_eq!(last["revenue"], json!(30.0));
    assert_eq!(last["paid_orders"], json!(2));
    assert_eq!(last["cancelled_orders"], json!(1));
    assert!(days[..29].iter().all(|d| d["orders"] == json!(0)));
    assert_eq!(r.body["data"]["date_to"], json!(today.to_string()));

    let r = app
        .get(
            &format!("/v1/orders/trend?date_from={yesterday}&date_to={today}"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["data"]["days"].as_array().map(Vec::len), Some(2));
}

fn summary_and_trend_check_roles_and_ranges(b: Backend) {
    let app = TestApp::start(b);
    for path in ["/v1/orders/summary", "/v1/orders/trend"] {
        let _ = app.get(path, None).merchant_error(401, "AUTH_REQUIRED");
        for role in [Role::Cashier, Role::Agent] {
            let token = app.staff_token(app.tenant, role);
            let _ = app.get(path, Some(&token)).merchant_error(403, "FORBIDDEN");
        }
        let viewer = app.staff_token(app.tenant, Role::Viewer);
        let _ = app.get(path, Some(&viewer)).expect(200);
        for (query, field) in [
            ("date_from=2026-10-02&date_to=2026-10-01", "date_from"),
            ("date_from=01/10/2026", "date_from"),
            ("date_to=tomorrow", "date_to"),
        ] {
            let r = app
                .get(&format!("{path}?{query}"), Some(&app.owner))
                .merchant_error(422, "VALIDATION_ERROR");
            assert!(r.body["errors"].get(field).is_some(), "{query}: {}", r.body);
        }
    }
    let r = app
        .get(
            "/v1/orders/trend?date_from=2024-01-01&date_to=2026-01-01",
            Some(&app.owner),
        )
        .merchant_error(422, "VALIDATION_ERROR");
    assert!(r.body["errors"].get("date_from").is_some(), "{}", r.body);
    let r = app
        .get(
            "/v1/orders/trend?date_from=2025-01-01&date_to=2025-12-31",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["data"]["days"].as_array().map(Vec::len), Some(365));
}
