//! Size limits: oversized bodies and heads, deep and huge JSON, long strings.

use serde_json::{Value, json};

use super::{bearer, edge_invalid_field, invalid_field, raw, stocked};
use crate::commerce::fingerprint;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    oversized_bodies_are_413_in_each_envelope,
    oversized_heads_are_refused_in_each_envelope,
    deep_and_huge_json_is_refused,
    long_strings_are_422_naming_the_field,
);

fn oversized_bodies_are_413_in_each_envelope(b: Backend) {
    // The test server accepts 64 KiB.
    let app = TestApp::start(b);
    let db = app.db_store();
    let p = stocked(&app);
    let before = fingerprint(&app, &db);
    let big = json!({ "name": "x".repeat(70_000), "price": 1 }).to_string();
    app.send_raw("POST", "/v1/products", Some(&app.owner), &big)
        .merchant_error(413, "PAYLOAD_TOO_LARGE");
    let big_note = json!({ "product_id": p, "quantity": 1, "note": "x".repeat(70_000) });
    app.post("/functions/v1/stock-in", Some(&app.owner), &big_note)
        .edge_error(413, "PAYLOAD_TOO_LARGE");
    // Without a Content-Length (chunked), the body is cut off at the limit as it streams in.
    let auth = bearer(&app);
    let chunked = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
        ("Transfer-Encoding", "chunked"),
    ];
    raw(&app, "POST /v1/products", &chunked, big.as_bytes())
        .merchant_error(413, "PAYLOAD_TOO_LARGE");
    raw(
        &app,
        "POST /functions/v1/stock-in",
        &chunked,
        big_note.to_string().as_bytes(),
    )
    .edge_error(413, "PAYLOAD_TOO_LARGE");
    // Routes that read no body refuse a declared oversized one too, before reading it.
    let oversized = vec![b' '; 70_000];
    raw(
        &app,
        "POST /v1/auth/logout",
        &[("Authorization", auth.as_str())],
        &oversized,
    )
    .merchant_error(413, "PAYLOAD_TOO_LARGE");
    assert_eq!(fingerprint(&app, &db), before);
    // The owner's session survived: the refused logout did not run.
    app.get("/v1/merchant/profile", Some(&app.owner))
        .expect(200);
}

fn oversized_heads_are_refused_in_each_envelope(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    stocked(&app);
    let before = fingerprint(&app, &db);
    let long = "a".repeat(9_000);
    app.get(&format!("/v1/products?keyword={long}"), Some(&app.owner))
        .merchant_error(414, "URI_TOO_LONG");
    app.get(
        &format!("/functions/v1/order-summary?period_label={long}"),
        Some(&app.owner),
    )
    .edge_error(414, "URI_TOO_LONG");
    // 17 KiB of headers in all, and more than 64 fields.
    let filler = "b".repeat(4_300);
    let many: Vec<(String, String)> = (0..4)
        .map(|i| (format!("X-Filler-{i}"), filler.clone()))
        .collect();
    let as_refs: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    app.get_with("/v1/products", Some(&app.owner), &as_refs)
        .merchant_error(431, "HEADERS_TOO_LARGE");
    app.get_with("/functions/v1/order-summary", Some(&app.owner), &as_refs)
        .edge_error(431, "HEADERS_TOO_LARGE");
    let fields: Vec<(String, String)> = (0..70)
        .map(|i| (format!("X-Field-{i}"), "v".to_owned()))
        .collect();
    let as_refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    app.get_with("/v1/products", Some(&app.owner), &as_refs)
        .merchant_error(431, "HEADERS_TOO_LARGE");
    // A token of 10 KB is within the limits and simply not a token.
    let fake = "e".repeat(10_000);
    app.get("/v1/products", Some(&fake))
        .merchant_error(401, "AUTH_TOKEN_INVALID");
    app.get("/functions/v1/order-summary", Some(&fake))
        .edge_error(401, "AUTH_TOKEN_INVALID");
    let r = app.post_with(
        "/v1/orders",
        Some(&app.owner),
        &json!({}),
        &[("Idempotency-Key", &"k".repeat(300))],
    );
    invalid_field(r, "Idempotency-Key");
    // Past actix's own hard limit (128 KiB of head) the connection is answered 431 before any
    // route is known: no envelope can be chosen there.
    let huge = "c".repeat(140_000);
    let r = raw(&app, "GET /v1/products", &[("X-Huge", huge.as_str())], b"");
    assert_eq!(r.status, 431, "{:?}", r.headers);
    assert_eq!(fingerprint(&app, &db), before);
}

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

fn deep_and_huge_json_is_refused(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    let p = stocked(&app);
    let before = fingerprint(&app, &db);
    for depth in [40, 100, 5_000] {
        let body = format!(r#"{{"name":"Deep","price":1,"extra":{}}}"#, nested(depth));
        app.send_raw("POST", "/v1/products", Some(&app.owner), &body)
            .merchant_error(400, "MALFORMED_REQUEST");
        let body = format!(
            r#"{{"product_id":{p},"quantity":1,"source":"purchase_order","extra":{}}}"#,
            nested(depth)
        );
        app.send_raw("POST", "/functions/v1/stock-in", Some(&app.owner), &body)
            .edge_error(400, "MALFORMED_REQUEST");
    }
    assert_eq!(fingerprint(&app, &db), before);
    // Nesting within the limit is still read (and the unknown field ignored).
    let body = format!(r#"{{"name":"Shallow","price":1,"extra":{}}}"#, nested(20));
    let created = app
        .send_raw("POST", "/v1/products", Some(&app.owner), &body)
        .expect(201);
    assert_eq!(created.body["data"]["name"], json!("Shallow"));
    let before = fingerprint(&app, &db);
    // Too many entries in one array, and a huge one made of small objects.
    let items: Vec<Value> = (0..1_001)
        .map(|_| json!({ "product_id": p, "quantity": 1 }))
        .collect();
    invalid_field(
        app.post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "order_type": "pickup", "items": items }),
        ),
        "items",
    );
    let items: Vec<Value> = (0..1_001)
        .map(|_| json!({ "product_id": p.to_string(), "quantity": 1, "unit_price": 10 }))
        .collect();
    edge_invalid_field(
        app.post(
            "/functions/v1/order-create",
            Some(&app.owner),
            &json!({ "order_data": {}, "items": items }),
        ),
        "items",
    );
    let outlets: Vec<String> = (0..5_000).map(|i| format!("o{i}")).collect();
    invalid_field(
        app.post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Many", "price": 1, "outlet_ids": outlets }),
        ),
        "outlet_ids",
    );
    assert_eq!(fingerprint(&app, &db), before);
}

fn long_strings_are_422_naming_the_field(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    let p = stocked(&app);
    let before = fingerprint(&app, &db);
    let long = "x".repeat(10_001);
    let product = format!("/v1/products/{p}");
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        (
            "POST",
            "/v1/products",
            json!({ "name": "x".repeat(201), "price": 1 }),
            "name",
        ),
        (
            "POST",
            "/v1/products",
            json!({ "name": "Ok", "price": 1, "description": long }),
            "description",
        ),
        (
            "POST",
            "/v1/products",
            json!({ "name": "Ok", "price": 1, "category": long }),
            "category",
        ),
        (
            "POST",
            "/v1/products",
            json!({ "name": "Ok", "price": 1, "sku": long }),
            "sku",
        ),
        ("PUT", &product, json!({ "name": "x".repeat(201) }), "name"),
        (
            "POST",
            "/v1/customers",
            json!({ "name": "x".repeat(201), "phone": "+60123456789" }),
            "name",
        ),
        (
            "POST",
            "/v1/outlets",
            json!({ "name": "x".repeat(201), "code": "LONG1" }),
            "name",
        ),
        (
            "PUT",
            "/v1/merchant/profile",
            json!({ "brand_name": "x".repeat(201) }),
            "brand_name",
        ),
        (
            "POST",
            "/v1/staff",
            json!({ "email": format!("{}@example.com", "a".repeat(300)), "role": "viewer" }),
            "email",
        ),
        (
            "POST",
            "/v1/coupons",
            json!({ "title": "x".repeat(201), "code": "LONGT", "discount_type": "fixed", "discount_value": 1 }),
            "title",
        ),
        (
            "POST",
            "/v1/orders",
            json!({ "order_type": "pickup", "items": [{ "product_id": p, "quantity": 1 }], "notes": long }),
            "notes",
        ),
        (
            "POST",
            "/v1/auth/login",
            json!({ "email": long, "password": "x" }),
            "email",
        ),
    ];
    for (method, path, body, field) in &cases {
        let r = app.send_raw(method, path, Some(&app.owner), &body.to_string());
        invalid_field(r, field);
    }
    edge_invalid_field(
        app.post(
            "/functions/v1/stock-in",
            Some(&app.owner),
            &json!({ "product_id": p, "quantity": 1, "source": "purchase_order", "note": long }),
        ),
        "note",
    );
    edge_invalid_field(
        app.post(
            "/functions/v1/order-create",
            Some(&app.owner),
            &json!({ "order_data": { "notes": long }, "items": [{ "product_id": p.to_string(), "quantity": 1, "unit_price": 10 }] }),
        ),
        "order_data.notes",
    );
    // Quantities beyond any real receipt are refused by name, not overflowed.
    edge_invalid_field(
        app.post(
            "/functions/v1/stock-in",
            Some(&app.owner),
            &json!({ "product_id": p, "quantity": i64::MAX, "source": "purchase_order" }),
        ),
        "quantity",
    );
    edge_invalid_field(
        app.post(
            "/functions/v1/stock-adjust",
            Some(&app.owner),
            &json!({ "product_id": p, "adjust_quantity": i64::MAX, "reason": "inventory_audit_increase", "source": "manual_adjustment" }),
        ),
        "adjust_quantity",
    );
    assert_eq!(fingerprint(&app, &db), before);
}
