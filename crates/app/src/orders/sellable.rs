//! Which products an order's lines sell. Staff sell any product on sale that the order's outlet
//! sells (000, 003 §13.1); the storefront sells products on sale online, and a variable product
//! only through one of its variations (004).

use crate::Entity;
use kedai_core::ErrorCode;
use std::collections::BTreeMap;

use kedai_catalog::{Product, ProductRepository, ProductType};
use kedai_core::{Money, ProductId, TenantId};

use crate::{AppError, FieldError};

/// One requested line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceLine {
    /// The product.
    pub product_id: ProductId,
    /// The variation of it to sell (storefront).
    pub variation_id: Option<ProductId>,
    /// Units.
    pub quantity: i64,
    /// The unit price the caller sent: charged for [`kedai_orders::PriceSource::Given`], checked against the
    /// catalogue for [`kedai_orders::PriceSource::Catalogue`].
    pub unit_price: Option<Money>,
    /// The line total the caller computed, checked.
    pub claimed_total: Option<Money>,
}

/// The products of an order being placed.
pub(crate) struct Lines {
    /// Product sold by each line, in request order.
    pub(crate) order: Vec<ProductId>,
    /// The product each line's variation belongs to, when a variation is sold.
    pub(crate) parents: Vec<Option<ProductId>>,
    /// Units wanted per product.
    pub(crate) wanted: BTreeMap<ProductId, i64>,
    /// The products (and the parents of variations), each checked.
    pub(crate) products: Vec<Product>,
}

impl Lines {
    /// The product a line sells.
    pub(crate) fn product(&self, line: usize) -> Option<&Product> {
        let id = self.order.get(line)?;
        self.products.iter().find(|p| p.id == *id)
    }
}

fn units(sold: &[(ProductId, i64)]) -> Result<BTreeMap<ProductId, i64>, AppError> {
    let mut wanted: BTreeMap<ProductId, i64> = BTreeMap::new();
    for (product_id, quantity) in sold {
        let units = wanted.entry(*product_id).or_default();
        *units = units
            .checked_add(*quantity)
            .ok_or_else(|| AppError::invalid("items", "quantity out of range"))?;
    }
    Ok(wanted)
}

/// The products staff sell on the lines: each must exist and be on sale, and be sold at the
/// order's outlet (see [`super::scope::check_sold_at`]).
///
/// # Errors
/// [`AppError::NotFound`] (a product), [`AppError::Conflict`] `PRODUCT_INACTIVE`,
/// [`AppError::Validation`] `PRODUCT_NOT_AVAILABLE`, [`AppError::Storage`].
pub(crate) fn staff_lines(
    tx: &mut dyn ProductRepository,
    tenant: TenantId,
    lines: &[PlaceLine],
    outlet_id: Option<&str>,
) -> Result<Lines, AppError> {
    let sold: Vec<(ProductId, i64)> = lines.iter().map(|l| (l.product_id, l.quantity)).collect();
    let wanted = units(&sold)?;
    let ids: Vec<ProductId> = wanted.keys().copied().collect();
    let products = tx.find_products(tenant, &ids)?;
    for id in &ids {
        match products.iter().find(|p| p.id == *id) {
            None => return Err(AppError::not_found(Entity::Product, id)),
            Some(p) if !p.is_on_sale() => {
                return Err(AppError::conflict(
                    ErrorCode::ProductInactive,
                    format!("product {id} is not on sale"),
                ));
            }
            Some(_) => {}
        }
    }
    let order: Vec<ProductId> = sold.iter().map(|(p, _)| *p).collect();
    super::scope::check_sold_at(&products, &order, outlet_id)?;
    Ok(Lines {
        parents: vec![None; order.len()],
        order,
        wanted,
        products,
    })
}

fn field_error(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> AppError {
    AppError::Validation {
        code,
        errors: vec![FieldError {
            field: field.into(),
            message: message.into(),
        }],
    }
}

/// The products the storefront sells on the lines, read in at most two queries (the named
/// products and variations, then the parents of variations named alone, 004's `variantId`).
///
/// # Errors
/// As [`product_to_sell`]; [`AppError::Storage`].
pub(crate) fn storefront_lines(
    tx: &mut dyn ProductRepository,
    tenant: TenantId,
    lines: &[PlaceLine],
) -> Result<Lines, AppError> {
    let mut ids: Vec<ProductId> = lines.iter().map(|l| l.product_id).collect();
    ids.extend(lines.iter().filter_map(|l| l.variation_id));
    ids.sort_unstable();
    ids.dedup();
    let mut products = tx.find_products(tenant, &ids)?;
    let mut parents: Vec<ProductId> = products
        .iter()
        .filter_map(|p| p.storefront.parent_id)
        .filter(|id| !ids.contains(id))
        .collect();
    parents.sort_unstable();
    parents.dedup();
    if !parents.is_empty() {
        products.extend(tx.find_products(tenant, &parents)?);
    }
    let mut sold = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        sold.push(product_to_sell(&products, line, i)?);
    }
    let wanted = units(
        &sold
            .iter()
            .zip(lines)
            .map(|((id, _), l)| (*id, l.quantity))
            .collect::<Vec<_>>(),
    )?;
    Ok(Lines {
        order: sold.iter().map(|(id, _)| *id).collect(),
        parents: sold.iter().map(|(_, parent)| *parent).collect(),
        wanted,
        products,
    })
}

/// The product a storefront line sells: `variation_id` when given (it must be a variation of
/// `product_id`, or `product_id` itself), else `product_id`. The product sold must be a live
/// product of the tenant, on sale, sold online (not limited to some outlets) and not a
/// `variable` product (those are sold through their variations); a variation also needs its
/// parent on sale. Returns the product sold and, for a variation, its parent.
///
/// # Errors
/// [`AppError::Validation`] `PRODUCT_NOT_FOUND`, `VARIATION_NOT_FOUND`, `VARIATION_REQUIRED`
/// or `PRODUCT_NOT_AVAILABLE`, naming the line's field.
fn product_to_sell(
    products: &[Product],
    line: &PlaceLine,
    index: usize,
) -> Result<(ProductId, Option<ProductId>), AppError> {
    let field = format!("lineItems[{index}].productId");
    let find = |id: ProductId| products.iter().find(|p| p.id == id);
    let product = find(line.product_id).ok_or_else(|| {
        field_error(
            ErrorCode::ProductNotFound,
            &field,
            format!("no product {}", line.product_id),
        )
    })?;
    let sold = match line.variation_id {
        Some(v) if v != product.id => find(v)
            .filter(|variation| variation.storefront.parent_id == Some(product.id))
            .ok_or_else(|| {
                field_error(
                    ErrorCode::VariationNotFound,
                    format!("lineItems[{index}].variationId"),
                    format!("product {} has no variation {v}", product.id),
                )
            })?,
        _ => product,
    };
    let unavailable = |why: String| field_error(ErrorCode::ProductNotAvailable, &field, why);
    if sold.storefront.product_type == ProductType::Variable {
        return Err(field_error(
            ErrorCode::VariationRequired,
            format!("lineItems[{index}].variationId"),
            format!(
                "product {} is sold through its variations: name one",
                sold.id
            ),
        ));
    }
    if !sold.is_on_sale() || !sold.outlet_ids.is_empty() {
        return Err(unavailable(format!(
            "product {} is not on sale online",
            sold.id
        )));
    }
    let parent = sold.storefront.parent_id;
    if let Some(parent_id) = parent {
        let live = find(parent_id).is_some_and(|p| p.is_on_sale() && p.outlet_ids.is_empty());
        if !live {
            return Err(unavailable(format!(
                "product {parent_id} is not on sale online"
            )));
        }
    }
    Ok((sold.id, parent))
}
