//! The transactional outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kedai_app::{OutboxEvent, OutboxRepository};
use kedai_core::{StorageError, new_uuid_v7};

use super::Tx;
use crate::convert::{storage_error, ts};
use crate::schema::outbox_events;

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
}
