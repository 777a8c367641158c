//! Who may touch the storefront catalogue: tokens and roles, other merchants' records, and
//! concurrent claims of one slug or name.

use kedai_identity::Role;
use serde_json::{Value, json};

use std::sync::Arc;

use super::{category, data, group, id_of, option, product_with, shop_fingerprint, variation};
use crate::support::{Backend, ROLES, TestApp, race};

crate::on_both_backends!(
    shop_catalogue_routes_need_a_token_and_the_right_role,
    shop_catalogue_of_other_merchants_is_not_found,
    shop_concurrent_claims_of_one_slug_or_name_leave_one_winner,
);

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
