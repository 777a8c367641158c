//! The storefront catalogue managed through the merchant API (`/v1`): categories, brands,
//! collections, the shop fields of products, variations, options, images and membership
//! tiers; with bad input, foreign ids, tokens and roles.

use diesel::prelude::*;
use diesel::sql_types::Text;
use kedai_identity::Role;
use serde_json::{Value, json};

use std::sync::Arc;

use crate::support::{Backend, ROLES, Resp, TestApp, race};

crate::on_both_backends!(
    shop_categories_brands_and_collections_crud,
    shop_catalogue_bad_input_changes_nothing,
    shop_catalogue_routes_need_a_token_and_the_right_role,
    shop_catalogue_of_other_merchants_is_not_found,
    shop_product_fields_round_trip,
    shop_product_fields_bad_input_changes_nothing,
    shop_variations_options_and_images,
    shop_variation_rules_change_nothing_when_broken,
    shop_membership_tiers_crud_and_rules,
    shop_membership_tier_roles_and_tokens,
    shop_concurrent_claims_of_one_slug_or_name_leave_one_winner,
);

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

/// The server's fingerprint plus every row of the storefront catalogue's tables.
pub fn shop_fingerprint(app: &TestApp) -> String {
    let queries = [
        "SELECT 'category ' || id || ' ' || name || ' ' || COALESCE(slug, '-') || ' ' || COALESCE(CAST(parent_id AS TEXT), '-') || ' ' || CAST(updated_at AS TEXT) AS line FROM product_categories ORDER BY id",
        "SELECT 'category link ' || product_id || ' ' || category_id AS line FROM product_category_links ORDER BY product_id, category_id",
        "SELECT 'brand ' || id || ' ' || name || ' ' || slug || ' ' || CAST(updated_at AS TEXT) AS line FROM brands ORDER BY id",
        "SELECT 'collection ' || id || ' ' || name || ' ' || slug || ' ' || CAST(updated_at AS TEXT) AS line FROM collections ORDER BY id",
        "SELECT 'collection link ' || product_id || ' ' || collection_id AS line FROM product_collection_links ORDER BY product_id, collection_id",
        "SELECT 'image ' || id || ' ' || src || ' ' || CAST(is_primary AS TEXT) AS line FROM product_images ORDER BY id",
        "SELECT 'option ' || id || ' ' || name AS line FROM product_options ORDER BY id",
        "SELECT 'value ' || id || ' ' || value AS line FROM product_option_values ORDER BY id",
        "SELECT 'variation value ' || variation_id || ' ' || option_value_id AS line FROM variation_option_values ORDER BY variation_id, option_value_id",
        "SELECT 'tier ' || id || ' ' || name || ' ' || price_minor || ' ' || discount_bp || ' ' || CAST(updated_at AS TEXT) AS line FROM membership_tiers ORDER BY id",
        "SELECT 'shop ' || id || ' ' || COALESCE(slug, '-') || ' ' || product_type || ' ' || COALESCE(CAST(discount_price_minor AS TEXT), '-') || ' ' || COALESCE(brand_id, '-') || ' ' || CAST(updated_at AS TEXT) AS line FROM products ORDER BY id",
    ];
    let db = app.db_store();
    let mut conn = db.pool().get().unwrap_or_else(|e| panic!("{e}"));
    let mut out = vec![app.fingerprint()];
    for q in queries {
        let lines: Vec<Line> = diesel::sql_query(q)
            .load(&mut conn)
            .unwrap_or_else(|e| panic!("{q}: {e}"));
        out.extend(lines.into_iter().map(|l| l.line));
    }
    out.join("\n")
}

fn data(r: &Resp) -> &Value {
    &r.body["data"]
}

fn id_of(r: &Resp) -> i64 {
    data(r)["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no integer id: {}", r.body))
}

fn sid_of(r: &Resp) -> String {
    data(r)["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no string id: {}", r.body))
        .to_owned()
}

/// Creates a category; returns its id.
pub fn category(app: &TestApp, body: &Value) -> i64 {
    id_of(
        &app.post("/v1/product-categories", Some(&app.owner), body)
            .expect(201),
    )
}

/// Creates a brand or collection (`kind` = `brands` or `collections`); returns its id.
pub fn group(app: &TestApp, kind: &str, body: &Value) -> String {
    sid_of(
        &app.post(&format!("/v1/{kind}"), Some(&app.owner), body)
            .expect(201),
    )
}

/// Creates a product with extra fields; returns its id.
pub fn product_with(app: &TestApp, body: &Value) -> i64 {
    id_of(&app.post("/v1/products", Some(&app.owner), body).expect(201))
}

/// Adds an option; returns the value ids in order.
pub fn option(app: &TestApp, product: i64, name: &str, values: &[&str]) -> Vec<i64> {
    let r = app
        .post(
            &format!("/v1/products/{product}/options"),
            Some(&app.owner),
            &json!({ "name": name, "values": values }),
        )
        .expect(201);
    data(&r)["values"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(|v| v["id"].as_i64().unwrap_or_else(|| panic!("{v}")))
        .collect()
}

/// Adds a variation; returns its id.
pub fn variation(app: &TestApp, product: i64, body: &Value) -> i64 {
    id_of(
        &app.post(
            &format!("/v1/products/{product}/variations"),
            Some(&app.owner),
            body,
        )
        .expect(201),
    )
}

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

fn shop_catalogue_routes_need_a_token_and_the_right_role(b: Backend) {
    let app = TestApp::start(b);
    let hot = category(&app, &json!({ "name": "Hot" }));
    let brand = group(&app, "brands", &json!({ "name": "Acme" }));
    let coll = group(&app, "collections", &json!({ "name": "Summer" }));
    let p = app.product(&app.owner, "Tee", 10.0);
    let before = shop_fingerprint(&app);
    let expired = app.expired_token(&app.owner);
    let writes: Vec<(&str, String, Value)> = vec![
        (
            "POST",
            "/v1/product-categories".into(),
            json!({ "name": "X" }),
        ),
        (
            "PATCH",
            format!("/v1/product-categories/{hot}"),
            json!({ "name": "X" }),
        ),
        ("POST", "/v1/brands".into(), json!({ "name": "X" })),
        (
            "PATCH",
            format!("/v1/brands/{brand}"),
            json!({ "name": "X" }),
        ),
        ("POST", "/v1/collections".into(), json!({ "name": "X" })),
        (
            "PATCH",
            format!("/v1/collections/{coll}"),
            json!({ "name": "X" }),
        ),
        ("POST", format!("/v1/products/{p}/variations"), json!({})),
        (
            "POST",
            format!("/v1/products/{p}/options"),
            json!({ "name": "Size", "values": ["S"] }),
        ),
        (
            "POST",
            format!("/v1/products/{p}/images"),
            json!({ "src": "https://x.io/a.png" }),
        ),
        (
            "PATCH",
            format!("/v1/products/{p}"),
            json!({ "slug": "tee" }),
        ),
    ];
    let deletes = [
        format!("/v1/product-categories/{hot}"),
        format!("/v1/brands/{brand}"),
        format!("/v1/collections/{coll}"),
        format!("/v1/products/{p}/images/1"),
        format!("/v1/products/{p}/variations/{p}"),
    ];
    let reads = [
        "/v1/product-categories".to_owned(),
        "/v1/brands".to_owned(),
        "/v1/collections".to_owned(),
        format!("/v1/products/{p}/variations"),
    ];
    for (token, code) in [
        (None, "AUTH_REQUIRED"),
        (Some("garbage"), "AUTH_TOKEN_INVALID"),
        (Some(expired.as_str()), "AUTH_TOKEN_EXPIRED"),
    ] {
        for (method, path, body) in &writes {
            app.send_raw(method, path, token, &body.to_string())
                .merchant_error(401, code);
        }
        for path in &deletes {
            app.delete(path, token).expect(401);
        }
        for path in &reads {
            app.get(path, token).expect(401);
        }
    }
    for role in ROLES {
        let token = app.staff_token(app.tenant, role);
        let may_write = matches!(role, Role::Owner | Role::Admin | Role::Manager);
        for path in &reads {
            app.get(path, Some(&token)).expect(200);
        }
        if !may_write {
            for (method, path, body) in &writes {
                app.send_raw(method, path, Some(&token), &body.to_string())
                    .merchant_error(403, "FORBIDDEN");
            }
            for path in &deletes {
                app.delete(path, Some(&token))
                    .merchant_error(403, "FORBIDDEN");
            }
        }
    }
    assert_eq!(shop_fingerprint(&app), before);
}

fn shop_catalogue_of_other_merchants_is_not_found(b: Backend) {
    let app = TestApp::start(b);
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let theirs = app.staff_token(other, Role::Owner);
    let mine = category(&app, &json!({ "name": "Mine" }));
    let brand = group(&app, "brands", &json!({ "name": "Mine" }));
    let coll = group(&app, "collections", &json!({ "name": "Mine" }));
    let p = product_with(
        &app,
        &json!({ "name": "Tee", "price": 10, "product_type": "variable" }),
    );
    let red = option(&app, p, "Colour", &["Red"]);
    let v = variation(&app, p, &json!({ "option_value_ids": red }));
    let img = id_of(
        &app.post(
            &format!("/v1/products/{p}/images"),
            Some(&app.owner),
            &json!({ "src": "https://x.io/a.png" }),
        )
        .expect(201),
    );
    let before = shop_fingerprint(&app);
    let t = Some(theirs.as_str());
    app.patch(
        &format!("/v1/product-categories/{mine}"),
        t,
        &json!({ "name": "X" }),
    )
    .merchant_error(404, "CATEGORY_NOT_FOUND");
    app.delete(&format!("/v1/product-categories/{mine}"), t)
        .merchant_error(404, "CATEGORY_NOT_FOUND");
    app.patch(&format!("/v1/brands/{brand}"), t, &json!({ "name": "X" }))
        .merchant_error(404, "BRAND_NOT_FOUND");
    app.delete(&format!("/v1/collections/{coll}"), t)
        .merchant_error(404, "COLLECTION_NOT_FOUND");
    app.get(&format!("/v1/products/{p}/variations"), t)
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.post(&format!("/v1/products/{p}/variations"), t, &json!({}))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.patch(
        &format!("/v1/products/{p}/variations/{v}"),
        t,
        &json!({ "name": "X" }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.delete(&format!("/v1/products/{p}/variations/{v}"), t)
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.post(
        &format!("/v1/products/{p}/options"),
        t,
        &json!({ "name": "Size", "values": ["S"] }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.post(
        &format!("/v1/products/{p}/images"),
        t,
        &json!({ "src": "https://x.io/b.png" }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.delete(&format!("/v1/products/{p}/images/{img}"), t)
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    // Their own product may not name my categories, brands or collections.
    let r = app
        .post(
            "/v1/products",
            t,
            &json!({ "name": "Theirs", "price": 1, "category_ids": [mine] }),
        )
        .merchant_error(422, "VALIDATION_ERROR");
    assert!(r.body["errors"]["category_ids[0]"].is_array(), "{}", r.body);
    app.post(
        "/v1/products",
        t,
        &json!({ "name": "Theirs", "price": 1, "brand_id": brand }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    app.post(
        "/v1/products",
        t,
        &json!({ "name": "Theirs", "price": 1, "collection_ids": [coll] }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    let r = app.get("/v1/product-categories", t).expect(200);
    assert_eq!(data(&r), &json!([]));
    assert_eq!(shop_fingerprint(&app), before);
    // A variation is only found under its own parent; an image only under its product.
    let q = product_with(
        &app,
        &json!({ "name": "Cap", "price": 5, "product_type": "variable" }),
    );
    app.patch(
        &format!("/v1/products/{q}/variations/{v}"),
        Some(&app.owner),
        &json!({ "name": "X" }),
    )
    .merchant_error(404, "VARIATION_NOT_FOUND");
    app.delete(&format!("/v1/products/{q}/images/{img}"), Some(&app.owner))
        .merchant_error(404, "IMAGE_NOT_FOUND");
}

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

fn tier_body() -> Value {
    json!({
        "name": "Gold", "description": "Our best", "price": 99, "valid_period_value": 1,
        "valid_period_unit": "YEARS", "discount": 12.5, "min_spend": "2000.00",
        "benefits": ["Extra points", "Exclusive offers"], "is_popular": true, "sort_order": 2
    })
}

fn shop_membership_tiers_crud_and_rules(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post("/v1/memberships/tiers", Some(&app.owner), &tier_body())
        .expect(201);
    let t = data(&r);
    let gold = sid_of(&r);
    // 003 §10.1's shape, plus the definition's other fields.
    assert!(gold.parse::<i64>().is_ok(), "{gold}");
    assert_eq!(t["name"], json!("Gold"));
    assert_eq!(t["min_spend"], json!(2000.0));
    assert_eq!(t["benefits"], json!(["Extra points", "Exclusive offers"]));
    assert_eq!(t["description"], json!("Our best"));
    assert_eq!(t["price"], json!(99.0));
    assert_eq!(t["currency"], json!("MYR"));
    assert_eq!(t["valid_period_value"], json!(1));
    assert_eq!(t["valid_period_unit"], json!("YEARS"));
    assert_eq!(t["discount"], json!(12.5));
    assert_eq!(t["is_popular"], json!(true));
    assert_eq!(t["sort_order"], json!(2));
    // Defaults: free, 12 months, no discount, no minimum, no benefits.
    let r = app
        .post(
            "/v1/memberships/tiers",
            Some(&app.owner),
            &json!({ "name": "Bronze" }),
        )
        .expect(201);
    let t = data(&r);
    assert_eq!(
        (
            &t["price"],
            &t["valid_period_value"],
            &t["valid_period_unit"],
            &t["discount"],
            &t["min_spend"],
            &t["benefits"]
        ),
        (
            &json!(0.0),
            &json!(12),
            &json!("MONTHS"),
            &json!(0.0),
            &json!(0.0),
            &json!([])
        )
    );
    let bronze = sid_of(&r);
    let r = app
        .get("/v1/memberships/tiers", Some(&app.owner))
        .expect(200);
    let names: Vec<&str> = data(&r)
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["Bronze", "Gold"]);
    let r = app
        .patch(
            &format!("/v1/memberships/tiers/{bronze}"),
            Some(&app.owner),
            &json!({ "min_spend": 100, "benefits": ["Welcome reward"], "description": null, "valid_period_unit": "months", "valid_period_value": 6 }),
        )
        .expect(200);
    assert_eq!(data(&r)["min_spend"], json!(100.0));
    assert_eq!(data(&r)["benefits"], json!(["Welcome reward"]));
    assert_eq!(data(&r)["valid_period_unit"], json!("MONTHS"));
    assert_eq!(data(&r)["name"], json!("Bronze"));

    // Rules; a refused request changes nothing.
    let before = shop_fingerprint(&app);
    app.post(
        "/v1/memberships/tiers",
        Some(&app.owner),
        &json!({ "name": "gold" }),
    )
    .merchant_error(409, "TIER_NAME_TAKEN");
    app.patch(
        &format!("/v1/memberships/tiers/{bronze}"),
        Some(&app.owner),
        &json!({ "name": "GOLD" }),
    )
    .merchant_error(409, "TIER_NAME_TAKEN");
    for (body, field) in [
        (json!({}), "name"),
        (json!({ "name": " " }), "name"),
        (json!({ "name": 3 }), "name"),
        (json!({ "name": "S", "price": -1 }), "price"),
        (json!({ "name": "S", "price": "1.234" }), "price"),
        (json!({ "name": "S", "min_spend": -5 }), "min_spend"),
        (
            json!({ "name": "S", "valid_period_value": 0 }),
            "valid_period_value",
        ),
        (
            json!({ "name": "S", "valid_period_value": 121 }),
            "valid_period_value",
        ),
        (
            json!({ "name": "S", "valid_period_value": 11, "valid_period_unit": "YEARS" }),
            "valid_period_value",
        ),
        (
            json!({ "name": "S", "valid_period_value": "12" }),
            "valid_period_value",
        ),
        (
            json!({ "name": "S", "valid_period_unit": "DAYS" }),
            "valid_period_unit",
        ),
        (json!({ "name": "S", "discount": 100.5 }), "discount"),
        (json!({ "name": "S", "discount": -1 }), "discount"),
        (json!({ "name": "S", "discount": 1.234 }), "discount"),
        (
            json!({ "name": "S", "benefits": "free coffee" }),
            "benefits",
        ),
        (json!({ "name": "S", "benefits": [""] }), "benefits"),
        (json!({ "name": "S", "benefits": [1] }), "benefits[0]"),
        (json!({ "name": "S", "is_popular": "yes" }), "is_popular"),
    ] {
        let r = app
            .post("/v1/memberships/tiers", Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body}: {}", r.body);
    }
    app.patch(
        &format!("/v1/memberships/tiers/{gold}"),
        Some(&app.owner),
        &json!({ "discount": 101 }),
    )
    .merchant_error(422, "VALIDATION_ERROR");
    app.send_raw(
        "POST",
        "/v1/memberships/tiers",
        Some(&app.owner),
        "{\"name\":",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    app.patch(
        "/v1/memberships/tiers/999999",
        Some(&app.owner),
        &json!({ "name": "X" }),
    )
    .merchant_error(404, "TIER_NOT_FOUND");
    app.patch(
        "/v1/memberships/tiers/tier_gold",
        Some(&app.owner),
        &json!({ "name": "X" }),
    )
    .merchant_error(404, "TIER_NOT_FOUND");
    assert_eq!(shop_fingerprint(&app), before);

    let r = app
        .delete(&format!("/v1/memberships/tiers/{gold}"), Some(&app.owner))
        .expect(200);
    assert_eq!(data(&r), &json!({ "id": gold, "deleted": true }));
    app.delete(&format!("/v1/memberships/tiers/{gold}"), Some(&app.owner))
        .merchant_error(404, "TIER_NOT_FOUND");
    // The name is free again.
    app.post("/v1/memberships/tiers", Some(&app.owner), &tier_body())
        .expect(201);
}

fn shop_membership_tier_roles_and_tokens(b: Backend) {
    let app = TestApp::start(b);
    let gold = sid_of(
        &app.post("/v1/memberships/tiers", Some(&app.owner), &tier_body())
            .expect(201),
    );
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let theirs = app.staff_token(other, Role::Owner);
    let before = shop_fingerprint(&app);
    let expired = app.expired_token(&app.owner);
    for token in [None, Some("garbage"), Some(expired.as_str())] {
        app.get("/v1/memberships/tiers", token).expect(401);
        app.post("/v1/memberships/tiers", token, &json!({ "name": "S" }))
            .expect(401);
        app.patch(
            &format!("/v1/memberships/tiers/{gold}"),
            token,
            &json!({ "name": "S" }),
        )
        .expect(401);
        app.delete(&format!("/v1/memberships/tiers/{gold}"), token)
            .expect(401);
    }
    for role in ROLES {
        let token = app.staff_token(app.tenant, role);
        // Every role reads customers, so every role reads the tiers.
        app.get("/v1/memberships/tiers", Some(&token)).expect(200);
        if !matches!(role, Role::Owner | Role::Admin | Role::Manager) {
            app.post(
                "/v1/memberships/tiers",
                Some(&token),
                &json!({ "name": "S" }),
            )
            .merchant_error(403, "FORBIDDEN");
            app.patch(
                &format!("/v1/memberships/tiers/{gold}"),
                Some(&token),
                &json!({ "name": "S" }),
            )
            .merchant_error(403, "FORBIDDEN");
            app.delete(&format!("/v1/memberships/tiers/{gold}"), Some(&token))
                .merchant_error(403, "FORBIDDEN");
        }
    }
    // Another merchant sees none of them and cannot touch them.
    let r = app.get("/v1/memberships/tiers", Some(&theirs)).expect(200);
    assert_eq!(data(&r), &json!([]));
    app.patch(
        &format!("/v1/memberships/tiers/{gold}"),
        Some(&theirs),
        &json!({ "name": "S" }),
    )
    .merchant_error(404, "TIER_NOT_FOUND");
    app.delete(&format!("/v1/memberships/tiers/{gold}"), Some(&theirs))
        .merchant_error(404, "TIER_NOT_FOUND");
    assert_eq!(shop_fingerprint(&app), before);
    // A manager defines tiers.
    let manager = app.staff_token(app.tenant, Role::Manager);
    app.post(
        "/v1/memberships/tiers",
        Some(&manager),
        &json!({ "name": "Silver" }),
    )
    .expect(201);
}

fn shop_concurrent_claims_of_one_slug_or_name_leave_one_winner(b: Backend) {
    let app = Arc::new(TestApp::start(b));
    // Products with one slug (each with its own SKU), categories and brands with one slug,
    // tiers with one name: exactly one of each wins, the others are told why.
    for (path, code, body) in [
        (
            "/v1/products",
            "SLUG_TAKEN",
            json!({ "name": "Tee", "price": 10, "slug": "tee" }),
        ),
        (
            "/v1/product-categories",
            "SLUG_TAKEN",
            json!({ "name": "Tees" }),
        ),
        ("/v1/brands", "SLUG_TAKEN", json!({ "name": "Acme" })),
        ("/v1/collections", "SLUG_TAKEN", json!({ "name": "Summer" })),
        (
            "/v1/memberships/tiers",
            "TIER_NAME_TAKEN",
            json!({ "name": "Gold" }),
        ),
    ] {
        let a = Arc::clone(&app);
        let results = race(8, move |i| {
            let mut body = body.clone();
            if path == "/v1/products" {
                body["sku"] = json!(format!("TEE-{i}"));
            }
            let r = a.post(path, Some(&a.owner), &body);
            (
                r.status,
                r.body["error_code"].as_str().unwrap_or_default().to_owned(),
            )
        });
        assert_eq!(
            results.iter().filter(|(s, _)| *s == 201).count(),
            1,
            "{path}: {results:?}"
        );
        assert!(
            results
                .iter()
                .filter(|(s, _)| *s != 201)
                .all(|(s, c)| *s == 409 && c == code),
            "{path}: {results:?}"
        );
    }
    let r = app
        .get("/v1/memberships/tiers", Some(&app.owner))
        .expect(200);
    assert_eq!(data(&r).as_array().map(Vec::len), Some(1));
}
