//! The catalogue's list filters and outlet checks (003 §12).

use kedai_identity::Role;
use serde_json::json;

use super::{fingerprint, invalid, outlet, signed_in, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    product_list_filters_by_status_category_outlet_and_keyword,
    product_outlets_must_exist_in_the_merchant,
);

fn product(app: &TestApp, body: serde_json::Value) -> i64 {
    app.post("/v1/products", Some(&app.owner), &body)
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id"))
}

fn product_list_filters_by_status_category_outlet_and_keyword(b: Backend) {
    let app = TestApp::start(b);
    let a = outlet(&app, &app.owner, "Puchong", "PCH001");
    let c = outlet(&app, &app.owner, "Cheras", "CHR001");
    let latte = product(
        &app,
        json!({ "name": "Iced Latte", "sku": "DRINK-001", "category": "Beverage", "price": 14.9, "outlet_ids": [a] }),
    );
    let mocha = product(
        &app,
        json!({ "name": "Mocha", "sku": "DRINK-002", "category": "beverage", "price": 15, "status": "inactive", "outlet_ids": [c] }),
    );
    let toast = product(
        &app,
        json!({ "name": "Kaya Toast", "category": "Food", "price": 4.5 }),
    );
    let odd = product(
        &app,
        json!({ "name": "50% off_cake", "sku": "CAKE_1", "price": 3 }),
    );
    let ids = |q: &str| -> Vec<i64> {
        let r = app
            .get(&format!("/v1/products{q}"), Some(&app.owner))
            .expect(200);
        let data = r.body["data"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            r.body["meta"]["total"],
            json!(data.len()),
            "{q}: {}",
            r.body
        );
        data.iter()
            .map(|p| p["id"].as_i64().unwrap_or_default())
            .collect()
    };
    assert_eq!(ids(""), vec![odd, toast, mocha, latte]);
    assert_eq!(ids("?status=inactive"), vec![mocha]);
    assert_eq!(ids("?status=active"), vec![odd, toast, latte]);
    assert_eq!(
        ids("?status=active,inactive"),
        vec![odd, toast, mocha, latte]
    );
    assert_eq!(
        ids("?status=inactive&status=active"),
        vec![odd, toast, mocha, latte]
    );
    assert_eq!(ids("?category=BEVERAGE"), vec![mocha, latte]);
    assert_eq!(ids("?category=Food"), vec![toast]);
    assert_eq!(ids("?category=Bev"), Vec::<i64>::new());
    // An outlet's products: those bound to it, and those sold everywhere.
    assert_eq!(ids(&format!("?outlet_id={a}")), vec![odd, toast, latte]);
    assert_eq!(ids(&format!("?outlet_id={c}")), vec![odd, toast, mocha]);
    assert_eq!(ids("?keyword=latte"), vec![latte]);
    assert_eq!(ids("?keyword=drink-00"), vec![mocha, latte]);
    assert_eq!(ids("?keyword=%25"), vec![odd]);
    assert_eq!(ids("?keyword=_"), vec![odd]);
    assert_eq!(
        ids("?keyword=toast&category=food&status=active"),
        vec![toast]
    );
    assert_eq!(
        ids(&format!("?keyword=mocha&outlet_id={a}")),
        Vec::<i64>::new()
    );
    let r = app
        .get(
            "/v1/products?status=active&limit=2&page=2",
            Some(&app.owner),
        )
        .expect(200);
    assert_eq!(r.body["meta"], json!({ "page": 2, "limit": 2, "total": 3 }));
    assert_eq!(r.body["data"][0]["id"], json!(latte));
    invalid(
        app.get("/v1/products?status=sold", Some(&app.owner)),
        "status",
    );
    invalid(
        app.get("/v1/products?status=active,gone", Some(&app.owner)),
        "status",
    );
    invalid(
        app.get("/v1/products?outlet_id=out_101", Some(&app.owner)),
        "outlet_id",
    );
    // A cashier reads the same catalogue.
    let (cashier, ..) = signed_in(&app, app.tenant, Role::Cashier);
    let r = app
        .get("/v1/products?category=food", Some(&cashier))
        .expect(200);
    assert_eq!(r.body["data"][0]["id"], json!(toast));
}

fn product_outlets_must_exist_in_the_merchant(b: Backend) {
    let app = TestApp::start(b);
    let a = outlet(&app, &app.owner, "Puchong", "PCH001");
    let other = app.create_tenant("Rival", "MYR", "Asia/Kuala_Lumpur", false);
    let (rival, ..) = signed_in(&app, other, Role::Owner);
    let theirs = outlet(&app, &rival, "Rival", "R1");
    let gone = outlet(&app, &app.owner, "Closed", "CLS001");
    app.delete(&format!("/v1/outlets/{gone}"), Some(&app.owner))
        .expect(200);
    let p = product(
        &app,
        json!({ "name": "Latte", "price": 10, "outlet_ids": [a] }),
    );
    let before = fingerprint(&app);
    for (ids, field) in [
        (json!([theirs]), "outlet_ids[0]"),
        (json!([a, gone]), "outlet_ids[1]"),
        (json!(["out_101"]), "outlet_ids[0]"),
        (json!([uuid::Uuid::new_v4().to_string()]), "outlet_ids[0]"),
    ] {
        invalid(
            app.post(
                "/v1/products",
                Some(&app.owner),
                &json!({ "name": "X", "price": 1, "outlet_ids": ids }),
            ),
            field,
        );
        invalid(
            app.put(
                &format!("/v1/products/{p}"),
                Some(&app.owner),
                &json!({ "outlet_ids": ids }),
            ),
            field,
        );
    }
    assert_eq!(fingerprint(&app), before);
    let r = app
        .get(&format!("/v1/products/{p}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"]["outlet_ids"], json!([a]));
    assert_eq!(text(&r.body["data"]["name"]), "Latte");
}
