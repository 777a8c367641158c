//! Input hardening: oversized bodies, heads and URIs, deep and huge JSON, long strings, control
//! characters and broken Unicode, SQL-looking text, path traversal. Every refusal is a clean 4xx
//! in the envelope of the surface that was called, and changes nothing (the fingerprint of every
//! table stays the same); text that is merely unusual (emoji, combining marks, right-to-left and
//! zero-width characters, SQL) is kept exactly as sent. The README's security section has the
//! table of what is tried here.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Value, json};

use crate::commerce::{fingerprint, text};
use crate::support::{Backend, Resp, TestApp};

crate::on_both_backends!(
    oversized_bodies_are_413_in_each_envelope,
    oversized_heads_are_refused_in_each_envelope,
    deep_and_huge_json_is_refused,
    long_strings_are_422_naming_the_field,
    control_characters_and_broken_unicode_are_refused,
    unusual_unicode_text_is_kept_exactly,
    sql_looking_text_is_only_text,
    path_traversal_and_odd_ids_are_not_found,
);

/// A request written byte for byte on its own connection (for what an HTTP client would refuse
/// to send or would normalise: invalid UTF-8, chunked bodies, dot segments, huge heads).
fn raw(app: &TestApp, request_line: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let addr = app.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap_or_else(|e| panic!("timeout: {e}"));
    let mut head = format!("{request_line} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let chunked = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"));
    if !chunked && !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if chunked {
        for part in body.chunks(8192) {
            bytes.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            bytes.extend_from_slice(part);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"0\r\n\r\n");
    } else {
        bytes.extend_from_slice(body);
    }
    // The server may answer (and close) before reading everything; what it said still counts.
    let _ = stream.write_all(&bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    parse_response(&answer)
}

fn parse_response(answer: &[u8]) -> Resp {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(answer)));
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = answer[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Resp {
        status,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        headers,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16)
            .unwrap_or_default();
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&rest[start..(start + size).min(rest.len())]);
        rest = &rest[(start + size + 2).min(rest.len())..];
    }
    out
}

fn bearer(app: &TestApp) -> String {
    format!("Bearer {}", app.owner)
}

/// Asserts a merchant-API validation failure naming `field`.
#[track_caller]
fn invalid_field(r: Resp, field: &str) -> Resp {
    let r = r.merchant_error(422, "VALIDATION_ERROR");
    assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    r
}

/// Asserts an edge-function validation failure (400) naming `field`.
#[track_caller]
fn edge_invalid_field(r: Resp, field: &str) -> Resp {
    let r = r.edge_error(400, "VALIDATION_ERROR");
    assert!(r.body["errors"][field].is_array(), "{field}: {}", r.body);
    r
}

/// A product with stock, for the edge functions to act on.
fn stocked(app: &TestApp) -> i64 {
    let p = app.product(&app.owner, "Latte", 10.0);
    app.stock_in(&app.owner, p, 10, None);
    p
}

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

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn sql_looking_text_is_only_text(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    let p = stocked(&app);
    let injections = [
        "'; DROP TABLE products; --",
        "1' OR '1'='1",
        "\" OR \"\"=\"",
        "x'); DELETE FROM orders; --",
        "%' OR 1=1 --",
        "_%",
        "\\'; SELECT pg_sleep(5); --",
    ];
    // Stored and read back verbatim.
    let mut ids = Vec::new();
    for name in injections {
        let r = app
            .post(
                "/v1/products",
                Some(&app.owner),
                &json!({ "name": name, "price": 1, "category": name }),
            )
            .expect(201);
        assert_eq!(r.body["data"]["name"], json!(name));
        ids.push(r.body["data"]["id"].as_i64().unwrap_or_default());
    }
    let before = fingerprint(&app, &db);
    // As search terms they match only themselves (LIKE wildcards included), never everything.
    for term in injections {
        let r = app
            .get(
                &format!("/v1/products?keyword={}&limit=100", urlencode(term)),
                Some(&app.owner),
            )
            .expect(200);
        let found: Vec<String> = r.body["data"]
            .as_array()
            .map(|l| l.iter().map(|p| text(&p["name"])).collect())
            .unwrap_or_default();
        assert!(
            !found.is_empty() && found.iter().all(|n| n.contains(term)),
            "{term}: {found:?}"
        );
        let r = app
            .get(
                &format!("/v1/orders?search={}", urlencode(term)),
                Some(&app.owner),
            )
            .expect(200);
        assert_eq!(r.body["meta"]["total"], json!(0), "{term}");
        app.get(
            &format!("/v1/products?category={}", urlencode(term)),
            Some(&app.owner),
        )
        .expect(200);
    }
    // As ids, codes and credentials they name nothing.
    for term in injections {
        let e = urlencode(term);
        for path in [
            format!("/v1/orders/{e}"),
            format!("/v1/orders/by-number/{e}"),
            format!("/v1/products/{e}"),
            format!("/v1/customers/{e}"),
            format!("/v1/staff/{e}"),
            format!("/v1/coupons/{e}"),
        ] {
            let r = app.get(&path, Some(&app.owner));
            assert_eq!(r.status, 404, "{path}: {}", r.body);
            assert_eq!(r.body["success"], json!(false));
        }
        let r = app.post(
            "/v1/auth/login",
            None,
            &json!({ "email": term, "password": term }),
        );
        assert!(matches!(r.status, 401 | 422), "{term}: {}", r.body);
        assert_eq!(r.body["success"], json!(false));
        app.post(
            "/functions/v1/stock-in",
            Some(&app.owner),
            &json!({ "product_id": term, "quantity": 1 }),
        )
        .edge_error(400, "VALIDATION_ERROR");
    }
    assert_eq!(fingerprint(&app, &db), before);
    // Every table is still there and whole.
    let r = app
        .get("/v1/products?limit=100", Some(&app.owner))
        .expect(200);
    assert_eq!(r.body["meta"]["total"], json!(injections.len() + 1));
    assert_eq!(app.current_stock(p), 10);
}

fn path_traversal_and_odd_ids_are_not_found(b: Backend) {
    let app = TestApp::start(b);
    let db = app.db_store();
    stocked(&app);
    let before = fingerprint(&app, &db);
    let merchant = [
        "/v1/products/..%2F..%2Fetc%2Fpasswd",
        "/v1/products/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/v1/products/..%5C..%5Cwindows%5Cwin.ini",
        "/v1/products/-1",
        "/v1/products/0",
        "/v1/products/99999999999999999999999",
        "/v1/products/1.5",
        "/v1/products/%20",
        "/v1/orders/..%2F..%2Fetc%2Fpasswd",
        "/v1/orders/by-number/..%2F..%2F",
        "/v1/customers/..%2Fstaff",
        "/v1/staff/..%2F..%2Fmerchant%2Fprofile",
        "/v1/outlets/%2e%2e",
        "/v1/coupons/..%252F..%252F",
        "/v1/products/%F0%9F%98%80",
        "/v1/products/%FF%FE",
    ];
    for path in merchant {
        for (method, r) in [
            ("GET", app.get(path, Some(&app.owner))),
            ("DELETE", app.delete(path, Some(&app.owner))),
        ] {
            assert!(
                matches!(r.status, 404 | 405),
                "{method} {path}: {} {}",
                r.status,
                r.body
            );
            assert_eq!(r.body["success"], json!(false), "{method} {path}");
            assert!(
                r.body["error_code"].is_string(),
                "{method} {path}: {}",
                r.body
            );
        }
    }
    let r = app.get("/functions/v1/..%2F..%2Fv1%2Fproducts", Some(&app.owner));
    let r = r.edge_error(404, "NOT_FOUND");
    assert!(r.body["error"].is_string());
    // Dot segments sent as they are (no client normalises them here) lead nowhere.
    let auth = bearer(&app);
    for target in [
        "/v1/../v1/products/../../etc/passwd",
        "/v1/products/../../../etc/passwd",
        "/functions/v1/../../etc/passwd",
        "/v1/products/./1/..",
        "//v1//products",
    ] {
        let r = raw(
            &app,
            &format!("GET {target}"),
            &[("Authorization", &auth)],
            b"",
        );
        assert_eq!(r.status, 404, "{target}: {}", r.body);
        assert_eq!(r.body["success"], json!(false), "{target}");
    }
    assert_eq!(fingerprint(&app, &db), before);
}

/// `/ready` answers 503 while the database refuses connections, and 200 once it is back.
/// PostgreSQL only: a SQLite file cannot be taken away from an open connection.
mod pg_only {
    pub mod postgres {
        #[test]
        fn ready_answers_503_while_the_database_is_unreachable() {
            super::super::ready_answers_503_while_the_database_is_unreachable();
        }
    }
}

fn ready_answers_503_while_the_database_is_unreachable() {
    use diesel::connection::{Connection, SimpleConnection};
    let app = TestApp::start(Backend::Postgres);
    app.get("/ready", None).expect(200);
    let url = app.database_url();
    let name = url.rsplit('/').next().unwrap_or_default().to_owned();
    let admin_url = std::env::var("KEDAI_TEST_POSTGRES_URL")
        .unwrap_or_else(|e| panic!("KEDAI_TEST_POSTGRES_URL: {e}"));
    let mut admin = diesel::PgConnection::establish(&admin_url)
        .unwrap_or_else(|e| panic!("admin connection: {e}"));
    let mut run = |sql: &str| {
        admin
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    };
    run(&format!(
        "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"
    ));
    run(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ));
    let r = app.get("/ready", None);
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.body["status"], json!("unavailable"));
    assert!(app.get("/v1/products", Some(&app.owner)).status >= 500);
    run(&format!(
        "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"
    ));
    let mut ready = 0;
    for _ in 0..50 {
        ready = app.get("/ready", None).status;
        if ready == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(ready, 200, "recovers once the database is back");
    app.get("/v1/products", Some(&app.owner)).expect(200);
}
