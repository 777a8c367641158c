//! Text: control characters and broken Unicode are refused; unusual Unicode is kept exactly.

use serde_json::json;

use super::{bearer, edge_invalid_field, invalid_field, raw, stocked, urlencode};
use crate::commerce::fingerprint;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    control_characters_and_broken_unicode_are_refused,
    unusual_unicode_text_is_kept_exactly,
);

fn control_characters_and_broken_unicode_are_refused(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    let p = stocked(&app);
    let before = fingerprint(&app, &db);
    // NUL and other control characters in JSON strings: refused by field, on every surface.
    for name in ["Lat\u{0}te", "Lat\u{7}te", "Lat\u{1b}[31mte", "\u{85}Latte"] {
        invalid_field(
            app.post(
                "/v1/products",
                Some(&app.owner),
                &json!({ "name": name, "price": 1 }),
            ),
            "name",
        );
    }
    invalid_field(
        app.post(
            "/v1/customers",
            Some(&app.owner),
            &json!({ "name": "Ann\u{0}", "phone": "+60123456789" }),
        ),
        "name",
    );
    invalid_field(
        app.post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "Ok", "price": 1, "na\u{0}me": "x" }),
        ),
        "na\u{0}me",
    );
    edge_invalid_field(
        app.post(
            "/functions/v1/stock-in",
            Some(&app.owner),
            &json!({ "product_id": p, "quantity": 1, "source": "purchase_order", "note": "a\u{0}b" }),
        ),
        "note",
    );
    // Line breaks and tabs are text, not control: a note keeps them (checked below).
    // Invalid UTF-8 and lone surrogate escapes are malformed JSON.
    let auth = bearer(&app);
    let json_headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    for body in [
        &b"{\"name\":\"Lat\xff\xfete\",\"price\":1}"[..],
        b"{\"name\":\"\xc3\x28\",\"price\":1}",
        b"{\"name\":\"\xed\xa0\x80\",\"price\":1}",
        br#"{"name":"\ud800","price":1}"#,
        br#"{"name":"\udc00x","price":1}"#,
        br#"{"name":"\ud800\u0041","price":1}"#,
    ] {
        raw(&app, "POST /v1/products", &json_headers, body)
            .merchant_error(400, "MALFORMED_REQUEST");
    }
    raw(
        &app,
        "POST /functions/v1/stock-in",
        &json_headers,
        format!(r#"{{"product_id":{p},"quantity":1,"note":"\udfff"}}"#).as_bytes(),
    )
    .edge_error(400, "MALFORMED_REQUEST");
    // Control characters in the query string and in path segments.
    invalid_field(
        app.get("/v1/products?keyword=a%00b", Some(&app.owner)),
        "keyword",
    );
    invalid_field(
        app.get("/v1/orders?search=%1b%5b2J", Some(&app.owner)),
        "search",
    );
    edge_invalid_field(
        app.get(
            "/functions/v1/order-summary?period_label=today%00",
            Some(&app.owner),
        ),
        "period_label",
    );
    for path in [
        "/v1/orders/by-number/ORD-2026-0001%00",
        "/v1/products/1%00",
        "/v1/customers/%00",
    ] {
        app.get(path, Some(&app.owner))
            .merchant_error(404, "NOT_FOUND");
    }
    assert_eq!(fingerprint(&app, &db), before);
    // Tab and line breaks are kept in free text.
    let r = app.post(
        "/functions/v1/stock-in",
        Some(&app.owner),
        &json!({ "product_id": p, "quantity": 1, "source": "purchase_order", "note": "line 1\nline 2\tend\r\n" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

fn unusual_unicode_text_is_kept_exactly(b: Backend) {
    let app = TestApp::start(b);
    // Emoji (with a zero-width joiner), combining marks, right-to-left text with its marks, a
    // zero-width space, full-width and astral characters.
    let names = [
        "Kopi ☕ 👨‍👩‍👧",
        "Cafe\u{301} au lait",
        "قهوة \u{200f}عربية",
        "\u{202e}ettal\u{202c} RTL override",
        "zero\u{200b}width\u{feff}",
        "ｆｕｌｌ𝓦𝓲𝓭𝓽𝓱 𠜎",
    ];
    for name in names {
        let r = app
            .post(
                "/v1/products",
                Some(&app.owner),
                &json!({ "name": name, "price": 1, "description": name }),
            )
            .expect(201);
        let id = r.body["data"]["id"].as_i64().unwrap_or_default();
        let r = app
            .get(&format!("/v1/products/{id}"), Some(&app.owner))
            .expect(200);
        assert_eq!(r.body["data"]["name"], json!(name.trim()));
        assert_eq!(r.body["data"]["description"], json!(name));
        // Search finds it by a non-ASCII part.
        let part: String = name.trim().chars().take(3).collect();
        let r = app
            .get(
                &format!("/v1/products?keyword={}", urlencode(&part)),
                Some(&app.owner),
            )
            .expect(200);
        assert!(
            r.body["data"]
                .as_array()
                .is_some_and(|list| list.iter().any(|p| p["id"] == json!(id))),
            "{part}: {}",
            r.body
        );
    }
    // Lengths count characters, not bytes: 200 four-byte characters are a valid name.
    app.post(
        "/v1/products",
        Some(&app.owner),
        &json!({ "name": "😀".repeat(200), "price": 1 }),
    )
    .expect(201);
    invalid_field(
        app.post(
            "/v1/products",
            Some(&app.owner),
            &json!({ "name": "😀".repeat(201), "price": 1 }),
        ),
        "name",
    );
}
