//! Tenants and staff.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{Page, StorageError, TenantId};
use kedai_identity::{
    Email, NewStaff, NewTenant, OutletId, Role, Staff, StaffId, StaffRepository, Tenant,
    TenantRepository, TenantStatus,
};

use super::Tx;
use crate::convert::{
    corrupt, currency, is_unique_violation, opt_utc, parse, storage_error, ts, utc,
};
use crate::schema::{coupons, orders, products, staff, staff_outlets, tenants};

#[derive(Queryable, Selectable)]
#[diesel(table_name = tenants)]
pub(crate) struct TenantRow {
    id: String,
    name: String,
    currency: String,
    time_zone: String,
    public_order_summary: bool,
    created_at: NaiveDateTime,
    business_type: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    status: String,
    updated_at: Option<NaiveDateTime>,
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
            business_type: r.business_type,
            email: r
                .email
                .map(|e| Email::parse(&e).map_err(|_| corrupt("merchant e-mail")))
                .transpose()?,
            phone: r.phone,
            status: parse("merchant status", &r.status)?,
            created_at: utc(r.created_at),
            updated_at: opt_utc(r.updated_at),
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
    updated_at: Option<NaiveDateTime>,
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
            updated_at: opt_utc(r.updated_at),
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
            business_type: None,
            email: None,
            phone: None,
            status: TenantStatus::Active,
            created_at: now,
            updated_at: None,
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

    fn update_tenant_profile(&mut self, t: &Tenant) -> Result<(), StorageError> {
        diesel::update(tenants::table.find(t.id.to_string()))
            .set((
                tenants::name.eq(&t.name),
                tenants::business_type.eq(t.business_type.as_deref()),
                tenants::email.eq(t.email.as_ref().map(Email::as_str)),
                tenants::phone.eq(t.phone.as_deref()),
                tenants::currency.eq(t.currency.code()),
                tenants::time_zone.eq(t.time_zone.name()),
                tenants::updated_at.eq(t.updated_at.map(ts)),
            ))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn tenant_has_priced_records(&mut self, tenant: TenantId) -> Result<bool, StorageError> {
        let id = tenant.to_string();
        let product = products::table
            .filter(products::tenant_id.eq(&id))
            .select(products::id)
            .first::<i64>(self.conn)
            .optional()
            .map_err(storage_error)?;
        if product.is_some() {
            return Ok(true);
        }
        let coupon = coupons::table
            .filter(coupons::tenant_id.eq(&id))
            .select(coupons::id)
            .first::<String>(self.conn)
            .optional()
            .map_err(storage_error)?;
        if coupon.is_some() {
            return Ok(true);
        }
        orders::table
            .filter(orders::tenant_id.eq(&id))
            .select(orders::id)
            .first::<String>(self.conn)
            .optional()
            .map(|o| o.is_some())
            .map_err(storage_error)
    }
}

#[derive(Insertable)]
#[diesel(table_name = staff_outlets)]
struct StaffOutletRow {
    tenant_id: String,
    staff_id: String,
    outlet_id: String,
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
                updated_at: None,
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

    fn find_staff(&mut self, tenant: TenantId, id: StaffId) -> Result<Option<Staff>, StorageError> {
        staff::table
            .filter(staff::tenant_id.eq(tenant.to_string()))
            .filter(staff::id.eq(id.to_string()))
            .select(StaffRow::as_select())
            .first::<StaffRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Staff::try_from)
            .transpose()
    }

    fn list_staff(
        &mut self,
        tenant: TenantId,
        role: Option<Role>,
        page: Page,
    ) -> Result<(Vec<Staff>, i64), StorageError> {
        let tenant = tenant.to_string();
        let roles: Vec<&str> = match role {
            Some(r) => vec![r.as_str()],
            None => Role::ALL.iter().map(|r| r.as_str()).collect(),
        };
        let total = staff::table
            .filter(staff::tenant_id.eq(&tenant))
            .filter(staff::role.eq_any(&roles))
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = staff::table
            .filter(staff::tenant_id.eq(&tenant))
            .filter(staff::role.eq_any(&roles))
            .order((staff::created_at, staff::id))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select(StaffRow::as_select())
            .load::<StaffRow>(self.conn)
            .map_err(storage_error)?;
        let staff = rows
            .into_iter()
            .map(Staff::try_from)
            .collect::<Result<_, _>>()?;
        Ok((staff, total))
    }

    fn lock_tenant_changes(&mut self, tenant: TenantId) -> Result<(), StorageError> {
        // A no-op update takes the tenant row's lock on PostgreSQL until commit; a concurrent
        // owner change waits here and then reads the committed count (read committed).
        diesel::update(tenants::table.find(tenant.to_string()))
            .set(tenants::status.eq(tenants::status))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn count_active_owners(&mut self, tenant: TenantId) -> Result<i64, StorageError> {
        staff::table
            .filter(staff::tenant_id.eq(tenant.to_string()))
            .filter(staff::role.eq(Role::Owner.as_str()))
            .filter(staff::active.eq(true))
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)
    }

    fn update_staff(&mut self, s: &Staff) -> Result<(), StorageError> {
        diesel::update(
            staff::table
                .filter(staff::tenant_id.eq(s.tenant_id.to_string()))
                .filter(staff::id.eq(s.id.to_string())),
        )
        .set((
            staff::name.eq(&s.name),
            staff::role.eq(s.role.as_str()),
            staff::active.eq(s.active),
            staff::updated_at.eq(s.updated_at.map(ts)),
        ))
        .execute(self.conn)
        .map(drop)
        .map_err(storage_error)
    }

    fn staff_outlets(
        &mut self,
        tenant: TenantId,
        staff: StaffId,
    ) -> Result<Vec<OutletId>, StorageError> {
        Ok(self
            .staff_outlets_of(tenant, &[staff])?
            .into_iter()
            .map(|(_, o)| o)
            .collect())
    }

    fn staff_outlets_of(
        &mut self,
        tenant: TenantId,
        staff: &[StaffId],
    ) -> Result<Vec<(StaffId, OutletId)>, StorageError> {
        let ids: Vec<String> = staff.iter().map(ToString::to_string).collect();
        staff_outlets::table
            .filter(staff_outlets::tenant_id.eq(tenant.to_string()))
            .filter(staff_outlets::staff_id.eq_any(&ids))
            .order((staff_outlets::staff_id, staff_outlets::outlet_id))
            .select((staff_outlets::staff_id, staff_outlets::outlet_id))
            .load::<(String, String)>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|(s, o)| Ok((parse("staff id", &s)?, parse("outlet id", &o)?)))
            .collect()
    }

    fn set_staff_outlets(
        &mut self,
        tenant: TenantId,
        staff: StaffId,
        outlets: &[OutletId],
    ) -> Result<(), StorageError> {
        diesel::delete(
            staff_outlets::table
                .filter(staff_outlets::tenant_id.eq(tenant.to_string()))
                .filter(staff_outlets::staff_id.eq(staff.to_string())),
        )
        .execute(self.conn)
        .map_err(storage_error)?;
        for outlet in outlets {
            diesel::insert_into(staff_outlets::table)
                .values(StaffOutletRow {
                    tenant_id: tenant.to_string(),
                    staff_id: staff.to_string(),
                    outlet_id: outlet.to_string(),
                })
                .execute(self.conn)
                .map_err(storage_error)?;
        }
        Ok(())
    }
}
