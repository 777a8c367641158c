//! `/functions/v1/order-summary`.

use kedai_identity::Role;
use serde_json::json;

use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    summary_counts_orders_amounts_and_rates,
    summary_is_public_only_for_merchants_that_opted_in,
    summary_refuses_bad_labels_roles_and_tokens,
);

fn summary_counts_orders_amounts_and_rates(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Iced Latte", 10.0);
    app.stock_in(&app.owner, p, 50, None);
    let ids: Vec<String> = (1..=4)
        .map(|q| {
            app.order(&app.owner, &[(p, q, 10.0)]).expect(200).body["order_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    // Order 1 (10.00) paid; order 2 (20.00) cancelled; 3 and 4 pending.
    app.post(
        "/functions/v1/mock-payment",
        Some(&app.owner),
        &json!({ "order_id": ids[0], "method": "cash", "amount": 10, "status": "completed" }),
    )
    .expect(200);
    app.patch(
        &format!("/v1/orders/{}/status", ids[1]),
        Some(&app.owner),
        &json!({ "status": "cancelled" }),
    )
    .expect(200);
    let r = app
        .get(
            "/functions/v1/order-summary?period_label=today&period_label=last_7_days,last_1_year",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["success"], json!(true));
    let data = &r.body["data"];
    assert_eq!(data.as_object().map(|o| o.len()), Some(3));
    for label in ["today", "last_7_days", "last_1_year"] {
        let s = &data[label];
        assert_eq!(s["total_orders"], json!(4), "{label}");
        assert_eq!(
            s["total_amount"],
            json!(80.0),
            "{label}: cancelled orders are not sales"
        );
        assert_eq!(s["paid_rate"], json!(0.25), "{label}");
        assert_eq!(s["cancel_rate"], json!(0.25), "{label}");
    }
    assert_eq!(data["today"]["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        data["last_7_days"]["data"].as_array().map(Vec::len),
        Some(7)
    );
    let today = &data["last_7_days"]["data"][6];
    assert_eq!(
        (
            today["total_orders"].as_i64(),
            today["paid_orders"].as_i64(),
            today["cancelled_orders"].as_i64()
        ),
        (Some(4), Some(1), Some(1))
    );
    // Every label when none is named; a viewer may read reports.
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let r = app
        .get("/functions/v1/order-summary", Some(&viewer))
        .expect(200);
    let labels: Vec<&String> = r.body["data"]
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        labels,
        [
            "last_1_year",
            "last_30_days",
            "last_60_days",
            "last_6_months",
            "last_7_days",
            "today"
        ]
    );
}

fn summary_is_public_only_for_merchants_that_opted_in(b: Backend) {
    let app = TestApp::start(b);
    let open = app.create_tenant("Open Cafe", "HKD", "Asia/Hong_Kong", true);
    let open_owner = app.staff_token(open, Role::Owner);
    let p = app.product(&open_owner, "Milk Tea", 28.0);
    app.stock_in(&open_owner, p, 5, None);
    app.order(&open_owner, &[(p, 2, 28.0)]).expect(200);
    let r = app
        .get_with(
            "/functions/v1/order-summary?period_label=today",
            None,
            &[("X-Company-Id", &open.to_string())],
        )
        .expect(200);
    assert_eq!(r.body["data"]["today"]["total_orders"], json!(1));
    assert_eq!(r.body["data"]["today"]["total_amount"], json!(56.0));
    // The main test tenant did not opt in; unknown and malformed ids get the same answer.
    for company in [
        app.tenant.to_string(),
        "0193aaaa-0000-7000-8000-000000000000".to_owned(),
        "nope".to_owned(),
    ] {
        app.get_with(
            "/functions/v1/order-summary",
            None,
            &[("X-Company-Id", &company)],
        )
        .edge_error(401, "AUTH_REQUIRED");
    }
    app.get("/functions/v1/order-summary", None)
        .edge_error(401, "AUTH_REQUIRED");
    // A token wins over the header: the caller sees their own tenant.
    let r = app
        .get_with(
            "/functions/v1/order-summary?period_label=today",
            Some(&app.owner),
            &[("X-Company-Id", &open.to_string())],
        )
        .expect(200);
    assert_eq!(r.body["data"]["today"]["total_orders"], json!(0));
}

fn summary_refuses_bad_labels_roles_and_tokens(b: Backend) {
    let app = TestApp::start(b);
    let open = app.create_tenant("Open Cafe", "MYR", "Asia/Kuala_Lumpur", true);
    app.get(
        "/functions/v1/order-summary?period_label=yesterday",
        Some(&app.owner),
    )
    .edge_error(400, "VALIDATION_ERROR");
    app.get(
        "/functions/v1/order-summary?period_label=today,forever",
        Some(&app.owner),
    )
    .edge_error(400, "VALIDATION_ERROR");
    for role in [Role::Cashier, Role::Agent] {
        let t = app.staff_token(app.tenant, role);
        app.get("/functions/v1/order-summary", Some(&t))
            .edge_error(403, "FORBIDDEN");
    }
    // A bad or expired token is refused even where a public summary exists.
    let header = [("X-Company-Id", open.to_string())];
    let header: Vec<(&str, &str)> = header.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.get_with("/functions/v1/order-summary", Some("garbage"), &header)
        .edge_error(401, "AUTH_TOKEN_INVALID");
    app.get_with(
        "/functions/v1/order-summary",
        Some(&app.expired_token(&app.owner)),
        &header,
    )
    .edge_error(401, "AUTH_TOKEN_EXPIRED");
}
