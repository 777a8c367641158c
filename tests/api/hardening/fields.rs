//! A body with several bad fields is refused once, naming every one of them, in the envelope of
//! the surface called, and changes nothing.

use serde_json::{Value, json};

use super::stocked;
use crate::commerce::fingerprint;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(every_bad_field_is_named_in_one_answer);

/// The fields named in an `errors` map, sorted.
fn named(errors: &Value) -> Vec<String> {
    let mut fields: Vec<String> = errors
        .as_object()
        .unwrap_or_else(|| panic!("an errors map: {errors}"))
        .keys()
        .cloned()
        .collect();
    fields.sort();
    fields
}

fn every_bad_field_is_named_in_one_answer(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    let p = stocked(&app);
    let before = fingerprint(&app, &db);

    // The merchant API: two fields of the wrong type, and a required one missing.
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "price": true, "status": 3 }),
        )
        .merchant_error(422, "VALIDATION_ERROR");
    assert_eq!(named(&r.body["errors"]), ["name", "price", "status"]);
    let r = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "order_type": 5, "contact_name": ["x"],
                     "items": [{ "product_id": p, "qty": "two" }] }),
        )
        .merchant_error(422, "VALIDATION_ERROR");
    assert_eq!(
        named(&r.body["errors"]),
        ["contact_name", "items[0].qty", "order_type"]
    );

    // The edge functions: the same, with 400.
    let r = app
        .post(
            "/functions/v1/order-create",
            Some(&app.owner),
            &json!({ "order_data": "none", "items": { "product_id": p } }),
        )
        .edge_error(400, "VALIDATION_ERROR");
    assert_eq!(named(&r.body["errors"]), ["items", "order_data"]);

    // The customer portal: in `error.details.errors`.
    let r = app.portal_post(
        "/shop/orders",
        None,
        &json!({ "lineItems": "tea", "shippingMethodId": "fast", "customerInfo": 7 }),
    );
    let r = r.portal_error(422, "VALIDATION_ERROR");
    assert_eq!(
        named(&r.body["error"]["details"]["errors"]),
        ["customerInfo", "lineItems", "shippingMethodId"]
    );

    assert_eq!(
        fingerprint(&app, &db),
        before,
        "a refused body changed something"
    );
}
