//! Products on the storefront: the list in the client's shape, filters, sorting and paging,
//! bad queries, the product page with variations, related products and stock.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{array, get, ids, is_null_or, ok_data, portal_error, shop};
use crate::shop_merchant::{product_with, shop_fingerprint, variation};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    portal_shop_products_list_in_the_client_shape,
    portal_shop_products_filter_sort_and_page,
    portal_shop_products_bad_queries_are_named,
    portal_shop_product_page_with_variations,
    portal_shop_related_products,
    portal_shop_stock_follows_lots_and_sales,
);

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
