//! Helpers for the session, rate-limit, idempotency and audit tests: signing in over HTTP and
//! reading the database directly.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use serde_json::{Value, json};

use super::{PASSWORD, Resp, TestApp};

/// Signs `email` in with the test password; returns the response `data`.
#[must_use]
pub fn sign_in(app: &TestApp, email: &str) -> Value {
    let r = app
        .post(
            "/v1/auth/login",
            None,
            &json!({ "email": email, "password": PASSWORD }),
        )
        .expect(200);
    r.body["data"].clone()
}

/// A string field of a JSON value.
#[must_use]
pub fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

/// `POST` with extra headers.
#[must_use]
pub fn post_with(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: &Value,
    headers: &[(&str, &str)],
) -> Resp {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent.post(format!("{}{path}", app.url()));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let mut r = req
        .content_type("application/json")
        .send(body.to_string())
        .unwrap_or_else(|e| panic!("request failed: {e}"));
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

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Nullable<Text>)]
    line: Option<String>,
}

fn connect(app: &TestApp) -> kedai_persistence::DbConnection {
    let url = app.database_url();
    if url.starts_with("postgres") {
        kedai_persistence::DbConnection::Pg(
            diesel::PgConnection::establish(&url).unwrap_or_else(|e| panic!("{e}")),
        )
    } else {
        kedai_persistence::DbConnection::Sqlite(
            diesel::SqliteConnection::establish(&url).unwrap_or_else(|e| panic!("{e}")),
        )
    }
}

/// `SELECT CAST(COUNT(*) AS BIGINT) AS n FROM ...`: a count.
#[must_use]
pub fn count(app: &TestApp, from_where: &str) -> i64 {
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {from_where}");
    diesel::sql_query(&sql)
        .get_result::<Count>(&mut connect(app))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// Every value of one text column (`SELECT <expr> AS line ...`).
#[must_use]
pub fn lines(app: &TestApp, sql: &str) -> Vec<Option<String>> {
    diesel::sql_query(sql)
        .load::<Line>(&mut connect(app))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|l| l.line)
        .collect()
}
