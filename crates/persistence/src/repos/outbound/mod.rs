//! Work that leaves the process: the job queue with its leases, and webhook endpoints with
//! their deliveries and attempts.

/// Inserts rows: in one statement on PostgreSQL (one round trip), a statement per row on
/// SQLite (in process, no round trip; and the shared connection has no multi-row insert).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        match &mut *$conn {
            crate::db::DbConnection::Pg(pg) => diesel::insert_into($table)
                .values(&rows)
                .execute(pg)
                .map(drop)
                .map_err(crate::convert::storage_error),
            crate::db::DbConnection::Sqlite(lite) => rows.iter().try_for_each(|row| {
                diesel::insert_into($table)
                    .values(row)
                    .execute(lite)
                    .map(drop)
                    .map_err(crate::convert::storage_error)
            }),
        }
    }};
}

mod jobs;
mod webhooks;
