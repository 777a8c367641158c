//! `kedai seed-bulk`: the loaded data is consistent and the use cases work on it.

use chrono::Utc;
use kedai_persistence::bulk::{BulkOptions, seed_bulk};
use serde_json::json;

use crate::support::{Backend, TestApp};

crate::on_both_backends!(bulk_data_is_consistent_and_usable, bulk_runs_add_up,);

fn load(app: &TestApp, orders: u64, seed: u64) -> kedai_persistence::bulk::BulkReport {
    let store = app.db_store();
    seed_bulk(
        store.pool(),
        &BulkOptions {
            tenant: app.tenant,
            products: 6,
            customers: 25,
            orders,
            seed,
            chunk: 70,
        },
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("seed-bulk: {e}"))
}

fn total(app: &TestApp, query: &str) -> u64 {
    app.get(&format!("/v1/orders?per_page=1{query}"), Some(&app.owner))
        .expect(200)
        .body["meta"]["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("no total for {query}"))
}

fn bulk_data_is_consistent_and_usable(b: Backend) {
    let app = TestApp::start(b);
    let report = load(&app, 300, 7);
    assert_eq!(report.orders, 300);
    assert_eq!(report.products, 6);
    assert_eq!(report.customers, 25);
    assert!(report.lots >= 6, "every product received stock: {report:?}");
    assert!(report.items >= 300 && report.allocations >= report.items);

    // The stock ledger explains every lot.
    let balance = app.ledger_balance();
    assert_eq!(balance.len() as u64, report.lots);
    for (lot, remaining, ledger) in &balance {
        assert_eq!(remaining, ledger, "lot {lot}");
        assert!(*remaining >= 0, "lot {lot}");
    }

    // The merchant API sees every order, and each status in the report's numbers.
    assert_eq!(total(&app, ""), 300);
    assert!(report.by_status.len() >= 5, "{:?}", report.by_status);
    for (status, count) in &report.by_status {
        let shown = match *status {
            "confirmed" => "pending_payment",
            other => other,
        };
        assert_eq!(total(&app, &format!("&status={shown}")), *count, "{status}");
    }

    // The summaries, grouped by the database, agree with the list.
    let overview = app.get("/v1/orders/summary", Some(&app.owner)).expect(200);
    let figures = &overview.body["data"];
    assert_eq!(figures["total_orders"], 300);
    for status in ["completed", "cancelled", "refunded"] {
        let key = format!("{status}_orders");
        assert_eq!(
            figures[key.as_str()].as_u64(),
            Some(report.by_status.get(status).copied().unwrap_or(0)),
            "{status}"
        );
    }
    let today = Utc::now().date_naive();
    let range = format!(
        "date_from={}&date_to={}",
        today - chrono::Duration::days(200),
        today - chrono::Duration::days(110)
    );
    let trend = app
        .get(&format!("/v1/orders/trend?{range}"), Some(&app.owner))
        .expect(200);
    let in_trend: u64 = trend.body["data"]["days"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", trend.body))
        .iter()
        .map(|d| d["orders"].as_u64().unwrap_or_default())
        .sum();
    assert_eq!(in_trend, total(&app, &format!("&{range}")));
    assert!(
        in_trend > 0,
        "orders spread over two years fill any 90 days of them"
    );

    // An order in full: items, history ending in its status, payments when it was paid.
    let list = app
        .get("/v1/orders?per_page=20&status=completed", Some(&app.owner))
        .expect(200);
    let first = &list.body["data"][0];
    let id = first["id"].as_str().unwrap_or_default();
    let detail = app
        .get(&format!("/v1/orders/{id}"), Some(&app.owner))
        .expect(200);
    let order = &detail.body["data"];
    assert!(!order["items"].as_array().is_none_or(Vec::is_empty));
    assert_eq!(order["payment_status"], "completed");
    assert_eq!(order["status"], "completed");

    // New orders continue the numbering; cancelling a bulk order gives its stock back.
    let product: i64 = {
        let r = app
            .get("/v1/products?limit=1", Some(&app.owner))
            .expect(200);
        r.body["data"][0]["id"].as_i64().unwrap_or_default()
    };
    let before = app.current_stock(product);
    let placed = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": 1 }] }),
        )
        .expect(201);
    let number = placed.body["data"]["order_number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let same_year = app
        .get(
            "/v1/orders?per_page=2&sort_by=order_number&sort_order=desc",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(same_year.body["data"][0]["order_number"], number.as_str());
    assert_ne!(same_year.body["data"][1]["order_number"], number.as_str());
    assert_eq!(app.current_stock(product), before - 1);
    let open = app
        .get(
            "/v1/orders?per_page=1&status=pending_payment",
            Some(&app.owner),
        )
        .expect(200);
    let open_id = open.body["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.patch(
        &format!("/v1/orders/{open_id}/status"),
        Some(&app.owner),
        &json!({ "status": "cancelled" }),
    )
    .expect(200);
    for (lot, remaining, ledger) in app.ledger_balance() {
        assert_eq!(remaining, ledger, "lot {lot} after a cancel");
    }
}

fn bulk_runs_add_up(b: Backend) {
    let app = TestApp::start(b);
    let first = load(&app, 120, 1);
    let second = load(&app, 150, 2);
    assert_eq!(total(&app, ""), first.orders + second.orders);
    let products = app
        .get("/v1/products?limit=1", Some(&app.owner))
        .expect(200);
    assert_eq!(products.body["meta"]["total"], 12);
    for (lot, remaining, ledger) in app.ledger_balance() {
        assert_eq!(remaining, ledger, "lot {lot}");
    }
}
