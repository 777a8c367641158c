//! The outgoing message log, with where each message's sending stands.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kedai_core::{Page, StorageError, TenantId};
use kedai_identity::{MessageDelivery, MessageFilter, MessageId, MessageLog, OutgoingMessage};

use crate::convert::{parse, storage_error, ts, utc};
use crate::repos::Tx;
use crate::schema::notifications;

#[derive(Queryable, Selectable)]
#[diesel(table_name = notifications)]
struct MessageRow {
    id: String,
    tenant_id: String,
    kind: String,
    channel: String,
    recipient: String,
    subject: Option<String>,
    body: String,
    reference: Option<String>,
    created_at: NaiveDateTime,
    delivery_status: String,
    delivery_attempts: i64,
    transport: Option<String>,
    provider_reference: Option<String>,
    delivery_error: Option<String>,
    delivered_at: Option<NaiveDateTime>,
}

impl MessageRow {
    fn into_domain(self) -> Result<(OutgoingMessage, MessageDelivery), StorageError> {
        Ok((
            OutgoingMessage {
                id: parse("message id", &self.id)?,
                tenant_id: parse("tenant id", &self.tenant_id)?,
                kind: parse("message kind", &self.kind)?,
                channel: parse("channel", &self.channel)?,
                recipient: self.recipient,
                subject: self.subject,
                body: self.body,
                reference: self.reference,
                created_at: utc(self.created_at),
            },
            MessageDelivery {
                state: parse("message delivery state", &self.delivery_status)?,
                attempts: u32::try_from(self.delivery_attempts).unwrap_or(u32::MAX),
                transport: self.transport,
                provider_reference: self.provider_reference,
                error: self.delivery_error,
                delivered_at: self.delivered_at.map(utc),
            },
        ))
    }
}

impl MessageLog for Tx<'_> {
    fn record_message(&mut self, m: &OutgoingMessage) -> Result<(), StorageError> {
        diesel::insert_into(notifications::table)
            .values((
                notifications::id.eq(m.id.to_string()),
                notifications::tenant_id.eq(m.tenant_id.to_string()),
                notifications::kind.eq(m.kind.as_str()),
                notifications::channel.eq(m.channel.as_str()),
                notifications::recipient.eq(&m.recipient),
                notifications::subject.eq(&m.subject),
                notifications::body.eq(&m.body),
                notifications::reference.eq(&m.reference),
                notifications::created_at.eq(ts(m.created_at)),
                notifications::delivery_status.eq("queued"),
                notifications::delivery_attempts.eq(0_i64),
            ))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn list_messages(
        &mut self,
        tenant: TenantId,
        filter: &MessageFilter,
        page: Page,
    ) -> Result<(Vec<(OutgoingMessage, MessageDelivery)>, i64), StorageError> {
        let query = || {
            let mut q = notifications::table
                .filter(notifications::tenant_id.eq(tenant.to_string()))
                .into_boxed();
            if let Some(kind) = filter.kind {
                q = q.filter(notifications::kind.eq(kind.as_str()));
            }
            if let Some(r) = &filter.recipient {
                q = q.filter(notifications::recipient.eq(r.clone()));
            }
            q
        };
        let total = query()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = query()
            .order((notifications::created_at.desc(), notifications::id.desc()))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select(MessageRow::as_select())
            .load::<MessageRow>(self.conn)
            .map_err(storage_error)?;
        let messages = rows
            .into_iter()
            .map(MessageRow::into_domain)
            .collect::<Result<Vec<_>, StorageError>>()?;
        Ok((messages, total))
    }

    fn find_message(
        &mut self,
        tenant: TenantId,
        id: MessageId,
    ) -> Result<Option<(OutgoingMessage, MessageDelivery)>, StorageError> {
        notifications::table
            .filter(notifications::tenant_id.eq(tenant.to_string()))
            .filter(notifications::id.eq(id.to_string()))
            .select(MessageRow::as_select())
            .first::<MessageRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(MessageRow::into_domain)
            .transpose()
    }

    fn record_delivery(
        &mut self,
        tenant: TenantId,
        id: MessageId,
        d: &MessageDelivery,
    ) -> Result<(), StorageError> {
        diesel::update(
            notifications::table
                .filter(notifications::tenant_id.eq(tenant.to_string()))
                .filter(notifications::id.eq(id.to_string())),
        )
        .set((
            notifications::delivery_status.eq(d.state.as_str()),
            notifications::delivery_attempts.eq(i64::from(d.attempts)),
            notifications::transport.eq(&d.transport),
            notifications::provider_reference.eq(&d.provider_reference),
            notifications::delivery_error.eq(&d.error),
            notifications::delivered_at.eq(d.delivered_at.map(ts)),
        ))
        .execute(self.conn)
        .map(drop)
        .map_err(storage_error)
    }
}
