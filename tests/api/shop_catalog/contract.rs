//! The shop's tenant context and tokens, and every shop route answering in the client's
//! shapes.

use serde_json::json;

use super::{BASE, portal_error, shop};
use crate::support::portal::{assert_shape, bare_array};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    portal_shop_tenant_context_and_tokens,
    portal_shop_routes_answer_in_the_clients_shapes,
);

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
