//! Variations, options and images of a product, and the variation rules that refuse a change
//! and leave everything as it was.

use serde_json::{Value, json};

use super::{data, id_of, option, product_with, shop_fingerprint, variation};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    shop_variations_options_and_images,
    shop_variation_rules_change_nothing_when_broken,
);

fn shop_variations_options_and_images(b: Backend) {
    let app = TestApp::start(b);
    let tee = product_with(
        &app,
        &json!({ "name": "Tee", "price": 59.9, "product_type": "variable", "slug": "tee" }),
    );
    // Options with values; a variation picks one value per option.
    let r = app
        .post(
            &format!("/v1/products/{tee}/options"),
            Some(&app.owner),
            &json!({ "name": "Colour", "values": ["Red", { "value": "Blue", "position": 5 }] }),
        )
        .expect(201);
    let o = data(&r);
    assert!(o["id"].is_i64());
    assert_eq!(o["name"], json!("Colour"));
    assert_eq!(o["required"], json!(true));
    assert_eq!(o["values"][0]["value"], json!("Red"));
    assert_eq!(o["values"][0]["position"], json!(0));
    assert_eq!(o["values"][1]["value"], json!("Blue"));
    assert_eq!(o["values"][1]["position"], json!(5));
    let red = o["values"][0]["id"].as_i64().unwrap_or_default();
    let blue = o["values"][1]["id"].as_i64().unwrap_or_default();
    let sizes = option(&app, tee, "Size", &["S", "L"]);
    app.post(
        &format!("/v1/products/{tee}/options"),
        Some(&app.owner),
        &json!({ "name": "Size", "values": ["XL"] }),
    )
    .merchant_error(409, "OPTION_EXISTS");

    let r = app
        .post(
            &format!("/v1/products/{tee}/variations"),
            Some(&app.owner),
            &json!({ "sku": "TEE-RED-S", "option_value_ids": [red, sizes[0]], "discount_price": 49.9 }),
        )
        .expect(201);
    let v = data(&r);
    let red_s = id_of(&r);
    assert_eq!(v["name"], json!("Tee - Red / S"));
    assert_eq!(v["parent_id"], json!(tee));
    assert_eq!(v["price"], json!(59.9));
    assert_eq!(v["discount_price"], json!(49.9));
    assert_eq!(v["sku"], json!("TEE-RED-S"));
    assert_eq!(v["current_stock"], json!(0));
    assert_eq!(v["stock_status"], json!("out_of_stock"));
    assert_eq!(
        v["selected_options"],
        json!([{ "option_name": "Colour", "value": "Red" }, { "option_name": "Size", "value": "S" }])
    );
    let mut ids: Vec<i64> = v["option_value_ids"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    ids.sort_unstable();
    let mut want = vec![red, sizes[0]];
    want.sort_unstable();
    assert_eq!(ids, want);
    let blue_l = variation(
        &app,
        tee,
        &json!({ "name": "Blue L", "price": "64.90", "option_value_ids": [blue, sizes[1]] }),
    );

    // A variation is a product: stock it in through the inventory routes.
    app.stock_in(&app.owner, red_s, 5, None);
    assert_eq!(app.current_stock(red_s), 5);
    let r = app
        .get(&format!("/v1/products/{tee}/variations"), Some(&app.owner))
        .expect(200);
    let list = data(&r).as_array().unwrap_or_else(|| panic!("{}", r.body));
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], json!(red_s));
    assert_eq!(list[0]["current_stock"], json!(5));
    assert_eq!(list[0]["stock_status"], json!("in_stock"));
    assert_eq!(list[1]["id"], json!(blue_l));
    assert_eq!(list[1]["price"], json!(64.9));
    assert_eq!(list[1]["name"], json!("Blue L"));

    // Changing a variation, its values included.
    let r = app
        .patch(
            &format!("/v1/products/{tee}/variations/{blue_l}"),
            Some(&app.owner),
            &json!({ "option_value_ids": [blue, sizes[0]], "status": "inactive", "low_stock_threshold": 2 }),
        )
        .expect(200);
    assert_eq!(data(&r)["status"], json!("inactive"));
    assert_eq!(
        data(&r)["selected_options"],
        json!([{ "option_name": "Colour", "value": "Blue" }, { "option_name": "Size", "value": "S" }])
    );
    assert_eq!(data(&r)["low_stock_threshold"], json!(2));

    // Deleting: refused with stock on hand; an empty variation is archived.
    app.delete(
        &format!("/v1/products/{tee}/variations/{red_s}"),
        Some(&app.owner),
    )
    .merchant_error(409, "PRODUCT_IN_USE");
    let r = app
        .delete(
            &format!("/v1/products/{tee}/variations/{blue_l}"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(data(&r), &json!({ "id": blue_l, "deleted": true }));
    app.delete(
        &format!("/v1/products/{tee}/variations/{blue_l}"),
        Some(&app.owner),
    )
    .merchant_error(404, "VARIATION_NOT_FOUND");
    // The freed combination can be used again.
    variation(&app, tee, &json!({ "option_value_ids": [blue, sizes[1]] }));
    // A parent with variations cannot stop being variable, nor be deleted.
    app.patch(
        &format!("/v1/products/{tee}"),
        Some(&app.owner),
        &json!({ "product_type": "simple" }),
    )
    .merchant_error(409, "PRODUCT_HAS_VARIATIONS");
    app.delete(&format!("/v1/products/{tee}"), Some(&app.owner))
        .merchant_error(409, "PRODUCT_IN_USE");

    // Images by URL: the first is primary; a new primary takes over.
    let r = app
        .post(
            &format!("/v1/products/{tee}/images"),
            Some(&app.owner),
            &json!({ "src": "https://cdn.example.com/tee.jpg", "alt": "A tee", "width": 800, "height": 600 }),
        )
        .expect(201);
    let img = data(&r);
    let first = id_of(&r);
    assert_eq!(img["product_id"], json!(tee));
    assert_eq!(img["src"], json!("https://cdn.example.com/tee.jpg"));
    assert_eq!(img["is_primary"], json!(true));
    assert_eq!(img["position"], json!(0));
    assert_eq!(img["width"], json!(800));
    let r = app
        .post(
            &format!("/v1/products/{tee}/images"),
            Some(&app.owner),
            &json!({ "src": "http://cdn.example.com/tee-back.jpg" }),
        )
        .expect(201);
    assert_eq!(data(&r)["is_primary"], json!(false));
    assert_eq!(data(&r)["position"], json!(1));
    let second = id_of(&r);
    let r = app
        .post(
            &format!("/v1/products/{tee}/images"),
            Some(&app.owner),
            &json!({ "src": "https://cdn.example.com/tee-main.jpg", "is_primary": true }),
        )
        .expect(201);
    assert_eq!(data(&r)["is_primary"], json!(true));
    let r = app
        .delete(
            &format!("/v1/products/{tee}/images/{first}"),
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(data(&r), &json!({ "id": first, "deleted": true }));
    app.delete(
        &format!("/v1/products/{tee}/images/{first}"),
        Some(&app.owner),
    )
    .merchant_error(404, "IMAGE_NOT_FOUND");
    app.delete(&format!("/v1/products/{tee}/images/x"), Some(&app.owner))
        .merchant_error(404, "IMAGE_NOT_FOUND");
    assert!(second > first);
}

fn shop_variation_rules_change_nothing_when_broken(b: Backend) {
    let app = TestApp::start(b);
    let simple = app.product(&app.owner, "Mug", 20.0);
    let tee = product_with(
        &app,
        &json!({ "name": "Tee", "price": 50, "product_type": "variable" }),
    );
    let colours = option(&app, tee, "Colour", &["Red", "Blue"]);
    let cap = product_with(
        &app,
        &json!({ "name": "Cap", "price": 30, "product_type": "variable" }),
    );
    let cap_sizes = option(&app, cap, "Size", &["S"]);
    let red = variation(
        &app,
        tee,
        &json!({ "sku": "TEE-R", "option_value_ids": [colours[0]] }),
    );
    let before = shop_fingerprint(&app);
    let t = Some(app.owner.as_str());
    let path = format!("/v1/products/{tee}/variations");
    // Parent rules.
    app.post(&format!("/v1/products/{simple}/variations"), t, &json!({}))
        .merchant_error(409, "PRODUCT_NOT_VARIABLE");
    app.post(&format!("/v1/products/{red}/variations"), t, &json!({}))
        .merchant_error(409, "PRODUCT_IS_VARIATION");
    app.post("/v1/products/999999/variations", t, &json!({}))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.post("/v1/products/abc/variations", t, &json!({}))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.post(
        &format!("/v1/products/{red}/options"),
        t,
        &json!({ "name": "Size", "values": ["S"] }),
    )
    .merchant_error(409, "PRODUCT_IS_VARIATION");
    // Option-value rules.
    app.post(&path, t, &json!({ "option_value_ids": [colours[0]] }))
        .merchant_error(409, "VARIATION_EXISTS");
    for (body, field) in [
        (json!({}), "option_value_ids"),
        (
            json!({ "option_value_ids": [cap_sizes[0]] }),
            "option_value_ids",
        ),
        (
            json!({ "option_value_ids": [colours[0], colours[1]] }),
            "option_value_ids",
        ),
        (json!({ "option_value_ids": [0] }), "option_value_ids[0]"),
        (json!({ "option_value_ids": "1" }), "option_value_ids"),
        (
            json!({ "option_value_ids": [colours[1]], "price": -1 }),
            "price",
        ),
        (
            json!({ "option_value_ids": [colours[1]], "price": 50, "discount_price": 50 }),
            "discount_price",
        ),
        (
            json!({ "option_value_ids": [colours[1]], "sku": "A B" }),
            "sku",
        ),
        (
            json!({ "option_value_ids": [colours[1]], "status": "gone" }),
            "status",
        ),
        (
            json!({ "option_value_ids": [colours[1]], "name": 7 }),
            "name",
        ),
    ] {
        let r = app
            .post(&path, t, &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    app.post(
        &path,
        t,
        &json!({ "option_value_ids": [colours[1]], "sku": "TEE-R" }),
    )
    .merchant_error(409, "SKU_TAKEN");
    app.patch(
        &format!("{path}/{red}"),
        t,
        &json!({ "option_value_ids": [cap_sizes[0]] }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    app.patch(&format!("{path}/{red}"), t, &json!({ "price": "abc" }))
        .merchant_error(422, "VALIDATION_ERROR");
    app.patch(&format!("{path}/999999"), t, &json!({ "name": "X" }))
        .merchant_error(404, "VARIATION_NOT_FOUND");
    // Option rules.
    for (body, field) in [
        (json!({ "name": "Size", "values": [] }), "values"),
        (json!({ "name": "", "values": ["S"] }), "name"),
        (json!({ "name": "Size", "values": ["S", "s"] }), "values"),
        (json!({ "name": "Size" }), "values"),
        (json!({ "values": ["S"] }), "name"),
        (
            json!({ "name": "Size", "values": ["S"], "required": "yes" }),
            "required",
        ),
    ] {
        let r = app
            .post(&format!("/v1/products/{tee}/options"), t, &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    // Image rules.
    for (body, field) in [
        (json!({ "src": "ftp://x.io/a.png" }), "src"),
        (json!({ "src": "/a.png" }), "src"),
        (json!({ "src": "https://" }), "src"),
        (json!({}), "src"),
        (json!({ "src": "https://x.io/a.png", "width": 0 }), "width"),
        (
            json!({ "src": "https://x.io/a.png", "height": -5 }),
            "height",
        ),
        (
            json!({ "src": "https://x.io/a.png", "is_primary": "true" }),
            "is_primary",
        ),
    ] {
        let r = app
            .post(&format!("/v1/products/{tee}/images"), t, &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    assert_eq!(shop_fingerprint(&app), before);
}
