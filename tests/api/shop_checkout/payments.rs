//! Paying for a shop order: the mock gateway's page (approved and declined), the payment
//! gateway and payment intents.

use serde_json::json;

use super::{get, order_body, portal_error, post, shop};
use crate::commerce::{self, fingerprint, page, text};
use crate::support::Backend;

crate::on_both_backends!(
    paying_on_the_mock_page_marks_the_order_paid,
    a_declined_payment_reads_failed,
    payment_gateway_and_payment_intents,
);

/// The path of a mock checkout URL.
fn checkout_path(payment_url: &str) -> String {
    let at = payment_url
        .find("/pay/mock/")
        .unwrap_or_else(|| panic!("not a mock checkout url: {payment_url}"));
    payment_url[at..].to_owned()
}

fn paying_on_the_mock_page_marks_the_order_paid(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let mut body = order_body(s.product, 1, s.courier);
    body["paymentMethodId"] = json!(s.card);
    let r = post(app, "/shop/orders", &body).expect(201);
    let order_id = text(&r.body["data"]["orderId"]);
    let path = checkout_path(&text(&r.body["data"]["paymentUrl"]));
    let p = page(app, "GET", &path);
    assert_eq!(p.status, 200);
    assert!(p.text.contains("150.00"), "{}", p.text);
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(status.body["data"]["paymentStatus"], json!("pending"));
    let p = page(app, "POST", &format!("{path}/approve"));
    assert_eq!(p.status, 200, "{}", p.text);
    // Back on the storefront's success page, the order reads paid at once.
    let order = get(app, &format!("/shop/orders/{order_id}")).expect(200);
    assert_eq!(order.body["data"]["status"], json!("confirmed"));
    assert_eq!(order.body["data"]["paymentStatus"], json!("completed"));
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    let d = &status.body["data"];
    assert_eq!(d["orderId"], json!(order_id));
    assert_eq!(d["paymentStatus"], json!("completed"));
    assert_eq!(
        d["orderStatus"],
        json!("confirmed"),
        "paid reads as confirmed"
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(&text(&d["paidAt"])).is_ok(),
        "{d}"
    );
    // Asking again records nothing more.
    let again = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(again.body["data"], status.body["data"]);
    let m = app
        .get(&format!("/v1/orders/{order_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(m.body["data"]["status"], json!("paid"));
    assert_eq!(m.body["data"]["payment_status"], json!("completed"));
    let payments = m.body["data"]["payments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(payments.len(), 1, "{}", m.body);
    assert_eq!(payments[0]["method"], json!("Card"));
    assert_eq!(payments[0]["amount"], json!(150.0));
    let list = app
        .get("/v1/orders?status=paid", Some(&app.owner))
        .expect(200);
    assert!(
        list.body["data"]
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x["id"] == json!(order_id))),
        "{}",
        list.body
    );
    let order = get(app, &format!("/shop/orders/{order_id}")).expect(200);
    assert_eq!(order.body["data"]["status"], json!("confirmed"));
    assert_eq!(order.body["data"]["paymentStatus"], json!("completed"));
    assert_eq!(
        app.outbox(&order_id),
        [
            "order.created",
            "order.status_changed",
            "order.status_changed",
            "payment.success"
        ],
        "pending → confirmed → paid, recording each step"
    );
}

fn a_declined_payment_reads_failed(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let mut body = order_body(s.product, 1, s.courier);
    body["paymentMethodId"] = json!(s.card);
    let r = post(app, "/shop/orders", &body).expect(201);
    let order_id = text(&r.body["data"]["orderId"]);
    let token = text(&r.body["data"]["orderToken"]);
    let path = checkout_path(&text(&r.body["data"]["paymentUrl"]));
    assert_eq!(page(app, "POST", &format!("{path}/decline")).status, 200);
    let order = get(app, &format!("/shop/orders/{order_id}")).expect(200);
    assert_eq!(order.body["data"]["paymentStatus"], json!("failed"));
    assert_eq!(order.body["data"]["status"], json!("pending"));
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(
        status.body["data"],
        json!({ "orderId": order_id, "orderStatus": "pending", "paymentStatus": "failed", "paidAt": null })
    );
    // A new payment can be opened, with the guest's order token, and paid.
    let r = post(
        app,
        "/payment-intents",
        &json!({ "amount": 150, "currency": "MYR", "orderId": order_id, "orderToken": token }),
    )
    .expect(201);
    let path = checkout_path(&text(&r.body["data"]["paymentUrl"]));
    assert_eq!(page(app, "POST", &format!("{path}/approve")).status, 200);
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(status.body["data"]["paymentStatus"], json!("completed"));
}

fn payment_gateway_and_payment_intents(b: Backend) {
    let s = shop(b);
    let app = &s.app;
    let r = get(app, "/payment-gateway").expect(200);
    assert_eq!(r.body["data"]["gateway"], json!("mock"));
    let key = text(&r.body["data"]["publishableKey"]);
    assert!(key.starts_with("pk_mock_"), "{key}");

    let mut body = order_body(s.product, 2, s.courier);
    body["paymentMethodId"] = json!(s.bank);
    let order = post(app, "/shop/orders", &body).expect(201);
    let order_id = text(&order.body["data"]["orderId"]);
    let token = text(&order.body["data"]["orderToken"]);
    assert_eq!(token.len(), 64, "{token}");
    let before = fingerprint(app, &commerce::store(app));
    for (body, status, code) in [
        (
            json!({ "amount": 260, "currency": "MYR", "orderId": order_id, "orderToken": token }),
            422,
            "AMOUNT_MISMATCH",
        ),
        (
            json!({ "amount": 270, "currency": "HKD", "orderId": order_id, "orderToken": token }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "amount": 0, "currency": "MYR", "orderId": order_id, "orderToken": token }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "amount": "x", "currency": "MYR", "orderId": order_id, "orderToken": token }),
            422,
            "VALIDATION_ERROR",
        ),
        // Only the guest who placed it may pay it: the id alone is not enough.
        (
            json!({ "amount": 270, "currency": "MYR", "orderId": order_id }),
            403,
            "FORBIDDEN",
        ),
        (
            json!({ "amount": 270, "currency": "MYR", "orderId": order_id, "orderToken": "0".repeat(64) }),
            403,
            "FORBIDDEN",
        ),
        (
            json!({ "amount": 270, "currency": "MYR" }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "currency": "MYR", "orderId": order_id }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "amount": 270, "currency": "MYR", "bookingId": "b-1" }),
            422,
            "PAYMENT_TARGET_NOT_SUPPORTED",
        ),
        (
            json!({ "amount": 270, "currency": "MYR", "tierId": "t-1", "orderId": order_id }),
            422,
            "PAYMENT_TARGET_NOT_SUPPORTED",
        ),
        (
            json!({ "amount": 270, "currency": "MYR", "orderId": uuid::Uuid::now_v7().to_string() }),
            404,
            "ORDER_NOT_FOUND",
        ),
    ] {
        portal_error(post(app, "/payment-intents", &body), status, code);
    }
    assert_eq!(before, fingerprint(app, &commerce::store(app)));
    let r = post(
        app,
        "/payment-intents",
        &json!({ "amount": 270, "currency": "MYR", "orderId": order_id, "orderToken": token }),
    )
    .expect(201);
    let d = &r.body["data"];
    let intent = text(&d["paymentIntentId"]);
    assert!(text(&d["clientSecret"]).starts_with(&format!("{intent}_secret_")));
    assert_eq!(d["publishableKey"], json!(key));
    let path = checkout_path(&text(&d["paymentUrl"]));
    assert_eq!(page(app, "POST", &format!("{path}/approve")).status, 200);
    let status = get(app, &format!("/shop/orders/{order_id}/payment-status")).expect(200);
    assert_eq!(status.body["data"]["paymentStatus"], json!("completed"));
    let m = app
        .get(&format!("/v1/orders/{order_id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        m.body["data"]["payments"][0]["method"],
        json!("online"),
        "a manual method's order paid online"
    );
    // Paid: no more payments.
    portal_error(
        post(
            app,
            "/payment-intents",
            &json!({ "amount": 270, "currency": "MYR", "orderId": order_id, "orderToken": token }),
        ),
        409,
        "PAYMENT_NOT_ALLOWED",
    );
}
