//! The storefront catalogue on the customer portal (`/v6/customer-portal`), called as the
//! FavCRM client calls it (`X-Company-Id`, JSON headers on GETs, snake_case shop filters) and
//! checked field by field against the shapes it reads (contract §6, §8, §12).

use kedai_identity::Role;
use serde_json::{Value, json};

use crate::shop_merchant::{category, group, option, product_with, shop_fingerprint, variation};
use crate::support::portal::{assert_shape, bare_array};
use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(
    portal_shop_products_list_in_the_client_shape,
    portal_shop_products_filter_sort_and_page,
    portal_shop_products_bad_queries_are_named,
    portal_shop_product_page_with_variations,
    portal_shop_related_products,
    portal_shop_stock_follows_lots_and_sales,
    portal_shop_categories_brands_and_collections,
    portal_membership_tiers_in_the_client_shape,
    portal_shop_tenant_context_and_tokens,
    portal_shop_routes_answer_in_the_clients_shapes,
);

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

/// Checks every ProductListItem field's type.
#[track_caller]
fn assert_list_item(p: &Value) {
    assert!(p["id"].is_i64(), "{p}");
    assert!(p["name"].is_string(), "{p}");
    assert!(p["description"].is_string(), "{p}");
    assert!(is_null_or(&p["slug"], Value::is_string), "{p}");
    assert!(is_null_or(&p["price"], Value::is_number), "{p}");
    assert!(is_null_or(&p["discountPrice"], Value::is_number), "{p}");
    assert!(is_null_or(&p["memberPrice"], Value::is_number), "{p}");
    assert!(is_null_or(&p["seoTitle"], Value::is_string), "{p}");
    assert!(is_null_or(&p["status"], Value::is_string), "{p}");
    assert!(p["productType"].is_string(), "{p}");
    assert!(
        ["in_stock", "low_stock", "out_of_stock"]
            .contains(&p["stockStatus"].as_str().unwrap_or("")),
        "{p}"
    );
    assert!(p["stockQuantity"].is_i64(), "{p}");
    assert!(p["trackInventory"].is_boolean(), "{p}");
    assert!(is_null_or(&p["categoryName"], Value::is_string), "{p}");
    assert!(is_null_or(&p["categorySlug"], Value::is_string), "{p}");
    for c in array(&p["categories"]) {
        assert!(c["id"].is_i64() && c["name"].is_string(), "{c}");
        assert!(is_null_or(&c["slug"], Value::is_string), "{c}");
    }
    if !p["brand"].is_null() {
        let b = &p["brand"];
        assert!(
            b["id"].is_string() && b["name"].is_string() && b["slug"].is_string(),
            "{b}"
        );
    }
    for c in array(&p["collections"]) {
        assert!(
            c["id"].is_string() && c["name"].is_string() && c["slug"].is_string(),
            "{c}"
        );
    }
    assert!(p["isVariable"].is_boolean(), "{p}");
    assert!(p["isFeatured"].is_boolean(), "{p}");
    assert!(is_null_or(&p["image"], Value::is_string), "{p}");
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

fn portal_shop_products_list_in_the_client_shape(b: Backend) {
    let app = TestApp::start(b);
    let s = shop(&app);
    app.stock_in(&app.owner, s.latte, 7, None);
    app.stock_in(&app.owner, s.red, 2, None);
    app.stock_in(&app.owner, s.blue, 3, None);
    let r = get(&app, "/shop/products").expect(200);
    assert_eq!(r.body["success"], json!(true));
    // A bare array, newest first; inactive products and variations are not listed.
    let data = &r.body["data"];
    assert_eq!(ids(data), [s.tee, s.oolong, s.mocha, s.latte]);
    assert!(!ids(data).contains(&s.hidden) && !ids(data).contains(&s.red));
    for p in array(data) {
        assert_list_item(p);
    }
    let meta = &r.body["meta"]["pagination"];
    assert_eq!(
        meta,
        &json!({ "page": 1, "limit": 20, "total": 4, "totalPages": 1, "hasNext": false, "hasPrev": false })
    );
    let latte = &array(data)[3];
    assert_eq!(latte["id"], json!(s.latte));
    assert_eq!(latte["name"], json!("Iced Latte"));
    assert_eq!(latte["description"], json!("Cold milk coffee"));
    assert_eq!(latte["slug"], json!("iced-latte"));
    assert_eq!(latte["price"], json!(14.9));
    assert_eq!(latte["discountPrice"], json!(12.9));
    assert_eq!(latte["memberPrice"], json!(11.9));
    assert_eq!(latte["seoTitle"], json!("Latte"));
    assert_eq!(latte["status"], json!("active"));
    assert_eq!(latte["productType"], json!("simple"));
    assert_eq!(latte["stockStatus"], json!("in_stock"));
    assert_eq!(latte["stockQuantity"], json!(7));
    assert_eq!(latte["trackInventory"], json!(true));
    assert_eq!(latte["categoryName"], json!("Coffee"));
    assert_eq!(latte["categorySlug"], json!("coffee"));
    assert_eq!(
        latte["categories"],
        json!([{ "id": s.coffee, "name": "Coffee", "slug": "coffee" }])
    );
    assert_eq!(
        latte["brand"],
        json!({ "id": s.brand, "name": "Acme Roasters", "slug": "acme-roasters" })
    );
    assert_eq!(
        latte["collections"],
        json!([{ "id": s.summer, "name": "Summer Picks", "slug": "summer-picks" }])
    );
    assert_eq!(latte["isVariable"], json!(false));
    assert_eq!(latte["isFeatured"], json!(true));
    assert_eq!(latte["image"], json!("https://cdn.example.com/latte.jpg"));
    // A product without a description, slug, brand or image.
    let oolong = &array(data)[1];
    assert_eq!(oolong["description"], json!(""));
    assert_eq!(oolong["slug"], Value::Null);
    assert_eq!(oolong["brand"], Value::Null);
    assert_eq!(oolong["image"], Value::Null);
    assert_eq!(oolong["discountPrice"], Value::Null);
    assert_eq!(oolong["trackInventory"], json!(false));
    assert_eq!(oolong["stockStatus"], json!("in_stock"));
    assert_eq!(oolong["stockQuantity"], json!(0));
    // A variable product counts its active variations' stock.
    let tee = &array(data)[0];
    assert_eq!(tee["isVariable"], json!(true));
    assert_eq!(tee["productType"], json!("variable"));
    assert_eq!(tee["stockQuantity"], json!(5));
    assert_eq!(tee["stockStatus"], json!("in_stock"));
    // Mocha has no stock.
    assert_eq!(array(data)[2]["stockStatus"], json!("out_of_stock"));
}

fn portal_shop_products_filter_sort_and_page(b: Backend) {
    let app = TestApp::start(b);
    let s = shop(&app);
    let list = |q: &str| ids(&ok_data(get(&app, &format!("/shop/products{q}"))));
    assert_eq!(list("?category_slug=coffee"), [s.mocha, s.latte]);
    assert_eq!(list("?category_slug=COFFEE"), [s.mocha, s.latte]);
    assert_eq!(list(&format!("?category_id={}", s.tea)), [s.oolong]);
    assert_eq!(list("?category_slug=nothing"), Vec::<i64>::new());
    assert_eq!(list("?brand_slug=acme-roasters"), [s.mocha, s.latte]);
    assert_eq!(list("?collection_slug=summer-picks"), [s.oolong, s.latte]);
    assert_eq!(
        list("?collection_slug=summer-picks&brand_slug=acme-roasters"),
        [s.latte]
    );
    assert_eq!(list("?search=LATTE"), [s.latte]);
    assert_eq!(list("?search=mocha-1"), [s.mocha]);
    assert_eq!(list("?search=tee"), [s.tee]);
    assert_eq!(list("?search=100%25"), Vec::<i64>::new());
    assert_eq!(list("?featured=true"), [s.latte]);
    assert_eq!(list("?featured=false"), [s.tee, s.oolong, s.mocha]);
    // Sorts: by name; by the price shown (the discount where there is one).
    assert_eq!(list("?sort=name"), [s.latte, s.tee, s.mocha, s.oolong]);
    assert_eq!(list("?sort=price_asc"), [s.oolong, s.latte, s.mocha, s.tee]);
    assert_eq!(
        list("?sort=price_desc"),
        [s.tee, s.mocha, s.latte, s.oolong]
    );
    assert_eq!(list("?sort=newest"), [s.tee, s.oolong, s.mocha, s.latte]);
    // Paging: the array holds one page; meta says where it is.
    let r = get(&app, "/shop/products?sort=name&page=2&limit=3").expect(200);
    assert_eq!(ids(&r.body["data"]), [s.oolong]);
    assert_eq!(
        r.body["meta"]["pagination"],
        json!({ "page": 2, "limit": 3, "total": 4, "totalPages": 2, "hasNext": false, "hasPrev": true })
    );
    assert_eq!(list("?page=9"), Vec::<i64>::new());
    assert_eq!(list("?limit=100").len(), 4);
    // The camelCase spellings are read too.
    assert_eq!(list("?categorySlug=tea"), [s.oolong]);
}

fn portal_shop_products_bad_queries_are_named(b: Backend) {
    let app = TestApp::start(b);
    shop(&app);
    let before = shop_fingerprint(&app);
    for (q, field) in [
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("sort=cheapest", "sort"),
        ("category_id=abc", "category_id"),
        ("category_id=-1", "category_id"),
        ("featured=maybe", "featured"),
    ] {
        let r = portal_error(
            get(&app, &format!("/shop/products?{q}")),
            422,
            "VALIDATION_ERROR",
        );
        assert!(
            r.body["error"]["details"]["errors"][field].is_array(),
            "{q}: {}",
            r.body
        );
    }
    portal_error(
        get(&app, "/shop/products/x/related?limit=0"),
        422,
        "VALIDATION_ERROR",
    );
    portal_error(
        get(&app, "/shop/categories?featured=1x"),
        422,
        "VALIDATION_ERROR",
    );
    assert_eq!(shop_fingerprint(&app), before);
}

fn portal_shop_product_page_with_variations(b: Backend) {
    let app = TestApp::start(b);
    let s = shop(&app);
    app.stock_in(&app.owner, s.red, 2, None);
    app.patch(
        &format!("/v1/products/{}/variations/{}", s.tee, s.red),
        Some(&app.owner),
        &json!({ "low_stock_threshold": 2 }),
    )
    .expect(200);
    app.post(
        &format!("/v1/products/{}/images", s.tee),
        Some(&app.owner),
        &json!({ "src": "https://cdn.example.com/tee.jpg", "name": "Front" }),
    )
    .expect(201);
    let p = ok_data(get(&app, "/shop/products/logo-tee"));
    // Every field of the detail shape.
    assert_eq!(p["id"], json!(s.tee));
    assert_eq!(p["name"], json!("Logo Tee"));
    assert_eq!(p["shortName"], json!("Tee"));
    assert_eq!(p["description"], Value::Null);
    assert_eq!(p["slug"], json!("logo-tee"));
    assert_eq!(p["sku"], Value::Null);
    assert_eq!(p["price"], json!(59.0));
    assert_eq!(p["discountPrice"], Value::Null);
    assert_eq!(p["memberPrice"], Value::Null);
    assert_eq!(p["regularPrice"], json!(59.0));
    assert_eq!(p["salePrice"], Value::Null);
    assert_eq!(p["onSale"], json!(false));
    assert_eq!(p["seoTitle"], Value::Null);
    assert_eq!(p["seoDescription"], Value::Null);
    assert_eq!(p["shippingWeight"], Value::Null);
    assert_eq!(p["status"], json!("active"));
    assert_eq!(p["productType"], json!("variable"));
    assert_eq!(p["stockQuantity"], json!(2));
    assert_eq!(p["stockStatus"], json!("in_stock"));
    assert_eq!(p["trackInventory"], json!(true));
    assert_eq!(p["categories"], json!([]));
    assert_eq!(p["brand"], Value::Null);
    assert_eq!(p["collections"], json!([]));
    assert_eq!(p["isFeatured"], json!(false));
    assert_eq!(p["isVariable"], json!(true));
    assert_eq!(p["isVariation"], json!(false));
    assert_eq!(p["parentProductId"], Value::Null);
    assert!(
        p["createdAt"].is_string() && p["updatedAt"].is_string(),
        "{p}"
    );
    let img = &array(&p["images"])[0];
    assert!(img["id"].is_i64(), "{img}");
    assert_eq!(img["src"], json!("https://cdn.example.com/tee.jpg"));
    assert_eq!(img["name"], json!("Front"));
    assert_eq!(img["alt"], json!("Logo Tee"));
    assert_eq!(img["blurhash"], json!(""));
    assert_eq!(img["thumbUrl"], json!("https://cdn.example.com/tee.jpg"));
    assert_eq!(img["mediumUrl"], json!("https://cdn.example.com/tee.jpg"));
    assert_eq!(img["width"], Value::Null);
    assert_eq!(img["height"], Value::Null);
    assert_eq!(img["isPrimary"], json!(true));
    let o = &array(&p["options"])[0];
    assert!(o["id"].is_i64(), "{o}");
    assert_eq!(o["name"], json!("Colour"));
    assert_eq!(o["position"], json!(0));
    assert_eq!(o["required"], json!(true));
    assert_eq!(array(&o["values"]).len(), 2);
    assert!(o["values"][0]["id"].is_i64());
    assert_eq!(o["values"][0]["value"], json!("Red"));
    assert_eq!(o["values"][0]["position"], json!(0));
    assert_eq!(p["selectedOptions"], json!([]));
    // Each variation with its own stock from its own lots.
    let vs = array(&p["variations"]);
    assert_eq!(ids(&p["variations"]), [s.red, s.blue]);
    let red = &vs[0];
    assert_eq!(red["name"], json!("Logo Tee - Red"));
    assert_eq!(red["sku"], json!("TEE-R"));
    assert_eq!(red["price"], json!(59.0));
    assert_eq!(red["discountPrice"], json!(49.0));
    assert_eq!(red["memberPrice"], Value::Null);
    assert_eq!(red["regularPrice"], json!(59.0));
    assert_eq!(red["salePrice"], json!(49.0));
    assert_eq!(red["onSale"], json!(true));
    assert_eq!(red["seoTitle"], json!(""));
    assert_eq!(red["shippingWeight"], Value::Null);
    // The merchant writes a weight as text; the storefront reads the number in it.
    app.patch(
        &format!("/v1/products/{}/variations/{}", s.tee, s.red),
        Some(&app.owner),
        &json!({ "shipping_weight": "0.5kg" }),
    )
    .expect(200);
    app.patch(
        &format!("/v1/products/{}", s.tee),
        Some(&app.owner),
        &json!({ "shipping_weight": "1,200 g" }),
    )
    .expect(200);
    let p = ok_data(get(&app, "/shop/products/logo-tee"));
    assert_eq!(p["shippingWeight"], json!(1200.0));
    assert_eq!(p["variations"][0]["shippingWeight"], json!(0.5));
    assert_eq!(
        red["selectedOptions"],
        json!([{ "optionName": "Colour", "value": "Red" }])
    );
    assert_eq!(red["stockQuantity"], json!(2));
    assert_eq!(red["stockStatus"], json!("low_stock"));
    assert_eq!(red["trackInventory"], json!(true));
    assert_eq!(red["parentId"], json!(s.tee));
    assert_eq!(vs[1]["stockQuantity"], json!(0));
    assert_eq!(vs[1]["stockStatus"], json!("out_of_stock"));
    assert_eq!(vs[1]["price"], json!(65.0));

    // By integer id too; a variation's own page names its parent and its options.
    assert_eq!(
        ok_data(get(&app, &format!("/shop/products/{}", s.tee)))["id"],
        json!(s.tee)
    );
    let v = ok_data(get(&app, &format!("/shop/products/{}", s.red)));
    assert_eq!(v["isVariation"], json!(true));
    assert_eq!(v["parentProductId"], json!(s.tee));
    assert_eq!(
        v["selectedOptions"],
        json!([{ "optionName": "Colour", "value": "Red" }])
    );
    assert_eq!(v["variations"], json!([]));
    // A simple product's page: prices, categories, brand, collections.
    let latte = ok_data(get(&app, "/shop/products/ICED-LATTE"));
    assert_eq!(latte["id"], json!(s.latte));
    assert_eq!(latte["salePrice"], json!(12.9));
    assert_eq!(latte["onSale"], json!(true));
    assert_eq!(latte["memberPrice"], json!(11.9));
    assert_eq!(latte["brand"]["slug"], json!("acme-roasters"));
    assert_eq!(latte["collections"][0]["id"], json!(s.summer));
    assert_eq!(latte["categories"][0]["id"], json!(s.coffee));
    assert_eq!(array(&latte["images"])[0]["width"], json!(640));
    // An inactive variation disappears from its parent's page.
    app.patch(
        &format!("/v1/products/{}/variations/{}", s.tee, s.blue),
        Some(&app.owner),
        &json!({ "status": "inactive" }),
    )
    .expect(200);
    assert_eq!(
        ids(&ok_data(get(&app, "/shop/products/logo-tee"))["variations"]),
        [s.red]
    );
    // Unknown, inactive, archived and foreign products are not found.
    for key in [
        "nothing".to_owned(),
        "secret".to_owned(),
        s.hidden.to_string(),
        "999999".into(),
        "0".into(),
    ] {
        portal_error(
            get(&app, &format!("/shop/products/{key}")),
            404,
            "PRODUCT_NOT_FOUND",
        );
    }
    app.delete(&format!("/v1/products/{}", s.mocha), Some(&app.owner))
        .expect(200);
    portal_error(get(&app, "/shop/products/mocha"), 404, "PRODUCT_NOT_FOUND");
}

fn portal_shop_related_products(b: Backend) {
    let app = TestApp::start(b);
    let s = shop(&app);
    // Latte shares its category and brand with Mocha and its collection with Oolong: those
    // come first, newest first; then the newest others; never Latte itself.
    let related = |key: &str, q: &str| {
        ids(&ok_data(get(
            &app,
            &format!("/shop/products/{key}/related{q}"),
        )))
    };
    assert_eq!(related("iced-latte", ""), [s.oolong, s.mocha, s.tee]);
    assert_eq!(related("iced-latte", "?limit=1"), [s.oolong]);
    assert_eq!(
        related(&s.latte.to_string(), "?limit=2"),
        [s.oolong, s.mocha]
    );
    // Mocha: Latte by category and brand first, then the others.
    assert_eq!(related("mocha", "?limit=4"), [s.latte, s.tee, s.oolong]);
    // Logo Tee shares nothing: the newest others.
    assert_eq!(related("logo-tee", "?limit=2"), [s.oolong, s.mocha]);
    let r = get(&app, "/shop/products/iced-latte/related").expect(200);
    for p in array(&r.body["data"]) {
        assert_list_item(p);
    }
    portal_error(
        get(&app, "/shop/products/secret/related"),
        404,
        "PRODUCT_NOT_FOUND",
    );
    portal_error(
        get(&app, "/shop/products/iced-latte/related?limit=101"),
        422,
        "VALIDATION_ERROR",
    );
}

fn portal_shop_stock_follows_lots_and_sales(b: Backend) {
    let app = TestApp::start(b);
    let p = product_with(
        &app,
        &json!({ "name": "Bun", "price": 3.5, "slug": "bun", "low_stock_threshold": 2 }),
    );
    let status = |app: &TestApp| {
        let v = ok_data(get(app, "/shop/products/bun"));
        (
            v["stockQuantity"].as_i64().unwrap_or(-1),
            v["stockStatus"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(status(&app), (0, "out_of_stock".to_owned()));
    app.stock_in(&app.owner, p, 3, None);
    app.stock_in(&app.owner, p, 2, None);
    assert_eq!(status(&app), (5, "in_stock".to_owned()));
    // A sale takes from the lots; the storefront sees the rest.
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    app.order(&cashier, &[(p, 3, 3.5)]).expect(200);
    assert_eq!(status(&app), (2, "low_stock".to_owned()));
    app.order(&cashier, &[(p, 2, 3.5)]).expect(200);
    assert_eq!(status(&app), (0, "out_of_stock".to_owned()));
    let listed = ok_data(get(&app, "/shop/products?search=bun"));
    assert_eq!(listed[0]["stockStatus"], json!("out_of_stock"));
    assert_eq!(listed[0]["stockQuantity"], json!(0));
    // Untracked products are always in stock.
    app.patch(
        &format!("/v1/products/{p}"),
        Some(&app.owner),
        &json!({ "track_inventory": false }),
    )
    .expect(200);
    assert_eq!(status(&app), (0, "in_stock".to_owned()));
    // Variations are sold as products of their own.
    let tee = product_with(
        &app,
        &json!({ "name": "Tee", "price": 50, "slug": "tee", "product_type": "variable" }),
    );
    let v = variation(&app, tee, &json!({ "name": "Tee One Size" }));
    app.stock_in(&app.owner, v, 4, None);
    app.order(&cashier, &[(v, 1, 50.0)]).expect(200);
    let page = ok_data(get(&app, "/shop/products/tee"));
    assert_eq!(page["stockQuantity"], json!(3));
    assert_eq!(page["variations"][0]["stockQuantity"], json!(3));
    assert_eq!(app.current_stock(v), 3);
}

fn portal_shop_categories_brands_and_collections(b: Backend) {
    let app = TestApp::start(b);
    let s = shop(&app);
    let cats = ok_data(get(&app, "/shop/categories"));
    assert_eq!(
        cats,
        json!([
            { "id": s.coffee, "name": "Coffee", "slug": "coffee", "description": null,
              "imageUrl": "https://cdn.example.com/coffee.jpg", "parentId": null, "isFeatured": true,
              "productCount": 2 },
            { "id": s.tea, "name": "Tea", "slug": "tea", "description": null, "imageUrl": null,
              "parentId": s.coffee, "isFeatured": false, "productCount": 1 }
        ])
    );
    assert_eq!(
        ids(&ok_data(get(&app, "/shop/categories?featured=true"))),
        [s.coffee]
    );
    assert_eq!(
        ids(&ok_data(get(&app, "/shop/categories?featured=false"))),
        [s.tea]
    );

    let brands = ok_data(get(&app, "/shop/brands"));
    assert_eq!(
        brands,
        json!([{ "id": s.brand, "name": "Acme Roasters", "slug": "acme-roasters", "description": null,
                 "imageUrl": null, "onlineEnabled": true, "sortOrder": 0, "productCount": 2 }])
    );
    assert_eq!(ok_data(get(&app, "/shop/brands/acme-roasters")), brands[0]);
    let colls = ok_data(get(&app, "/shop/collections"));
    assert_eq!(
        colls,
        json!([{ "id": s.summer, "name": "Summer Picks", "slug": "summer-picks", "description": "Cold",
                 "imageUrl": null, "onlineEnabled": true, "sortOrder": 0, "productCount": 2 }])
    );
    assert_eq!(
        ok_data(get(&app, "/shop/collections/summer-picks")),
        colls[0]
    );
    portal_error(get(&app, "/shop/brands/nothing"), 404, "BRAND_NOT_FOUND");
    portal_error(
        get(&app, "/shop/collections/nothing"),
        404,
        "COLLECTION_NOT_FOUND",
    );

    // Counts follow what is listed: an inactive product leaves them.
    app.patch(
        &format!("/v1/products/{}", s.mocha),
        Some(&app.owner),
        &json!({ "status": "inactive" }),
    )
    .expect(200);
    assert_eq!(
        ok_data(get(&app, "/shop/brands/acme-roasters"))["productCount"],
        json!(1)
    );
    assert_eq!(
        ok_data(get(&app, "/shop/categories"))[0]["productCount"],
        json!(1)
    );
    // A brand or collection taken offline disappears from the storefront, and from its
    // products there.
    app.patch(
        &format!("/v1/brands/{}", s.brand),
        Some(&app.owner),
        &json!({ "online_enabled": false }),
    )
    .expect(200);
    assert_eq!(ok_data(get(&app, "/shop/brands")), json!([]));
    portal_error(
        get(&app, "/shop/brands/acme-roasters"),
        404,
        "BRAND_NOT_FOUND",
    );
    assert_eq!(
        ok_data(get(&app, "/shop/products/iced-latte"))["brand"],
        Value::Null
    );
    app.patch(
        &format!("/v1/collections/{}", s.summer),
        Some(&app.owner),
        &json!({ "online_enabled": false }),
    )
    .expect(200);
    assert_eq!(ok_data(get(&app, "/shop/collections")), json!([]));
    assert_eq!(
        ok_data(get(&app, "/shop/products/iced-latte"))["collections"],
        json!([])
    );
    // Another merchant's lists are empty.
    let other = app.create_tenant("Other", "MYR", "Asia/Kuala_Lumpur", false);
    let o = other.to_string();
    for path in [
        "/shop/categories",
        "/shop/brands",
        "/shop/collections",
        "/shop/products",
        "/membership-tiers",
    ] {
        let r = app
            .get_with(
                &format!("{BASE}{path}"),
                None,
                &[("X-Company-Id", o.as_str())],
            )
            .expect(200);
        assert_eq!(r.body["data"], json!([]), "{path}");
    }
    let r = app.get_with(
        &format!("{BASE}/shop/products/iced-latte"),
        None,
        &[("X-Company-Id", o.as_str())],
    );
    portal_error(r, 404, "PRODUCT_NOT_FOUND");
}

fn portal_membership_tiers_in_the_client_shape(b: Backend) {
    let app = TestApp::start(b);
    assert_eq!(ok_data(get(&app, "/membership-tiers")), json!([]));
    app.post(
        "/v1/memberships/tiers",
        Some(&app.owner),
        &json!({ "name": "Gold", "description": "Best", "price": 199.5, "valid_period_value": 1,
                 "valid_period_unit": "YEARS", "discount": 15, "min_spend": 2000,
                 "benefits": ["Extra points"], "is_popular": true, "sort_order": 2 }),
    )
    .expect(201);
    app.post(
        "/v1/memberships/tiers",
        Some(&app.owner),
        &json!({ "name": "Basic" }),
    )
    .expect(201);
    let tiers = ok_data(get(&app, "/membership-tiers"));
    let list = array(&tiers);
    assert_eq!(list.len(), 2);
    for t in list {
        assert!(t["id"].is_string(), "{t}");
        assert!(t["name"].is_string(), "{t}");
        assert!(is_null_or(&t["description"], Value::is_string), "{t}");
        assert!(t["price"].is_number(), "{t}");
        assert!(t["validPeriodValue"].is_i64(), "{t}");
        assert!(
            ["MONTHS", "YEARS"].contains(&t["validPeriodUnit"].as_str().unwrap_or("")),
            "{t}"
        );
        assert!(t["discount"].is_number(), "{t}");
        assert!(t["benefits"].is_array(), "{t}");
        assert!(t["isPopular"].is_boolean(), "{t}");
        assert!(t["sortOrder"].is_i64(), "{t}");
    }
    let basic = &list[0];
    assert_eq!(basic["name"], json!("Basic"));
    assert_eq!(basic["price"], json!(0.0));
    assert_eq!(basic["validPeriodUnit"], json!("MONTHS"));
    assert_eq!(basic["validPeriodValue"], json!(12));
    assert_eq!(basic["benefits"], json!([]));
    let gold = &list[1];
    let id = gold["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        gold,
        &json!({ "id": id, "name": "Gold", "description": "Best", "price": 199.5, "validPeriodValue": 1,
                 "validPeriodUnit": "YEARS", "discount": 15.0, "benefits": ["Extra points"],
                 "isPopular": true, "sortOrder": 2 })
    );
}

fn portal_shop_tenant_context_and_tokens(b: Backend) {
    let app = TestApp::start(b);
    shop(&app);
    let paths = [
        "/shop/products",
        "/shop/products/iced-latte",
        "/shop/products/iced-latte/related",
        "/shop/categories",
        "/shop/brands",
        "/shop/brands/acme-roasters",
        "/shop/collections",
        "/shop/collections/summer-picks",
        "/membership-tiers",
    ];
    let company = app.tenant.to_string();
    let expired = app.expired_token(&app.owner);
    for path in paths {
        let url = format!("{BASE}{path}");
        // No tenant: 400; an unknown or malformed company: 404.
        portal_error(app.get(&url, None), 400, "TENANT_REQUIRED");
        portal_error(
            app.get_with(
                &url,
                None,
                &[("X-Company-Id", "0190c1f6-0000-7000-8000-000000000000")],
            ),
            404,
            "COMPANY_NOT_FOUND",
        );
        portal_error(
            app.get_with(&url, None, &[("X-Company-Id", "not-a-company")]),
            404,
            "COMPANY_NOT_FOUND",
        );
        // Public: a bad, expired or staff bearer token is ignored, never a 401.
        for token in ["garbage", expired.as_str(), app.owner.as_str()] {
            let r = app
                .get_with(&url, Some(token), &[("X-Company-Id", company.as_str())])
                .expect(200);
            assert_eq!(r.body["success"], json!(true), "{path}");
        }
    }
    // CORS preflight for a browser storefront.
    let r = app.get_with(
        &format!("{BASE}/shop/products"),
        None,
        &[
            ("X-Company-Id", company.as_str()),
            ("Origin", "https://shop.example.com"),
        ],
    );
    assert_eq!(r.status, 200);
    assert!(
        r.header("access-control-allow-origin").is_some(),
        "{:?}",
        r.headers
    );
}

const LIST_ITEM: &[&str] = &[
    "id: int",
    "name: string",
    "description: string",
    "slug: string|null",
    "price: number|null",
    "discountPrice: number|null",
    "memberPrice: number|null",
    "seoTitle: string|null",
    "status: string|null",
    "productType: string",
    "stockStatus: string",
    "stockQuantity?: int",
    "trackInventory?: bool",
    "categoryName: string|null",
    "categorySlug: string|null",
    "categories: array",
    "brand?: object|null",
    "collections?: array",
    "isVariable: bool",
    "isFeatured: bool",
    "image: string|null",
];

const GROUP: &[&str] = &[
    "id: string",
    "name: string",
    "slug: string",
    "description: string|null",
    "imageUrl: string|null",
    "onlineEnabled: bool",
    "sortOrder: int",
    "productCount: int",
];

fn portal_shop_routes_answer_in_the_clients_shapes(b: Backend) {
    let app = TestApp::start(b);
    let s = shop(&app);
    app.stock_in(&app.owner, s.red, 1, None);
    app.post(
        "/v1/memberships/tiers",
        Some(&app.owner),
        &json!({ "name": "Gold", "benefits": ["A"] }),
    )
    .expect(201);
    // A signed-in customer's token changes nothing on these public routes; neither does one
    // of another merchant.
    let mine = app.customer_token("+60123456789");
    for token in [None, Some(mine.as_str())] {
        let list = bare_array(
            &app.portal_get("/shop/products?limit=12&sort=newest&featured=false", token)
                .portal_data(200),
        );
        assert_eq!(list.len(), 3);
        for p in &list {
            assert_shape(p, LIST_ITEM);
            for c in bare_array(&p["categories"]) {
                assert_shape(&c, &["id: int", "name: string", "slug: string|null"]);
            }
            for c in bare_array(&p["collections"]) {
                assert_shape(&c, &["id: string", "name: string", "slug: string"]);
            }
        }
        let related = bare_array(
            &app.portal_get("/shop/products/iced-latte/related?limit=4", token)
                .portal_data(200),
        );
        for p in &related {
            assert_shape(p, LIST_ITEM);
        }
    }
    let p = app
        .portal_get("/shop/products/logo-tee", None)
        .portal_data(200);
    assert_shape(
        &p,
        &[
            "id: int",
            "name: string",
            "shortName: string|null",
            "description: string|null",
            "slug: string|null",
            "sku: string|null",
            "price: number",
            "discountPrice: number|null",
            "memberPrice: number|null",
            "regularPrice: number",
            "salePrice: number|null",
            "onSale: bool",
            "seoTitle: string|null",
            "seoDescription: string|null",
            "shippingWeight: number|null",
            "status: string",
            "productType: string",
            "stockQuantity: int",
            "stockStatus: string",
            "trackInventory?: bool",
            "categories: array",
            "brand?: object|null",
            "collections?: array",
            "isFeatured: bool",
            "isVariable: bool",
            "isVariation: bool",
            "parentProductId: int|null",
            "images: array",
            "options: array",
            "selectedOptions: array",
            "variations: array",
            "createdAt: string",
            "updatedAt: string",
        ],
    );
    for o in bare_array(&p["options"]) {
        assert_shape(
            &o,
            &[
                "id: int",
                "name: string",
                "position: int",
                "required: bool",
                "values: array",
            ],
        );
        for v in bare_array(&o["values"]) {
            assert_shape(&v, &["id: int", "value: string", "position: int"]);
        }
    }
    for v in bare_array(&p["variations"]) {
        assert_shape(
            &v,
            &[
                "id: int",
                "name: string",
                "sku: string|null",
                "price: number",
                "discountPrice: number|null",
                "memberPrice: number|null",
                "regularPrice: number",
                "salePrice: number|null",
                "onSale: bool",
                "seoTitle: string",
                "shippingWeight: number|null",
                "selectedOptions: array",
                "stockQuantity: int",
                "stockStatus: string",
                "trackInventory?: bool",
                "parentId: int",
            ],
        );
        for o in bare_array(&v["selectedOptions"]) {
            assert_shape(&o, &["optionName: string", "value: string"]);
        }
    }
    let latte = app
        .portal_get("/shop/products/iced-latte", None)
        .portal_data(200);
    for i in bare_array(&latte["images"]) {
        assert_shape(
            &i,
            &[
                "id: int",
                "src: string",
                "name: string",
                "alt: string",
                "blurhash: string",
                "thumbUrl: string",
                "mediumUrl: string",
                "width: int|null",
                "height: int|null",
                "isPrimary: bool",
            ],
        );
    }
    for c in bare_array(
        &app.portal_get("/shop/categories?featured=true", None)
            .portal_data(200),
    ) {
        assert_shape(
            &c,
            &[
                "id: int",
                "name: string",
                "slug: string|null",
                "description: string|null",
                "imageUrl: string|null",
                "parentId: int|null",
                "isFeatured: bool",
                "productCount: int",
            ],
        );
    }
    for kind in ["brands", "collections"] {
        let list = bare_array(
            &app.portal_get(&format!("/shop/{kind}"), None)
                .portal_data(200),
        );
        assert_eq!(list.len(), 1);
        for g in &list {
            assert_shape(g, GROUP);
        }
        let slug = list[0]["slug"].as_str().unwrap_or_default().to_owned();
        assert_shape(
            &app.portal_get(&format!("/shop/{kind}/{slug}"), None)
                .portal_data(200),
            GROUP,
        );
    }
    for t in bare_array(&app.portal_get("/membership-tiers", None).portal_data(200)) {
        assert_shape(
            &t,
            &[
                "id: string",
                "name: string",
                "description: string|null",
                "price: number",
                "validPeriodValue: int",
                "validPeriodUnit: string",
                "discount: number",
                "benefits: array",
                "isPopular: bool",
                "sortOrder: int",
            ],
        );
    }
}
