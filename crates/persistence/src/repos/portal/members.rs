//! Member numbers: the tenant's counter.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kedai_core::{StorageError, TenantId};

use crate::convert::{corrupt, storage_error};
use crate::repos::Tx;

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = BigInt)]
    last_value: i64,
}

/// The tenant's next member number: a counter row bumped with one UPDATE, which holds its row
/// lock until commit, so concurrent registrations take numbers one at a time.
pub(super) fn next_member_no(tx: &mut Tx<'_>, tenant: TenantId) -> Result<i64, StorageError> {
    diesel::sql_query(
        "INSERT INTO member_counters (tenant_id, last_value) \
         SELECT $1, COALESCE(MAX(member_no), 0) FROM customers WHERE tenant_id = $1 \
         ON CONFLICT (tenant_id) DO NOTHING",
    )
    .bind::<Text, _>(tenant.to_string())
    .execute(tx.conn)
    .map_err(storage_error)?;
    let rows: Vec<Counter> = diesel::sql_query(
        "UPDATE member_counters SET last_value = last_value + 1 \
         WHERE tenant_id = $1 RETURNING last_value",
    )
    .bind::<Text, _>(tenant.to_string())
    .load(tx.conn)
    .map_err(storage_error)?;
    rows.first()
        .map(|c| c.last_value)
        .ok_or_else(|| corrupt("member counter missing"))
}
