//! Tenants and staff.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{StorageError, TenantId};
use kedai_identity::{
    Email, NewStaff, NewTenant, Staff, StaffId, StaffRepository, Tenant, TenantRepository,
};

use super::Tx;
use crate::convert::{currency, is_unique_violation, parse, storage_error, ts, utc};
use crate::schema::{staff, tenants};

#[derive(Queryable, Selectable)]
#[diesel(table_name = tenants)]
struct TenantRow {
    id: String,
    name: String,
    currency: String,
    time_zone: String,
    public_order_summary: bool,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = tenants)]
struct NewTenantRow<'a> {
    id: String,
    name: &'a str,
    currency: &'a str,
    time_zone: &'a str,
    public_order_summary: bool,
    created_at: NaiveDateTime,
}

impl TryFrom<TenantRow> for Tenant {
    type Error = StorageError;

    fn try_from(r: TenantRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("tenant id", &r.id)?,
            name: r.name,
            currency: currency(&r.currency)?,
            time_zone: parse("time zone", &r.time_zone)?,
            public_order_summary: r.public_order_summary,
            created_at: utc(r.created_at),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = staff)]
struct StaffRow {
    id: String,
    tenant_id: String,
    email: String,
    name: String,
    role: String,
    password_hash: String,
    active: bool,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = staff)]
struct NewStaffRow<'a> {
    id: String,
    tenant_id: String,
    email: &'a str,
    name: &'a str,
    role: &'a str,
    password_hash: &'a str,
    active: bool,
    created_at: NaiveDateTime,
}

impl TryFrom<StaffRow> for Staff {
    type Error = StorageError;

    fn try_from(r: StaffRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("staff id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            email: Email::parse(&r.email).map_err(|_| crate::convert::corrupt("staff e-mail"))?,
            name: r.name,
            role: parse("role", &r.role)?,
            password_hash: r.password_hash,
            active: r.active,
            created_at: utc(r.created_at),
        })
    }
}

impl TenantRepository for Tx<'_> {
    fn insert_tenant(
        &mut self,
        id: TenantId,
        t: &NewTenant,
        now: DateTime<Utc>,
    ) -> Result<Tenant, StorageError> {
        diesel::insert_into(tenants::table)
            .values(NewTenantRow {
                id: id.to_string(),
                name: &t.name,
                currency: t.currency.code(),
                time_zone: t.time_zone.name(),
                public_order_summary: t.public_order_summary,
                created_at: ts(now),
            })
            .execute(self.conn)
            .map_err(storage_error)?;
        Ok(Tenant {
            id,
            name: t.name.clone(),
            currency: t.currency,
            time_zone: t.time_zone,
            public_order_summary: t.public_order_summary,
            created_at: now,
        })
    }

    fn find_tenant(&mut self, id: TenantId) -> Result<Option<Tenant>, StorageError> {
        tenants::table
            .find(id.to_string())
            .select(TenantRow::as_select())
            .first::<TenantRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Tenant::try_from)
            .transpose()
    }
}

impl StaffRepository for Tx<'_> {
    fn insert_staff(
        &mut self,
        tenant: TenantId,
        id: StaffId,
        s: &NewStaff,
        now: DateTime<Utc>,
    ) -> Result<Result<Staff, ()>, StorageError> {
        let inserted = diesel::insert_into(staff::table)
            .values(NewStaffRow {
                id: id.to_string(),
                tenant_id: tenant.to_string(),
                email: s.email.as_str(),
                name: &s.name,
                role: s.role.as_str(),
                password_hash: &s.password_hash,
                active: true,
                created_at: ts(now),
            })
            .execute(self.conn);
        match inserted {
            Ok(_) => Ok(Ok(Staff {
                id,
                tenant_id: tenant,
                email: s.email.clone(),
                name: s.name.clone(),
                role: s.role,
                password_hash: s.password_hash.clone(),
                active: true,
                created_at: now,
            })),
            Err(e) if is_unique_violation(&e) => Ok(Err(())),
            Err(e) => Err(storage_error(e)),
        }
    }

    fn active_staff_by_email(&mut self, email: &Email) -> Result<Vec<Staff>, StorageError> {
        staff::table
            .filter(staff::email.eq(email.as_str()))
            .filter(staff::active.eq(true))
            .order(staff::created_at)
            .select(StaffRow::as_select())
            .load::<StaffRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(Staff::try_from)
            .collect()
    }
}
