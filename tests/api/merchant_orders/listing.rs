//! Listing orders: pages, filters, sorting, searching numbers and contacts, bad parameters.

use chrono::{Days, Utc};
use kedai_identity::Role;
use serde_json::{Value, json};

use super::{pay, place, placed, set_status, stocked, text};
use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(
    list_orders_pages_filters_and_sorts,
    list_orders_searches_numbers_and_contacts,
    list_orders_refuses_bad_parameters,
);

fn numbers(r: &Resp) -> Vec<String> {
    r.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no list: {}", r.body))
        .iter()
        .map(|o| text(&o["order_number"]))
        .collect()
}

fn totals(r: &Resp) -> Vec<f64> {
    r.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no list: {}", r.body))
        .iter()
        .map(|o| o["total_amount"].as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn list_orders_pages_filters_and_sorts(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Tea", 2.00, 100);
    // Totals 2, 4, 6, 8, 10 in creation order.
    let orders: Vec<Value> = (1..=5).map(|q| placed(&app, p, q, None)).collect();
    let id = |i: usize| text(&orders[i]["order_id"]);
    let number = |i: usize| text(&orders[i]["order_number"]);
    set_status(&app, &id(0), "cancelled");
    pay(&app, &id(1), 4.0);

    let all = app.get("/v1/orders", Some(&app.owner)).expect(200);
    assert_eq!(all.body["meta"]["total"], json!(5));
    assert_eq!(numbers(&all), (0..5).rev().map(number).collect::<Vec<_>>());
    let first = &all.body["data"][4];
    assert_eq!(first["items"][0]["product_name"], json!("Tea"));
    assert_eq!(first["items"][0]["quantity"], json!(1));
    assert!(first.get("payments").is_none(), "{first}");
    let paid = &all.body["data"][3];
    assert_eq!(paid["payment_status"], json!("completed"));
    assert_eq!(paid["status"], json!("paid"));

    let page = app
        .get("/v1/orders?page=2&per_page=2", Some(&app.owner))
        .expect(200);
    assert_eq!(numbers(&page), vec![number(2), number(1)]);
    assert_eq!(
        page.body["meta"],
        json!({ "page": 2, "limit": 2, "total": 5, "total_relation": "eq" })
    );
    let page = app
        .get("/v1/orders?page=3&perPage=2", Some(&app.owner))
        .expect(200);
    assert_eq!(numbers(&page), vec![number(0)]);

    let r = app
        .get("/v1/orders?status=cancelled", Some(&app.owner))
        .expect(200);
    assert_eq!(numbers(&r), vec![number(0)]);
    let r = app
        .get("/v1/orders?status=paid&status=cancelled", Some(&app.owner))
        .expect(200);
    assert_eq!(numbers(&r), vec![number(1), number(0)]);
    let r = app
        .get("/v1/orders?status=pending_payment,paid", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(4));

    let r = app
        .get(
            "/v1/orders?sort_by=total_amount&sort_order=asc",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(totals(&r), vec![2.0, 4.0, 6.0, 8.0, 10.0]);
    let r = app
        .get(
            "/v1/orders?sortBy=totalAmount&sortOrder=desc",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(totals(&r), vec![10.0, 8.0, 6.0, 4.0, 2.0]);
    let r = app
        .get(
            "/v1/orders?sort_by=order_number&sort_order=asc",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(numbers(&r), (0..5).map(number).collect::<Vec<_>>());

    // Dates are local dates of the merchant (Asia/Kuala_Lumpur).
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
    let r = app
        .get(
            &format!("/v1/orders?date_from={today}&date_to={today}"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(5));
    let r = app
        .get(&format!("/v1/orders?dateFrom={tomorrow}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(0));
    let r = app
        .get(&format!("/v1/orders?date_to={today}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(5));

    // Another merchant's orders never show.
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let token = app.staff_token(other, Role::Owner);
    let r = app.get("/v1/orders", Some(&token)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(0));
    assert_eq!(r.body["data"], json!([]));
}

fn list_orders_searches_numbers_and_contacts(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Tea", 2.00, 100);
    let a = placed(&app, p, 1, Some("Carter Yip"));
    let c = placed(&app, p, 1, Some("Mei 100%_Ling"));
    let _ = placed(&app, p, 1, None);
    let search = |term: &str| {
        let r = app
            .get(
                &format!("/v1/orders?search={}", urlencoding(term)),
                Some(&app.owner),
            )
            .expect(200);
        numbers(&r)
    };
    assert_eq!(search("carter"), vec![text(&a["order_number"])]);
    assert_eq!(search("YIP"), vec![text(&a["order_number"])]);
    assert_eq!(
        search(&text(&c["order_number"])),
        vec![text(&c["order_number"])]
    );
    // Wildcards are literal.
    assert_eq!(search("100%_"), vec![text(&c["order_number"])]);
    assert_eq!(search("%"), vec![text(&c["order_number"])]);
    assert_eq!(search("nobody"), Vec::<String>::new());
    assert_eq!(search("ORD-").len(), 3);
    // Every field a search looks at, through the indexes (three characters or more) and
    // without them (fewer): contact e-mail and phone, the customer's own name, a quote.
    let customer = app
        .post(
            "/v1/customers",
            Some(&app.owner),
            &json!({ "name": "Zainab Quinn", "phone": "+60127770001", "email": "zq@example.com" }),
        )
        .expect(201)
        .body["data"]["id"]
        .clone();
    let d = place(
        &app,
        &app.owner,
        &json!({ "order_type": "pickup", "customer_id": customer,
                 "contact_name": "Front \"Desk\"", "contact_email": "desk@hotel.example",
                 "contact_phone": "+60123334444",
                 "items": [{ "product_id": p, "qty": 1 }] }),
    )
    .expect(201)
    .body["data"]
        .clone();
    let d_number = text(&d["order_number"]);
    for term in [
        "zainab",
        "QUINN",
        "zq@ex",
        "hotel.example",
        "3334444",
        "\"desk\"",
        "t \"d",
        "zq",
    ] {
        assert_eq!(search(term), vec![d_number.clone()], "{term}");
    }
    // A customer's new name is found, the old one no longer (the index follows edits).
    app.patch(
        &format!("/v1/customers/{}", text(&customer)),
        Some(&app.owner),
        &json!({ "name": "Ximena Quayle" }),
    )
    .expect(200);
    assert_eq!(search("ximena"), vec![d_number.clone()]);
    assert_eq!(search("zainab"), Vec::<String>::new());
    // A search's total is exact below the count cap, and says so.
    let r = app
        .get("/v1/orders?search=ORD-", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(4));
    assert_eq!(r.body["meta"]["total_relation"], json!("eq"));
    assert_eq!(search("ya"), Vec::<String>::new());
    assert_eq!(search("yi"), vec![text(&a["order_number"])]);
    // An edited contact is found by its new name only.
    app.patch(
        &format!("/v1/orders/{}", text(&a["order_id"])),
        Some(&app.owner),
        &json!({ "contact_name": "Rosa Petrova" }),
    )
    .expect(200);
    assert_eq!(search("petrova"), vec![text(&a["order_number"])]);
    assert_eq!(search("carter"), Vec::<String>::new());
    let r = app
        .get(
            "/v1/orders?searchTerm=carter&status=cancelled",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(0));
}

/// Percent-encodes a query value.
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn list_orders_refuses_bad_parameters(b: Backend) {
    let app = TestApp::start(b);
    for (query, field) in [
        ("status=lost", "status"),
        ("status=paid,lost", "status"),
        ("sort_by=price", "sort_by"),
        ("sort_order=up", "sort_order"),
        ("date_from=2026-13-01", "date_from"),
        ("date_to=yesterday", "date_to"),
        ("date_from=2026-10-02&date_to=2026-10-01", "date_from"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
        ("limit=-1", "limit"),
        ("page=x", "page"),
    ] {
        let r = app
            .get(&format!("/v1/orders?{query}"), Some(&app.owner))
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"].get(field).is_some(), "{query}: {}", r.body);
    }
    let _ = app
        .get("/v1/orders", None)
        .merchant_error(401, "AUTH_REQUIRED");
    let _ = app
        .get("/v1/orders", Some(&app.expired_token(&app.owner)))
        .merchant_error(401, "AUTH_TOKEN_EXPIRED");
}
