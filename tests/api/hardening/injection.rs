//! SQL-looking text stays text; path traversal and odd ids are not found.

use serde_json::json;

use super::{bearer, raw, stocked, urlencode};
use crate::commerce::{fingerprint, text};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    sql_looking_text_is_only_text,
    path_traversal_and_odd_ids_are_not_found,
);

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
