//! Start-up: a throwaway database (a temporary SQLite file or a new PostgreSQL database), and
//! the real server on a free port against it, with a tenant whose owner is signed in.

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use kedai::{Environment, Settings};
use kedai_core::TenantId;
use kedai_identity::Role;
use secrecy::SecretString;

use super::{Backend, TestApp};

/// A throwaway database, removed when dropped.
pub(super) enum TestDb {
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
        Self::start_full(
            backend,
            body_limit,
            limits,
            kedai::OutboundSettings::default(),
            false,
        )
    }

    /// As [`TestApp::start`], with outgoing-work settings and, when `worker`, the outbox
    /// worker running in the server's process.
    #[must_use]
    pub fn start_outbound(
        backend: Backend,
        outbound: kedai::OutboundSettings,
        worker: bool,
    ) -> Self {
        let limits = kedai::Limits {
            rate_limit_per_minute: 1_000_000,
            rate_limit_per_ip_per_minute: 1_000_000,
            trust_forwarded_for: false,
            login_failures_per_email_and_ip: 1_000,
            login_failures_per_email: 1_000,
            login_failures_per_ip: 1_000,
            otp_per_ip_per_hour: 1_000,
        };
        Self::start_full(backend, 64 * 1024, limits, outbound, worker)
    }

    fn start_full(
        backend: Backend,
        body_limit: usize,
        limits: kedai::Limits,
        outbound: kedai::OutboundSettings,
        worker: bool,
    ) -> Self {
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
            outbound,
        };
        let store = kedai::open_store(&settings).unwrap_or_else(|e| panic!("open store: {e}"));
        let mut state =
            kedai::app_state(&settings, store.clone()).unwrap_or_else(|e| panic!("state: {e}"));
        let worker = worker.then(|| {
            kedai::start_worker(&settings, &mut state).unwrap_or_else(|e| panic!("worker: {e}"))
        });
        let server = kedai::spawn(&settings, state).unwrap_or_else(|e| panic!("spawn: {e}"));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut app = Self {
            _worker: worker,
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
}
