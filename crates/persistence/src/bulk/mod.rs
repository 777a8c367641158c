//! Bulk loading of realistic, consistent data for benchmarks and capacity tests
//! (`kedai seed-bulk`).
//!
//! Orders are simulated in time order over the two years before `now`: each takes its lines'
//! stock FIFO from the product's lots (a new lot arrives whenever a product runs dry), walks the
//! status machine to a final status chosen by its age, and leaves the rows the use cases would
//! have written — items, allocations, stock movements, status history and payments. Cancelled
//! and refunded orders give their stock back to the lots it came from. Every committed chunk is
//! consistent on its own: the lots' remaining quantities are brought up to date in the same
//! transaction as the movements that changed them, so per lot
//! `Σ in − Σ allocate + Σ release = remaining` holds at every commit.
//!
//! Rows are written in chunks, each in one transaction: `COPY ... FROM STDIN` on PostgreSQL,
//! multi-row `INSERT`s on SQLite.

mod catalogue;
mod copy;
mod generator;
mod numbers;
mod orders;
mod plan;
mod shoppers;
mod sink;
mod status;
mod stock;
mod table;

use std::time::Instant;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kedai_core::TenantId;
use kedai_core::time::TimeZone;

use crate::db::{DbConnection, Pool};
use crate::schema::{customers, products};
use generator::Generator;

pub use plan::{BulkError, BulkOptions, BulkReport};

/// Loads products, customers and orders for one tenant.
///
/// # Errors
/// [`BulkError`] when the tenant is missing or the database fails; a failed chunk rolls back
/// alone, earlier chunks stay (each is consistent).
pub fn seed_bulk(
    pool: &Pool,
    opts: &BulkOptions,
    now: DateTime<Utc>,
) -> Result<BulkReport, BulkError> {
    let started = Instant::now();
    let mut conn = pool.get()?;
    let conn: &mut DbConnection = &mut conn;
    let tenant = opts.tenant.to_string();
    let (currency, zone) = tenant_settings(conn, opts.tenant)?;
    let outlets: Vec<String> = crate::schema::outlets::table
        .filter(crate::schema::outlets::tenant_id.eq(&tenant))
        .filter(crate::schema::outlets::deleted_at.is_null())
        .select(crate::schema::outlets::id)
        .load(conn)?;
    let first_product: i64 = products::table
        .filter(products::tenant_id.eq(&tenant))
        .count()
        .get_result(conn)?;
    let first_customer: i64 = customers::table
        .filter(customers::tenant_id.eq(&tenant))
        .count()
        .get_result(conn)?;
    let mut generator = Generator {
        rng: fastrand::Rng::with_seed(opts.seed),
        tenant,
        currency,
        zone,
        now,
        outlets,
        first_product,
        first_customer,
        report: BulkReport::default(),
        catalogue: Vec::new(),
        customers: Vec::new(),
    };
    generator.create_products(conn, opts.products)?;
    generator.create_customers(conn, opts.customers, opts.chunk)?;
    if opts.orders > 0 {
        if generator.catalogue.is_empty() {
            return Err(BulkError::NoProducts);
        }
        generator.create_orders(conn, opts.orders, opts.chunk.max(1))?;
    }
    // Fresh statistics (and, on PostgreSQL, a visibility map for index-only scans).
    match conn {
        DbConnection::Pg(pg) => diesel::sql_query("VACUUM ANALYZE").execute(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query("ANALYZE").execute(lite)?,
    };
    generator.report.elapsed = started.elapsed();
    Ok(generator.report)
}

fn tenant_settings(conn: &mut DbConnection, id: TenantId) -> Result<(String, TimeZone), BulkError> {
    use crate::schema::tenants;
    let (currency, zone): (String, String) = tenants::table
        .filter(tenants::id.eq(id.to_string()))
        .select((tenants::currency, tenants::time_zone))
        .first(conn)
        .optional()?
        .ok_or(BulkError::NoTenant(id))?;
    let zone = zone
        .parse::<TimeZone>()
        .map_err(|_| BulkError::BadTenant(id, "time zone"))?;
    Ok((currency, zone))
}
