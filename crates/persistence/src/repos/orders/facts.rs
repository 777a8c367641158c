//! Summary facts: a tenant's orders grouped by day, status and payment, for the summaries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use kedai_core::{StorageError, TenantId};
use kedai_orders::OrderFact;

use crate::convert::{parse, storage_error, ts};
use crate::repos::Tx;

pub(super) fn order_facts(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    day_starts: &[DateTime<Utc>],
) -> Result<Vec<OrderFact>, StorageError> {
    // Grouped in the database: a year of a busy merchant is a few hundred rows, not a
    // million. Day boundaries are instants Kedai computed (never input), written as
    // literals so the query carries one day per VALUES row on both backends. Grouped by
    // status alone, the paid part summed beside the whole: a computed grouping key (the paid
    // flag) keeps PostgreSQL from aggregating in parallel, and costs it twice the time.
    const GROUPED: &str = "o.status AS status, \
         CAST(COUNT(*) AS BIGINT) AS orders, \
         CAST(COALESCE(SUM(o.total_amount_minor), 0) AS BIGINT) AS total, \
         CAST(COUNT(o.paid_at) AS BIGINT) AS paid_orders, \
         CAST(COALESCE(SUM(CASE WHEN o.paid_at IS NULL THEN 0 ELSE o.total_amount_minor END), 0) \
         AS BIGINT) AS paid_total";
    let pg = matches!(tx.conn, crate::db::DbConnection::Pg(_));
    let rows: Vec<FactRow> = if day_starts.is_empty() {
        diesel::sql_query(format!(
            "SELECT 0 AS day, {GROUPED} FROM orders o \
             WHERE o.tenant_id = $1 AND o.created_at >= $2 AND o.created_at < $3 \
             GROUP BY 2"
        ))
        .bind::<Text, _>(tenant.to_string())
        .bind::<diesel::sql_types::Timestamp, _>(ts(from))
        .bind::<diesel::sql_types::Timestamp, _>(ts(to))
        .load(tx.conn)
        .map_err(storage_error)?
    } else {
        let literal = |t: DateTime<Utc>| {
            let text = ts(t).format("%F %T%.f");
            if pg {
                format!("TIMESTAMP '{text}'")
            } else {
                format!("'{text}'")
            }
        };
        let mut days = String::new();
        for (i, start) in day_starts.iter().enumerate() {
            let end = day_starts.get(i + 1).copied().unwrap_or(to);
            if i > 0 {
                days.push_str(", ");
            }
            days.push_str(&format!("({i}, {}, {})", literal(*start), literal(end)));
        }
        diesel::sql_query(format!(
            "WITH d(i, s, e) AS (VALUES {days}) \
             SELECT d.i AS day, {GROUPED} FROM d JOIN orders o \
             ON o.tenant_id = $1 AND o.created_at >= d.s AND o.created_at < d.e \
             GROUP BY 1, 2"
        ))
        .bind::<Text, _>(tenant.to_string())
        .load(tx.conn)
        .map_err(storage_error)?
    };
    let mut facts = Vec::with_capacity(rows.len() * 2);
    for r in rows {
        let created_at = usize::try_from(r.day)
            .ok()
            .and_then(|d| day_starts.get(d).copied())
            .unwrap_or(from);
        let status = parse("order status", &r.status)?;
        let fact = |was_paid, orders, total_minor| OrderFact {
            created_at,
            status,
            total_minor,
            was_paid,
            orders,
        };
        if r.paid_orders > 0 {
            facts.push(fact(true, r.paid_orders, r.paid_total));
        }
        if r.orders > r.paid_orders {
            facts.push(fact(
                false,
                r.orders - r.paid_orders,
                r.total - r.paid_total,
            ));
        }
    }
    Ok(facts)
}

/// One group of [`OrderFact`]s as the database hands it back.
#[derive(diesel::QueryableByName)]
struct FactRow {
    #[diesel(sql_type = Integer)]
    day: i32,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    paid_orders: i64,
    #[diesel(sql_type = BigInt)]
    paid_total: i64,
}
