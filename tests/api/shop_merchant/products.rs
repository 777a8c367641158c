//! The shop fields of products: every field round-trips, and bad input changes nothing.

use serde_json::{Value, json};

use super::{category, data, group, id_of, product_with, shop_fingerprint};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    shop_product_fields_round_trip,
    shop_product_fields_bad_input_changes_nothing,
);

fn shop_product_fields_round_trip(b: Backend) {
    let app = TestApp::start(b);
    let hot = category(&app, &json!({ "name": "Hot" }));
    let cold = category(&app, &json!({ "name": "Cold" }));
    let brand = group(&app, "brands", &json!({ "name": "Acme" }));
    let summer = group(&app, "collections", &json!({ "name": "Summer" }));
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({
                "name": "Iced Latte", "sku": "LATTE-1", "price": "14.90", "category": "Beverage",
                "slug": "Iced-Latte", "short_name": "Latte", "product_type": "simple",
                "is_featured": true, "discount_price": 12.5, "member_price": "11.00",
                "seo_title": "Iced Latte | Test Cafe", "seo_description": "Cold coffee",
                "shipping_weight": "0.5kg", "brand_id": brand,
                "category_ids": [hot, cold, hot], "collection_ids": [summer],
                "track_inventory": true, "low_stock_threshold": 3
            }),
        )
        .expect(201);
    let p = data(&r);
    let id = id_of(&r);
    // The existing fields keep their shape.
    assert_eq!(p["name"], json!("Iced Latte"));
    assert_eq!(p["price"], json!(14.9));
    assert_eq!(p["currency"], json!("MYR"));
    assert_eq!(p["category"], json!("Beverage"));
    assert_eq!(p["current_stock"], json!(0));
    assert_eq!(p["outlet_ids"], json!([]));
    // The shop fields.
    assert_eq!(p["slug"], json!("iced-latte"));
    assert_eq!(p["short_name"], json!("Latte"));
    assert_eq!(p["product_type"], json!("simple"));
    assert_eq!(p["parent_id"], Value::Null);
    assert_eq!(p["is_featured"], json!(true));
    assert_eq!(p["discount_price"], json!(12.5));
    assert_eq!(p["member_price"], json!(11.0));
    assert_eq!(p["seo_title"], json!("Iced Latte | Test Cafe"));
    assert_eq!(p["seo_description"], json!("Cold coffee"));
    assert_eq!(p["shipping_weight"], json!("0.5kg"));
    assert_eq!(p["brand_id"], json!(brand));
    let mut cats: Vec<i64> = p["category_ids"]
        .as_array()
        .unwrap_or_else(|| panic!("{p}"))
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    cats.sort_unstable();
    assert_eq!(cats, [hot, cold]);
    assert_eq!(p["collection_ids"], json!([summer]));
    assert_eq!(p["track_inventory"], json!(true));
    assert_eq!(p["low_stock_threshold"], json!(3));
    assert_eq!(p["stock_status"], json!("out_of_stock"));

    // A plain product gets the defaults.
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Bun", "price": 3 }),
        )
        .expect(201);
    let plain = data(&r);
    assert_eq!(plain["slug"], Value::Null);
    assert_eq!(plain["product_type"], json!("simple"));
    assert_eq!(plain["is_featured"], json!(false));
    assert_eq!(plain["track_inventory"], json!(true));
    assert_eq!(plain["category_ids"], json!([]));
    let bun = id_of(&r);

    // PATCH changes only what it names; null clears.
    let r = app
        .patch(
            &format!("/v1/products/{id}"),
            Some(&app.owner),
            &json!({ "discount_price": null, "brand_id": null, "category_ids": [cold], "is_featured": false }),
        )
        .expect(200);
    let p = data(&r);
    assert_eq!(p["discount_price"], Value::Null);
    assert_eq!(p["brand_id"], Value::Null);
    assert_eq!(p["category_ids"], json!([cold]));
    assert_eq!(p["is_featured"], json!(false));
    assert_eq!(p["slug"], json!("iced-latte"));
    assert_eq!(p["member_price"], json!(11.0));
    // PUT still works, and takes the shop fields too.
    let r = app
        .put(
            &format!("/v1/products/{id}"),
            Some(&app.owner),
            &json!({ "price": 16, "track_inventory": false }),
        )
        .expect(200);
    assert_eq!(data(&r)["price"], json!(16.0));
    assert_eq!(data(&r)["stock_status"], json!("in_stock"));
    // Stock status follows the lots and the threshold.
    app.patch(
        &format!("/v1/products/{id}"),
        Some(&app.owner),
        &json!({ "track_inventory": true }),
    )
    .expect(200);
    app.stock_in(&app.owner, id, 3, None);
    let r = app
        .get(&format!("/v1/products/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(data(&r)["stock_status"], json!("low_stock"));
    app.stock_in(&app.owner, id, 1, None);
    let r = app
        .get(&format!("/v1/products/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(data(&r)["stock_status"], json!("in_stock"));

    // Slugs are unique among live products; archiving frees one.
    app.patch(
        &format!("/v1/products/{bun}"),
        Some(&app.owner),
        &json!({ "slug": "iced-latte" }),
    )
    .merchant_error(409, "SLUG_TAKEN");
    app.post(
        "/v1/products",
        Some(&app.owner),
        &json!({ "name": "Latte 2", "price": 1, "slug": "ICED-LATTE" }),
    )
    .merchant_error(409, "SLUG_TAKEN");
    app.patch(
        &format!("/v1/products/{bun}"),
        Some(&app.owner),
        &json!({ "slug": "bun" }),
    )
    .expect(200);
    app.delete(&format!("/v1/products/{bun}"), Some(&app.owner))
        .expect(200);
    product_with(
        &app,
        &json!({ "name": "New Bun", "price": 3, "slug": "bun" }),
    );
    // The merchant list carries the shop fields too.
    let r = app.get("/v1/products", Some(&app.owner)).expect(200);
    let listed = data(&r).as_array().unwrap_or_else(|| panic!("{}", r.body));
    assert!(
        listed
            .iter()
            .all(|p| p["stock_status"].is_string() && p["category_ids"].is_array())
    );
}

fn shop_product_fields_bad_input_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let p = product_with(
        &app,
        &json!({ "name": "Tee", "price": 10, "discount_price": 8, "slug": "tee" }),
    );
    let before = shop_fingerprint(&app);
    let t = Some(app.owner.as_str());
    for (body, field) in [
        (
            json!({ "name": "A", "price": 10, "discount_price": -1 }),
            "discount_price",
        ),
        (
            json!({ "name": "A", "price": 10, "discount_price": 10 }),
            "discount_price",
        ),
        (
            json!({ "name": "A", "price": 10, "discount_price": "x" }),
            "discount_price",
        ),
        (
            json!({ "name": "A", "price": 10, "member_price": 11 }),
            "member_price",
        ),
        (
            json!({ "name": "A", "price": 10, "member_price": -0.5 }),
            "member_price",
        ),
        (json!({ "name": "A", "price": -1 }), "price"),
        (json!({ "name": "A", "price": 10, "slug": "a b" }), "slug"),
        (json!({ "name": "A", "price": 10, "slug": "42" }), "slug"),
        (json!({ "name": "A", "price": 10, "slug": 42 }), "slug"),
        (
            json!({ "name": "A", "price": 10, "product_type": "bundle" }),
            "product_type",
        ),
        (
            json!({ "name": "A", "price": 10, "is_featured": "true" }),
            "is_featured",
        ),
        (
            json!({ "name": "A", "price": 10, "brand_id": "nope" }),
            "brand_id",
        ),
        (
            json!({ "name": "A", "price": 10, "brand_id": "0190c1f6-0000-7000-8000-000000000000" }),
            "brand_id",
        ),
        (
            json!({ "name": "A", "price": 10, "category_ids": [999_999] }),
            "category_ids[0]",
        ),
        (
            json!({ "name": "A", "price": 10, "category_ids": [0] }),
            "category_ids[0]",
        ),
        (
            json!({ "name": "A", "price": 10, "category_ids": "1" }),
            "category_ids",
        ),
        (
            json!({ "name": "A", "price": 10, "collection_ids": ["x"] }),
            "collection_ids[0]",
        ),
        (
            json!({ "name": "A", "price": 10, "low_stock_threshold": -1 }),
            "low_stock_threshold",
        ),
        (
            json!({ "name": "A", "price": 10, "track_inventory": "no" }),
            "track_inventory",
        ),
        (
            json!({ "name": "A", "price": 10, "seo_title": "x".repeat(201) }),
            "seo_title",
        ),
        (json!({ "price": 10, "slug": "a" }), "name"),
    ] {
        let r = app
            .post("/v1/products", t, &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    for (body, field) in [
        (json!({ "price": 8 }), "discount_price"),
        (json!({ "discount_price": 10 }), "discount_price"),
        (json!({ "slug": "Tee Shirt" }), "slug"),
        (json!({ "product_type": "Variable" }), "product_type"),
    ] {
        let r = app
            .patch(&format!("/v1/products/{p}"), t, &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    assert_eq!(shop_fingerprint(&app), before);
}
