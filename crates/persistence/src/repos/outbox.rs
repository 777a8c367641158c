//! The transactional outbox.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use kedai_app::jobs::StoredEvent;
use kedai_app::{OutboxEvent, OutboxRepository};
use kedai_core::{StorageError, new_uuid_v7};

use super::Tx;
use crate::convert::{corrupt, parse, storage_error, ts, utc};
use crate::db::DbConnection;
use crate::schema::outbox_events;

#[derive(QueryableByName)]
#[diesel(table_name = outbox_events)]
struct EventRow {
    id: String,
    tenant_id: String,
    event_type: String,
    aggregate_id: String,
    payload: String,
    created_at: NaiveDateTime,
}

/// Claims the oldest undispatched events through the partial index
/// `outbox_events_undispatched`; on PostgreSQL rows another worker holds are skipped.
const CLAIM_PG: &str = "UPDATE outbox_events SET dispatched_at = $1 \
     WHERE id IN (SELECT id FROM outbox_events WHERE dispatched_at IS NULL \
                  ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED) \
     RETURNING id, tenant_id, event_type, aggregate_id, payload, created_at";

const CLAIM_SQLITE: &str = "UPDATE outbox_events SET dispatched_at = $1 \
     WHERE id IN (SELECT id FROM outbox_events WHERE dispatched_at IS NULL \
                  ORDER BY created_at LIMIT $2) \
     RETURNING id, tenant_id, event_type, aggregate_id, payload, created_at";

#[derive(Insertable)]
#[diesel(table_name = outbox_events)]
struct NewEventRow<'a> {
    id: String,
    tenant_id: String,
    event_type: &'a str,
    aggregate_id: &'a str,
    payload: String,
    created_at: NaiveDateTime,
}

impl OutboxRepository for Tx<'_> {
    fn append_event(&mut self, e: &OutboxEvent) -> Result<(), StorageError> {
        diesel::insert_into(outbox_events::table)
            .values(NewEventRow {
                id: new_uuid_v7().to_string(),
                tenant_id: e.tenant_id.to_string(),
                event_type: e.event_type,
                aggregate_id: &e.aggregate_id,
                payload: e.payload.to_string(),
                created_at: ts(e.created_at),
            })
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn claim_events(
        &mut self,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredEvent>, StorageError> {
        let sql = if matches!(*self.conn, DbConnection::Pg(_)) {
            CLAIM_PG
        } else {
            CLAIM_SQLITE
        };
        let mut rows = diesel::sql_query(sql)
            .bind::<Timestamp, _>(ts(now))
            .bind::<BigInt, _>(i64::from(limit))
            .load::<EventRow>(self.conn)
            .map_err(storage_error)?;
        rows.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        rows.into_iter()
            .map(|r| {
                Ok(StoredEvent {
                    tenant_id: parse("tenant id", &r.tenant_id)?,
                    payload: serde_json::from_str(&r.payload)
                        .map_err(|e| corrupt(format!("outbox payload: {e}")))?,
                    id: r.id,
                    event_type: r.event_type,
                    aggregate_id: r.aggregate_id,
                    created_at: utc(r.created_at),
                })
            })
            .collect()
    }
}
