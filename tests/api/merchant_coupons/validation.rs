//! Validating a coupon: the discount it gives, changing nothing, and coupons that do not apply.

use chrono::{Duration, Utc};
use kedai_identity::Role;
use serde_json::{Value, json};

use super::{created, lunch10, refused, validate};
use crate::commerce::{self, execute, fingerprint, outlet, text};
use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(
    validate_computes_the_discount_and_changes_nothing,
    validate_refuses_coupons_that_do_not_apply,
);

fn validate_computes_the_discount_and_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let id = created(&app, &lunch10());
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let before = fingerprint(&app, &db);
    // 003's example: 10% of 29.80 is 2.98; total 26.82.
    let r = validate(
        &app,
        &cashier,
        &json!({ "code": "lunch10", "customer_id": "cus_20001", "cart_total": 29.80 }),
    )
    .expect(200);
    assert_eq!(
        r.body["data"],
        json!({
            "valid": true, "coupon_id": id, "code": "LUNCH10", "discount_type": "percentage",
            "discount_value": 10.0, "discount_amount": 2.98, "final_total": 26.82, "currency": "MYR"
        })
    );
    // Half-up: 10% of 0.05 is 0.005 → 0.01.
    let r = validate(
        &app,
        &cashier,
        &json!({ "code": "LUNCH10", "cart_total": "0.05" }),
    )
    .expect(200);
    assert_eq!(r.body["data"]["discount_amount"], json!(0.01));
    let r = validate(
        &app,
        &cashier,
        &json!({ "code": "LUNCH10", "cart_total": 0 }),
    )
    .expect(200);
    assert_eq!(r.body["data"]["discount_amount"], json!(0.0));

    created(
        &app,
        &json!({ "title": "RM5", "code": "FIVE", "discount_type": "fixed", "discount_value": 5, "max_discount": 3 }),
    );
    let before_fixed = fingerprint(&app, &db);
    let r = validate(
        &app,
        &cashier,
        &json!({ "code": "FIVE", "cart_total": 120 }),
    )
    .expect(200);
    assert_eq!(
        (
            &r.body["data"]["discount_amount"],
            &r.body["data"]["final_total"]
        ),
        (&json!(3.0), &json!(117.0))
    );
    // Never more than the cart.
    let r = validate(&app, &cashier, &json!({ "code": "FIVE", "cart_total": 2 })).expect(200);
    assert_eq!(r.body["data"]["final_total"], json!(0.0));
    assert_eq!(fingerprint(&app, &db), before_fixed);
    assert_ne!(before, before_fixed);

    // Bad carts.
    for (body, field) in [
        (json!({ "code": "LUNCH10" }), "cart_total"),
        (json!({ "code": "LUNCH10", "cart_total": -1 }), "cart_total"),
        (
            json!({ "code": "LUNCH10", "cart_total": "abc" }),
            "cart_total",
        ),
        (
            json!({ "code": "LUNCH10", "cart_total": "1.001" }),
            "cart_total",
        ),
        (
            json!({ "code": "LUNCH10", "cart_total": [1] }),
            "cart_total",
        ),
        (json!({ "cart_total": 10 }), "code"),
        (json!({ "code": 10, "cart_total": 10 }), "code"),
    ] {
        refused(validate(&app, &cashier, &body), "VALIDATION_ERROR", field);
    }
    app.send_raw("POST", "/v1/coupons/validate", Some(&cashier), "{")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(fingerprint(&app, &db), before_fixed);
}

fn validate_refuses_coupons_that_do_not_apply(b: Backend) {
    let app = TestApp::start(b);
    let db = commerce::store(&app);
    let a = outlet(&db, app.tenant, "A");
    let other_outlet = outlet(&db, app.tenant, "B");
    let day = Duration::days(1);
    let mk = |code: &str, extra: Value| {
        let mut body = lunch10();
        body["code"] = json!(code);
        if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
            b.extend(e);
        }
        created(&app, &body)
    };
    mk(
        "SOON",
        json!({ "valid_from": (Utc::now() + day).to_rfc3339(), "valid_to": (Utc::now() + day * 2).to_rfc3339() }),
    );
    mk(
        "OLD",
        json!({ "valid_from": (Utc::now() - day * 3).to_rfc3339(), "valid_to": (Utc::now() - day).to_rfc3339() }),
    );
    mk("MIN30", json!({ "min_cart_total": 30 }));
    mk("OUTLET", json!({ "applicable_outlet_ids": [a] }));
    let used_up = mk("USEDUP", json!({ "usage_limit": 2 }));
    let off = mk("OFF", json!({}));
    app.patch(
        &format!("/v1/coupons/{off}/disable"),
        Some(&app.owner),
        &json!({}),
    )
    .expect(200);
    // Both uses taken (as orders would), straight in the database.
    execute(
        &db,
        &format!("UPDATE coupons SET used_count = 2 WHERE id = '{used_up}'"),
    );
    let before = fingerprint(&app, &db);
    let check = |code: &str, extra: Value| {
        let mut body = json!({ "code": code, "cart_total": 29.8 });
        if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
            b.extend(e);
        }
        validate(&app, &app.owner, &body)
    };
    let message = |r: Resp| text(&r.body["errors"]["code"][0]);
    // Not yet valid is an invalid coupon; only a closed window is an expired one.
    let r = refused(check("SOON", json!({})), "COUPON_INVALID", "code");
    assert!(message(r).contains("not valid until"));
    refused(check("old", json!({})), "COUPON_EXPIRED", "code");
    let r = refused(check("MIN30", json!({})), "COUPON_INVALID", "code");
    assert!(message(r).contains("at least 30.00"));
    check("MIN30", json!({ "cart_total": 30 })).expect(200);
    let r = refused(check("OUTLET", json!({})), "COUPON_INVALID", "code");
    assert!(message(r).contains("outlet"));
    refused(
        check("OUTLET", json!({ "outlet_id": other_outlet })),
        "COUPON_INVALID",
        "code",
    );
    check("OUTLET", json!({ "outlet_id": a })).expect(200);
    let r = refused(check("USEDUP", json!({})), "COUPON_INVALID", "code");
    assert!(message(r).contains("usage limit"));
    let r = refused(check("OFF", json!({})), "COUPON_INVALID", "code");
    assert!(message(r).contains("disabled"));
    for unknown in ["NOPE", "x", "bad code!"] {
        refused(check(unknown, json!({})), "COUPON_INVALID", "code");
    }
    // Coupons without outlets apply anywhere, named or not.
    check(
        "MIN30",
        json!({ "cart_total": 31, "outlet_id": other_outlet }),
    )
    .expect(200);
    assert_eq!(fingerprint(&app, &db), before);
}
