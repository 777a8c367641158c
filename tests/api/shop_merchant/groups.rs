//! Categories, brands and collections: create, read, change and delete, and bad input that
//! changes nothing.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{category, data, group, id_of, product_with, shop_fingerprint, sid_of};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    shop_categories_brands_and_collections_crud,
    shop_catalogue_bad_input_changes_nothing,
);

fn shop_categories_brands_and_collections_crud(b: Backend) {
    let app = TestApp::start(b);
    let manager = app.staff_token(app.tenant, Role::Manager);

    // Categories: the slug is made from the name unless given; a child names its parent.
    let r = app
        .post(
            "/v1/product-categories",
            Some(&manager),
            &json!({ "name": "Hot Drinks", "description": "Warm", "image_url": "https://cdn.example.com/hot.jpg", "is_featured": true, "sort_order": 2 }),
        )
        .expect(201);
    let c = data(&r);
    let hot = id_of(&r);
    assert_eq!(c["name"], json!("Hot Drinks"));
    assert_eq!(c["slug"], json!("hot-drinks"));
    assert_eq!(c["description"], json!("Warm"));
    assert_eq!(c["image_url"], json!("https://cdn.example.com/hot.jpg"));
    assert_eq!(c["is_featured"], json!(true));
    assert_eq!(c["sort_order"], json!(2));
    assert_eq!(c["parent_id"], Value::Null);
    assert_eq!(c["product_count"], json!(0));
    let tea = category(
        &app,
        &json!({ "name": "Tea", "slug": "Tea-Leaves", "parent_id": hot }),
    );
    let r = app
        .get("/v1/product-categories", Some(&app.owner))
        .expect(200);
    let list = data(&r).as_array().unwrap_or_else(|| panic!("{}", r.body));
    assert_eq!(list.len(), 2);
    // Display order: sort_order, then id.
    assert_eq!(list[0]["id"], json!(tea));
    assert_eq!(list[0]["slug"], json!("tea-leaves"));
    assert_eq!(list[0]["parent_id"], json!(hot));
    assert_eq!(list[1]["id"], json!(hot));

    // Counts follow listed products only.
    let p = product_with(
        &app,
        &json!({ "name": "Oolong", "price": 12, "category_ids": [tea] }),
    );
    product_with(
        &app,
        &json!({ "name": "Old Oolong", "price": 12, "status": "inactive", "category_ids": [tea] }),
    );
    let r = app
        .patch(
            &format!("/v1/product-categories/{tea}"),
            Some(&manager),
            &json!({ "name": "Fine Tea", "parent_id": null, "description": null }),
        )
        .expect(200);
    assert_eq!(data(&r)["name"], json!("Fine Tea"));
    assert_eq!(data(&r)["slug"], json!("tea-leaves"));
    assert_eq!(data(&r)["parent_id"], Value::Null);
    assert_eq!(data(&r)["product_count"], json!(1));

    // A slug taken by another category is a conflict; a parent under itself is refused.
    app.patch(
        &format!("/v1/product-categories/{tea}"),
        Some(&app.owner),
        &json!({ "slug": "hot-drinks" }),
    )
    .merchant_error(409, "SLUG_TAKEN");
    app.post(
        "/v1/product-categories",
        Some(&app.owner),
        &json!({ "name": "Hot drinks" }),
    )
    .merchant_error(409, "SLUG_TAKEN");
    app.patch(
        &format!("/v1/product-categories/{hot}"),
        Some(&app.owner),
        &json!({ "parent_id": hot }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    app.patch(
        &format!("/v1/product-categories/{tea}"),
        Some(&app.owner),
        &json!({ "parent_id": hot }),
    )
    .expect(200);
    app.patch(
        &format!("/v1/product-categories/{hot}"),
        Some(&app.owner),
        &json!({ "parent_id": tea }),
    )
    .merchant_error(422, "VALIDATION_ERROR");

    // Deleting the parent moves the child to the top; deleting a category unlinks products.
    let r = app
        .delete(&format!("/v1/product-categories/{hot}"), Some(&manager))
        .expect(200);
    assert_eq!(data(&r), &json!({ "id": hot, "deleted": true }));
    let r = app
        .get("/v1/product-categories", Some(&app.owner))
        .expect(200);
    assert_eq!(data(&r)[0]["parent_id"], Value::Null);
    app.delete(&format!("/v1/product-categories/{hot}"), Some(&manager))
        .merchant_error(404, "CATEGORY_NOT_FOUND");
    app.delete(&format!("/v1/product-categories/{tea}"), Some(&manager))
        .expect(200);
    let r = app
        .get(&format!("/v1/products/{p}"), Some(&app.owner))
        .expect(200);
    assert_eq!(data(&r)["category_ids"], json!([]));

    // Brands and collections share one shape, with string ids.
    for kind in ["brands", "collections"] {
        let r = app
            .post(
                &format!("/v1/{kind}"),
                Some(&manager),
                &json!({ "name": "Acme Roasters", "image_url": "http://img.example.com/a.png", "sort_order": 1 }),
            )
            .expect(201);
        let g = data(&r);
        let id = sid_of(&r);
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(g["slug"], json!("acme-roasters"));
        assert_eq!(g["online_enabled"], json!(true));
        assert_eq!(g["description"], Value::Null);
        assert_eq!(g["sort_order"], json!(1));
        assert_eq!(g["product_count"], json!(0));
        // A name without letters or digits needs a slug.
        app.post(
            &format!("/v1/{kind}"),
            Some(&manager),
            &json!({ "name": "咖啡" }),
        )
        .merchant_error(422, "VALIDATION_ERROR");
        let other = group(&app, kind, &json!({ "name": "咖啡", "slug": "kopi" }));
        app.post(
            &format!("/v1/{kind}"),
            Some(&manager),
            &json!({ "name": "Other", "slug": "KOPI" }),
        )
        .merchant_error(409, "SLUG_TAKEN");
        let r = app
            .patch(
                &format!("/v1/{kind}/{id}"),
                Some(&manager),
                &json!({ "online_enabled": false, "description": "Beans" }),
            )
            .expect(200);
        assert_eq!(data(&r)["online_enabled"], json!(false));
        assert_eq!(data(&r)["description"], json!("Beans"));
        app.patch(
            &format!("/v1/{kind}/{other}"),
            Some(&manager),
            &json!({ "slug": "acme-roasters" }),
        )
        .merchant_error(409, "SLUG_TAKEN");
        let r = app
            .get(&format!("/v1/{kind}"), Some(&app.owner))
            .expect(200);
        let names: Vec<&str> = data(&r)
            .as_array()
            .unwrap_or_else(|| panic!("{}", r.body))
            .iter()
            .filter_map(|g| g["name"].as_str())
            .collect();
        assert_eq!(names, ["咖啡", "Acme Roasters"]);
        let r = app
            .delete(&format!("/v1/{kind}/{other}"), Some(&manager))
            .expect(200);
        assert_eq!(data(&r), &json!({ "id": other, "deleted": true }));
        app.delete(&format!("/v1/{kind}/{other}"), Some(&manager))
            .expect(404);
    }

    // A product keeps selling when its brand or collection is deleted.
    let brand = group(&app, "brands", &json!({ "name": "Gone" }));
    let coll = group(&app, "collections", &json!({ "name": "Gone" }));
    let q = product_with(
        &app,
        &json!({ "name": "Cup", "price": 5, "brand_id": brand, "collection_ids": [coll] }),
    );
    app.delete(&format!("/v1/brands/{brand}"), Some(&app.owner))
        .expect(200);
    app.delete(&format!("/v1/collections/{coll}"), Some(&app.owner))
        .expect(200);
    let r = app
        .get(&format!("/v1/products/{q}"), Some(&app.owner))
        .expect(200);
    assert_eq!(data(&r)["brand_id"], Value::Null);
    assert_eq!(data(&r)["collection_ids"], json!([]));
}

fn shop_catalogue_bad_input_changes_nothing(b: Backend) {
    let app = TestApp::start(b);
    let hot = category(&app, &json!({ "name": "Hot" }));
    let brand = group(&app, "brands", &json!({ "name": "Acme" }));
    let before = shop_fingerprint(&app);
    let t = Some(app.owner.as_str());
    for (path, body, status, field) in [
        ("/v1/product-categories", json!({}), 422, "name"),
        ("/v1/product-categories", json!({ "name": 5 }), 422, "name"),
        (
            "/v1/product-categories",
            json!({ "name": "  " }),
            422,
            "name",
        ),
        (
            "/v1/product-categories",
            json!({ "name": "A", "slug": "a b" }),
            422,
            "slug",
        ),
        (
            "/v1/product-categories",
            json!({ "name": "A", "slug": "123" }),
            422,
            "slug",
        ),
        (
            "/v1/product-categories",
            json!({ "name": "A", "image_url": "ftp://x/y.png" }),
            422,
            "image_url",
        ),
        (
            "/v1/product-categories",
            json!({ "name": "A", "parent_id": 999_999 }),
            422,
            "parent_id",
        ),
        (
            "/v1/product-categories",
            json!({ "name": "A", "parent_id": "x" }),
            422,
            "parent_id",
        ),
        (
            "/v1/product-categories",
            json!({ "name": "A", "is_featured": "yes" }),
            422,
            "is_featured",
        ),
        (
            "/v1/product-categories",
            json!({ "name": "A", "sort_order": 1.5 }),
            422,
            "sort_order",
        ),
        ("/v1/brands", json!({ "slug": "acme-2" }), 422, "name"),
        ("/v1/brands", json!({ "name": ["A"] }), 422, "name"),
        (
            "/v1/brands",
            json!({ "name": "B", "online_enabled": 1 }),
            422,
            "online_enabled",
        ),
        (
            "/v1/collections",
            json!({ "name": "C", "image_url": "javascript:alert(1)" }),
            422,
            "image_url",
        ),
        (
            "/v1/collections",
            json!({ "name": "C", "slug": "-c-" }),
            422,
            "slug",
        ),
    ] {
        let r = app
            .post(path, t, &body)
            .merchant_error(status, "VALIDATION_ERROR");
        assert!(
            r.body["errors"][field].is_array(),
            "{path} {body}: {}",
            r.body
        );
    }
    for (path, body, field) in [
        (
            format!("/v1/product-categories/{hot}"),
            json!({ "name": "" }),
            "name",
        ),
        (
            format!("/v1/product-categories/{hot}"),
            json!({ "parent_id": hot }),
            "parent_id",
        ),
        (
            format!("/v1/brands/{brand}"),
            json!({ "slug": "Not A Slug" }),
            "slug",
        ),
        (
            format!("/v1/brands/{brand}"),
            json!({ "sort_order": "first" }),
            "sort_order",
        ),
    ] {
        let r = app
            .patch(&path, t, &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(
            r.body["errors"][field].is_array(),
            "{path} {body}: {}",
            r.body
        );
    }
    app.send_raw("POST", "/v1/product-categories", t, "{")
        .merchant_error(400, "MALFORMED_REQUEST");
    app.send_raw("PATCH", &format!("/v1/brands/{brand}"), t, "[1]")
        .merchant_error(422, "VALIDATION_ERROR");
    app.patch("/v1/product-categories/abc", t, &json!({ "name": "X" }))
        .merchant_error(404, "CATEGORY_NOT_FOUND");
    app.patch("/v1/product-categories/999999", t, &json!({ "name": "X" }))
        .merchant_error(404, "CATEGORY_NOT_FOUND");
    app.patch("/v1/brands/not-a-uuid", t, &json!({ "name": "X" }))
        .merchant_error(404, "BRAND_NOT_FOUND");
    app.delete("/v1/collections/0190c1f6-0000-7000-8000-000000000000", t)
        .merchant_error(404, "COLLECTION_NOT_FOUND");
    assert_eq!(shop_fingerprint(&app), before);
}
