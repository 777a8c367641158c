//! Listing payment intents.

use kedai_core::Page;

use super::{IntentFilter, IntentRow};
use crate::{Actor, AppError, UnitOfWork};
use kedai_identity::Permission;

/// A page of the tenant's payment intents, newest first.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Storage`].
pub fn list_intents(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    filter: &IntentFilter,
    page: Page,
) -> Result<(Vec<IntentRow>, i64), AppError> {
    actor.require(Permission::OrdersRead)?;
    let filter = IntentFilter {
        outlet_scope: crate::orders::scope::outlet_scope(tx, actor)?,
        ..filter.clone()
    };
    Ok(tx.list_intents(actor.tenant, &filter, page)?)
}
