//! The merchant API's orders (003 §13, 002's OrderApiService): placing, listing, reading,
//! changing fields, the overview and the trend.

use chrono::{Days, Utc};
use kedai_identity::Role;
use serde_json::{Value, json};

use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(
    place_order_uses_catalogue_prices_allocates_stock_and_awaits_payment,
    place_order_refuses_bad_input_and_changes_nothing,
    place_order_needs_a_token_and_a_writing_role,
    list_orders_pages_filters_and_sorts,
    list_orders_searches_numbers_and_contacts,
    list_orders_refuses_bad_parameters,
    orders_by_number_items_and_other_tenants,
    order_fields_change_within_the_rules,
    order_fields_refuse_bad_input_and_change_nothing,
    summary_and_trend_count_revenue_per_local_day,
    summary_and_trend_check_roles_and_ranges,
    order_items_show_what_was_sold_their_discount_and_status,
);

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// A product at `price` with `stock` units in one lot.
fn stocked(app: &TestApp, name: &str, price: f64, stock: i64) -> i64 {
    let id = app.product(&app.owner, name, price);
    if stock > 0 {
        let _ = app.stock_in(&app.owner, id, stock, None);
    }
    id
}

fn place(app: &TestApp, token: &str, body: &Value) -> Resp {
    app.post("/v1/orders", Some(token), body)
}

/// Places a pickup order of `qty` units of `product` (optionally with a contact name).
fn placed(app: &TestApp, product: i64, qty: i64, contact: Option<&str>) -> Value {
    let mut body =
        json!({ "order_type": "pickup", "items": [{ "product_id": product, "qty": qty }] });
    if let Some(c) = contact {
        body["contact_name"] = json!(c);
    }
    place(app, &app.owner, &body).expect(201).body["data"].clone()
}

fn set_status(app: &TestApp, order: &str, status: &str) {
    let _ = app
        .patch(
            &format!("/v1/orders/{order}/status"),
            Some(&app.owner),
            &json!({ "status": status }),
        )
        .expect(200);
}

fn pay(app: &TestApp, order: &str, amount: f64) {
    let _ = app
        .post(
            "/functions/v1/mock-payment",
            Some(&app.owner),
            &json!({ "order_id": order, "amount": amount, "method": "cash", "status": "completed" }),
        )
        .expect(200);
}

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

// ---------------------------------------------------------------------------------------------
// placing

fn place_order_uses_catalogue_prices_allocates_stock_and_awaits_payment(b: Backend) {
    let app = TestApp::start(b);
    let latte = stocked(&app, "Iced Latte", 14.90, 10);
    let cookie = stocked(&app, "Cookie", 3.50, 5);
    let r = place(
        &app,
        &app.owner,
        &json!({
            "order_type": "pickup",
            "items": [
                { "product_id": latte, "name": "Iced Latte", "qty": 2, "unit_price": 14.90 },
                { "product_id": cookie.to_string(), "quantity": 1 }
            ],
            "notes": "Less sugar",
            "contact_name": "Walk-in"
        }),
    )
    .expect(201);
    let d = &r.body["data"];
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(d["status"], json!("pending_payment"));
    assert_eq!(d["order_type"], json!("pickup"));
    assert_eq!(d["subtotal"], json!(33.3));
    assert_eq!(d["discount"], json!(0.0));
    assert_eq!(d["total"], json!(33.3));
    assert_eq!(d["currency"], json!("MYR"));
    assert_eq!(d["items"][0]["unit_price"], json!(14.9));
    assert_eq!(d["items"][0]["total_price"], json!(29.8));
    assert_eq!(d["items"][1]["product_name"], json!("Cookie"));
    assert!(text(&d["order_number"]).starts_with("ORD-"));
    assert_eq!(app.current_stock(latte), 8);
    assert_eq!(app.current_stock(cookie), 4);

    let id = text(&d["order_id"]);
    let got = app
        .get(&format!("/v1/orders/{id}"), Some(&app.owner))
        .expect(200);
    let o = &got.body["data"];
    assert_eq!(o["status"], json!("confirmed"));
    assert_eq!(o["notes"], json!("Less sugar"));
    assert_eq!(o["contact_name"], json!("Walk-in"));
    assert_eq!(o["total_amount"], json!(33.3));
    assert!(o["confirmed_at"].is_string(), "{o}");
    assert_eq!(app.outbox(&id), vec!["order.created".to_owned()]);

    // It can be paid at once and handed over at the counter.
    pay(&app, &id, 33.3);
    set_status(&app, &id, "completed");
}

fn place_order_refuses_bad_input_and_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let latte = stocked(&app, "Iced Latte", 14.90, 3);
    let empty = stocked(&app, "Sold Out", 2.00, 0);
    let before = app.fingerprint();
    let line = |extra: Value| {
        let mut item = json!({ "product_id": latte, "qty": 1 });
        if let (Some(i), Some(e)) = (item.as_object_mut(), extra.as_object()) {
            i.extend(e.clone());
        }
        json!({ "order_type": "pickup", "items": [item] })
    };
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (
            json!({ "items": [{ "product_id": latte, "qty": 1 }] }),
            422,
            "VALIDATION_ERROR",
            "order_type",
        ),
        (
            json!({ "order_type": "drone", "items": [{ "product_id": latte, "qty": 1 }] }),
            422,
            "VALIDATION_ERROR",
            "order_type",
        ),
        (
            json!({ "order_type": "pickup" }),
            422,
            "VALIDATION_ERROR",
            "items",
        ),
        (
            json!({ "order_type": "pickup", "items": [] }),
            422,
            "VALIDATION_ERROR",
            "items",
        ),
        (
            line(json!({ "qty": 0 })),
            422,
            "VALIDATION_ERROR",
            "items[0].qty",
        ),
        (
            line(json!({ "qty": -2 })),
            422,
            "VALIDATION_ERROR",
            "items[0].qty",
        ),
        (
            line(json!({ "qty": "two" })),
            422,
            "VALIDATION_ERROR",
            "items[0].qty",
        ),
        (
            line(json!({ "product_id": "prd_101" })),
            422,
            "VALIDATION_ERROR",
            "items[0].product_id",
        ),
        (
            line(json!({ "unit_price": 9.99 })),
            422,
            "AMOUNT_MISMATCH",
            "items[0].unit_price",
        ),
        (
            line(json!({ "unit_price": -14.90 })),
            422,
            "AMOUNT_MISMATCH",
            "items[0].unit_price",
        ),
        (
            line(json!({ "unit_price": "abc" })),
            422,
            "VALIDATION_ERROR",
            "items[0].unit_price",
        ),
        (
            json!({ "order_type": "pickup", "customer_id": "0193aaaa-0000-7000-8000-000000000001", "items": [{ "product_id": latte, "qty": 1 }] }),
            422,
            "CUSTOMER_NOT_FOUND",
            "customer_id",
        ),
        (
            json!({ "order_type": "pickup", "outlet_id": "0193aaaa-0000-7000-8000-000000000002", "items": [{ "product_id": latte, "qty": 1 }] }),
            422,
            "OUTLET_NOT_FOUND",
            "outlet_id",
        ),
        (
            json!({ "order_type": "pickup", "outlet_id": "out_101", "items": [{ "product_id": latte, "qty": 1 }] }),
            422,
            "OUTLET_NOT_FOUND",
            "outlet_id",
        ),
        (
            json!({ "order_type": "pickup", "coupon_code": "NOPE10", "items": [{ "product_id": latte, "qty": 1 }] }),
            422,
            "COUPON_INVALID",
            "coupon_code",
        ),
    ];
    for (body, status, code, field) in cases {
        let r = place(&app, &app.owner, &body).merchant_error(status, code);
        assert!(
            r.body["errors"].get(field).is_some(),
            "{body}: expected an error on {field}: {}",
            r.body
        );
    }
    let _ = place(&app, &app.owner, &line(json!({ "product_id": 999_999 })))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    let _ = place(&app, &app.owner, &line(json!({ "qty": 4 })))
        .merchant_error(409, "INSUFFICIENT_STOCK");
    let _ = place(
        &app,
        &app.owner,
        &json!({ "order_type": "pickup", "items": [{ "product_id": latte, "qty": 1 }, { "product_id": empty, "qty": 1 }] }),
    )
    .merchant_error(409, "INSUFFICIENT_STOCK");
    let _ = app
        .send_raw("POST", "/v1/orders", Some(&app.owner), "{\"order_type\":")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);
    assert_eq!(app.current_stock(latte), 3);
}

fn place_order_needs_a_token_and_a_writing_role(b: Backend) {
    let app = TestApp::start(b);
    let latte = stocked(&app, "Iced Latte", 14.90, 5);
    let body = json!({ "order_type": "pickup", "items": [{ "product_id": latte, "qty": 1 }] });
    let readers: Vec<String> = [Role::Agent, Role::Viewer]
        .into_iter()
        .map(|role| app.staff_token(app.tenant, role))
        .collect();
    let before = app.fingerprint();
    let _ = app
        .post("/v1/orders", None, &body)
        .merchant_error(401, "AUTH_REQUIRED");
    let _ = app
        .post("/v1/orders", Some("not-a-token"), &body)
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    let _ = app
        .post("/v1/orders", Some(&app.expired_token(&app.owner)), &body)
        .merchant_error(401, "AUTH_TOKEN_EXPIRED");
    for token in &readers {
        let _ = place(&app, token, &body).merchant_error(403, "FORBIDDEN");
    }
    assert_eq!(app.fingerprint(), before);
    for role in [Role::Cashier, Role::Manager, Role::Admin] {
        let token = app.staff_token(app.tenant, role);
        let _ = place(&app, &token, &body).expect(201);
    }
    assert_eq!(app.current_stock(latte), 2);
}

// ---------------------------------------------------------------------------------------------
// listing

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
        json!({ "page": 2, "limit": 2, "total": 5 })
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

fn orders_by_number_items_and_other_tenants(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Tea", 2.50, 10);
    let o = placed(&app, p, 3, None);
    let (id, number) = (text(&o["order_id"]), text(&o["order_number"]));

    let r = app
        .get(&format!("/v1/orders/by-number/{number}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["id"], json!(id));
    assert_eq!(r.body["data"]["total_amount"], json!(7.5));
    assert!(r.body["data"]["status_history"].is_array());
    let r = app
        .get(&format!("/v1/orders/{id}/items"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"][0]["quantity"], json!(3));
    assert_eq!(r.body["data"][0]["total_price"], json!(7.5));
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(1));

    let _ = app
        .get("/v1/orders/by-number/ORD-1999-0001", Some(&app.owner))
        .merchant_error(404, "ORDER_NOT_FOUND");
    let _ = app
        .get("/v1/orders/not-an-id/items", Some(&app.owner))
        .merchant_error(404, "ORDER_NOT_FOUND");
    let _ = app
        .get(
            "/v1/customers/0193aaaa-0000-7000-8000-000000000001/orders",
            Some(&app.owner),
        )
        .merchant_error(404, "CUSTOMER_NOT_FOUND");

    // Another merchant sees none of it, whatever the route.
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let token = app.staff_token(other, Role::Owner);
    for path in [
        format!("/v1/orders/{id}"),
        format!("/v1/orders/{id}/items"),
        format!("/v1/orders/by-number/{number}"),
    ] {
        let _ = app
            .get(&path, Some(&token))
            .merchant_error(404, "ORDER_NOT_FOUND");
    }
    // Reading needs orders:read; every role has it.
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let _ = app
        .get(&format!("/v1/orders/{id}/items"), Some(&viewer))
        .expect(200);
    let _ = app
        .get(&format!("/v1/orders/by-number/{number}"), None)
        .merchant_error(401, "AUTH_REQUIRED");
}

// ---------------------------------------------------------------------------------------------
// changing fields

fn order_fields_change_within_the_rules(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Box", 50.00, 10);
    let o = placed(&app, p, 1, None);
    let id = text(&o["order_id"]);
    let path = format!("/v1/orders/{id}");

    let r = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "shippingAddress": "7 Jalan Ampang", "contact_phone": "+60123456789", "notes": "Ring twice" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["shipping_address"], json!("7 Jalan Ampang"));
    assert_eq!(r.body["data"]["contact_phone"], json!("+60123456789"));
    assert_eq!(r.body["data"]["notes"], json!("Ring twice"));
    assert_eq!(r.body["data"]["status"], json!("confirmed"));

    // 002's example: a coupon discount of 1.00 with the total the client computed.
    let r = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "shipping_fee": 5, "couponCode": "SAVE20", "couponDiscount": 1.00, "totalAmount": 54.00 }),
        )
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(d["shipping_fee"], json!(5.0));
    assert_eq!(d["coupon_code"], json!("SAVE20"));
    assert_eq!(d["coupon_discount"], json!(1.0));
    assert_eq!(d["discount_amount"], json!(1.0));
    assert_eq!(d["total_amount"], json!(54.0));

    // null clears a text field; removing the coupon gives its discount back.
    let r = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "notes": null, "coupon_code": null }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["notes"], Value::Null);
    assert_eq!(r.body["data"]["total_amount"], json!(55.0));
    assert_eq!(r.body["data"]["coupon_code"], Value::Null);

    // Paid: amounts are locked, contact details are not.
    pay(&app, &id, 55.0);
    let _ = app
        .patch(&path, Some(&app.owner), &json!({ "shipping_fee": 0 }))
        .merchant_error(409, "ORDER_NOT_EDITABLE");
    let _ = app
        .patch(&path, Some(&app.owner), &json!({ "contact_name": "Ali" }))
        .expect(200);
    let _ = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "tracking_number": "MY123" }),
        )
        .merchant_error(409, "ORDER_NOT_EDITABLE");
    set_status(&app, &id, "processing");
    let r = app
        .patch(
            &path,
            Some(&app.owner),
            &json!({ "trackingNumber": "MY123" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["tracking_number"], json!("MY123"));
    assert!(
        app.outbox(&id).iter().any(|e| e == "order.updated"),
        "{:?}",
        app.outbox(&id)
    );
}

fn order_fields_refuse_bad_input_and_change_nothing(b: Backend) {
    let app = TestApp::start(b);
    let p = stocked(&app, "Box", 50.00, 10);
    let o = placed(&app, p, 1, None);
    let id = text(&o["order_id"]);
    let path = format!("/v1/orders/{id}");
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let token = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for (body, status, code, field) in [
        (
            json!({ "status": "paid" }),
            422,
            "VALIDATION_ERROR",
            "status",
        ),
        (
            json!({ "total_amount": 10 }),
            422,
            "AMOUNT_MISMATCH",
            "total_amount",
        ),
        (
            json!({ "shipping_fee": -1 }),
            422,
            "VALIDATION_ERROR",
            "shipping_fee",
        ),
        (
            json!({ "discount_amount": 60 }),
            422,
            "VALIDATION_ERROR",
            "discount_amount",
        ),
        (
            json!({ "coupon_discount": 5 }),
            422,
            "VALIDATION_ERROR",
            "coupon_discount",
        ),
        (
            json!({ "shipping_fee": "lots" }),
            422,
            "VALIDATION_ERROR",
            "shipping_fee",
        ),
        (json!({ "notes": 42 }), 422, "VALIDATION_ERROR", "notes"),
    ] {
        let r = app
            .patch(&path, Some(&app.owner), &body)
            .merchant_error(status, code);
        assert!(r.body["errors"].get(field).is_some(), "{body}: {}", r.body);
    }
    let r = app.patch(
        &path,
        Some(&app.owner),
        &json!({ "shippedAt": "2026-01-01T00:00:00Z" }),
    );
    assert!(matches!(r.status, 400 | 422), "{}", r.body);
    let _ = app
        .patch(&path, None, &json!({ "notes": "x" }))
        .merchant_error(401, "AUTH_REQUIRED");
    let _ = app
        .patch(&path, Some(&viewer), &json!({ "notes": "x" }))
        .merchant_error(403, "FORBIDDEN");
    let _ = app
        .patch(&path, Some(&token), &json!({ "notes": "x" }))
        .merchant_error(404, "ORDER_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);

    set_status(&app, &id, "cancelled");
    let _ = app
        .patch(&path, Some(&app.owner), &json!({ "notes": "x" }))
        .merchant_error(409, "ORDER_NOT_EDITABLE");
}

// ---------------------------------------------------------------------------------------------
// overview and trend

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

/// 002's order items: the product's description and main image as they were when sold (later
/// edits do not change them), each line's share of the discount (adding up to it), and a
/// status that follows the order.
fn order_items_show_what_was_sold_their_discount_and_status(b: Backend) {
    let app = TestApp::start(b);
    let latte = stocked(&app, "Latte", 10.0, 10);
    let cake = stocked(&app, "Cake", 5.0, 10);
    app.put(
        &format!("/v1/products/{latte}"),
        Some(&app.owner),
        &json!({ "description": "Double shot, oat milk" }),
    )
    .expect(200);
    for (src, primary) in [
        ("https://cdn.example.com/latte-side.jpg", false),
        ("https://cdn.example.com/latte.jpg", true),
    ] {
        app.post(
            &format!("/v1/products/{latte}/images"),
            Some(&app.owner),
            &json!({ "src": src, "is_primary": primary }),
        )
        .expect(201);
    }
    app.post(
        "/v1/coupons",
        Some(&app.owner),
        &json!({
            "title": "One off", "code": "ONEOFF", "discount_type": "fixed", "discount_value": 1,
            "valid_from": (Utc::now() - chrono::Duration::days(1)).to_rfc3339(),
            "valid_to": (Utc::now() + chrono::Duration::days(1)).to_rfc3339(),
        }),
    )
    .expect(201);
    // 2 lattes (20.00) and 2 cakes (10.00), 1.00 off: 0.67 and 0.33.
    let placed = place(
        &app,
        &app.owner,
        &json!({
            "order_type": "pickup", "coupon_code": "ONEOFF",
            "items": [{ "product_id": latte, "qty": 2 }, { "product_id": cake, "qty": 2 }]
        }),
    )
    .expect(201);
    let items = &placed.body["data"]["items"];
    assert_eq!(
        items[0]["product_description"],
        json!("Double shot, oat milk"),
        "{items}"
    );
    assert_eq!(
        items[0]["product_image_url"],
        json!("https://cdn.example.com/latte.jpg")
    );
    assert_eq!(items[1]["product_description"], json!(null));
    assert_eq!(items[1]["product_image_url"], json!(null));
    assert_eq!(items[0]["discount_amount"], json!(0.67));
    assert_eq!(items[1]["discount_amount"], json!(0.33));
    assert!(
        items
            .as_array()
            .is_some_and(|l| l.iter().all(|i| i["status"] == json!("active")))
    );
    let id = text(&placed.body["data"]["order_id"]);

    // What the product says later is not what was sold.
    app.put(
        &format!("/v1/products/{latte}"),
        Some(&app.owner),
        &json!({ "description": "Now with honey" }),
    )
    .expect(200);
    set_status(&app, &id, "cancelled");
    for path in [format!("/v1/orders/{id}"), format!("/v1/orders/{id}/items")] {
        let r = app.get(&path, Some(&app.owner)).expect(200);
        let items = if r.body["data"].is_array() {
            r.body["data"].clone()
        } else {
            r.body["data"]["items"].clone()
        };
        assert_eq!(
            items[0]["product_description"],
            json!("Double shot, oat milk"),
            "{path}"
        );
        assert_eq!(items[0]["discount_amount"], json!(0.67), "{path}");
        assert!(
            items.as_array().is_some_and(
                |l| l.len() == 2 && l.iter().all(|i| i["status"] == json!("cancelled"))
            ),
            "{path}: {items}"
        );
    }
}
