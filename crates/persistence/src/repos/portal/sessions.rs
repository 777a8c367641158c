//! Customer session families and their refresh tokens: the row, its columns and conversion, and
//! the refresh-token insert that opening and rotating a session share.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::StorageError;
use kedai_identity::SessionFamily;

use crate::convert::{opt_utc, parse, storage_error, ts, utc};
use crate::repos::Tx;
use crate::schema::{customer_refresh_tokens, customer_session_families};

pub(super) type FamilyRow = (
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

pub(super) fn family(
    (id, tenant, customer, created, expires, revoked): FamilyRow,
) -> Result<SessionFamily, StorageError> {
    Ok(SessionFamily {
        id: parse("session id", &id)?,
        tenant_id: parse("tenant id", &tenant)?,
        customer_id: parse("customer id", &customer)?,
        created_at: utc(created),
        expires_at: utc(expires),
        revoked_at: opt_utc(revoked),
    })
}

pub(super) const FAMILY_COLUMNS: (
    customer_session_families::id,
    customer_session_families::tenant_id,
    customer_session_families::customer_id,
    customer_session_families::created_at,
    customer_session_families::expires_at,
    customer_session_families::revoked_at,
) = (
    customer_session_families::id,
    customer_session_families::tenant_id,
    customer_session_families::customer_id,
    customer_session_families::created_at,
    customer_session_families::expires_at,
    customer_session_families::revoked_at,
);

pub(super) fn insert_refresh(
    tx: &mut Tx<'_>,
    f: &SessionFamily,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    diesel::insert_into(customer_refresh_tokens::table)
        .values((
            customer_refresh_tokens::id.eq(kedai_core::id::new_uuid_v7().to_string()),
            customer_refresh_tokens::tenant_id.eq(f.tenant_id.to_string()),
            customer_refresh_tokens::family_id.eq(f.id.to_string()),
            customer_refresh_tokens::token_hash.eq(token_hash),
            customer_refresh_tokens::created_at.eq(ts(now)),
        ))
        .execute(tx.conn)
        .map(drop)
        .map_err(storage_error)
}
