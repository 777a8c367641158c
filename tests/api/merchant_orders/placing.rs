//! Placing orders: catalogue prices, stock allocation, refusals that change nothing, tokens
//! and roles.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{pay, place, set_status, stocked, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    place_order_uses_catalogue_prices_allocates_stock_and_awaits_payment,
    place_order_refuses_bad_input_and_changes_nothing,
    place_order_needs_a_token_and_a_writing_role,
);

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
