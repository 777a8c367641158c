//! Finding 10: while the database refused connections, each request waited about 5 s for the
//! pool and `/ready` took 5 s to answer 503 (without `Retry-After`), so a 1-second readiness
//! probe timed out instead of reading it.
//!
//! PostgreSQL only: an embedded SQLite file is opened by the process itself and cannot refuse
//! it connections. The bounds below are a deadline against a hang (the waits are 0.8 s and
//! 0.25 s by design, 5 s before), not a speed target.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::support::{Backend, TestApp};

fn admin() -> PgConnection {
    let url = std::env::var("KEDAI_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| panic!("KEDAI_TEST_POSTGRES_URL is not set"));
    PgConnection::establish(&url).unwrap_or_else(|e| panic!("{e}"))
}

fn allow_connections(app: &TestApp, allow: bool) {
    let url = app.database_url();
    let name = url.rsplit('/').next().unwrap_or_default().to_owned();
    let mut conn = admin();
    conn.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {allow}"))
        .unwrap_or_else(|e| panic!("{e}"));
    if !allow {
        conn.batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    }
}

fn timed(f: impl FnOnce() -> crate::support::Resp) -> (crate::support::Resp, Duration) {
    let start = Instant::now();
    let r = f();
    (r, start.elapsed())
}

fn requests_fail_fast_and_ready_answers_within_a_second_while_the_database_is_down(b: Backend) {
    let app = TestApp::start(b);
    app.get("/ready", None).expect(200);
    allow_connections(&app, false);

    let (r, took) = timed(|| app.get("/ready", None));
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.body["status"], "unavailable");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(took < Duration::from_secs(2), "/ready took {took:?}");

    // The first request finds the database gone; the next ones do not wait for it.
    let _ = app.get("/v1/products", Some(&app.owner));
    for _ in 0..5 {
        let (r, took) = timed(|| app.get("/v1/products", Some(&app.owner)));
        let r = r.merchant_error(503, "SERVICE_UNAVAILABLE");
        assert_eq!(r.header("retry-after"), Some("1"));
        assert!(took < Duration::from_secs(2), "a request took {took:?}");
    }
    let (r, took) = timed(|| app.get("/ready", None));
    assert_eq!(r.status, 503);
    assert!(took < Duration::from_secs(2), "/ready took {took:?}");

    // Back up: the same process serves again by itself.
    allow_connections(&app, true);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if app.get("/ready", None).status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "never ready again");
        std::thread::sleep(Duration::from_millis(100));
    }
    app.get("/v1/products", Some(&app.owner)).expect(200);
}

mod postgres {
    #[test]
    fn requests_fail_fast_and_ready_answers_within_a_second_while_the_database_is_down() {
        super::requests_fail_fast_and_ready_answers_within_a_second_while_the_database_is_down(
            crate::support::Backend::Postgres,
        );
    }
}
