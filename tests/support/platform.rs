//! Helpers for the session, rate-limit, idempotency and audit tests: signing in over HTTP and
//! reading the database directly.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use serde_json::{Value, json};

use super::{PASSWORD, TestApp};

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

/// `SELECT CAST(COUNT(*) AS BIGINT) AS n FROM ...`: a count.
#[must_use]
pub fn count(app: &TestApp, from_where: &str) -> i64 {
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {from_where}");
    app.with_conn(|conn| {
        diesel::sql_query(&sql)
            .get_result::<Count>(conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    })
}

/// Every value of one text column (`SELECT <expr> AS line ...`).
#[must_use]
pub fn lines(app: &TestApp, sql: &str) -> Vec<Option<String>> {
    app.with_conn(|conn| {
        diesel::sql_query(sql)
            .load::<Line>(conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|l| l.line)
            .collect()
    })
}
