//! The outgoing message log.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kedai_core::{Page, StorageError, TenantId};
use kedai_identity::{MessageFilter, MessageLog, OutgoingMessage};

use crate::convert::{parse, storage_error, ts, utc};
use crate::repos::Tx;
use crate::schema::notifications;

type MessageRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    NaiveDateTime,
);

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
    ) -> Result<(Vec<OutgoingMessage>, i64), StorageError> {
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
            .select((
                notifications::id,
                notifications::tenant_id,
                notifications::kind,
                notifications::channel,
                notifications::recipient,
                notifications::subject,
                notifications::body,
                notifications::reference,
                notifications::created_at,
            ))
            .load::<MessageRow>(self.conn)
            .map_err(storage_error)?;
        let messages = rows
            .into_iter()
            .map(
                |(id, tenant, kind, channel, recipient, subject, body, reference, at)| {
                    Ok(OutgoingMessage {
                        id: parse("message id", &id)?,
                        tenant_id: parse("tenant id", &tenant)?,
                        kind: parse("message kind", &kind)?,
                        channel: parse("channel", &channel)?,
                        recipient,
                        subject,
                        body,
                        reference,
                        created_at: utc(at),
                    })
                },
            )
            .collect::<Result<Vec<_>, StorageError>>()?;
        Ok((messages, total))
    }
}
