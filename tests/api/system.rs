//! Health, readiness, the OpenAPI document, the docs page, unknown routes, request ids.

use serde_json::json;

use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    system_routes_answer,
    unknown_routes_answer_in_the_surface_envelope,
    a_database_failure_is_a_generic_500_and_rolls_back,
);

fn system_routes_answer(b: Backend) {
    let app = TestApp::start(b);
    assert_eq!(
        app.get("/health", None).expect(200).body,
        json!({ "status": "ok" })
    );
    assert_eq!(
        app.get("/ready", None).expect(200).body,
        json!({ "status": "ok" })
    );
    let doc = app.get("/openapi.json", None).expect(200).body;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    assert_eq!(
        doc,
        serde_json::to_value(kedai_http::openapi()).unwrap_or_default()
    );
    // Every operation has its own id and every response a description: SDK generators need
    // both.
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            assert!(
                ids.insert(id.clone()),
                "operationId {id} twice ({method} {path})"
            );
            for (status, r) in op["responses"].as_object().into_iter().flatten() {
                assert!(
                    r["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status} has no description"
                );
            }
        }
    }
    // The docs page, at `/docs/` and at `/docs` (redirected), as the README links it.
    for path in ["/docs/", "/docs"] {
        let docs = app.get(path, None);
        assert_eq!(docs.status, 200, "{path}");
        assert!(
            docs.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{path}"
        );
    }
    let r = app.get("/health", None);
    assert!(
        r.header("x-request-id").is_some_and(|id| id.len() >= 32),
        "{:?}",
        r.headers
    );
}

fn unknown_routes_answer_in_the_surface_envelope(b: Backend) {
    let app = TestApp::start(b);
    app.get("/functions/v1/teleport", Some(&app.owner))
        .edge_error(404, "NOT_FOUND");
    app.get("/v1/warp", Some(&app.owner))
        .merchant_error(404, "NOT_FOUND");
    app.get("/nothing-here", None)
        .merchant_error(404, "NOT_FOUND");
    // A known path with another method is 405, saying which methods it takes.
    let r = app
        .get("/functions/v1/stock-in", Some(&app.owner))
        .edge_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(r.header("allow"), Some("POST"));
    let r = app
        .delete(
            "/v1/orders/0193aaaa-0000-7000-8000-000000000000",
            Some(&app.owner),
        )
        .merchant_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(r.header("allow"), Some("GET, PATCH"));
    let r = app
        .patch("/v1/products", Some(&app.owner), &json!({}))
        .merchant_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(r.header("allow"), Some("GET, POST"));
}

fn a_database_failure_is_a_generic_500_and_rolls_back(b: Backend) {
    let app = TestApp::start(b);
    let p = app.product(&app.owner, "Latte", 10.0);
    app.stock_in(&app.owner, p, 5, None);
    // Without the outbox table the order's last write fails after stock was taken.
    app.sabotage("DROP TABLE outbox_events");
    let r = app
        .order(&app.owner, &[(p, 2, 10.0)])
        .edge_error(500, "INTERNAL_ERROR");
    assert_eq!(
        r.body["error"],
        json!("internal error"),
        "no internals leak"
    );
    let r = app
        .get(&format!("/v1/products/{p}"), Some(&app.owner))
        .expect(200);
    assert_eq!(
        r.body["data"]["current_stock"],
        json!(5),
        "the whole order rolled back"
    );
}
