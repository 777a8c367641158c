//! Outlets as orders see them: where a sale may be made, and whose orders a caller may see.
//! Cashiers are confined to the outlets they are bound to; everyone else sees every outlet.

use kedai_identity::outlet::sees_all_outlets;
use kedai_identity::{OutletId, OutletStatus};

use crate::{Actor, AppError, FieldError, UnitOfWork};

fn outlet_error(code: &'static str, message: String) -> AppError {
    AppError::Validation {
        code,
        errors: vec![FieldError {
            field: "outlet_id".into(),
            message,
        }],
    }
}

/// Checks an order may be placed at `outlet`: a trading outlet of the tenant that the caller
/// may see. Returns its id in canonical form (lower-case, hyphenated), as orders store it.
///
/// # Errors
/// [`AppError::Validation`] `OUTLET_NOT_FOUND` (unknown, deleted, malformed, another
/// tenant's, or a cashier's other outlet) or `OUTLET_INACTIVE`.
pub fn require_sellable_outlet(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    outlet: &str,
) -> Result<String, AppError> {
    let missing = || outlet_error("OUTLET_NOT_FOUND", format!("no outlet {outlet}"));
    let id: OutletId = outlet.parse().map_err(|_| missing())?;
    let found = match crate::outlets::require_outlet(tx, actor, id) {
        Ok(o) => o,
        Err(AppError::NotFound { .. }) => return Err(missing()),
        Err(e) => return Err(e),
    };
    if found.status != OutletStatus::Active {
        return Err(outlet_error(
            "OUTLET_INACTIVE",
            format!("outlet {outlet} is not trading"),
        ));
    }
    Ok(id.to_string())
}

/// The outlets whose orders the caller may see, or `None` for all of them. Orders without an
/// outlet are visible to everyone who may read orders.
///
/// # Errors
/// [`AppError::Storage`].
pub fn outlet_scope(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
) -> Result<Option<Vec<String>>, AppError> {
    if sees_all_outlets(actor.role) {
        return Ok(None);
    }
    Ok(Some(
        tx.staff_outlets(actor.tenant, actor.staff)?
            .into_iter()
            .map(|o| o.to_string())
            .collect(),
    ))
}
