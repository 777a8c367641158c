//! The storefront catalogue managed through the merchant API (`/v1`): categories, brands,
//! collections, the shop fields of products, variations, options, images and membership
//! tiers; with bad input, foreign ids, tokens and roles.

mod access;
mod groups;
mod products;
mod tiers;
mod variations;

use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::{Value, json};

use crate::support::{Resp, TestApp};

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
