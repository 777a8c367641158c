//! Test support: the real Kedai server on a free port against a fresh database (a temporary
//! SQLite file, or a new PostgreSQL database from `KEDAI_TEST_POSTGRES_URL`), typed HTTP
//! helpers, fixtures made through the use cases, and a fingerprint of every table to prove a
//! refused request changed nothing.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai::{Environment, Running, Settings};
use kedai_app::{Store, identity};
use kedai_core::TenantId;
use kedai_identity::{NewTenant, Role};
use kedai_persistence::DbStore;
use secrecy::SecretString;
use serde_json::{Value, json};

pub mod platform;
pub mod portal;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `KEDAI_TEST_POSTGRES_URL`.
    Postgres,
}

/// The demo-like password every test staff member has.
pub const PASSWORD: &str = "correct-horse-battery";

/// A throwaway database, removed when dropped.
enum TestDb {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    fn create(backend: Backend) -> (Self, String) {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("kedai-test-{id}"));
                std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
                let url = dir.join("kedai.db").to_string_lossy().into_owned();
                (Self::Sqlite(dir), url)
            }
            Backend::Postgres => {
                let admin_url = std::env::var("KEDAI_TEST_POSTGRES_URL").unwrap_or_else(|_| {
                    panic!("KEDAI_TEST_POSTGRES_URL is not set: PostgreSQL tests need a server (run `make test`, which sets it when one answers)")
                });
                let name = format!("kedai_test_{id}");
                let mut conn = diesel::PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("cannot reach PostgreSQL at KEDAI_TEST_POSTGRES_URL: {e}")
                });
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap_or_else(|e| panic!("create database: {e}"));
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b)
                    .to_owned();
                let url = format!("{base}/{name}");
                (Self::Postgres { admin_url, name }, url)
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            Self::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres { admin_url, name } => {
                if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                    let _ =
                        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Body as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// Headers, lower-case names.
    pub headers: Vec<(String, String)>,
}

impl Resp {
    /// A header value.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        self
    }

    /// Asserts an edge-function error: status, `success: false`, the code, a message.
    #[track_caller]
    pub fn edge_error(self, status: u16, code: &str) -> Self {
        let r = self.expect(status);
        assert_eq!(r.body["success"], json!(false), "{}", r.body);
        assert_eq!(r.body["code"], json!(code), "{}", r.body);
        assert!(
            r.body["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            r.body
        );
        r
    }

    /// Asserts a merchant-API error: status, `success: false`, `error_code`, message, errors.
    #[track_caller]
    pub fn merchant_error(self, status: u16, code: &str) -> Self {
        let r = self.expect(status);
        assert_eq!(r.body["success"], json!(false), "{}", r.body);
        assert_eq!(r.body["error_code"], json!(code), "{}", r.body);
        assert!(
            r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            r.body
        );
        assert!(r.body["errors"].is_object(), "{}", r.body);
        r
    }
}

/// A running Kedai with a fresh database and a tenant whose owner is signed in.
pub struct TestApp {
    // Field order is drop order: stop the server before dropping its database.
    server: Running,
    store: DbStore,
    database_url: String,
    secret: String,
    agent: ureq::Agent,
    _db: TestDb,
    /// The main tenant.
    pub tenant: TenantId,
    /// Its owner's token.
    pub owner: String,
}

impl TestApp {
    /// Starts Kedai on a free port against a fresh database, with one tenant (MYR,
    /// Asia/Kuala_Lumpur) and its owner signed in.
    #[must_use]
    pub fn start(backend: Backend) -> Self {
        Self::start_with(backend, 64 * 1024)
    }

    /// As [`TestApp::start`], with a body limit.
    #[must_use]
    pub fn start_with(backend: Backend, body_limit: usize) -> Self {
        // Rate limits high enough for any test; tests of the limits pass their own.
        let limits = kedai::Limits {
            rate_limit_per_minute: 1_000_000,
            rate_limit_per_ip_per_minute: 1_000_000,
            trust_forwarded_for: false,
            login_failures_per_email_and_ip: 1_000,
            login_failures_per_email: 1_000,
            login_failures_per_ip: 1_000,
            otp_per_ip_per_hour: 1_000,
        };
        Self::start_limited(backend, body_limit, limits)
    }

    /// As [`TestApp::start_with`], with rate limits.
    #[must_use]
    pub fn start_limited(backend: Backend, body_limit: usize, limits: kedai::Limits) -> Self {
        let (db, url) = TestDb::create(backend);
        let secret = format!("test-secret-{}", uuid::Uuid::new_v4().simple());
        let settings = Settings {
            database_url: url.clone(),
            bind: "127.0.0.1:0".into(),
            environment: Environment::Development,
            jwt_secret: Some(SecretString::from(secret.clone())),
            data_dir: std::env::temp_dir(),
            db_pool_size: 8,
            db_acquire_timeout_ms: 5_000,
            db_fail_fast_ms: 250,
            workers: Some(2),
            body_limit,
            public_url: None,
            log: "warn".into(),
            limits,
        };
        let store = kedai::open_store(&settings).unwrap_or_else(|e| panic!("open store: {e}"));
        let state =
            kedai::app_state(&settings, store.clone()).unwrap_or_else(|e| panic!("state: {e}"));
        let server = kedai::spawn(&settings, state).unwrap_or_else(|e| panic!("spawn: {e}"));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut app = Self {
            server,
            store,
            database_url: url,
            secret,
            agent,
            _db: db,
            tenant: TenantId::new(),
            owner: String::new(),
        };
        app.tenant = app.create_tenant("Test Cafe", "MYR", "Asia/Kuala_Lumpur", false);
        app.owner = app.staff_token(app.tenant, Role::Owner);
        app
    }

    /// The database URL the server uses.
    #[must_use]
    pub fn database_url(&self) -> String {
        self.database_url.clone()
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Creates a tenant through the use case (there is no HTTP route for it yet).
    #[must_use]
    pub fn create_tenant(
        &self,
        name: &str,
        currency: &str,
        zone: &str,
        public_summary: bool,
    ) -> TenantId {
        let t =
            NewTenant::new(name, currency, zone, public_summary).unwrap_or_else(|e| panic!("{e}"));
        let store: &dyn Store = &self.store;
        store
            .write(|tx| identity::create_tenant(tx, TenantId::new(), &t, Utc::now()))
            .unwrap_or_else(|e| panic!("{e}"))
            .id
    }

    /// Creates a staff member of `role` and signs them in over HTTP; returns the token.
    #[must_use]
    pub fn staff_token(&self, tenant: TenantId, role: Role) -> String {
        let email = format!(
            "{}-{}@example.com",
            role.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        self.create_staff(tenant, &email, role);
        let r = self
            .post(
                "/v1/auth/login",
                None,
                &json!({ "email": email, "password": PASSWORD }),
            )
            .expect(200);
        r.body["data"]["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {}", r.body))
            .to_owned()
    }

    /// Creates a staff member through the use case.
    pub fn create_staff(&self, tenant: TenantId, email: &str, role: Role) {
        let staff =
            identity::new_staff(email, None, role, PASSWORD).unwrap_or_else(|e| panic!("{e}"));
        let store: &dyn Store = &self.store;
        store
            .write(|tx| identity::create_staff(tx, tenant, &staff, Utc::now()))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A correctly signed token whose expiry has passed.
    #[must_use]
    pub fn expired_token(&self, token: &str) -> String {
        self.forge(token, |c| {
            c["iat"] = json!(Utc::now().timestamp() - 10_000);
            c["exp"] = json!(Utc::now().timestamp() - 3_000);
        })
    }

    /// Re-signs `token`'s claims after `edit`, with the server's secret.
    #[must_use]
    pub fn forge(&self, token: &str, edit: impl FnOnce(&mut Value)) -> String {
        let key = jsonwebtoken::DecodingKey::from_secret(self.secret.as_bytes());
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        v.validate_exp = false;
        let mut claims = jsonwebtoken::decode::<Value>(token, &key, &v)
            .unwrap_or_else(|e| panic!("{e}"))
            .claims;
        edit(&mut claims);
        let key = jsonwebtoken::EncodingKey::from_secret(self.secret.as_bytes());
        jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn respond(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut r = r.unwrap_or_else(|e| panic!("request failed: {e}"));
        let status = r.status().as_u16();
        let headers = r
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let text = r.body_mut().read_to_string().unwrap_or_default();
        Resp {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            headers,
        }
    }

    /// GET.
    #[must_use]
    pub fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.get_with(path, token, &[])
    }

    /// GET with extra headers.
    #[must_use]
    pub fn get_with(&self, path: &str, token: Option<&str>, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.agent.get(format!("{}{path}", self.url()));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        Self::respond(req.call())
    }

    /// DELETE.
    #[must_use]
    pub fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        let mut req = self.agent.delete(format!("{}{path}", self.url()));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        Self::respond(req.call())
    }

    /// A request with a raw body.
    #[must_use]
    pub fn send_raw(&self, method: &str, path: &str, token: Option<&str>, body: &str) -> Resp {
        self.send_with(method, path, token, body, &[])
    }

    /// POST JSON with extra headers (`Idempotency-Key`, ...).
    #[must_use]
    pub fn post_with(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> Resp {
        self.send_with("POST", path, token, &body.to_string(), headers)
    }

    /// A request with a raw JSON body and extra headers.
    #[must_use]
    pub fn send_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = format!("{}{path}", self.url());
        let mut req = match method {
            "POST" => self.agent.post(url),
            "PUT" => self.agent.put(url),
            "PATCH" => self.agent.patch(url),
            other => panic!("unsupported method {other}"),
        };
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        Self::respond(req.content_type("application/json").send(body))
    }

    /// POST JSON.
    #[must_use]
    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send_raw("POST", path, token, &body.to_string())
    }

    /// PUT JSON.
    #[must_use]
    pub fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send_raw("PUT", path, token, &body.to_string())
    }

    /// PATCH JSON.
    #[must_use]
    pub fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send_raw("PATCH", path, token, &body.to_string())
    }

    /// Creates a product over HTTP; returns its id.
    #[must_use]
    pub fn product(&self, token: &str, name: &str, price: f64) -> i64 {
        let r = self
            .post(
                "/v1/products",
                Some(token),
                &json!({ "name": name, "price": price }),
            )
            .expect(201);
        r.body["data"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id: {}", r.body))
    }

    /// Receives stock over HTTP; returns the response body.
    pub fn stock_in(
        &self,
        token: &str,
        product: i64,
        quantity: i64,
        received_at: Option<DateTime<Utc>>,
    ) -> Value {
        let mut body = json!({ "product_id": product.to_string(), "quantity": quantity, "source": "purchase_order" });
        if let Some(at) = received_at {
            body["received_at"] = json!(at.to_rfc3339());
        }
        self.post("/functions/v1/stock-in", Some(token), &body)
            .expect(200)
            .body
    }

    /// A product's current stock, over HTTP.
    #[must_use]
    pub fn current_stock(&self, product: i64) -> i64 {
        let r = self
            .get(&format!("/v1/products/{product}"), Some(&self.owner))
            .expect(200);
        r.body["data"]["current_stock"]
            .as_i64()
            .unwrap_or_else(|| panic!("{}", r.body))
    }

    /// Creates an order over the edge function; returns the response.
    #[must_use]
    pub fn order(&self, token: &str, items: &[(i64, i64, f64)]) -> Resp {
        let items: Vec<Value> = items
            .iter()
            .map(|(p, q, price)| json!({ "product_id": p.to_string(), "quantity": q, "unit_price": price }))
            .collect();
        self.post(
            "/functions/v1/order-create",
            Some(token),
            &json!({ "order_data": { "customer_email": "c@example.com" }, "items": items }),
        )
    }

    /// The server's own store on the test database, to run use cases and read tables directly.
    #[must_use]
    pub fn db_store(&self) -> DbStore {
        self.store.clone()
    }

    fn with_conn<T>(&self, f: impl FnOnce(&mut kedai_persistence::DbConnection) -> T) -> T {
        let mut conn = self.store.pool().get().unwrap_or_else(|e| panic!("{e}"));
        f(&mut conn)
    }

    /// Everything stored, as text: row counts of every table, every lot's quantities, every
    /// order's status and every product. Equal fingerprints mean nothing changed.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        #[derive(QueryableByName)]
        struct Line {
            #[diesel(sql_type = Text)]
            line: String,
        }
        let queries = [
            "SELECT 'tenants ' || COUNT(*) AS line FROM tenants",
            "SELECT 'movements ' || COUNT(*) AS line FROM stock_movements",
            "SELECT 'allocations ' || COUNT(*) AS line FROM stock_allocations",
            "SELECT 'open allocations ' || COUNT(*) AS line FROM stock_allocations WHERE released_at IS NULL",
            "SELECT 'items ' || COUNT(*) AS line FROM order_items",
            "SELECT 'payments ' || COUNT(*) AS line FROM payments",
            "SELECT 'history ' || COUNT(*) AS line FROM order_status_history",
            "SELECT 'outbox ' || COUNT(*) AS line FROM outbox_events",
            "SELECT 'counters ' || COALESCE(CAST(SUM(last_value) AS TEXT), '0') AS line FROM order_counters",
            "SELECT 'lot ' || id || ' ' || quantity || ' ' || remaining AS line FROM inventory_lots ORDER BY id",
            "SELECT 'order ' || id || ' ' || status || ' ' || COALESCE(payment_status, '-') || ' ' || total_amount_minor || ' ' || \
             COALESCE(coupon_code, '-') || ' ' || CAST(updated_at AS TEXT) AS line FROM orders ORDER BY id",
            "SELECT 'staff outlets ' || COUNT(*) AS line FROM staff_outlets",
            "SELECT 'outlet ' || id || ' ' || code || ' ' || status || ' ' || CAST(updated_at AS TEXT) AS line FROM outlets ORDER BY id",
            "SELECT 'customer ' || id || ' ' || CAST(updated_at AS TEXT) AS line FROM customers ORDER BY id",
            "SELECT 'points ' || COUNT(*) AS line FROM points_ledger",
            "SELECT 'coupon ' || id || ' ' || used_count || ' ' || status AS line FROM coupons ORDER BY id",
            "SELECT 'redemptions ' || COUNT(*) AS line FROM coupon_redemptions",
            "SELECT 'intent ' || id || ' ' || status AS line FROM payment_intents ORDER BY id",
            "SELECT 'product ' || id || ' ' || name || ' ' || COALESCE(sku, '-') || ' ' || price_minor || ' ' || status || ' ' || \
             CASE WHEN deleted_at IS NULL THEN 'live' ELSE 'archived' END AS line FROM products ORDER BY id",
            "SELECT 'domain ' || hostname || ' ' || tenant_id AS line FROM storefront_domains ORDER BY hostname",
            "SELECT 'settings ' || tenant_id || ' ' || CAST(updated_at AS TEXT) AS line FROM portal_settings ORDER BY tenant_id",
            "SELECT 'otp ' || id || ' ' || attempts || ' ' || COALESCE(CAST(consumed_at AS TEXT), '-') AS line FROM otp_challenges ORDER BY id",
            "SELECT 'otp to ' || recipient || ' ' || CAST(last_sent_at AS TEXT) AS line FROM otp_recipients ORDER BY tenant_id, recipient",
            "SELECT 'session ' || id || ' ' || COALESCE(CAST(revoked_at AS TEXT), '-') AS line FROM customer_session_families ORDER BY id",
            "SELECT 'refresh ' || id || ' ' || COALESCE(CAST(used_at AS TEXT), '-') AS line FROM customer_refresh_tokens ORDER BY id",
            "SELECT 'messages ' || COUNT(*) AS line FROM notifications",
            "SELECT 'member ' || id || ' ' || COALESCE(CAST(member_no AS TEXT), '-') AS line FROM customers ORDER BY id",
        ];
        self.with_conn(|conn| {
            let mut out = Vec::new();
            for q in queries {
                let lines: Vec<Line> = diesel::sql_query(q)
                    .load(conn)
                    .unwrap_or_else(|e| panic!("{q}: {e}"));
                out.extend(lines.into_iter().map(|l| l.line));
            }
            out.join("\n")
        })
    }

    /// Per lot: (remaining, Σ of its ledger movements). Equal when the ledger explains the lot.
    #[must_use]
    pub fn ledger_balance(&self) -> Vec<(String, i64, i64)> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            id: String,
            #[diesel(sql_type = BigInt)]
            remaining: i64,
            #[diesel(sql_type = BigInt)]
            ledger: i64,
        }
        self.with_conn(|conn| {
            diesel::sql_query(
                "SELECT l.id AS id, l.remaining AS remaining, \
                 CAST(COALESCE((SELECT SUM(m.quantity) FROM stock_movements m WHERE m.lot_id = l.id), 0) AS BIGINT) AS ledger \
                 FROM inventory_lots l ORDER BY l.id",
            )
            .load::<Row>(conn)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|r| (r.id, r.remaining, r.ledger))
            .collect()
        })
    }

    /// Runs raw SQL behind the server's back (to break things on purpose).
    pub fn sabotage(&self, sql: &str) {
        self.with_conn(|conn| {
            conn.batch_execute(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        });
    }

    /// Event types in the outbox for one aggregate, oldest first.
    #[must_use]
    pub fn outbox(&self, aggregate: &str) -> Vec<String> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            event_type: String,
        }
        self.with_conn(|conn| {
            diesel::sql_query("SELECT event_type FROM outbox_events WHERE aggregate_id = $1 ORDER BY created_at, id")
                .bind::<Text, _>(aggregate)
                .load::<Row>(conn)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .map(|r| r.event_type)
                .collect()
        })
    }

    /// The payload of the first outbox event of `event_type` about `aggregate`.
    #[must_use]
    pub fn outbox_payload(&self, aggregate: &str, event_type: &str) -> Option<Value> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            payload: String,
        }
        self.with_conn(|conn| {
            diesel::sql_query(
                "SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND event_type = $2 \
                 ORDER BY created_at, id",
            )
            .bind::<Text, _>(aggregate)
            .bind::<Text, _>(event_type)
            .load::<Row>(conn)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .next()
            .map(|r| serde_json::from_str(&r.payload).unwrap_or_else(|e| panic!("{e}")))
        })
    }

    /// Remaining quantity of each lot of a product, oldest receipt first.
    #[must_use]
    pub fn lots(&self, product: i64) -> Vec<(String, i64)> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            id: String,
            #[diesel(sql_type = BigInt)]
            remaining: i64,
        }
        self.with_conn(|conn| {
            diesel::sql_query("SELECT id, remaining FROM inventory_lots WHERE product_id = $1 ORDER BY received_at, created_at, id")
                .bind::<BigInt, _>(product)
                .load::<Row>(conn)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .map(|r| (r.id, r.remaining))
                .collect()
        })
    }
}

/// The roles, for permission tables.
pub const ROLES: [Role; 6] = [
    Role::Owner,
    Role::Admin,
    Role::Manager,
    Role::Cashier,
    Role::Agent,
    Role::Viewer,
];

/// Runs `f` on `n` threads at once (released together by a barrier) and collects the results.
pub fn race<T: Send + 'static>(n: usize, f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let f = Arc::new(f);
    let barrier = Arc::new(std::sync::Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let f = Arc::clone(&f);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                f(i)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().unwrap_or_else(|_| panic!("racer panicked")))
        .collect()
}

/// Declares each named test body (a `fn(Backend)`) once per backend:
/// `<module>::sqlite::<name>` and `<module>::postgres::<name>`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name($crate::support::Backend::Sqlite) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name($crate::support::Backend::Postgres) } )*
        }
    };
}
