//! Customers' tiers: qualifying spend from their completed orders, and guarded tier changes
//! recorded beside the customer.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use kedai_core::{StorageError, TenantId};
use kedai_identity::CustomerId;
use kedai_loyalty::{MembershipRepository, TierChange};
use kedai_orders::OrderStatus;

use super::Tx;
use crate::convert::{storage_error, ts};
use crate::schema::{customers, orders, tier_changes};

impl MembershipRepository for Tx<'_> {
    fn qualifying_spend(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        since: DateTime<Utc>,
    ) -> Result<i64, StorageError> {
        // SUM of BIGINT is NUMERIC on PostgreSQL: cast back.
        orders::table
            .filter(orders::tenant_id.eq(tenant.to_string()))
            .filter(orders::customer_id.eq(customer.to_string()))
            .filter(orders::status.eq(OrderStatus::Completed.as_str()))
            .filter(orders::completed_at.ge(ts(since)))
            .select(sql::<BigInt>(
                "CAST(COALESCE(SUM(total_amount_minor - refunded_amount_minor), 0) AS BIGINT)",
            ))
            .first::<i64>(self.conn)
            .map_err(storage_error)
    }

    fn change_tier(&mut self, change: &TierChange) -> Result<bool, StorageError> {
        let target = customers::table
            .filter(customers::tenant_id.eq(change.tenant_id.to_string()))
            .filter(customers::id.eq(change.customer_id.to_string()));
        let set = (
            customers::membership_tier.eq(change.to.as_deref()),
            customers::updated_at.eq(ts(change.at)),
        );
        let moved = match change.from.as_deref() {
            Some(from) => diesel::update(target.filter(customers::membership_tier.eq(from)))
                .set(set)
                .execute(self.conn),
            None => diesel::update(target.filter(customers::membership_tier.is_null()))
                .set(set)
                .execute(self.conn),
        }
        .map_err(storage_error)?;
        if moved != 1 {
            return Ok(false);
        }
        diesel::insert_into(tier_changes::table)
            .values((
                tier_changes::id.eq(change.id.to_string()),
                tier_changes::tenant_id.eq(change.tenant_id.to_string()),
                tier_changes::customer_id.eq(change.customer_id.to_string()),
                tier_changes::from_tier.eq(change.from.as_deref()),
                tier_changes::to_tier.eq(change.to.as_deref()),
                tier_changes::reason.eq(change.reason.as_str()),
                tier_changes::spend_minor.eq(change.spend.map(|s| s.minor())),
                tier_changes::created_at.eq(ts(change.at)),
            ))
            .execute(self.conn)
            .map_err(storage_error)?;
        Ok(true)
    }
}
