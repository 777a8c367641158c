//! Customers and the figures derived from their points ledger and orders.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};
use kedai_core::{Page, StorageError, TenantId};
use kedai_identity::{
    Customer, CustomerConflict, CustomerFilter, CustomerId, CustomerRepository, CustomerStats,
    Email, Phone,
};

use super::Tx;
use crate::convert::{corrupt, is_unique_violation, opt_utc, parse, storage_error, ts, utc};
use crate::schema::{customers, orders, points_balances};

diesel::define_sql_function! {
    /// SQL `lower`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = customers)]
struct CustomerRow {
    id: String,
    tenant_id: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    birth_date: Option<String>,
    source: Option<String>,
    membership_tier: Option<String>,
    outlet_id: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = customers, treat_none_as_null = true)]
struct CustomerValues<'a> {
    name: &'a str,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    birth_date: Option<String>,
    source: Option<&'a str>,
    membership_tier: Option<&'a str>,
    outlet_id: Option<String>,
    updated_at: NaiveDateTime,
}

impl<'a> CustomerValues<'a> {
    fn of(c: &'a Customer) -> Self {
        Self {
            name: &c.name,
            phone: c.phone.as_ref().map(Phone::as_str),
            email: c.email.as_ref().map(Email::as_str),
            birth_date: c.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
            source: c.source.as_deref(),
            membership_tier: c.membership_tier.as_deref(),
            outlet_id: c.outlet_id.map(|o| o.to_string()),
            updated_at: ts(c.updated_at),
        }
    }
}

impl TryFrom<CustomerRow> for Customer {
    type Error = StorageError;

    fn try_from(r: CustomerRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("customer id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            name: r.name,
            phone: r
                .phone
                .map(|p| Phone::parse(&p).map_err(|_| corrupt("customer phone")))
                .transpose()?,
            email: r
                .email
                .map(|e| Email::parse(&e).map_err(|_| corrupt("customer e-mail")))
                .transpose()?,
            birth_date: r
                .birth_date
                .map(|d| {
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("birth date"))
                })
                .transpose()?,
            source: r.source,
            membership_tier: r.membership_tier,
            outlet_id: r.outlet_id.map(|o| parse("outlet id", &o)).transpose()?,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

/// Which unique index a violation hit: the index names (PostgreSQL) and column lists (SQLite)
/// both name the column.
fn conflict(result: QueryResult<usize>) -> Result<Result<(), CustomerConflict>, StorageError> {
    match result {
        Ok(_) => Ok(Ok(())),
        Err(e) if is_unique_violation(&e) => {
            let text = match &e {
                diesel::result::Error::DatabaseError(_, info) => {
                    format!("{} {:?}", info.message(), info.constraint_name())
                }
                other => other.to_string(),
            };
            if text.contains("email") {
                Ok(Err(CustomerConflict::Email))
            } else {
                Ok(Err(CustomerConflict::Phone))
            }
        }
        Err(e) => Err(storage_error(e)),
    }
}

/// `%keyword%` for LIKE, with LIKE's own wildcards escaped.
fn like_pattern(keyword: &str) -> String {
    let escaped = keyword
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl CustomerRepository for Tx<'_> {
    fn insert_customer(
        &mut self,
        c: &Customer,
    ) -> Result<Result<(), CustomerConflict>, StorageError> {
        conflict(
            diesel::insert_into(customers::table)
                .values((
                    customers::id.eq(c.id.to_string()),
                    customers::tenant_id.eq(c.tenant_id.to_string()),
                    customers::created_at.eq(ts(c.created_at)),
                    CustomerValues::of(c),
                ))
                .execute(self.conn),
        )
    }

    fn find_customer(
        &mut self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, StorageError> {
        customers::table
            .filter(customers::tenant_id.eq(tenant.to_string()))
            .filter(customers::id.eq(id.to_string()))
            .select(CustomerRow::as_select())
            .first::<CustomerRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Customer::try_from)
            .transpose()
    }

    fn update_customer(
        &mut self,
        c: &Customer,
    ) -> Result<Result<(), CustomerConflict>, StorageError> {
        conflict(
            diesel::update(
                customers::table
                    .filter(customers::tenant_id.eq(c.tenant_id.to_string()))
                    .filter(customers::id.eq(c.id.to_string())),
            )
            .set(CustomerValues::of(c))
            .execute(self.conn),
        )
    }

    fn list_customers(
        &mut self,
        tenant: TenantId,
        filter: &CustomerFilter,
        page: Page,
    ) -> Result<(Vec<Customer>, i64), StorageError> {
        let keyword = filter.keyword.as_deref().map(str::to_lowercase);
        let text = keyword.as_deref().map(like_pattern);
        // Phones are stored compact (E.164): match the keyword without its separators too.
        // A keyword of separators only (`-`) has no phone to match: it must not become `%%`.
        let digits = keyword.as_deref().map(|k| {
            let compact: String = k
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
                .collect();
            if compact.is_empty() {
                None
            } else {
                Some(like_pattern(&compact))
            }
        });
        let query = || {
            let mut q = customers::table
                .filter(customers::tenant_id.eq(tenant.to_string()))
                .into_boxed();
            if let (Some(text), Some(digits)) = (&text, &digits) {
                q = q.filter(
                    lower(customers::name)
                        .like(text.clone())
                        .escape('\\')
                        .nullable()
                        .or(customers::email.like(text.clone()).escape('\\'))
                        .or(customers::phone
                            .like(digits.clone().unwrap_or_default())
                            .escape('\\')
                            .and(digits.is_some().into_sql::<diesel::sql_types::Bool>())),
                );
            }
            if let Some(tier) = &filter.membership_tier {
                q = q.filter(customers::membership_tier.eq(tier.clone()));
            }
            if let Some(outlet) = filter.outlet_id {
                q = q.filter(customers::outlet_id.eq(outlet.to_string()));
            }
            q
        };
        let total = query()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = query()
            .order((customers::created_at.desc(), customers::id.desc()))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select(CustomerRow::as_select())
            .load::<CustomerRow>(self.conn)
            .map_err(storage_error)?;
        let customers = rows
            .into_iter()
            .map(Customer::try_from)
            .collect::<Result<_, _>>()?;
        Ok((customers, total))
    }

    fn customer_stats(
        &mut self,
        tenant: TenantId,
        ids: &[CustomerId],
    ) -> Result<Vec<CustomerStats>, StorageError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let tenant = tenant.to_string();
        let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
        // One query per table for the whole page: balances as kept beside the ledger, spend
        // grouped. SUM of BIGINT is NUMERIC on PostgreSQL: cast back so both return BIGINT.
        let points = points_balances::table
            .filter(points_balances::tenant_id.eq(&tenant))
            .filter(points_balances::customer_id.eq_any(&keys))
            .select((points_balances::customer_id, points_balances::balance))
            .load::<(String, i64)>(self.conn)
            .map_err(storage_error)?;
        let spent = orders::table
            .filter(orders::tenant_id.eq(&tenant))
            .filter(orders::customer_id.eq_any(&keys))
            .group_by(orders::customer_id)
            .select((
                orders::customer_id,
                sql::<BigInt>(
                    "CAST(COALESCE(SUM(CASE WHEN paid_at IS NOT NULL \
                     AND status NOT IN ('cancelled', 'refunded') \
                     THEN total_amount_minor - refunded_amount_minor ELSE 0 END), 0) AS BIGINT)",
                ),
                sql::<Nullable<Timestamp>>("MAX(created_at)"),
            ))
            .load::<(Option<String>, i64, Option<NaiveDateTime>)>(self.conn)
            .map_err(storage_error)?;
        Ok(ids
            .iter()
            .map(|id| {
                let key = id.to_string();
                let mut stats = CustomerStats::none(*id);
                if let Some((_, p)) = points.iter().find(|(c, _)| *c == key) {
                    stats.points_balance = *p;
                }
                if let Some((_, total, last)) =
                    spent.iter().find(|(c, ..)| c.as_deref() == Some(&key))
                {
                    stats.total_spent_minor = *total;
                    stats.last_visit_at = opt_utc(*last);
                }
                stats
            })
            .collect())
    }
}
