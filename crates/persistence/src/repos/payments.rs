//! Payment intents and the mock gateway's sessions. Decisions are guarded updates on the
//! current status, so the first decision wins.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_app::mock_gateway::{MockDecision, MockGatewayRepository, MockSession};
use kedai_app::payments::{
    IntentFilter, IntentRow, IntentStatus, PaymentIntent, PaymentIntentId, PaymentIntentRepository,
};
use kedai_core::{Page, StorageError, TenantId};
use kedai_orders::{OrderId, PaymentId};

use super::Tx;
use crate::convert::{currency, money, opt_utc, parse, storage_error, ts, utc};
use crate::schema::{mock_gateway_sessions, orders, payment_intents};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = payment_intents)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct IntentRecord {
    id: String,
    tenant_id: String,
    order_id: String,
    method: String,
    amount_minor: i64,
    currency: String,
    status: String,
    gateway: String,
    gateway_session: Option<String>,
    gateway_reference: Option<String>,
    payment_id: Option<String>,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
}

impl TryFrom<IntentRecord> for PaymentIntent {
    type Error = StorageError;

    fn try_from(r: IntentRecord) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("payment intent id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            order_id: parse("order id", &r.order_id)?,
            method: r.method,
            amount: money(r.amount_minor, currency(&r.currency)?),
            status: parse::<IntentStatus>("payment intent status", &r.status)?,
            gateway: r.gateway,
            gateway_session: r.gateway_session,
            gateway_reference: r.gateway_reference,
            payment_id: r
                .payment_id
                .map(|p| parse::<PaymentId>("payment id", &p))
                .transpose()?,
            created_by: r.created_by,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            completed_at: opt_utc(r.completed_at),
        })
    }
}

impl From<&PaymentIntent> for IntentRecord {
    fn from(i: &PaymentIntent) -> Self {
        Self {
            id: i.id.to_string(),
            tenant_id: i.tenant_id.to_string(),
            order_id: i.order_id.to_string(),
            method: i.method.clone(),
            amount_minor: i.amount.minor(),
            currency: i.amount.currency().code().to_owned(),
            status: i.status.as_str().to_owned(),
            gateway: i.gateway.clone(),
            gateway_session: i.gateway_session.clone(),
            gateway_reference: i.gateway_reference.clone(),
            payment_id: i.payment_id.map(|p| p.to_string()),
            created_by: i.created_by.clone(),
            created_at: ts(i.created_at),
            updated_at: ts(i.updated_at),
            completed_at: i.completed_at.map(ts),
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mock_gateway_sessions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct MockSessionRow {
    id: String,
    tenant_id: String,
    amount_minor: i64,
    currency: String,
    description: String,
    status: String,
    reference: Option<String>,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
}

impl TryFrom<MockSessionRow> for MockSession {
    type Error = StorageError;

    fn try_from(r: MockSessionRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: r.id,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            amount: money(r.amount_minor, currency(&r.currency)?),
            description: r.description,
            status: parse::<MockDecision>("mock session status", &r.status)?,
            reference: r.reference,
            created_at: utc(r.created_at),
            decided_at: opt_utc(r.decided_at),
        })
    }
}

impl PaymentIntentRepository for Tx<'_> {
    fn insert_intent(&mut self, intent: &PaymentIntent) -> Result<(), StorageError> {
        diesel::insert_into(payment_intents::table)
            .values(IntentRecord::from(intent))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn find_intent(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
    ) -> Result<Option<PaymentIntent>, StorageError> {
        payment_intents::table
            .filter(payment_intents::tenant_id.eq(tenant.to_string()))
            .filter(payment_intents::id.eq(id.to_string()))
            .select(IntentRecord::as_select())
            .first::<IntentRecord>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(PaymentIntent::try_from)
            .transpose()
    }

    fn complete_intent(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
        status: IntentStatus,
        gateway_reference: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(
            payment_intents::table
                .filter(payment_intents::tenant_id.eq(tenant.to_string()))
                .filter(payment_intents::id.eq(id.to_string()))
                .filter(payment_intents::status.eq(IntentStatus::RequiresAction.as_str())),
        )
        .set((
            payment_intents::status.eq(status.as_str()),
            payment_intents::gateway_reference.eq(gateway_reference),
            payment_intents::updated_at.eq(ts(at)),
            payment_intents::completed_at.eq(Some(ts(at))),
        ))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn open_intents(
        &mut self,
        tenant: TenantId,
        order: OrderId,
    ) -> Result<Vec<PaymentIntent>, StorageError> {
        payment_intents::table
            .filter(payment_intents::tenant_id.eq(tenant.to_string()))
            .filter(payment_intents::order_id.eq(order.to_string()))
            .filter(payment_intents::status.eq(IntentStatus::RequiresAction.as_str()))
            .select(IntentRecord::as_select())
            .load::<IntentRecord>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(PaymentIntent::try_from)
            .collect()
    }

    fn intent_by_session(
        &mut self,
        tenant: TenantId,
        gateway: &str,
        session: &str,
    ) -> Result<Option<PaymentIntent>, StorageError> {
        payment_intents::table
            .filter(payment_intents::tenant_id.eq(tenant.to_string()))
            .filter(payment_intents::gateway.eq(gateway))
            .filter(payment_intents::gateway_session.eq(session))
            .select(IntentRecord::as_select())
            .first::<IntentRecord>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(PaymentIntent::try_from)
            .transpose()
    }

    fn cancel_open_intents(
        &mut self,
        tenant: TenantId,
        order: OrderId,
        at: DateTime<Utc>,
    ) -> Result<usize, StorageError> {
        diesel::update(
            payment_intents::table
                .filter(payment_intents::tenant_id.eq(tenant.to_string()))
                .filter(payment_intents::order_id.eq(order.to_string()))
                .filter(payment_intents::status.eq(IntentStatus::RequiresAction.as_str())),
        )
        .set((
            payment_intents::status.eq(IntentStatus::Cancelled.as_str()),
            payment_intents::updated_at.eq(ts(at)),
            payment_intents::completed_at.eq(Some(ts(at))),
        ))
        .execute(self.conn)
        .map_err(storage_error)
    }

    fn attach_intent_session(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
        gateway: &str,
        session: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(
            payment_intents::table
                .filter(payment_intents::tenant_id.eq(tenant.to_string()))
                .filter(payment_intents::id.eq(id.to_string()))
                .filter(payment_intents::status.eq(IntentStatus::RequiresAction.as_str()))
                .filter(payment_intents::gateway_session.is_null()),
        )
        .set((
            payment_intents::gateway.eq(gateway),
            payment_intents::gateway_session.eq(Some(session)),
            payment_intents::updated_at.eq(ts(at)),
        ))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }

    fn attach_intent_payment(
        &mut self,
        tenant: TenantId,
        id: PaymentIntentId,
        payment_id: PaymentId,
    ) -> Result<(), StorageError> {
        diesel::update(
            payment_intents::table
                .filter(payment_intents::tenant_id.eq(tenant.to_string()))
                .filter(payment_intents::id.eq(id.to_string())),
        )
        .set(payment_intents::payment_id.eq(Some(payment_id.to_string())))
        .execute(self.conn)
        .map(drop)
        .map_err(storage_error)
    }

    fn list_intents(
        &mut self,
        tenant: TenantId,
        filter: &IntentFilter,
        page: Page,
    ) -> Result<(Vec<IntentRow>, i64), StorageError> {
        let matching = || {
            let mut q = payment_intents::table
                .filter(payment_intents::tenant_id.eq(tenant.to_string()))
                .into_boxed();
            if let Some(order) = filter.order_id {
                q = q.filter(payment_intents::order_id.eq(order.to_string()));
            }
            if let Some(status) = filter.status {
                q = q.filter(payment_intents::status.eq(status.as_str()));
            }
            if let Some(scope) = &filter.outlet_scope {
                let visible = orders::table
                    .filter(orders::tenant_id.eq(tenant.to_string()))
                    .filter(
                        orders::outlet_id
                            .is_null()
                            .or(orders::outlet_id.eq_any(scope.clone())),
                    )
                    .select(orders::id);
                q = q.filter(payment_intents::order_id.eq_any(visible));
            }
            q
        };
        let total = matching()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let records = matching()
            .order((
                payment_intents::created_at.desc(),
                payment_intents::id.desc(),
            ))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select(IntentRecord::as_select())
            .load::<IntentRecord>(self.conn)
            .map_err(storage_error)?;
        // One more query for every order number on the page.
        let order_ids: Vec<&str> = records.iter().map(|r| r.order_id.as_str()).collect();
        let numbers: HashMap<String, String> = orders::table
            .filter(orders::tenant_id.eq(tenant.to_string()))
            .filter(orders::id.eq_any(&order_ids))
            .select((orders::id, orders::order_number))
            .load::<(String, String)>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .collect();
        let rows = records
            .into_iter()
            .map(|r| {
                let order_number = numbers.get(&r.order_id).cloned().unwrap_or_default();
                PaymentIntent::try_from(r).map(|intent| IntentRow {
                    intent,
                    order_number,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok((rows, total))
    }
}

impl MockGatewayRepository for Tx<'_> {
    fn insert_mock_session(&mut self, s: &MockSession) -> Result<(), StorageError> {
        diesel::insert_into(mock_gateway_sessions::table)
            .values(MockSessionRow {
                id: s.id.clone(),
                tenant_id: s.tenant_id.to_string(),
                amount_minor: s.amount.minor(),
                currency: s.amount.currency().code().to_owned(),
                description: s.description.clone(),
                status: s.status.as_str().to_owned(),
                reference: s.reference.clone(),
                created_at: ts(s.created_at),
                decided_at: s.decided_at.map(ts),
            })
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn find_mock_session(&mut self, id: &str) -> Result<Option<MockSession>, StorageError> {
        mock_gateway_sessions::table
            .filter(mock_gateway_sessions::id.eq(id))
            .select(MockSessionRow::as_select())
            .first::<MockSessionRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(MockSession::try_from)
            .transpose()
    }

    fn decide_mock_session(
        &mut self,
        id: &str,
        decision: MockDecision,
        reference: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        diesel::update(
            mock_gateway_sessions::table
                .filter(mock_gateway_sessions::id.eq(id))
                .filter(mock_gateway_sessions::status.eq(MockDecision::Pending.as_str())),
        )
        .set((
            mock_gateway_sessions::status.eq(decision.as_str()),
            mock_gateway_sessions::reference.eq(reference),
            mock_gateway_sessions::decided_at.eq(Some(ts(at))),
        ))
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }
}
