//! Idempotency keys.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_app::idempotency::{IdempotencyRepository, KeyScope, StoredKey, StoredResponse};
use kedai_core::{StorageError, TenantId};

use super::Tx;
use crate::convert::{corrupt, is_unique_violation, storage_error, ts, utc};
use crate::schema::idempotency_keys as k;

#[derive(Queryable, Selectable)]
#[diesel(table_name = k)]
struct KeyRow {
    request_hash: String,
    status_code: Option<i32>,
    response_body: Option<String>,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = k)]
struct NewKeyRow<'a> {
    tenant_id: String,
    principal: &'a str,
    idempotency_key: &'a str,
    method: &'a str,
    path: &'a str,
    request_hash: &'a str,
    created_at: NaiveDateTime,
}

macro_rules! scoped {
    ($query:expr, $scope:expr) => {
        $query
            .filter(k::tenant_id.eq($scope.tenant.to_string()))
            .filter(k::principal.eq(&$scope.principal))
            .filter(k::idempotency_key.eq(&$scope.key))
    };
}

impl IdempotencyRepository for Tx<'_> {
    fn find_idempotency_key(
        &mut self,
        scope: &KeyScope,
    ) -> Result<Option<StoredKey>, StorageError> {
        let Some(row) = scoped!(k::table, scope)
            .select(KeyRow::as_select())
            .first::<KeyRow>(self.conn)
            .optional()
            .map_err(storage_error)?
        else {
            return Ok(None);
        };
        let response = match (row.status_code, row.response_body) {
            (Some(status), Some(body)) => Some(StoredResponse {
                status: u16::try_from(status).map_err(|_| corrupt("idempotent status"))?,
                body,
            }),
            _ => None,
        };
        Ok(Some(StoredKey {
            request_hash: row.request_hash,
            response,
            created_at: utc(row.created_at),
        }))
    }

    fn insert_idempotency_key(
        &mut self,
        scope: &KeyScope,
        method: &str,
        path: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let inserted = diesel::insert_into(k::table)
            .values(NewKeyRow {
                tenant_id: scope.tenant.to_string(),
                principal: &scope.principal,
                idempotency_key: &scope.key,
                method,
                path,
                request_hash,
                created_at: ts(now),
            })
            .execute(self.conn);
        match inserted {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(storage_error(e)),
        }
    }

    fn delete_idempotency_key(
        &mut self,
        scope: &KeyScope,
        created_at: Option<DateTime<Utc>>,
    ) -> Result<(), StorageError> {
        let n = match created_at {
            Some(at) => diesel::delete(scoped!(k::table, scope).filter(k::created_at.eq(ts(at))))
                .execute(self.conn),
            None => diesel::delete(scoped!(k::table, scope).filter(k::completed_at.is_null()))
                .execute(self.conn),
        };
        n.map(drop).map_err(storage_error)
    }

    fn purge_idempotency_keys(
        &mut self,
        tenant: TenantId,
        before: DateTime<Utc>,
    ) -> Result<usize, StorageError> {
        diesel::delete(
            k::table
                .filter(k::tenant_id.eq(tenant.to_string()))
                .filter(k::created_at.lt(ts(before))),
        )
        .execute(self.conn)
        .map_err(storage_error)
    }

    fn complete_idempotency_key(
        &mut self,
        scope: &KeyScope,
        request_hash: &str,
        response: &StoredResponse,
        now: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        diesel::update(
            scoped!(k::table, scope)
                .filter(k::request_hash.eq(request_hash))
                .filter(k::completed_at.is_null()),
        )
        .set((
            k::status_code.eq(Some(i32::from(response.status))),
            k::response_body.eq(Some(&response.body)),
            k::completed_at.eq(Some(ts(now))),
        ))
        .execute(self.conn)
        .map(drop)
        .map_err(storage_error)
    }
}
