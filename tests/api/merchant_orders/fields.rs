//! Changing an order's fields within the rules, and refusals that change nothing.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{pay, placed, set_status, stocked, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    order_fields_change_within_the_rules,
    order_fields_refuse_bad_input_and_change_nothing,
);

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
