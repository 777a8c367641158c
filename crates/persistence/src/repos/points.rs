//! Points: the ledger, each customer's balance beside it, and the merchants' earning rules.
//! A posting moves the balance with one guarded statement (an upsert adding, an update that
//! subtracts only while enough is left) and appends the ledger row with the balance after it,
//! so the balance is the ledger's sum and never goes below zero however many postings race.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use kedai_core::{Money, Page, StorageError, TenantId};
use kedai_identity::CustomerId;
use kedai_loyalty::points::{Credit, ExpiryPosition};
use kedai_loyalty::{
    EarningRule, LedgerFilter, PointsEntry, PointsKind, PointsPosting, PointsRepository, Posted,
};

use super::Tx;
use crate::convert::{
    corrupt, currency, is_unique_violation, opt_utc, parse, storage_error, ts, utc,
};
use crate::schema::{points_balances, points_ledger, points_rules};

#[derive(QueryableByName)]
struct Balance {
    #[diesel(sql_type = BigInt)]
    balance: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = points_ledger)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct EntryRow {
    id: String,
    tenant_id: String,
    customer_id: String,
    delta: i64,
    kind: String,
    reason: String,
    reference: Option<String>,
    actor: Option<String>,
    expires_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    balance_after: i64,
}

impl TryFrom<EntryRow> for PointsEntry {
    type Error = StorageError;

    fn try_from(r: EntryRow) -> Result<Self, StorageError> {
        Ok(Self {
            posting: PointsPosting {
                id: parse("points entry id", &r.id)?,
                tenant_id: parse("tenant id", &r.tenant_id)?,
                customer_id: parse("customer id", &r.customer_id)?,
                delta: r.delta,
                kind: parse("points kind", &r.kind)?,
                reason: r.reason,
                reference: r.reference,
                actor: r.actor,
                expires_at: opt_utc(r.expires_at),
                at: utc(r.created_at),
            },
            balance_after: r.balance_after,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = points_rules)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct RuleRow {
    enabled: bool,
    points: i64,
    per_amount_minor: i64,
    currency: String,
    rounding: String,
    order_types: String,
    channels: String,
    expiry_months: Option<i64>,
}

fn words<T: std::str::FromStr>(what: &str, json: &str) -> Result<Vec<T>, StorageError> {
    let list: Vec<String> = serde_json::from_str(json).map_err(|_| corrupt(what))?;
    list.iter().map(|w| parse(what, w)).collect()
}

fn words_json<T: AsRef<str>>(items: impl Iterator<Item = T>) -> String {
    serde_json::Value::from(
        items
            .map(|t| t.as_ref().to_owned())
            .collect::<Vec<String>>(),
    )
    .to_string()
}

impl TryFrom<RuleRow> for EarningRule {
    type Error = StorageError;

    fn try_from(r: RuleRow) -> Result<Self, StorageError> {
        Ok(Self {
            enabled: r.enabled,
            points: r.points,
            per_amount: Money::from_minor(r.per_amount_minor, currency(&r.currency)?),
            rounding: parse("rounding", &r.rounding)?,
            order_types: words("order types", &r.order_types)?,
            channels: words("channels", &r.channels)?,
            expiry_months: r.expiry_months,
        })
    }
}

impl Tx<'_> {
    fn balance_of(&mut self, tenant: &str, customer: &str) -> Result<i64, StorageError> {
        Ok(points_balances::table
            .filter(points_balances::tenant_id.eq(tenant))
            .filter(points_balances::customer_id.eq(customer))
            .select(points_balances::balance)
            .first::<i64>(self.conn)
            .optional()
            .map_err(storage_error)?
            .unwrap_or(0))
    }

    /// Adds to a balance, creating it; keeps the soonest expiry.
    fn credit(&mut self, p: &PointsPosting) -> Result<i64, StorageError> {
        let rows: Vec<Balance> = diesel::sql_query(
            "INSERT INTO points_balances (tenant_id, customer_id, balance, next_expiry_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id, customer_id) DO UPDATE SET \
               balance = points_balances.balance + excluded.balance, \
               next_expiry_at = CASE \
                 WHEN excluded.next_expiry_at IS NULL THEN points_balances.next_expiry_at \
                 WHEN points_balances.next_expiry_at IS NULL \
                   OR points_balances.next_expiry_at > excluded.next_expiry_at \
                 THEN excluded.next_expiry_at \
                 ELSE points_balances.next_expiry_at END, \
               updated_at = excluded.updated_at \
             RETURNING balance",
        )
        .bind::<Text, _>(p.tenant_id.to_string())
        .bind::<Text, _>(p.customer_id.to_string())
        .bind::<BigInt, _>(p.delta)
        .bind::<Nullable<Timestamp>, _>(p.expires_at.map(ts))
        .bind::<Timestamp, _>(ts(p.at))
        .load(self.conn)
        .map_err(storage_error)?;
        rows.first()
            .map(|b| b.balance)
            .ok_or_else(|| corrupt("points balance upsert returned nothing"))
    }

    /// Takes from a balance while enough is left; `None`, changing nothing, otherwise.
    fn debit(&mut self, p: &PointsPosting) -> Result<Option<i64>, StorageError> {
        let rows: Vec<Balance> = diesel::sql_query(
            // Placeholders in the order they appear: SQLite numbers `$n` by first use.
            "UPDATE points_balances SET balance = balance - $1, updated_at = $2 \
             WHERE tenant_id = $3 AND customer_id = $4 AND balance >= $5 \
             RETURNING balance",
        )
        .bind::<BigInt, _>(-p.delta)
        .bind::<Timestamp, _>(ts(p.at))
        .bind::<Text, _>(p.tenant_id.to_string())
        .bind::<Text, _>(p.customer_id.to_string())
        .bind::<BigInt, _>(-p.delta)
        .load(self.conn)
        .map_err(storage_error)?;
        Ok(rows.first().map(|b| b.balance))
    }
}

impl PointsRepository for Tx<'_> {
    fn post_points(&mut self, p: &PointsPosting) -> Result<Posted, StorageError> {
        let tenant = p.tenant_id.to_string();
        let customer = p.customer_id.to_string();
        if p.kind == PointsKind::Earn && p.reference.is_some() {
            let earned = points_ledger::table
                .filter(points_ledger::tenant_id.eq(&tenant))
                .filter(points_ledger::customer_id.eq(&customer))
                .filter(points_ledger::kind.eq(PointsKind::Earn.as_str()))
                .filter(points_ledger::reference.eq(p.reference.as_deref()))
                .count()
                .get_result::<i64>(self.conn)
                .map_err(storage_error)?;
            if earned > 0 {
                return Ok(Posted::Duplicate);
            }
        }
        let balance_after = if p.delta > 0 {
            self.credit(p)?
        } else {
            match self.debit(p)? {
                Some(b) => b,
                None => {
                    return Ok(Posted::Insufficient {
                        balance: self.balance_of(&tenant, &customer)?,
                    });
                }
            }
        };
        let inserted = diesel::insert_into(points_ledger::table)
            .values((
                points_ledger::id.eq(p.id.to_string()),
                points_ledger::tenant_id.eq(&tenant),
                points_ledger::customer_id.eq(&customer),
                points_ledger::delta.eq(p.delta),
                points_ledger::kind.eq(p.kind.as_str()),
                points_ledger::reason.eq(&p.reason),
                points_ledger::reference.eq(p.reference.as_deref()),
                points_ledger::actor.eq(p.actor.as_deref()),
                points_ledger::expires_at.eq(p.expires_at.map(ts)),
                points_ledger::created_at.eq(ts(p.at)),
                points_ledger::balance_after.eq(balance_after),
            ))
            .execute(self.conn);
        match inserted {
            Ok(_) => Ok(Posted::Done(PointsEntry {
                posting: p.clone(),
                balance_after,
            })),
            // Another completion of the same order earned first: start over, and see it.
            Err(e) if is_unique_violation(&e) => Err(StorageError::retryable(
                "the order's points were earned concurrently",
            )),
            Err(e) => Err(storage_error(e)),
        }
    }

    fn points_balance(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<i64, StorageError> {
        self.balance_of(&tenant.to_string(), &customer.to_string())
    }

    fn points_ledger(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        filter: &LedgerFilter,
        page: Page,
    ) -> Result<(Vec<PointsEntry>, i64), StorageError> {
        let matching = || {
            let mut q = points_ledger::table
                .filter(points_ledger::tenant_id.eq(tenant.to_string()))
                .filter(points_ledger::customer_id.eq(customer.to_string()))
                .into_boxed();
            if let Some(k) = filter.kind {
                q = q.filter(points_ledger::kind.eq(k.as_str()));
            }
            if let Some(r) = &filter.reference {
                q = q.filter(points_ledger::reference.eq(r.clone()));
            }
            if let Some(f) = filter.from {
                q = q.filter(points_ledger::created_at.ge(ts(f)));
            }
            if let Some(t) = filter.to {
                q = q.filter(points_ledger::created_at.lt(ts(t)));
            }
            q
        };
        let total = matching()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = matching()
            .order((points_ledger::created_at.desc(), points_ledger::id.desc()))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select(EntryRow::as_select())
            .load::<EntryRow>(self.conn)
            .map_err(storage_error)?;
        let entries = rows
            .into_iter()
            .map(PointsEntry::try_from)
            .collect::<Result<_, _>>()?;
        Ok((entries, total))
    }

    fn points_for_reference(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        kind: PointsKind,
        reference: &str,
    ) -> Result<i64, StorageError> {
        points_ledger::table
            .filter(points_ledger::tenant_id.eq(tenant.to_string()))
            .filter(points_ledger::customer_id.eq(customer.to_string()))
            .filter(points_ledger::kind.eq(kind.as_str()))
            .filter(points_ledger::reference.eq(reference))
            .select(sql::<BigInt>("CAST(COALESCE(SUM(delta), 0) AS BIGINT)"))
            .first::<i64>(self.conn)
            .map_err(storage_error)
    }

    fn earning_rule(&mut self, tenant: TenantId) -> Result<Option<EarningRule>, StorageError> {
        points_rules::table
            .filter(points_rules::tenant_id.eq(tenant.to_string()))
            .select(RuleRow::as_select())
            .first::<RuleRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(EarningRule::try_from)
            .transpose()
    }

    fn save_earning_rule(
        &mut self,
        tenant: TenantId,
        rule: &EarningRule,
        at: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        diesel::sql_query(
            "INSERT INTO points_rules (tenant_id, enabled, points, per_amount_minor, currency, \
               rounding, order_types, channels, expiry_months, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (tenant_id) DO UPDATE SET enabled = excluded.enabled, \
               points = excluded.points, per_amount_minor = excluded.per_amount_minor, \
               currency = excluded.currency, rounding = excluded.rounding, \
               order_types = excluded.order_types, channels = excluded.channels, \
               expiry_months = excluded.expiry_months, updated_at = excluded.updated_at",
        )
        .bind::<Text, _>(tenant.to_string())
        .bind::<diesel::sql_types::Bool, _>(rule.enabled)
        .bind::<BigInt, _>(rule.points)
        .bind::<BigInt, _>(rule.per_amount.minor())
        .bind::<Text, _>(rule.per_amount.currency().code())
        .bind::<Text, _>(rule.rounding.as_str())
        .bind::<Text, _>(words_json(rule.order_types.iter().map(|t| t.as_str())))
        .bind::<Text, _>(words_json(rule.channels.iter().map(|c| c.as_str())))
        .bind::<Nullable<BigInt>, _>(rule.expiry_months)
        .bind::<Timestamp, _>(ts(at))
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(())
    }

    fn points_expiry_due(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(TenantId, CustomerId)>, StorageError> {
        points_balances::table
            .filter(points_balances::next_expiry_at.le(ts(now)))
            .order(points_balances::next_expiry_at.asc())
            .limit(limit)
            .select((points_balances::tenant_id, points_balances::customer_id))
            .load::<(String, String)>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|(t, c)| Ok((parse("tenant id", &t)?, parse("customer id", &c)?)))
            .collect()
    }

    fn expiry_position(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<(ExpiryPosition, Option<DateTime<Utc>>), StorageError> {
        let tenant = tenant.to_string();
        let customer = customer.to_string();
        let rows = points_ledger::table
            .filter(points_ledger::tenant_id.eq(&tenant))
            .filter(points_ledger::customer_id.eq(&customer))
            .select((points_ledger::delta, points_ledger::expires_at))
            .load::<(i64, Option<NaiveDateTime>)>(self.conn)
            .map_err(storage_error)?;
        let mut position = ExpiryPosition::default();
        for (delta, expires_at) in rows {
            if delta > 0 {
                position.credits.push(Credit {
                    points: delta,
                    expires_at: opt_utc(expires_at),
                });
            } else {
                position.debited -= delta;
            }
        }
        let next = points_balances::table
            .filter(points_balances::tenant_id.eq(&tenant))
            .filter(points_balances::customer_id.eq(&customer))
            .select(points_balances::next_expiry_at)
            .first::<Option<NaiveDateTime>>(self.conn)
            .optional()
            .map_err(storage_error)?
            .flatten();
        Ok((position, opt_utc(next)))
    }

    fn move_next_expiry(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        seen: Option<DateTime<Utc>>,
        next: Option<DateTime<Utc>>,
    ) -> Result<bool, StorageError> {
        let guard = points_balances::table
            .filter(points_balances::tenant_id.eq(tenant.to_string()))
            .filter(points_balances::customer_id.eq(customer.to_string()));
        let changed = match seen {
            Some(s) => diesel::update(guard.filter(points_balances::next_expiry_at.eq(ts(s))))
                .set(points_balances::next_expiry_at.eq(next.map(ts)))
                .execute(self.conn),
            None => diesel::update(guard.filter(points_balances::next_expiry_at.is_null()))
                .set(points_balances::next_expiry_at.eq(next.map(ts)))
                .execute(self.conn),
        }
        .map_err(storage_error)?;
        Ok(changed == 1)
    }
}
