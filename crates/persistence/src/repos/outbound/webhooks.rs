//! Webhook endpoints, deliveries and attempts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kedai_core::{Page, StorageError, TenantId};
use kedai_webhooks::{
    Attempt, Delivery, DeliveryFilter, DeliveryId, DeliveryStatus, EndpointId, EventFilter,
    WebhookEndpoint, WebhookRepository,
};

use crate::convert::{corrupt, opt_utc, parse, storage_error, ts, utc};
use crate::repos::Tx;
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhook_endpoints, treat_none_as_null = true)]
struct EndpointRow {
    id: String,
    tenant_id: String,
    url: String,
    description: Option<String>,
    events: String,
    active: bool,
    secret: String,
    previous_secret: Option<String>,
    previous_secret_expires_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl EndpointRow {
    fn of(e: &WebhookEndpoint) -> Self {
        Self {
            id: e.id.to_string(),
            tenant_id: e.tenant_id.to_string(),
            url: e.url.clone(),
            description: e.description.clone(),
            events: e.events.to_names().join(","),
            active: e.active,
            secret: e.secret.clone(),
            previous_secret: e.previous_secret.clone(),
            previous_secret_expires_at: e.previous_secret_expires_at.map(ts),
            created_at: ts(e.created_at),
            updated_at: ts(e.updated_at),
        }
    }
}

impl TryFrom<EndpointRow> for WebhookEndpoint {
    type Error = StorageError;

    fn try_from(r: EndpointRow) -> Result<Self, StorageError> {
        let names: Vec<&str> = r.events.split(',').collect();
        Ok(Self {
            id: parse("endpoint id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            url: r.url,
            description: r.description,
            events: EventFilter::parse(&names)
                .map_err(|e| corrupt(format!("webhook endpoint events: {e}")))?,
            active: r.active,
            secret: r.secret,
            previous_secret: r.previous_secret,
            previous_secret_expires_at: opt_utc(r.previous_secret_expires_at),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
struct DeliveryRow {
    id: String,
    tenant_id: String,
    endpoint_id: String,
    event_id: String,
    event_type: String,
    body: String,
    status: String,
    attempts: i64,
    response_code: Option<i64>,
    latency_ms: Option<i64>,
    response_excerpt: Option<String>,
    error: Option<String>,
    next_attempt_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
}

fn millis(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

impl DeliveryRow {
    fn of(d: &Delivery) -> Self {
        Self {
            id: d.id.to_string(),
            tenant_id: d.tenant_id.to_string(),
            endpoint_id: d.endpoint_id.to_string(),
            event_id: d.event_id.clone(),
            event_type: d.event_type.clone(),
            body: d.body.clone(),
            status: d.status.as_str().to_owned(),
            attempts: i64::from(d.attempts),
            response_code: d.response_code.map(i64::from),
            latency_ms: d.latency_ms.map(millis),
            response_excerpt: d.response_excerpt.clone(),
            error: d.error.clone(),
            next_attempt_at: d.next_attempt_at.map(ts),
            created_at: ts(d.created_at),
            completed_at: d.completed_at.map(ts),
        }
    }
}

fn code(c: Option<i64>) -> Option<u16> {
    c.and_then(|c| u16::try_from(c).ok())
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StorageError;

    fn try_from(r: DeliveryRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("delivery id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            endpoint_id: parse("endpoint id", &r.endpoint_id)?,
            event_id: r.event_id,
            event_type: r.event_type,
            body: r.body,
            status: parse("delivery status", &r.status)?,
            attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
            response_code: code(r.response_code),
            latency_ms: r.latency_ms.and_then(|l| u64::try_from(l).ok()),
            response_excerpt: r.response_excerpt,
            error: r.error,
            next_attempt_at: opt_utc(r.next_attempt_at),
            created_at: utc(r.created_at),
            completed_at: opt_utc(r.completed_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
struct AttemptRow {
    id: String,
    tenant_id: String,
    delivery_id: String,
    number: i64,
    response_code: Option<i64>,
    latency_ms: i64,
    response_excerpt: Option<String>,
    error: Option<String>,
    attempted_at: NaiveDateTime,
}

impl TryFrom<AttemptRow> for Attempt {
    type Error = StorageError;

    fn try_from(r: AttemptRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("attempt id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            delivery_id: parse("delivery id", &r.delivery_id)?,
            number: u32::try_from(r.number).unwrap_or(u32::MAX),
            response_code: code(r.response_code),
            latency_ms: u64::try_from(r.latency_ms).unwrap_or(0),
            response_excerpt: r.response_excerpt,
            error: r.error,
            attempted_at: utc(r.attempted_at),
        })
    }
}

impl WebhookRepository for Tx<'_> {
    fn insert_endpoint(&mut self, endpoint: &WebhookEndpoint) -> Result<(), StorageError> {
        diesel::insert_into(webhook_endpoints::table)
            .values(EndpointRow::of(endpoint))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn endpoints(&mut self, tenant: TenantId) -> Result<Vec<WebhookEndpoint>, StorageError> {
        webhook_endpoints::table
            .filter(webhook_endpoints::tenant_id.eq(tenant.to_string()))
            .order((webhook_endpoints::created_at, webhook_endpoints::id))
            .select(EndpointRow::as_select())
            .load::<EndpointRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(WebhookEndpoint::try_from)
            .collect()
    }

    fn active_endpoints(
        &mut self,
        tenants: &[TenantId],
    ) -> Result<Vec<WebhookEndpoint>, StorageError> {
        let ids: Vec<String> = tenants.iter().map(ToString::to_string).collect();
        webhook_endpoints::table
            .filter(webhook_endpoints::tenant_id.eq_any(ids))
            .filter(webhook_endpoints::active.eq(true))
            .select(EndpointRow::as_select())
            .load::<EndpointRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(WebhookEndpoint::try_from)
            .collect()
    }

    fn find_endpoint(
        &mut self,
        tenant: TenantId,
        id: EndpointId,
    ) -> Result<Option<WebhookEndpoint>, StorageError> {
        webhook_endpoints::table
            .filter(webhook_endpoints::tenant_id.eq(tenant.to_string()))
            .filter(webhook_endpoints::id.eq(id.to_string()))
            .select(EndpointRow::as_select())
            .first::<EndpointRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(WebhookEndpoint::try_from)
            .transpose()
    }

    fn update_endpoint(&mut self, endpoint: &WebhookEndpoint) -> Result<bool, StorageError> {
        let changed = diesel::update(
            webhook_endpoints::table
                .filter(webhook_endpoints::tenant_id.eq(endpoint.tenant_id.to_string()))
                .filter(webhook_endpoints::id.eq(endpoint.id.to_string())),
        )
        .set(EndpointRow::of(endpoint))
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(changed == 1)
    }

    fn delete_endpoint(&mut self, tenant: TenantId, id: EndpointId) -> Result<bool, StorageError> {
        let changed = diesel::delete(
            webhook_endpoints::table
                .filter(webhook_endpoints::tenant_id.eq(tenant.to_string()))
                .filter(webhook_endpoints::id.eq(id.to_string())),
        )
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(changed == 1)
    }

    fn insert_deliveries(&mut self, deliveries: &[Delivery]) -> Result<(), StorageError> {
        if deliveries.is_empty() {
            return Ok(());
        }
        let rows: Vec<DeliveryRow> = deliveries.iter().map(DeliveryRow::of).collect();
        insert_rows!(self.conn, webhook_deliveries::table, rows)
    }

    fn find_delivery(
        &mut self,
        tenant: TenantId,
        id: DeliveryId,
    ) -> Result<Option<Delivery>, StorageError> {
        webhook_deliveries::table
            .filter(webhook_deliveries::tenant_id.eq(tenant.to_string()))
            .filter(webhook_deliveries::id.eq(id.to_string()))
            .select(DeliveryRow::as_select())
            .first::<DeliveryRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Delivery::try_from)
            .transpose()
    }

    fn delivery_with_endpoint(
        &mut self,
        tenant: TenantId,
        id: DeliveryId,
    ) -> Result<Option<(Delivery, WebhookEndpoint)>, StorageError> {
        let row = webhook_deliveries::table
            .inner_join(webhook_endpoints::table)
            .filter(webhook_deliveries::tenant_id.eq(tenant.to_string()))
            .filter(webhook_deliveries::id.eq(id.to_string()))
            .select((DeliveryRow::as_select(), EndpointRow::as_select()))
            .first::<(DeliveryRow, EndpointRow)>(self.conn)
            .optional()
            .map_err(storage_error)?;
        row.map(|(d, e)| Ok((Delivery::try_from(d)?, WebhookEndpoint::try_from(e)?)))
            .transpose()
    }

    fn deliveries(
        &mut self,
        tenant: TenantId,
        filter: &DeliveryFilter,
        page: Page,
    ) -> Result<(Vec<Delivery>, i64), StorageError> {
        let query = || {
            let mut q = webhook_deliveries::table
                .filter(webhook_deliveries::tenant_id.eq(tenant.to_string()))
                .into_boxed();
            if let Some(endpoint) = filter.endpoint_id {
                q = q.filter(webhook_deliveries::endpoint_id.eq(endpoint.to_string()));
            }
            if let Some(status) = filter.status {
                q = q.filter(webhook_deliveries::status.eq(status.as_str()));
            }
            if let Some(event_type) = &filter.event_type {
                q = q.filter(webhook_deliveries::event_type.eq(event_type.clone()));
            }
            q
        };
        let total = query()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = query()
            .order((
                webhook_deliveries::created_at.desc(),
                webhook_deliveries::id.desc(),
            ))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select(DeliveryRow::as_select())
            .load::<DeliveryRow>(self.conn)
            .map_err(storage_error)?;
        let list = rows
            .into_iter()
            .map(Delivery::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((list, total))
    }

    fn record_attempt(&mut self, a: &Attempt, d: &Delivery) -> Result<(), StorageError> {
        diesel::insert_into(webhook_attempts::table)
            .values(AttemptRow {
                id: a.id.to_string(),
                tenant_id: a.tenant_id.to_string(),
                delivery_id: a.delivery_id.to_string(),
                number: i64::from(a.number),
                response_code: a.response_code.map(i64::from),
                latency_ms: millis(a.latency_ms),
                response_excerpt: a.response_excerpt.clone(),
                error: a.error.clone(),
                attempted_at: ts(a.attempted_at),
            })
            .execute(self.conn)
            .map_err(storage_error)?;
        // A settled delivery stays settled: an attempt made by a worker whose lease had passed
        // to another is logged, and changes nothing else.
        diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::tenant_id.eq(d.tenant_id.to_string()))
                .filter(webhook_deliveries::id.eq(d.id.to_string()))
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
        )
        .set((
            webhook_deliveries::status.eq(d.status.as_str()),
            webhook_deliveries::attempts.eq(i64::from(d.attempts)),
            webhook_deliveries::response_code.eq(d.response_code.map(i64::from)),
            webhook_deliveries::latency_ms.eq(d.latency_ms.map(millis)),
            webhook_deliveries::response_excerpt.eq(&d.response_excerpt),
            webhook_deliveries::error.eq(&d.error),
            webhook_deliveries::next_attempt_at.eq(d.next_attempt_at.map(ts)),
            webhook_deliveries::completed_at.eq(d.completed_at.map(ts)),
        ))
        .execute(self.conn)
        .map(drop)
        .map_err(storage_error)
    }

    fn attempts(
        &mut self,
        tenant: TenantId,
        delivery: DeliveryId,
    ) -> Result<Vec<Attempt>, StorageError> {
        webhook_attempts::table
            .filter(webhook_attempts::tenant_id.eq(tenant.to_string()))
            .filter(webhook_attempts::delivery_id.eq(delivery.to_string()))
            .order((webhook_attempts::number, webhook_attempts::attempted_at))
            .select(AttemptRow::as_select())
            .load::<AttemptRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(Attempt::try_from)
            .collect()
    }
}
