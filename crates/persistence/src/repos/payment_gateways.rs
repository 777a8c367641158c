//! Merchants' accounts at payment gateways (Stripe).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kedai_app::payments::{STRIPE, StripeAccount, StripeAccountRepository};
use kedai_core::{StorageError, TenantId};

use super::Tx;
use crate::convert::{parse, storage_error, ts, utc};
use crate::schema::payment_gateways;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = payment_gateways, treat_none_as_null = true)]
struct AccountRow {
    tenant_id: String,
    gateway: String,
    secret_key: String,
    publishable_key: Option<String>,
    webhook_secret: String,
    methods: String,
    return_url: String,
    api_base: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn mine(tenant: TenantId) -> (String, &'static str) {
    (tenant.to_string(), STRIPE)
}

impl StripeAccountRepository for Tx<'_> {
    fn find_stripe_account(
        &mut self,
        tenant: TenantId,
    ) -> Result<Option<StripeAccount>, StorageError> {
        let (t, g) = mine(tenant);
        let row = payment_gateways::table
            .filter(payment_gateways::tenant_id.eq(t))
            .filter(payment_gateways::gateway.eq(g))
            .select(AccountRow::as_select())
            .first::<AccountRow>(self.conn)
            .optional()
            .map_err(storage_error)?;
        row.map(|r| {
            Ok(StripeAccount {
                tenant_id: parse("tenant id", &r.tenant_id)?,
                secret_key: r.secret_key,
                publishable_key: r.publishable_key,
                webhook_secret: r.webhook_secret,
                methods: r.methods.split(',').map(str::to_owned).collect(),
                return_url: r.return_url,
                api_base: r.api_base,
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .transpose()
    }

    fn save_stripe_account(&mut self, a: &StripeAccount) -> Result<(), StorageError> {
        let row = AccountRow {
            tenant_id: a.tenant_id.to_string(),
            gateway: STRIPE.to_owned(),
            secret_key: a.secret_key.clone(),
            publishable_key: a.publishable_key.clone(),
            webhook_secret: a.webhook_secret.clone(),
            methods: a.methods.join(","),
            return_url: a.return_url.clone(),
            api_base: a.api_base.clone(),
            created_at: ts(a.created_at),
            updated_at: ts(a.updated_at),
        };
        let (t, g) = mine(a.tenant_id);
        let changed = diesel::update(
            payment_gateways::table
                .filter(payment_gateways::tenant_id.eq(t))
                .filter(payment_gateways::gateway.eq(g)),
        )
        .set(&row)
        .execute(self.conn)
        .map_err(storage_error)?;
        if changed == 0 {
            diesel::insert_into(payment_gateways::table)
                .values(&row)
                .execute(self.conn)
                .map_err(storage_error)?;
        }
        Ok(())
    }

    fn delete_stripe_account(&mut self, tenant: TenantId) -> Result<bool, StorageError> {
        let (t, g) = mine(tenant);
        diesel::delete(
            payment_gateways::table
                .filter(payment_gateways::tenant_id.eq(t))
                .filter(payment_gateways::gateway.eq(g)),
        )
        .execute(self.conn)
        .map(|n| n == 1)
        .map_err(storage_error)
    }
}
