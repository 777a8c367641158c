//! Lots, allocations and the movement ledger.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use kedai_core::{ProductId, StorageError, TenantId};
use kedai_inventory::{
    Allocation, AllocationId, InventoryRepository, Lot, LotId, Movement, StockSource,
};

use super::Tx;
use crate::convert::{corrupt, opt_utc, parse, product_id, storage_error, ts, utc};
use crate::db::DbConnection;
use crate::schema::{inventory_lots, stock_allocations, stock_movements};

#[derive(Queryable, QueryableByName, Insertable)]
#[diesel(table_name = inventory_lots)]
struct LotRow {
    id: String,
    tenant_id: String,
    product_id: i64,
    quantity: i64,
    remaining: i64,
    source: String,
    note: Option<String>,
    received_at: NaiveDateTime,
    created_at: NaiveDateTime,
    created_by: Option<String>,
}

impl TryFrom<LotRow> for Lot {
    type Error = StorageError;

    fn try_from(r: LotRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("lot id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            product_id: product_id(r.product_id)?,
            quantity: r.quantity,
            remaining: r.remaining,
            source: StockSource::from_stored(&r.source)
                .ok_or_else(|| corrupt(format!("stock source `{}`", r.source)))?,
            note: r.note,
            received_at: utc(r.received_at),
            created_at: utc(r.created_at),
            created_by: r.created_by,
        })
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = stock_allocations)]
struct AllocationRow {
    id: String,
    tenant_id: String,
    product_id: i64,
    lot_id: String,
    quantity: i64,
    source: String,
    reference: String,
    created_at: NaiveDateTime,
    released_at: Option<NaiveDateTime>,
}

impl TryFrom<AllocationRow> for Allocation {
    type Error = StorageError;

    fn try_from(r: AllocationRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("allocation id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            product_id: product_id(r.product_id)?,
            lot_id: parse("lot id", &r.lot_id)?,
            quantity: r.quantity,
            source: r.source,
            reference: r.reference,
            created_at: utc(r.created_at),
            released_at: opt_utc(r.released_at),
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = stock_movements)]
struct MovementRow<'a> {
    id: String,
    tenant_id: String,
    product_id: i64,
    lot_id: String,
    kind: &'a str,
    quantity: i64,
    reason: Option<&'a str>,
    source: Option<&'a str>,
    reference: Option<&'a str>,
    note: Option<&'a str>,
    actor: Option<&'a str>,
    created_at: NaiveDateTime,
}

fn allocation_row(a: &Allocation) -> AllocationRow {
    AllocationRow {
        id: a.id.to_string(),
        tenant_id: a.tenant_id.to_string(),
        product_id: a.product_id.get(),
        lot_id: a.lot_id.to_string(),
        quantity: a.quantity,
        source: a.source.clone(),
        reference: a.reference.clone(),
        created_at: ts(a.created_at),
        released_at: a.released_at.map(ts),
    }
}

/// A lot a batch take took from.
#[derive(QueryableByName)]
struct TakenLot {
    #[diesel(sql_type = Text)]
    id: String,
}

impl InventoryRepository for Tx<'_> {
    fn lots(&mut self, tenant: TenantId, product: ProductId) -> Result<Vec<Lot>, StorageError> {
        inventory_lots::table
            .filter(inventory_lots::tenant_id.eq(tenant.to_string()))
            .filter(inventory_lots::product_id.eq(product.get()))
            .order((
                inventory_lots::received_at,
                inventory_lots::created_at,
                inventory_lots::id,
            ))
            .load::<LotRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(Lot::try_from)
            .collect()
    }

    fn open_lots(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        limit: i64,
    ) -> Result<Vec<Lot>, StorageError> {
        // `remaining > 0` is written literally so PostgreSQL can prove the partial index
        // `inventory_lots_open` applies even to a prepared statement's generic plan.
        inventory_lots::table
            .filter(inventory_lots::tenant_id.eq(tenant.to_string()))
            .filter(inventory_lots::product_id.eq(product.get()))
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "inventory_lots.remaining > 0",
            ))
            .order((
                inventory_lots::received_at,
                inventory_lots::created_at,
                inventory_lots::id,
            ))
            .limit(limit)
            .load::<LotRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(Lot::try_from)
            .collect()
    }

    fn open_lots_of(
        &mut self,
        tenant: TenantId,
        wanted: &[(ProductId, i64)],
    ) -> Result<Vec<Lot>, StorageError> {
        let DbConnection::Pg(pg) = &mut *self.conn else {
            // SQLite runs in process: a statement per product costs no round trip.
            let mut lots = Vec::new();
            for &(product, limit) in wanted {
                lots.extend(self.open_lots(tenant, product, limit)?);
            }
            return Ok(lots);
        };
        // One statement: each product's oldest open lots through the partial index
        // `inventory_lots_open`, as `open_lots` reads them one product at a time, locked as
        // they are read, product by product in the order given and FIFO within each. A lot
        // a concurrent order is taking is waited for and read as that order left it; one it
        // emptied is skipped and the next one read (LIMIT counts the lots locked). So the
        // takes planned from these lots cannot be lost, and every order locks lots in the same
        // order: no deadlock, no second read.
        let products: Vec<i64> = wanted.iter().map(|(p, _)| p.get()).collect();
        let limits: Vec<i64> = wanted.iter().map(|&(_, l)| l).collect();
        let mut lots = diesel::sql_query(
            "SELECT l.id, l.tenant_id, l.product_id, l.quantity, l.remaining, l.source, l.note, \
                    l.received_at, l.created_at, l.created_by \
             FROM unnest($2::bigint[], $3::bigint[]) AS w(product_id, lim) \
             CROSS JOIN LATERAL ( \
                 SELECT * FROM inventory_lots \
                 WHERE inventory_lots.tenant_id = $1 AND inventory_lots.product_id = w.product_id \
                   AND inventory_lots.remaining > 0 \
                 ORDER BY inventory_lots.received_at, inventory_lots.created_at, inventory_lots.id \
                 LIMIT w.lim FOR NO KEY UPDATE) l",
        )
        .bind::<Text, _>(tenant.to_string())
        .bind::<Array<BigInt>, _>(products)
        .bind::<Array<BigInt>, _>(limits)
        .load::<LotRow>(pg)
        .map_err(storage_error)?
        .into_iter()
        .map(Lot::try_from)
        .collect::<Result<Vec<Lot>, StorageError>>()?;
        // Oldest first within each product, products in the order asked.
        let rank = |l: &Lot| wanted.iter().position(|(p, _)| *p == l.product_id);
        lots.sort_by_key(|l| (rank(l), l.received_at, l.created_at, l.id));
        Ok(lots)
    }

    fn take_from_lots(
        &mut self,
        tenant: TenantId,
        takes: &[(LotId, i64)],
    ) -> Result<Vec<LotId>, StorageError> {
        let DbConnection::Pg(pg) = &mut *self.conn else {
            let mut taken = Vec::new();
            for &(lot, quantity) in takes {
                if self.change_lot(tenant, lot, -quantity)? {
                    taken.push(lot);
                }
            }
            return Ok(taken);
        };
        if takes.is_empty() {
            return Ok(Vec::new());
        }
        // One statement, each take guarded as in `change_lot`. The lots were locked when
        // `open_lots_of` read them, so no other order holds them now.
        let ids: Vec<String> = takes.iter().map(|(l, _)| l.to_string()).collect();
        let quantities: Vec<i64> = takes.iter().map(|&(_, q)| q).collect();
        let rows = diesel::sql_query(
            "UPDATE inventory_lots l SET remaining = l.remaining - v.q \
             FROM unnest($2::text[], $3::bigint[]) AS v(id, q) \
             WHERE l.tenant_id = $1 AND l.id = v.id AND l.remaining - v.q >= 0 \
             RETURNING l.id",
        )
        .bind::<Text, _>(tenant.to_string())
        .bind::<Array<Text>, _>(ids)
        .bind::<Array<BigInt>, _>(quantities)
        .load::<TakenLot>(pg)
        .map_err(storage_error)?;
        rows.into_iter().map(|r| parse("lot id", &r.id)).collect()
    }

    fn insert_allocations(&mut self, allocations: &[Allocation]) -> Result<(), StorageError> {
        let DbConnection::Pg(pg) = &mut *self.conn else {
            return allocations
                .iter()
                .try_for_each(|a| self.insert_allocation(a));
        };
        if allocations.is_empty() {
            return Ok(());
        }
        let rows: Vec<AllocationRow> = allocations.iter().map(allocation_row).collect();
        diesel::insert_into(stock_allocations::table)
            .values(&rows)
            .execute(pg)
            .map(drop)
            .map_err(storage_error)
    }

    fn find_lot(&mut self, tenant: TenantId, id: LotId) -> Result<Option<Lot>, StorageError> {
        inventory_lots::table
            .filter(inventory_lots::tenant_id.eq(tenant.to_string()))
            .filter(inventory_lots::id.eq(id.to_string()))
            .first::<LotRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Lot::try_from)
            .transpose()
    }

    fn insert_lot(&mut self, lot: &Lot) -> Result<(), StorageError> {
        diesel::insert_into(inventory_lots::table)
            .values(LotRow {
                id: lot.id.to_string(),
                tenant_id: lot.tenant_id.to_string(),
                product_id: lot.product_id.get(),
                quantity: lot.quantity,
                remaining: lot.remaining,
                source: lot.source.as_str().to_owned(),
                note: lot.note.clone(),
                received_at: ts(lot.received_at),
                created_at: ts(lot.created_at),
                created_by: lot.created_by.clone(),
            })
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn change_lot(
        &mut self,
        tenant: TenantId,
        lot: LotId,
        delta: i64,
    ) -> Result<bool, StorageError> {
        // Guarded update: never below zero, however many writers race (the CHECK constraint is
        // the backstop). Zero rows means someone else took the stock first.
        diesel::update(
            inventory_lots::table
                .filter(inventory_lots::tenant_id.eq(tenant.to_string()))
                .filter(inventory_lots::id.eq(lot.to_string()))
                .filter((inventory_lots::remaining + delta).ge(0)),
        )
        .set(inventory_lots::remaining.eq(inventory_lots::remaining + delta))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn insert_allocation(&mut self, a: &Allocation) -> Result<(), StorageError> {
        diesel::insert_into(stock_allocations::table)
            .values(allocation_row(a))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn open_allocations(
        &mut self,
        tenant: TenantId,
        reference: &str,
    ) -> Result<Vec<Allocation>, StorageError> {
        stock_allocations::table
            .filter(stock_allocations::tenant_id.eq(tenant.to_string()))
            .filter(stock_allocations::reference.eq(reference))
            .filter(stock_allocations::released_at.is_null())
            .order(stock_allocations::id)
            .load::<AllocationRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(Allocation::try_from)
            .collect()
    }

    fn release_allocation(
        &mut self,
        tenant: TenantId,
        id: AllocationId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(
            stock_allocations::table
                .filter(stock_allocations::tenant_id.eq(tenant.to_string()))
                .filter(stock_allocations::id.eq(id.to_string()))
                .filter(stock_allocations::released_at.is_null()),
        )
        .set(stock_allocations::released_at.eq(Some(ts(at))))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn return_allocated(
        &mut self,
        tenant: TenantId,
        id: AllocationId,
        quantity: i64,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let target = || {
            stock_allocations::table
                .filter(stock_allocations::tenant_id.eq(tenant.to_string()))
                .filter(stock_allocations::id.eq(id.to_string()))
                .filter(stock_allocations::released_at.is_null())
        };
        // All of it: released. Part of it: the allocation keeps the rest.
        let released = diesel::update(target().filter(stock_allocations::quantity.eq(quantity)))
            .set(stock_allocations::released_at.eq(Some(ts(at))))
            .execute(self.conn)
            .map_err(storage_error)?;
        if released == 1 {
            return Ok(true);
        }
        diesel::update(target().filter(stock_allocations::quantity.gt(quantity)))
            .set(stock_allocations::quantity.eq(stock_allocations::quantity - quantity))
            .execute(self.conn)
            .map(|n| n == 1)
            .map_err(storage_error)
    }

    fn append_movements(&mut self, movements: &[Movement]) -> Result<(), StorageError> {
        if movements.is_empty() {
            return Ok(());
        }
        let rows: Vec<MovementRow<'_>> = movements
            .iter()
            .map(|m| MovementRow {
                id: m.id.to_string(),
                tenant_id: m.tenant_id.to_string(),
                product_id: m.product_id.get(),
                lot_id: m.lot_id.to_string(),
                kind: m.kind.as_str(),
                quantity: m.quantity,
                reason: m.reason.as_deref(),
                source: m.source.as_deref(),
                reference: m.reference.as_deref(),
                note: m.note.as_deref(),
                actor: m.actor.as_deref(),
                created_at: ts(m.created_at),
            })
            .collect();
        match &mut *self.conn {
            // PostgreSQL: one statement, one round trip, for the lot of them.
            DbConnection::Pg(pg) => {
                diesel::insert_into(stock_movements::table)
                    .values(&rows)
                    .execute(pg)
                    .map_err(storage_error)?;
            }
            // SQLite runs in process: a statement per row costs no round trip.
            DbConnection::Sqlite(lite) => {
                for row in &rows {
                    diesel::insert_into(stock_movements::table)
                        .values(row)
                        .execute(lite)
                        .map_err(storage_error)?;
                }
            }
        }
        Ok(())
    }

    fn stock_levels(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, i64)>, StorageError> {
        let ids: Vec<i64> = products.iter().map(|p| p.get()).collect();
        // Only lots with stock left: summing in Rust keeps one portable query (SUM of BIGINT is
        // NUMERIC on PostgreSQL) and reads few rows.
        let rows = inventory_lots::table
            .filter(inventory_lots::tenant_id.eq(tenant.to_string()))
            .filter(inventory_lots::product_id.eq_any(&ids))
            .filter(inventory_lots::remaining.gt(0))
            .select((inventory_lots::product_id, inventory_lots::remaining))
            .load::<(i64, i64)>(self.conn)
            .map_err(storage_error)?;
        products
            .iter()
            .map(|p| {
                Ok((
                    *p,
                    rows.iter()
                        .filter(|(id, _)| *id == p.get())
                        .map(|(_, r)| r)
                        .sum(),
                ))
            })
            .collect()
    }

    fn stock_totals(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, i64)>, StorageError> {
        #[derive(QueryableByName)]
        struct Total {
            #[diesel(sql_type = BigInt)]
            product_id: i64,
            #[diesel(sql_type = BigInt)]
            quantity: i64,
        }
        if products.is_empty() {
            return Ok(Vec::new());
        }
        // The ids are integers Kedai read from its own rows, written as literals so one
        // statement carries any number of them on both backends.
        let list = products
            .iter()
            .map(|p| p.get().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        diesel::sql_query(format!(
            "SELECT product_id, CAST(SUM(remaining) AS BIGINT) AS quantity \
             FROM inventory_lots WHERE tenant_id = $1 AND remaining > 0 \
             AND product_id IN ({list}) GROUP BY product_id"
        ))
        .bind::<Text, _>(tenant.to_string())
        .load::<Total>(self.conn)
        .map_err(storage_error)?
        .into_iter()
        .map(|t| Ok((product_id(t.product_id)?, t.quantity)))
        .collect()
    }
}
