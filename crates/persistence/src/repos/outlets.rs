//! Outlets.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{Page, StorageError, TenantId};
use kedai_identity::{Outlet, OutletId, OutletRepository};

use super::Tx;
use crate::convert::{is_unique_violation, parse, storage_error, ts, utc};
use crate::schema::{outlets, staff_outlets};

#[derive(Queryable, Selectable)]
#[diesel(table_name = outlets)]
struct OutletRow {
    id: String,
    tenant_id: String,
    name: String,
    code: String,
    address: Option<String>,
    phone: Option<String>,
    status: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = outlets)]
struct NewOutletRow<'a> {
    id: String,
    tenant_id: String,
    name: &'a str,
    code: &'a str,
    address: Option<&'a str>,
    phone: Option<&'a str>,
    status: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<OutletRow> for Outlet {
    type Error = StorageError;

    fn try_from(r: OutletRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("outlet id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            name: r.name,
            code: r.code,
            address: r.address,
            phone: r.phone,
            status: parse("outlet status", &r.status)?,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

fn unique(result: QueryResult<usize>) -> Result<Result<(), ()>, StorageError> {
    match result {
        Ok(_) => Ok(Ok(())),
        Err(e) if is_unique_violation(&e) => Ok(Err(())),
        Err(e) => Err(storage_error(e)),
    }
}

impl OutletRepository for Tx<'_> {
    fn insert_outlet(&mut self, o: &Outlet) -> Result<Result<(), ()>, StorageError> {
        unique(
            diesel::insert_into(outlets::table)
                .values(NewOutletRow {
                    id: o.id.to_string(),
                    tenant_id: o.tenant_id.to_string(),
                    name: &o.name,
                    code: &o.code,
                    address: o.address.as_deref(),
                    phone: o.phone.as_deref(),
                    status: o.status.as_str(),
                    created_at: ts(o.created_at),
                    updated_at: ts(o.updated_at),
                })
                .execute(self.conn),
        )
    }

    fn find_outlet(
        &mut self,
        tenant: TenantId,
        id: OutletId,
    ) -> Result<Option<Outlet>, StorageError> {
        outlets::table
            .filter(outlets::tenant_id.eq(tenant.to_string()))
            .filter(outlets::id.eq(id.to_string()))
            .filter(outlets::deleted_at.is_null())
            .select(OutletRow::as_select())
            .first::<OutletRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Outlet::try_from)
            .transpose()
    }

    fn list_outlets(
        &mut self,
        tenant: TenantId,
        page: Page,
        only: Option<&[OutletId]>,
    ) -> Result<(Vec<Outlet>, i64), StorageError> {
        let tenant = tenant.to_string();
        let only: Option<Vec<String>> =
            only.map(|ids| ids.iter().map(ToString::to_string).collect());
        let (total, rows) = match &only {
            Some(ids) => {
                let live = || {
                    outlets::table
                        .filter(outlets::tenant_id.eq(&tenant))
                        .filter(outlets::deleted_at.is_null())
                        .filter(outlets::id.eq_any(ids))
                };
                let total = live().count().get_result::<i64>(self.conn);
                let rows = live()
                    .order((outlets::created_at, outlets::id))
                    .limit(i64::from(page.limit()))
                    .offset(page.offset())
                    .select(OutletRow::as_select())
                    .load::<OutletRow>(self.conn);
                (total, rows)
            }
            None => {
                let live = || {
                    outlets::table
                        .filter(outlets::tenant_id.eq(&tenant))
                        .filter(outlets::deleted_at.is_null())
                };
                let total = live().count().get_result::<i64>(self.conn);
                let rows = live()
                    .order((outlets::created_at, outlets::id))
                    .limit(i64::from(page.limit()))
                    .offset(page.offset())
                    .select(OutletRow::as_select())
                    .load::<OutletRow>(self.conn);
                (total, rows)
            }
        };
        let total = total.map_err(storage_error)?;
        let outlets = rows
            .map_err(storage_error)?
            .into_iter()
            .map(Outlet::try_from)
            .collect::<Result<_, _>>()?;
        Ok((outlets, total))
    }

    fn update_outlet(&mut self, o: &Outlet) -> Result<Result<(), ()>, StorageError> {
        unique(
            diesel::update(
                outlets::table
                    .filter(outlets::tenant_id.eq(o.tenant_id.to_string()))
                    .filter(outlets::id.eq(o.id.to_string()))
                    .filter(outlets::deleted_at.is_null()),
            )
            .set((
                outlets::name.eq(&o.name),
                outlets::code.eq(&o.code),
                outlets::address.eq(o.address.as_deref()),
                outlets::phone.eq(o.phone.as_deref()),
                outlets::status.eq(o.status.as_str()),
                outlets::updated_at.eq(ts(o.updated_at)),
            ))
            .execute(self.conn),
        )
    }

    fn delete_outlet(
        &mut self,
        tenant: TenantId,
        id: OutletId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let deleted = diesel::update(
            outlets::table
                .filter(outlets::tenant_id.eq(tenant.to_string()))
                .filter(outlets::id.eq(id.to_string()))
                .filter(outlets::deleted_at.is_null()),
        )
        .set((
            outlets::deleted_at.eq(Some(ts(at))),
            outlets::updated_at.eq(ts(at)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        if deleted != 1 {
            return Ok(false);
        }
        diesel::delete(
            staff_outlets::table
                .filter(staff_outlets::tenant_id.eq(tenant.to_string()))
                .filter(staff_outlets::outlet_id.eq(id.to_string())),
        )
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(true)
    }

    fn live_outlets(
        &mut self,
        tenant: TenantId,
        ids: &[OutletId],
    ) -> Result<Vec<OutletId>, StorageError> {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        outlets::table
            .filter(outlets::tenant_id.eq(tenant.to_string()))
            .filter(outlets::deleted_at.is_null())
            .filter(outlets::id.eq_any(&ids))
            .select(outlets::id)
            .load::<String>(self.conn)
            .map_err(storage_error)?
            .iter()
            .map(|id| parse("outlet id", id))
            .collect()
    }
}
