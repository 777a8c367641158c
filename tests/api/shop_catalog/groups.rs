//! Categories, brands, collections and membership tiers on the storefront.

use serde_json::{Value, json};

use super::{BASE, array, get, ids, is_null_or, ok_data, portal_error, shop};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    portal_shop_categories_brands_and_collections,
    portal_membership_tiers_in_the_client_shape,
);

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
