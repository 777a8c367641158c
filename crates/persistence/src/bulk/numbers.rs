//! Order numbers: where the tenant's counter for a year stands, and saving where a load left it.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use super::plan::BulkError;
use crate::db::DbConnection;

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = BigInt)]
    last_value: i64,
}

pub(super) fn last_sequence(
    conn: &mut DbConnection,
    tenant: &str,
    year: i32,
) -> Result<i64, BulkError> {
    // On PostgreSQL the merchant's year may have a sequence past its counter row.
    let sql = if matches!(conn, DbConnection::Pg(_)) {
        "SELECT kedai_order_counter($1, $2) AS last_value"
    } else {
        "SELECT last_value FROM order_counters WHERE tenant_id = $1 AND year = $2"
    };
    let rows: Vec<Counter> = diesel::sql_query(sql)
        .bind::<Text, _>(tenant)
        .bind::<Integer, _>(year)
        .load(conn)?;
    Ok(rows.first().map_or(0, |c| c.last_value))
}

pub(super) fn save_sequence(
    conn: &mut DbConnection,
    tenant: &str,
    year: i32,
    last: i64,
) -> Result<(), diesel::result::Error> {
    diesel::sql_query(
        "INSERT INTO order_counters (tenant_id, year, last_value) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = excluded.last_value \
         WHERE order_counters.last_value < excluded.last_value",
    )
    .bind::<Text, _>(tenant)
    .bind::<Integer, _>(year)
    .bind::<BigInt, _>(last)
    .execute(conn)?;
    if matches!(conn, DbConnection::Pg(_)) {
        // Orders taken after the load continue from the last number loaded.
        diesel::sql_query("SELECT kedai_raise_order_counter($1, $2, $3)")
            .bind::<Text, _>(tenant)
            .bind::<Integer, _>(year)
            .bind::<BigInt, _>(last)
            .execute(conn)?;
    }
    Ok(())
}
