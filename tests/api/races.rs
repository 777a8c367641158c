//! Racing writers: nothing is oversold, double-paid, double-released or numbered twice.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Duration, Utc};
use serde_json::json;

use crate::support::{Backend, TestApp, race};

crate::on_both_backends!(
    concurrent_allocations_never_oversell,
    concurrent_orders_take_exactly_the_stock_and_unique_numbers,
    concurrent_cancellations_release_stock_once,
    concurrent_payments_pay_an_order_once,
    numbers_continue_from_the_merchants_counter_and_never_repeat,
    the_first_orders_of_a_year_all_get_a_number,
);

fn concurrent_allocations_never_oversell(b: Backend) {
    let app = Arc::new(TestApp::start(b));
    let p = app.product(&app.owner, "Limited Edition", 99.0);
    for (days, q) in [(3, 4), (2, 3), (1, 3)] {
        app.stock_in(&app.owner, p, q, Some(Utc::now() - Duration::days(days)));
    }
    let a = Arc::clone(&app);
    let statuses = race(24, move |i| {
        a.post(
            "/functions/v1/allocate-inventory",
            Some(&a.owner),
            &json!({ "product_id": p, "quantity": 1, "ref_id": format!("ticket-{i}") }),
        )
        .status
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        14,
        "{statuses:?}"
    );
    assert_eq!(app.current_stock(p), 0);
    assert!(app.lots(p).iter().all(|(_, remaining)| *remaining == 0));
    let balance = app.ledger_balance();
    assert!(
        balance
            .iter()
            .all(|(_, remaining, ledger)| remaining == ledger),
        "{balance:?}"
    );
}

fn concurrent_orders_take_exactly_the_stock_and_unique_numbers(b: Backend) {
    let app = Arc::new(TestApp::start(b));
    let latte = app.product(&app.owner, "Latte", 10.0);
    let cake = app.product(&app.owner, "Cake", 12.0);
    app.stock_in(&app.owner, latte, 7, Some(Utc::now() - Duration::days(2)));
    app.stock_in(&app.owner, latte, 5, None);
    app.stock_in(&app.owner, cake, 100, None);
    let a = Arc::clone(&app);
    // Each order takes 2 lattes (stock 12: exactly 6 can succeed) and 1 cake.
    let results = race(20, move |i| {
        let items = if i % 2 == 0 {
            vec![(latte, 2, 10.0), (cake, 1, 12.0)]
        } else {
            vec![(cake, 1, 12.0), (latte, 2, 10.0)]
        };
        let r = a.order(&a.owner, &items);
        (r.status, r.body["order_number"].as_str().map(str::to_owned))
    });
    let ok: Vec<String> = results
        .iter()
        .filter(|(s, _)| *s == 200)
        .filter_map(|(_, n)| n.clone())
        .collect();
    assert_eq!(ok.len(), 6, "{results:?}");
    assert_eq!(
        results.iter().filter(|(s, _)| *s == 409).count(),
        14,
        "{results:?}"
    );
    let year = Utc::now().format("%Y").to_string();
    let numbers: BTreeSet<String> = ok.into_iter().collect();
    let want: BTreeSet<String> = (1..=6).map(|n| format!("ORD-{year}-{n:04}")).collect();
    assert_eq!(numbers, want, "numbers are unique and none is skipped");
    assert_eq!(app.current_stock(latte), 0);
    assert_eq!(app.current_stock(cake), 94);
    let balance = app.ledger_balance();
    assert!(
        balance
            .iter()
            .all(|(_, remaining, ledger)| remaining == ledger),
        "{balance:?}"
    );
}

/// A merchant's first orders of a year arrive together: each is placed, and their numbers are
/// 1 to n (on PostgreSQL the year's sequence is created by exactly one of them).
fn the_first_orders_of_a_year_all_get_a_number(b: Backend) {
    let app = Arc::new(TestApp::start(b));
    let products: Vec<i64> = (0..4)
        .map(|i| {
            let p = app.product(&app.owner, &format!("Tea {i}"), 5.0);
            app.stock_in(&app.owner, p, 100, None);
            p
        })
        .collect();
    let a = Arc::clone(&app);
    let results = race(16, move |i| {
        let r = a.order(&a.owner, &[(products[i % 4], 1, 5.0)]);
        (r.status, r.body["order_number"].as_str().map(str::to_owned))
    });
    assert!(results.iter().all(|(s, _)| *s == 200), "{results:?}");
    let year = Utc::now().format("%Y").to_string();
    let numbers: BTreeSet<String> = results.into_iter().filter_map(|(_, n)| n).collect();
    let want: BTreeSet<String> = (1..=16).map(|n| format!("ORD-{year}-{n:04}")).collect();
    assert_eq!(numbers, want);
}

/// Numbers continue from a merchant's counter (orders numbered before, or loaded in bulk), and
/// an order that rolls back after taking a number may leave a gap but never a repeat.
fn numbers_continue_from_the_merchants_counter_and_never_repeat(b: Backend) {
    let app = TestApp::start(b);
    let year = Utc::now().format("%Y").to_string();
    app.sabotage(&format!(
        "INSERT INTO order_counters (tenant_id, year, last_value) VALUES ('{}', {year}, 41)",
        app.tenant
    ));
    let latte = app.product(&app.owner, "Latte", 10.0);
    app.stock_in(&app.owner, latte, 10, None);
    let number = |r: crate::support::Resp| r.expect(200).body["order_number"].clone();
    assert_eq!(
        number(app.order(&app.owner, &[(latte, 1, 10.0)])),
        json!(format!("ORD-{year}-0042"))
    );
    // Another merchant's numbers are its own.
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let owner = app.staff_token(other, kedai_identity::Role::Owner);
    let tea = app.product(&owner, "Tea", 5.0);
    app.stock_in(&owner, tea, 5, None);
    assert_eq!(
        number(app.order(&owner, &[(tea, 1, 5.0)])),
        json!(format!("ORD-{year}-0001"))
    );
    let next = number(app.order(&app.owner, &[(latte, 1, 10.0)]));
    assert_eq!(next, json!(format!("ORD-{year}-0043")));
}

fn concurrent_cancellations_release_stock_once(b: Backend) {
    let app = Arc::new(TestApp::start(b));
    let p = app.product(&app.owner, "Latte", 10.0);
    app.stock_in(&app.owner, p, 10, None);
    let id = app.order(&app.owner, &[(p, 6, 10.0)]).expect(200).body["order_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(app.current_stock(p), 4);
    let a = Arc::clone(&app);
    let statuses = race(12, move |_| {
        a.patch(
            &format!("/v1/orders/{id}/status"),
            Some(&a.owner),
            &json!({ "status": "cancelled" }),
        )
        .status
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        11,
        "{statuses:?}"
    );
    assert_eq!(app.current_stock(p), 10, "released exactly once");
    let balance = app.ledger_balance();
    assert!(
        balance
            .iter()
            .all(|(_, remaining, ledger)| remaining == ledger),
        "{balance:?}"
    );
}

fn concurrent_payments_pay_an_order_once(b: Backend) {
    let app = Arc::new(TestApp::start(b));
    let p = app.product(&app.owner, "Latte", 10.0);
    app.stock_in(&app.owner, p, 10, None);
    let id = app.order(&app.owner, &[(p, 1, 10.0)]).expect(200).body["order_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let a = Arc::clone(&app);
    let order = id.clone();
    let statuses = race(12, move |_| {
        a.post(
            "/functions/v1/mock-payment",
            Some(&a.owner),
            &json!({ "order_id": order, "method": "card", "amount": 10, "status": "completed" }),
        )
        .status
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        11,
        "{statuses:?}"
    );
    let o = app
        .get(&format!("/v1/orders/{id}"), Some(&app.owner))
        .expect(200)
        .body;
    assert_eq!(o["data"]["payments"].as_array().map(Vec::len), Some(1));
    assert_eq!(o["data"]["status"], json!("paid"));
}
