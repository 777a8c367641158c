//! The storefront catalogue on the customer portal (`/v6/customer-portal`), called as the
//! FavCRM client calls it (`X-Company-Id`, JSON headers on GETs, snake_case shop filters) and
//! checked field by field against the shapes it reads (contract §6, §8, §12).

mod contract;
mod groups;
mod products;

use serde_json::{Value, json};

use crate::shop_merchant::{category, group, option, product_with, variation};
use crate::support::{Resp, TestApp};

const BASE: &str = "/v6/customer-portal";

/// GET as the SDK sends it: the tenant header and JSON headers.
fn get(app: &TestApp, path: &str) -> Resp {
    let company = app.tenant.to_string();
    app.get_with(
        &format!("{BASE}{path}"),
        None,
        &[
            ("X-Company-Id", company.as_str()),
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
        ],
    )
}

#[track_caller]
fn ok_data(r: Resp) -> Value {
    let r = r.expect(200);
    assert_eq!(r.body["success"], json!(true), "{}", r.body);
    r.body["data"].clone()
}

#[track_caller]
fn portal_error(r: Resp, status: u16, code: &str) -> Resp {
    let r = r.expect(status);
    assert_eq!(r.body["success"], json!(false), "{}", r.body);
    assert_eq!(r.body["error"]["code"], json!(code), "{}", r.body);
    assert!(r.body["error"]["message"].is_string(), "{}", r.body);
    r
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

fn ids(v: &Value) -> Vec<i64> {
    array(v).iter().filter_map(|p| p["id"].as_i64()).collect()
}

fn is_null_or(v: &Value, f: fn(&Value) -> bool) -> bool {
    v.is_null() || f(v)
}

/// A small storefront: two categories, a brand, a collection and products of each kind.
struct Shop {
    coffee: i64,
    tea: i64,
    brand: String,
    summer: String,
    latte: i64,
    mocha: i64,
    oolong: i64,
    hidden: i64,
    tee: i64,
    red: i64,
    blue: i64,
}

fn shop(app: &TestApp) -> Shop {
    let coffee = category(
        app,
        &json!({ "name": "Coffee", "is_featured": true, "sort_order": 1, "image_url": "https://cdn.example.com/coffee.jpg" }),
    );
    let tea = category(
        app,
        &json!({ "name": "Tea", "sort_order": 2, "parent_id": coffee }),
    );
    let brand = group(app, "brands", &json!({ "name": "Acme Roasters" }));
    let summer = group(
        app,
        "collections",
        &json!({ "name": "Summer Picks", "description": "Cold" }),
    );
    let latte = product_with(
        app,
        &json!({
            "name": "Iced Latte", "price": 14.9, "slug": "iced-latte", "description": "Cold milk coffee",
            "discount_price": 12.9, "member_price": 11.9, "seo_title": "Latte",
            "category_ids": [coffee], "brand_id": brand, "collection_ids": [summer], "is_featured": true
        }),
    );
    let mocha = product_with(
        app,
        &json!({ "name": "Mocha", "price": 16, "slug": "mocha", "sku": "MOCHA-1", "category_ids": [coffee], "brand_id": brand }),
    );
    let oolong = product_with(
        app,
        &json!({ "name": "Oolong", "price": 9.5, "category_ids": [tea], "collection_ids": [summer], "track_inventory": false }),
    );
    let hidden = product_with(
        app,
        &json!({ "name": "Secret Blend", "price": 30, "slug": "secret", "status": "inactive", "category_ids": [coffee] }),
    );
    let tee = product_with(
        app,
        &json!({ "name": "Logo Tee", "price": 59, "slug": "logo-tee", "product_type": "variable", "short_name": "Tee" }),
    );
    let colours = option(app, tee, "Colour", &["Red", "Blue"]);
    let red = variation(
        app,
        tee,
        &json!({ "sku": "TEE-R", "option_value_ids": [colours[0]], "discount_price": 49 }),
    );
    let blue = variation(
        app,
        tee,
        &json!({ "sku": "TEE-B", "option_value_ids": [colours[1]], "price": 65 }),
    );
    app.post(
        &format!("/v1/products/{latte}/images"),
        Some(&app.owner),
        &json!({ "src": "https://cdn.example.com/latte.jpg", "width": 640, "height": 480 }),
    )
    .expect(201);
    Shop {
        coffee,
        tea,
        brand,
        summer,
        latte,
        mocha,
        oolong,
        hidden,
        tee,
        red,
        blue,
    }
}
