//! Products: paged lists, creation with every field, refusals, reads, partial updates and
//! deletion.

use kedai_identity::Role;
use serde_json::{Value, json};

use super::{set_status, text};
use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(
    product_list_pages_newest_first_and_checks_paging,
    product_create_accepts_every_field_and_both_price_forms,
    product_create_rejects_bad_fields_and_taken_skus,
    product_get_shows_stock_and_hides_unknown_and_foreign_ids,
    product_update_is_partial_and_null_clears,
    product_delete_is_refused_while_in_use_then_archives,
);

/// Creates an outlet with this code as the owner; returns its id.
fn outlet(app: &TestApp, code: &str) -> String {
    let r = app
        .post(
            "/v1/outlets",
            Some(&app.owner),
            &json!({ "name": code, "code": code }),
        )
        .expect(201);
    text(&r.body["data"]["id"])
}

fn product_list_pages_newest_first_and_checks_paging(b: Backend) {
    let app = TestApp::start(b);
    let ids: Vec<i64> = ["Americano", "Cappuccino", "Mocha"]
        .iter()
        .map(|n| app.product(&app.owner, n, 9.0))
        .collect();
    app.stock_in(&app.owner, ids[1], 12, None);
    let names = |r: &Resp| -> Vec<String> {
        r.body["data"]
            .as_array()
            .map(|a| a.iter().map(|p| text(&p["name"])).collect())
            .unwrap_or_default()
    };

    let r = app.get("/v1/products", Some(&app.owner)).expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(names(&r), ["Mocha", "Cappuccino", "Americano"]);
    assert_eq!(
        r.body["meta"],
        json!({ "page": 1, "limit": 20, "total": 3 })
    );
    assert_eq!(r.body["data"][1]["current_stock"], json!(12));
    assert_eq!(r.body["data"][0]["current_stock"], json!(0));
    assert_eq!(r.body["data"][1]["id"], json!(ids[1]));

    let r = app
        .get("/v1/products?page=1&limit=2", Some(&app.owner))
        .expect(200);
    assert_eq!(names(&r), ["Mocha", "Cappuccino"]);
    assert_eq!(r.body["meta"], json!({ "page": 1, "limit": 2, "total": 3 }));
    let r = app
        .get("/v1/products?page=2&limit=2", Some(&app.owner))
        .expect(200);
    assert_eq!(names(&r), ["Americano"]);
    assert_eq!(r.body["meta"], json!({ "page": 2, "limit": 2, "total": 3 }));
    let r = app
        .get("/v1/products?page=9&limit=100", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"], json!([]));
    assert_eq!(r.body["meta"]["total"], json!(3));

    let readers: Vec<(Role, String)> = [Role::Viewer, Role::Agent, Role::Cashier]
        .into_iter()
        .map(|r| (r, app.staff_token(app.tenant, r)))
        .collect();
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-5", "limit"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("limit=ten", "limit"),
    ] {
        let r = app
            .get(&format!("/v1/products?{query}"), Some(&app.owner))
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{query} -> {}", r.body);
    }
    // Read-only roles may list the catalogue.
    for (role, token) in &readers {
        let r = app.get("/v1/products?limit=1", Some(token)).expect(200);
        assert_eq!(names(&r), ["Mocha"], "{role}");
        assert_eq!(r.body["meta"]["total"], json!(3));
    }
    // Another merchant's list is its own.
    let r = app.get("/v1/products", Some(&rival)).expect(200);
    assert_eq!(
        (r.body["data"].clone(), r.body["meta"]["total"].clone()),
        (json!([]), json!(0))
    );
    assert_eq!(app.fingerprint(), before);
}

fn product_create_accepts_every_field_and_both_price_forms(b: Backend) {
    let app = TestApp::start(b);
    let out_101 = outlet(&app, "PCH001");
    let out_102 = outlet(&app, "CHR001");
    let body = json!({
        "name": "  Iced Latte ",
        "sku": "DRINK-009",
        "category": "Beverage",
        "description": "Double shot over ice",
        "price": "14.90",
        "status": "inactive",
        "outlet_ids": [out_101, out_101, out_102],
    });
    let r = app
        .post("/v1/products", Some(&app.owner), &body)
        .expect(201);
    assert_eq!(r.body["success"], json!(true));
    assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    let d = &r.body["data"];
    let id = d["id"].as_i64().unwrap_or_default();
    assert!(id > 0, "{}", r.body);
    assert_eq!(d["name"], json!("Iced Latte"));
    assert_eq!(d["sku"], json!("DRINK-009"));
    assert_eq!(d["category"], json!("Beverage"));
    assert_eq!(d["description"], json!("Double shot over ice"));
    assert_eq!(d["price"], json!(14.9));
    assert_eq!(d["currency"], json!("MYR"));
    assert_eq!(d["status"], json!("inactive"));
    assert_eq!(d["outlet_ids"], json!([out_101, out_102]));
    assert_eq!(d["current_stock"], json!(0));
    assert!(
        d["created_at"].is_string() && d["updated_at"].is_string(),
        "{}",
        r.body
    );
    // It is stored as answered.
    let r = app
        .get(&format!("/v1/products/{id}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["data"], *d);

    // Defaults, and the price as a JSON number (including trailing zeros and whole numbers).
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Espresso", "price": 14.9 }),
        )
        .expect(201);
    let d = &r.body["data"];
    assert_eq!(
        (d["price"].clone(), d["status"].clone()),
        (json!(14.9), json!("active"))
    );
    assert_eq!(
        (
            d["sku"].clone(),
            d["category"].clone(),
            d["outlet_ids"].clone()
        ),
        (json!(null), json!(null), json!([]))
    );
    for (price, want) in [
        (json!(12), 12.0),
        (json!("7"), 7.0),
        (json!(0), 0.0),
        (json!("0.50"), 0.5),
        (json!(" 3.10 "), 3.1),
    ] {
        let r = app
            .post(
                "/v1/products",
                Some(&app.owner),
                &json!({ "name": "Biscuit", "price": price }),
            )
            .expect(201);
        assert_eq!(r.body["data"]["price"], json!(want), "{price}");
    }
    // Products without a SKU do not collide with each other.
    let r = app.get("/v1/products", Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(7));
}

fn product_create_rejects_bad_fields_and_taken_skus(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Latte", "sku": "LAT-1", "price": 10 }),
        )
        .expect(201);
    let existing = r.body["data"]["id"].as_i64().unwrap_or_default();
    let before = app.fingerprint();
    for (body, field) in [
        (json!({ "name": "X", "price": -1 }), "price"),
        (json!({ "name": "X", "price": "-0.01" }), "price"),
        (json!({ "name": "X", "price": "1.234" }), "price"),
        (json!({ "name": "X", "price": 1.234 }), "price"),
        (json!({ "name": "X", "price": "abc" }), "price"),
        (json!({ "name": "X", "price": true }), "price"),
        (json!({ "name": "X" }), "price"),
        (json!({ "name": "", "price": 1 }), "name"),
        (json!({ "name": "   ", "price": 1 }), "name"),
        (json!({ "name": "x".repeat(201), "price": 1 }), "name"),
        (json!({ "price": 1 }), "name"),
        (json!({ "name": 5, "price": 1 }), "name"),
        (
            json!({ "name": "X", "price": 1, "status": "archived" }),
            "status",
        ),
        (
            json!({ "name": "X", "price": 1, "status": "Active" }),
            "status",
        ),
        (json!({ "name": "X", "price": 1, "sku": "A B" }), "sku"),
        (
            json!({ "name": "X", "price": 1, "outlet_ids": "out_1" }),
            "outlet_ids",
        ),
        (
            json!({ "name": "X", "price": 1, "outlet_ids": [""] }),
            "outlet_ids",
        ),
    ] {
        let r = app.post("/v1/products", Some(&app.owner), &body);
        let r = r.merchant_error(422, "VALIDATION_ERROR");
        assert!(
            r.body["errors"][field]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{body} -> {}",
            r.body
        );
    }
    let r = app.post(
        "/v1/products",
        Some(&app.owner),
        &json!({ "name": "Another Latte", "sku": "LAT-1", "price": 11 }),
    );
    let r = r.merchant_error(409, "SKU_TAKEN");
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("LAT-1")),
        "{}",
        r.body
    );
    // The SKU is trimmed before it is compared.
    app.post(
        "/v1/products",
        Some(&app.owner),
        &json!({ "name": "Another Latte", "sku": " LAT-1 ", "price": 11 }),
    )
    .merchant_error(409, "SKU_TAKEN");
    app.send_raw(
        "POST",
        "/v1/products",
        Some(&app.owner),
        "{\"name\": \"X\", \"price\": ",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    app.send_raw(
        "POST",
        "/v1/products",
        Some(&app.owner),
        "{\"name\": \"X\", \"price\": 1} trailing",
    )
    .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);
    // Another merchant may use the same SKU.
    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let r = app
        .post(
            "/v1/products",
            Some(&rival),
            &json!({ "name": "Rival Latte", "sku": "LAT-1", "price": 9 }),
        )
        .expect(201);
    assert_ne!(r.body["data"]["id"], json!(existing));
}

fn product_get_shows_stock_and_hides_unknown_and_foreign_ids(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Croissant", 8.5);
    app.stock_in(&app.owner, p, 7, None);
    app.stock_in(&app.owner, p, 3, None);
    let r = app
        .get(&format!("/v1/products/{p}"), Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["success"], json!(true));
    let d = &r.body["data"];
    assert_eq!(
        (d["id"].clone(), d["name"].clone(), d["price"].clone()),
        (json!(p), json!("Croissant"), json!(8.5))
    );
    assert_eq!(d["current_stock"], json!(10));
    // An order takes stock out of the count.
    app.order(&app.owner, &[(p, 4, 8.5)]).expect(200);
    assert_eq!(app.current_stock(p), 6);
    let viewer = app.staff_token(app.tenant, Role::Viewer);
    assert_eq!(
        app.get(&format!("/v1/products/{p}"), Some(&viewer))
            .expect(200)
            .body["data"]["current_stock"],
        json!(6)
    );

    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    for id in ["abc", "0", "-1", "1.5", "999999", "99999999999999999999"] {
        app.get(&format!("/v1/products/{id}"), Some(&app.owner))
            .merchant_error(404, "PRODUCT_NOT_FOUND");
    }
    let r = app
        .get(&format!("/v1/products/{p}"), Some(&rival))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    assert!(r.body.get("data").is_none_or(Value::is_null), "{}", r.body);
    assert_eq!(app.fingerprint(), before);
}

fn product_update_is_partial_and_null_clears(b: Backend) {
    let app = TestApp::start(b);
    let out_1 = outlet(&app, "OUT1");
    let body = json!({ "name": "Latte", "sku": "LAT-1", "category": "Coffee", "description": "Hot milk", "price": 10, "outlet_ids": [out_1] });
    let p = app
        .post("/v1/products", Some(&app.owner), &body)
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_default();
    let q = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Mocha", "sku": "MOC-1", "price": 11 }),
        )
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_default();
    app.stock_in(&app.owner, p, 4, None);
    let path = format!("/v1/products/{p}");

    // Only the price changes.
    let r = app
        .put(&path, Some(&app.owner), &json!({ "price": "15.50" }))
        .expect(200);
    assert_eq!(r.body["success"], json!(true));
    let d = &r.body["data"];
    assert_eq!(d["price"], json!(15.5));
    assert_eq!(
        (d["name"].clone(), d["sku"].clone(), d["category"].clone()),
        (json!("Latte"), json!("LAT-1"), json!("Coffee"))
    );
    assert_eq!(
        (d["description"].clone(), d["outlet_ids"].clone()),
        (json!("Hot milk"), json!([out_1]))
    );
    assert_eq!(d["current_stock"], json!(4));
    // `null` clears the SKU; absent fields stay.
    let r = app
        .put(
            &path,
            Some(&app.owner),
            &json!({ "sku": null, "status": "inactive" }),
        )
        .expect(200);
    let d = &r.body["data"];
    assert_eq!(
        (d["sku"].clone(), d["status"].clone(), d["category"].clone()),
        (json!(null), json!("inactive"), json!("Coffee"))
    );
    let r = app.put(&path, Some(&app.owner), &json!({ "name": " Caffe Latte ", "category": null, "description": null, "outlet_ids": [] })).expect(200);
    let d = &r.body["data"];
    assert_eq!(
        (
            d["name"].clone(),
            d["category"].clone(),
            d["description"].clone()
        ),
        (json!("Caffe Latte"), json!(null), json!(null))
    );
    assert_eq!(
        (d["price"].clone(), d["outlet_ids"].clone()),
        (json!(15.5), json!([]))
    );
    // The change is stored, and the cleared SKU is free for another product.
    let stored = app.get(&path, Some(&app.owner)).expect(200);
    assert_eq!(stored.body["data"], *d);
    let r = app
        .put(
            &format!("/v1/products/{q}"),
            Some(&app.owner),
            &json!({ "sku": "LAT-1" }),
        )
        .expect(200);
    assert_eq!(r.body["data"]["sku"], json!("LAT-1"));

    let other = app.create_tenant("Rival Cafe", "MYR", "Asia/Kuala_Lumpur", false);
    let rival = app.staff_token(other, Role::Owner);
    let before = app.fingerprint();
    app.put(
        &path,
        Some(&rival),
        &json!({ "name": "Stolen", "price": 0 }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.put(
        "/v1/products/999999",
        Some(&app.owner),
        &json!({ "name": "Ghost" }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.put(
        "/v1/products/abc",
        Some(&app.owner),
        &json!({ "name": "Ghost" }),
    )
    .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.put(&path, Some(&app.owner), &json!({ "sku": "LAT-1" }))
        .merchant_error(409, "SKU_TAKEN");
    for (body, field) in [
        (json!({ "name": "" }), "name"),
        (json!({ "price": -2 }), "price"),
        (json!({ "price": "9.999" }), "price"),
        (json!({ "status": "deleted" }), "status"),
        (json!({ "sku": "has space" }), "sku"),
        (json!({ "outlet_ids": [""] }), "outlet_ids"),
    ] {
        let r = app
            .put(&path, Some(&app.owner), &body)
            .merchant_error(422, "VALIDATION_ERROR");
        assert!(r.body["errors"][field].is_array(), "{body} -> {}", r.body);
    }
    app.send_raw("PUT", &path, Some(&app.owner), "{\"name\": ")
        .merchant_error(400, "MALFORMED_REQUEST");
    assert_eq!(app.fingerprint(), before);
    let stored_again = app.get(&path, Some(&app.owner)).expect(200);
    assert_eq!(stored_again.body["data"]["name"], json!("Caffe Latte"));
    assert_eq!(stored_again.body["data"]["category"], json!(null));
}

fn product_delete_is_refused_while_in_use_then_archives(b: Backend) {
    let app = TestApp::start(b);
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Seasonal Pie", "sku": "PIE-1", "price": 5 }),
        )
        .expect(201);
    let p = r.body["data"]["id"].as_i64().unwrap_or_default();
    let keep = app.product(&app.owner, "Staple Bun", 2.0);
    let path = format!("/v1/products/{p}");
    app.stock_in(&app.owner, p, 1, None);

    // Stock on hand.
    let before = app.fingerprint();
    let r = app
        .delete(&path, Some(&app.owner))
        .merchant_error(409, "PRODUCT_IN_USE");
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("stock")),
        "{}",
        r.body
    );
    assert_eq!(app.fingerprint(), before);

    // No stock left, but on an open order.
    let order = text(&app.order(&app.owner, &[(p, 1, 5.0)]).expect(200).body["order_id"]);
    assert_eq!(app.current_stock(p), 0);
    let before = app.fingerprint();
    let r = app
        .delete(&path, Some(&app.owner))
        .merchant_error(409, "PRODUCT_IN_USE");
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("order")),
        "{}",
        r.body
    );
    assert_eq!(app.fingerprint(), before);

    // Cancelling releases the unit back into stock: still in use.
    set_status(&app, &app.owner, &order, "cancelled", None).expect(200);
    assert_eq!(app.current_stock(p), 1);
    let before = app.fingerprint();
    app.delete(&path, Some(&app.owner))
        .merchant_error(409, "PRODUCT_IN_USE");
    assert_eq!(app.fingerprint(), before);

    // Written off, it can go.
    let adjust = json!({ "product_id": p, "adjust_quantity": -1, "reason": "damage_writeoff" });
    app.post("/functions/v1/stock-adjust", Some(&app.owner), &adjust)
        .expect(200);
    let r = app.delete(&path, Some(&app.owner)).expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(r.body["data"], json!({ "id": p, "archived": true }));

    let before = app.fingerprint();
    app.get(&path, Some(&app.owner))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.delete(&path, Some(&app.owner))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.put(&path, Some(&app.owner), &json!({ "name": "Back" }))
        .merchant_error(404, "PRODUCT_NOT_FOUND");
    app.post(
        "/functions/v1/stock-in",
        Some(&app.owner),
        &json!({ "product_id": p, "quantity": 5 }),
    )
    .edge_error(404, "PRODUCT_NOT_FOUND");
    assert_eq!(app.fingerprint(), before);
    let r = app.get("/v1/products", Some(&app.owner)).expect(200);
    assert_eq!(r.body["meta"]["total"], json!(1));
    assert_eq!(
        r.body["data"]
            .as_array()
            .map(|a| a.iter().map(|p| p["id"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(keep)])
    );
    // The order still names it.
    let r = app
        .get(&format!("/v1/orders/{order}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        r.body["data"]["items"][0]["product_name"],
        json!("Seasonal Pie")
    );
    // Its SKU is free again.
    let r = app
        .post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "New Pie", "sku": "PIE-1", "price": 6 }),
        )
        .expect(201);
    assert_ne!(r.body["data"]["id"], json!(p));
    assert_eq!(r.body["data"]["sku"], json!("PIE-1"));
}
