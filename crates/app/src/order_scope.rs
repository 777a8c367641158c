//! TEMPORARY: replaced when the outlet use cases land.

use crate::{Actor, AppError, UnitOfWork};

/// Checks the outlet.
///
/// # Errors
/// Never.
pub fn require_sellable_outlet(
    _tx: &mut dyn UnitOfWork,
    _actor: &Actor,
    _outlet: &str,
) -> Result<(), AppError> {
    Ok(())
}

/// The outlets the actor is confined to.
///
/// # Errors
/// Never.
pub fn outlet_scope(
    _tx: &mut dyn UnitOfWork,
    _actor: &Actor,
) -> Result<Option<Vec<String>>, AppError> {
    Ok(None)
}
