//! What an order names, as every surface checks it: its customer must be one of the
//! merchant's, its outlet a trading outlet the caller may sell at, and each product one the
//! outlet sells. Cashiers are confined to the outlets they are bound to; everyone else sees
//! every outlet.

use kedai_catalog::Product;
use kedai_core::ErrorCode;
use kedai_identity::outlet::sees_all_outlets;
use kedai_identity::{OutletId, OutletStatus};
use kedai_orders::OrderCustomer;

use crate::{Actor, AppError, FieldError, UnitOfWork};

fn field_error(code: ErrorCode, field: String, message: String) -> AppError {
    AppError::Validation {
        code,
        errors: vec![FieldError { field, message }],
    }
}

/// The customer and outlet an order names, checked.
#[derive(Debug, Clone, Default)]
pub struct OrderParties {
    /// The merchant's customer, when one is named.
    pub customer: Option<OrderCustomer>,
    /// The outlet, in canonical form, when one is named.
    pub outlet_id: Option<String>,
}

/// Checks the customer and the outlet an order names, each only when named. `prefix` is how
/// the surface names their parent object (`""` or `"order_data."`).
///
/// # Errors
/// [`AppError::Validation`] `CUSTOMER_NOT_FOUND` (unknown, malformed or another merchant's),
/// or as [`require_sellable_outlet`].
pub fn check_parties(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    customer_id: Option<&str>,
    outlet_id: Option<&str>,
    prefix: &str,
) -> Result<OrderParties, AppError> {
    let customer = match customer_id {
        Some(id) => Some(
            tx.order_customers(actor.tenant, &[id.to_owned()])?
                .pop()
                .ok_or_else(|| {
                    field_error(
                        ErrorCode::CustomerNotFound,
                        format!("{prefix}customer_id"),
                        format!("no customer {id}"),
                    )
                })?,
        ),
        None => None,
    };
    let outlet_id = match outlet_id {
        Some(outlet) => Some(require_sellable_outlet_as(
            tx,
            actor,
            outlet,
            &format!("{prefix}outlet_id"),
        )?),
        None => None,
    };
    Ok(OrderParties {
        customer,
        outlet_id,
    })
}

/// Checks every product of an order is sold at its outlet: a product bound to outlets sells
/// only there (and never in an order without an outlet). `lines` are the products in request
/// order, reported as `items[i].product_id`.
///
/// # Errors
/// [`AppError::Validation`] `PRODUCT_NOT_AVAILABLE`.
pub fn check_sold_at(
    products: &[Product],
    lines: &[kedai_core::ProductId],
    outlet_id: Option<&str>,
) -> Result<(), AppError> {
    for (i, id) in lines.iter().enumerate() {
        let Some(product) = products.iter().find(|p| p.id == *id) else {
            continue;
        };
        let sold_here = product.outlet_ids.is_empty()
            || outlet_id.is_some_and(|o| product.outlet_ids.iter().any(|p| p == o));
        if !sold_here {
            return Err(field_error(
                ErrorCode::ProductNotAvailable,
                format!("items[{i}].product_id"),
                format!("product {} is not sold at this outlet", product.id),
            ));
        }
    }
    Ok(())
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
    require_sellable_outlet_as(tx, actor, outlet, "outlet_id")
}

fn require_sellable_outlet_as(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    outlet: &str,
    field: &str,
) -> Result<String, AppError> {
    let missing = || {
        field_error(
            ErrorCode::OutletNotFound,
            field.to_owned(),
            format!("no outlet {outlet}"),
        )
    };
    let id: OutletId = outlet.parse().map_err(|_| missing())?;
    let found = match crate::outlets::require_outlet(tx, actor, id) {
        Ok(o) => o,
        Err(AppError::NotFound { .. }) => return Err(missing()),
        Err(e) => return Err(e),
    };
    if found.status != OutletStatus::Active {
        return Err(field_error(
            ErrorCode::OutletInactive,
            field.to_owned(),
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
