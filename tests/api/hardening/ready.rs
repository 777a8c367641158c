//! Readiness while the database is unreachable (PostgreSQL only).

use std::time::Duration;

use serde_json::json;

use crate::support::{Backend, TestApp};

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
