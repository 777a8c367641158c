//! Query counts: lists answer in a fixed number of database queries whatever the page size.
//! Each test runs in its own process (nextest), so the process-wide counter below sees only
//! that test's server.

#[path = "../support/mod.rs"]
#[expect(
    dead_code,
    unused_imports,
    reason = "this binary uses a few of the shared helpers"
)]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use kedai_identity::Role;
use serde_json::json;

use crate::support::{Backend, TestApp};

static QUERIES: AtomicUsize = AtomicUsize::new(0);
/// Statements that read the `tenants` table (on their own or joined, as the staff session
/// check joins it).
static TENANT_READS: AtomicUsize = AtomicUsize::new(0);

struct Counter;

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            QUERIES.fetch_add(1, Ordering::SeqCst);
            let sql = query.to_string();
            if sql.contains("\"tenants\"") || sql.contains("`tenants`") {
                TENANT_READS.fetch_add(1, Ordering::SeqCst);
            }
            // `KEDAI_QUERY_LOG=1 cargo nextest run -p kedai-tests --no-capture` lists them.
            if std::env::var_os("KEDAI_QUERY_LOG").is_some() {
                eprintln!("query: {query}");
            }
        }
    }
}

fn count_queries() {
    diesel::connection::set_default_instrumentation(|| Some(Box::new(Counter)))
        .unwrap_or_else(|e| panic!("instrumentation: {e}"));
}

/// Queries run while `f` runs.
fn queries_of(f: impl FnOnce()) -> usize {
    let before = QUERIES.load(Ordering::SeqCst);
    f();
    QUERIES.load(Ordering::SeqCst) - before
}

crate::on_both_backends!(
    order_list_queries_do_not_grow_with_the_page,
    placing_an_order_takes_one_trip_to_the_pool,
    every_request_takes_one_trip_to_the_pool
);

fn order_list_queries_do_not_grow_with_the_page(b: Backend) {
    count_queries();
    let app = TestApp::start(b);
    let token = app.staff_token(app.tenant, Role::Manager);
    let tea = app.product(&app.owner, "Tea", 2.0);
    let cake = app.product(&app.owner, "Cake", 5.0);
    let _ = app.stock_in(&app.owner, tea, 1000, None);
    let _ = app.stock_in(&app.owner, cake, 1000, None);
    for i in 0..20 {
        let _ = app
            .post(
                "/v1/orders",
                Some(&app.owner),
                &json!({
                    "order_type": "pickup",
                    "contact_name": format!("Guest {i}"),
                    "items": [{ "product_id": tea, "qty": 1 }, { "product_id": cake, "qty": 2 }]
                }),
            )
            .expect(201);
    }
    let list = |per_page: usize| {
        queries_of(|| {
            let r = app
                .get(
                    &format!("/v1/orders?per_page={per_page}&search=guest&status=confirmed"),
                    Some(&token),
                )
                .expect(200);
            assert_eq!(
                r.body["data"].as_array().map(Vec::len),
                Some(per_page),
                "{}",
                r.body
            );
            assert!(
                r.body["data"].as_array().is_some_and(|a| a
                    .iter()
                    .all(|o| o["items"].as_array().map(Vec::len) == Some(2))),
                "{}",
                r.body
            );
        })
    };
    let one = list(1);
    let twenty = list(20);
    assert!(one > 0, "the counter saw no queries");
    assert_eq!(one, twenty, "1 order: {one} queries; 20 orders: {twenty}");
}

/// Pool checkouts and statements of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cost {
    checkouts: u64,
    statements: usize,
    tenant_reads: usize,
}

fn cost_of(f: impl FnOnce()) -> Cost {
    let checkouts = kedai_persistence::db::pool_checkouts();
    let tenant_reads = TENANT_READS.load(Ordering::SeqCst);
    let statements = queries_of(f);
    Cost {
        checkouts: kedai_persistence::db::pool_checkouts() - checkouts,
        statements,
        tenant_reads: TENANT_READS.load(Ordering::SeqCst) - tenant_reads,
    }
}

/// `POST /v1/orders` and a storefront checkout, each with an idempotency key: the session
/// check, the key's claim, the order and the stored answer share one pooled connection, and
/// the statements stay within a fixed budget (three lines, two products, one coupon-free
/// order). The figures are printed for the record.
fn placing_an_order_takes_one_trip_to_the_pool(b: Backend) {
    count_queries();
    let app = TestApp::start(b);
    let tea = app.product(&app.owner, "Tea", 2.0);
    let cake = app.product(&app.owner, "Cake", 5.0);
    let _ = app.stock_in(&app.owner, tea, 1000, None);
    let _ = app.stock_in(&app.owner, cake, 1000, None);
    let courier = app
        .post(
            "/v1/shipping-methods",
            Some(&app.owner),
            &json!({ "name": "Courier", "cost": 30 }),
        )
        .expect(201)
        .body["data"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a shipping method"));
    let merchant = |key: &str| {
        cost_of(|| {
            let _ = app
                .post_with(
                    "/v1/orders",
                    Some(&app.owner),
                    &json!({
                        "order_type": "pickup",
                        "contact_name": "Guest",
                        "items": [{ "product_id": tea, "qty": 1 }, { "product_id": cake, "qty": 2 }, { "product_id": tea, "qty": 1 }]
                    }),
                    &[("Idempotency-Key", key)],
                )
                .expect(201);
        })
    };
    let company = app.tenant.to_string();
    let storefront = |key: &str| {
        cost_of(|| {
            let _ = app
                .post_with(
                    "/v6/customer-portal/shop/orders",
                    None,
                    &json!({
                        "lineItems": [{ "productId": tea, "quantity": 1 }, { "productId": cake, "quantity": 2 }, { "productId": tea, "quantity": 1 }],
                        "customerInfo": { "firstName": "Mei", "lastName": "Chan", "email": "mei@example.com" },
                        "shippingAddress": { "addressLine1": "8 Harbour Road", "city": "Hong Kong" },
                        "shippingMethodId": courier,
                    }),
                    &[("X-Company-Id", company.as_str()), ("Idempotency-Key", key)],
                )
                .expect(201);
        })
    };
    // Warm up: the first request of a process fills caches (prepared statements, the pool).
    let _ = merchant("warm-merchant");
    let _ = storefront("warm-storefront");
    let merchant = merchant("merchant-order");
    let storefront = storefront("storefront-order");
    println!("POST /v1/orders: {merchant:?}; storefront checkout: {storefront:?}");
    assert!(
        merchant.statements > 0 && storefront.statements > 0,
        "the counter saw nothing"
    );
    // One trip to the pool each; the statements within the budget of the session check, the
    // key's claim, and one transaction placing the order and keeping its answer.
    assert_eq!(merchant.checkouts, 1, "{merchant:?}");
    assert_eq!(storefront.checkouts, 1, "{storefront:?}");
    // PostgreSQL reads and takes every product's lots in one statement each (a round trip
    // saved per product and lot); SQLite, in process, runs a statement per product and lot.
    // The storefront's order confirmation is logged and its sending queued for the outbox
    // worker (two inserts).
    let (merchant_budget, storefront_budget) = match b {
        Backend::Postgres => (20, 27),
        Backend::Sqlite => (26, 33),
    };
    assert!(merchant.statements <= merchant_budget, "{merchant:?}");
    assert!(storefront.statements <= storefront_budget, "{storefront:?}");
    // The merchant is read once per request, wherever it is resolved.
    assert_eq!(merchant.tenant_reads, 1, "{merchant:?}");
    assert_eq!(storefront.tenant_reads, 1, "{storefront:?}");
}

/// Reads and writes of every surface check their caller (staff session, merchant, customer
/// session) in the same trip to the pool as their work, and read the merchant once: with the
/// staff session, or as the storefront's first step. A request
/// that fails before its work (here a bad path or query) takes one trip too: the caller's
/// check, so that a signed-out caller still hears 401 first.
fn every_request_takes_one_trip_to_the_pool(b: Backend) {
    count_queries();
    let app = TestApp::start(b);
    let tea = app.product(&app.owner, "Tea", 2.0);
    let _ = app.stock_in(&app.owner, tea, 100, None);
    let order = app
        .post(
            "/v1/orders",
            Some(&app.owner),
            &json!({ "order_type": "pickup", "items": [{ "product_id": tea, "qty": 1 }] }),
        )
        .expect(201)
        .body["data"]["order_id"]
        .as_str()
        .unwrap_or_else(|| panic!("an order id"))
        .to_owned();
    let customer = app.customer_token("+85291234567");
    let cashier = app.staff_token(app.tenant, Role::Cashier);
    let product = format!("/v1/products/{tea}");
    let staff_reads: [(&str, &str); 4] = [
        ("/v1/products", &app.owner),
        (&format!("/v1/orders/{order}"), &app.owner),
        ("/v1/staff", &app.owner),
        ("/functions/v1/order-summary", &app.owner),
    ];
    let _ = app.get("/v1/products", Some(&app.owner)).expect(200);
    let _ = app.portal_get("/shop/products", None).expect(200);
    for (path, token) in staff_reads {
        let cost = cost_of(|| {
            let _ = app.get(path, Some(token)).expect(200);
        });
        assert_eq!(cost.checkouts, 1, "GET {path}: {cost:?}");
        assert!(cost.statements > 1, "GET {path}: {cost:?}");
        // The merchant comes with the session check, and no use case reads it again.
        assert_eq!(cost.tenant_reads, 1, "GET {path}: {cost:?}");
    }
    let write = cost_of(|| {
        let _ = app
            .patch(&product, Some(&app.owner), &json!({ "name": "Green tea" }))
            .expect(200);
    });
    assert_eq!(write.checkouts, 1, "PATCH {product}: {write:?}");
    assert_eq!(write.tenant_reads, 1, "PATCH {product}: {write:?}");
    let portal_reads: [(&str, Option<&str>); 4] = [
        ("/shop/products", None),
        ("/company/modules", None),
        ("/profile", Some(&customer)),
        ("/shop/orders", Some(&customer)),
    ];
    for (path, token) in portal_reads {
        let cost = cost_of(|| {
            let _ = app.portal_get(path, token).expect(200);
        });
        assert_eq!(cost.checkouts, 1, "GET {path}: {cost:?}");
        assert_eq!(cost.tenant_reads, 1, "GET {path}: {cost:?}");
    }
    // Early errors: the caller is checked after all, in one trip, and the error stands.
    let bad_id = cost_of(|| {
        let _ = app
            .get("/v1/orders/not-an-id", Some(&app.owner))
            .merchant_error(404, "ORDER_NOT_FOUND");
    });
    assert_eq!(bad_id.checkouts, 1, "{bad_id:?}");
    let forbidden = cost_of(|| {
        let _ = app
            .get("/v1/staff", Some(&cashier))
            .merchant_error(403, "FORBIDDEN");
    });
    assert_eq!(forbidden.checkouts, 1, "{forbidden:?}");
    let bad_page = cost_of(|| {
        let _ = app
            .portal_get("/shop/orders?page=0", Some(&customer))
            .expect(422);
    });
    assert_eq!(bad_page.checkouts, 1, "{bad_page:?}");
    assert_eq!(bad_page.tenant_reads, 1, "{bad_page:?}");
}
