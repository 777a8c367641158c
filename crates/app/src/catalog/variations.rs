//! Variations and their options. A variation is a product (own lots, price and stock) whose
//! parent is a `variable` product.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_catalog::*;
use kedai_core::ErrorCode;
use kedai_core::{ProductId, TenantId};
use kedai_identity::Permission;

use super::*;
use crate::{Actor, Amount, AppError, UnitOfWork};

/// A variation with its stock and option values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariationView {
    /// The variation's product row, stock, status and links.
    pub view: ProductView,
    /// Its option values.
    pub values: Vec<OptionValueId>,
    /// `(option name, value)` of each, in the parent's option order.
    pub selected: Vec<(String, String)>,
}

/// A variation as requested; on update, `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct VariationInput {
    /// Name (default: the parent's name and the option values).
    pub name: Option<String>,
    /// SKU.
    pub sku: Option<Option<String>>,
    /// Price (default: the parent's).
    pub price: Option<Amount>,
    /// Status.
    pub status: Option<ProductStatus>,
    /// Option values (exactly these).
    pub option_value_ids: Option<Vec<OptionValueId>>,
    /// Discount and members' prices, weight, stock tracking.
    pub shop: StorefrontInput,
}

fn variation_error(e: VariationError, parent: ProductId) -> AppError {
    match e {
        VariationError::ParentIsVariation => {
            AppError::conflict(ErrorCode::ProductIsVariation, e.to_string())
        }
        VariationError::ParentNotVariable => {
            AppError::conflict(ErrorCode::ProductNotVariable, e.to_string())
        }
        VariationError::OtherTenant => AppError::not_found(Entity::Product, parent),
        VariationError::ForeignValue(_)
        | VariationError::TwoValues(_)
        | VariationError::MissingRequired(_) => {
            AppError::invalid("option_value_ids", e.to_string())
        }
        VariationError::Duplicate => AppError::conflict(ErrorCode::VariationExists, e.to_string()),
        VariationError::HasVariations => {
            AppError::conflict(ErrorCode::ProductHasVariations, e.to_string())
        }
    }
}

pub(super) fn selected_of(
    options: &[ProductOption],
    values: &[OptionValueId],
) -> Vec<(String, String)> {
    options
        .iter()
        .filter_map(|o| {
            o.values
                .iter()
                .find(|v| values.contains(&v.id))
                .map(|v| (o.name.clone(), v.value.clone()))
        })
        .collect()
}

/// The parent's variations with their stock and values, oldest first.
///
/// # Errors
/// [`AppError::Storage`].
pub(super) fn variation_views(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    parent: ProductId,
    options: &[ProductOption],
) -> Result<Vec<VariationView>, AppError> {
    let variations = tx.variations_of(tenant, &[parent])?;
    let ids: Vec<ProductId> = variations.iter().map(|v| v.id).collect();
    let values = tx.variation_values(tenant, &ids)?;
    Ok(views(tx, variations)?
        .into_iter()
        .map(|view| {
            let mine: Vec<OptionValueId> = values
                .iter()
                .filter(|(p, _)| *p == view.product.id)
                .map(|(_, v)| *v)
                .collect();
            VariationView {
                selected: selected_of(options, &mine),
                values: mine,
                view,
            }
        })
        .collect())
}

fn require_parent(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent: ProductId,
) -> Result<Product, AppError> {
    let product = require_product(tx, actor, parent)?;
    check_variation_parent(&product, actor.tenant).map_err(|e| variation_error(e, parent))?;
    Ok(product)
}

fn require_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent: ProductId,
    id: ProductId,
) -> Result<Product, AppError> {
    let v = tx
        .find_product(actor.tenant, id)?
        .filter(|v| v.storefront.parent_id == Some(parent))
        .ok_or_else(|| AppError::not_found(Entity::Variation, id))?;
    Ok(v)
}

/// The variations of a `variable` product.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn list_variations(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent: ProductId,
) -> Result<Vec<VariationView>, AppError> {
    actor.require(Permission::CatalogRead)?;
    let product = require_product(tx, actor, parent)?;
    let options = tx.options_of(actor.tenant, product.id)?;
    variation_views(tx, actor.tenant, parent, &options)
}

fn siblings(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    parent: ProductId,
    except: Option<ProductId>,
) -> Result<Vec<Vec<OptionValueId>>, AppError> {
    let ids: Vec<ProductId> = tx
        .variations_of(tenant, &[parent])?
        .into_iter()
        .map(|v| v.id)
        .filter(|id| Some(*id) != except)
        .collect();
    let values = tx.variation_values(tenant, &ids)?;
    Ok(ids
        .iter()
        .map(|id| {
            values
                .iter()
                .filter(|(p, _)| p == id)
                .map(|(_, v)| *v)
                .collect()
        })
        .collect())
}

fn one_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent: ProductId,
    id: ProductId,
) -> Result<VariationView, AppError> {
    let options = tx.options_of(actor.tenant, parent)?;
    variation_views(tx, actor.tenant, parent, &options)?
        .into_iter()
        .find(|v| v.view.product.id == id)
        .ok_or_else(|| AppError::not_found(Entity::Variation, id))
}

/// Adds a variation to a `variable` product: a product of its own (own lots, price, stock)
/// sold at the parent's outlets, with option values from the parent's options.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`] (parent), [`AppError::Validation`],
/// [`AppError::Conflict`] `PRODUCT_NOT_VARIABLE`, `PRODUCT_IS_VARIATION`, `VARIATION_EXISTS`,
/// `SKU_TAKEN`.
pub fn create_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent_id: ProductId,
    input: &VariationInput,
    now: DateTime<Utc>,
) -> Result<VariationView, AppError> {
    actor.require(Permission::CatalogWrite)?;
    let parent = require_parent(tx, actor, parent_id)?;
    let options = tx.options_of(actor.tenant, parent_id)?;
    let others = siblings(tx, actor.tenant, parent_id, None)?;
    let chosen = input.option_value_ids.clone().unwrap_or_default();
    let values = check_variation_values(&options, &chosen, &others)
        .map_err(|e| variation_error(e, parent_id))?;
    let currency = parent.price.currency();
    let price = match &input.price {
        Some(p) => p.to_money(currency, "price")?,
        None => parent.price,
    };
    let name = match input
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => n.to_owned(),
        None => {
            let picked: Vec<String> = selected_of(&options, &values)
                .into_iter()
                .map(|(_, v)| v)
                .collect();
            if picked.is_empty() {
                parent.name.clone()
            } else {
                format!("{} - {}", parent.name, picked.join(" / "))
            }
        }
    };
    let mut new = NewProduct::new(
        &name,
        input.sku.clone().flatten().as_deref(),
        None,
        None,
        price,
        input.status.unwrap_or_default(),
        &parent.outlet_ids,
    )?;
    new.storefront = StorefrontFields {
        parent_id: Some(parent_id),
        ..StorefrontFields::default()
    };
    if input.shop.product_type == Some(ProductType::Variable) {
        return Err(AppError::invalid(
            "product_type",
            "a variation cannot itself have variations",
        ));
    }
    let update = storefront_update(tx, actor, &input.shop, currency)?;
    new.storefront.apply(update, new.price)?;
    check_slug_free(tx, actor, new.storefront.slug.as_ref(), None)?;
    let id = tx
        .insert_product(actor.tenant, &new, now)?
        .map_err(|t| taken(t, new.sku.as_deref(), new.storefront.slug.as_ref()))?;
    tx.set_variation_values(actor.tenant, id, &values)?;
    one_variation(tx, actor, parent_id, id)
}

/// Changes a variation of `parent`.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::Conflict`] `VARIATION_EXISTS`, `SKU_TAKEN`.
pub fn update_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent_id: ProductId,
    id: ProductId,
    input: &VariationInput,
    now: DateTime<Utc>,
) -> Result<VariationView, AppError> {
    actor.require(Permission::CatalogWrite)?;
    require_product(tx, actor, parent_id)?;
    let mut v = require_variation(tx, actor, parent_id, id)?;
    let currency = v.price.currency();
    let price = match &input.price {
        Some(p) => Some(p.to_money(currency, "price")?),
        None => None,
    };
    v.apply(
        ProductUpdate {
            name: input.name.clone(),
            sku: input.sku.clone(),
            price,
            status: input.status,
            ..ProductUpdate::default()
        },
        now,
    )?;
    let update = storefront_update(tx, actor, &input.shop, currency)?;
    v.storefront.apply(update, v.price)?;
    check_slug_free(tx, actor, v.storefront.slug.as_ref(), Some(id))?;
    let values = match &input.option_value_ids {
        Some(chosen) => {
            let options = tx.options_of(actor.tenant, parent_id)?;
            let others = siblings(tx, actor.tenant, parent_id, Some(id))?;
            Some(
                check_variation_values(&options, chosen, &others)
                    .map_err(|e| variation_error(e, parent_id))?,
            )
        }
        None => None,
    };
    tx.update_product(&v)?
        .map_err(|t| taken(t, v.sku.as_deref(), v.storefront.slug.as_ref()))?;
    if let Some(values) = values {
        tx.set_variation_values(actor.tenant, id, &values)?;
    }
    one_variation(tx, actor, parent_id, id)
}

/// Deletes a variation of `parent`, as products are deleted: refused while it has stock or is
/// on an open order, archived otherwise.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Conflict`] `PRODUCT_IN_USE`.
pub fn delete_variation(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    parent_id: ProductId,
    id: ProductId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::CatalogWrite)?;
    require_product(tx, actor, parent_id)?;
    require_variation(tx, actor, parent_id, id)?;
    crate::catalog::delete_product(tx, actor, id, now)
}

// ---------------------------------------------------------------- options and images

/// Adds an option with its values to a product (not to a variation).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Conflict`]
/// `PRODUCT_IS_VARIATION` or `OPTION_EXISTS`.
pub fn add_option(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    product: ProductId,
    option: &OptionDraft,
    now: DateTime<Utc>,
) -> Result<ProductOption, AppError> {
    actor.require(Permission::CatalogWrite)?;
    let p = require_product(tx, actor, product)?;
    if p.storefront.parent_id.is_some() {
        return Err(AppError::conflict(
            ErrorCode::ProductIsVariation,
            "options belong to the parent product, not to a variation",
        ));
    }
    let id = tx
        .insert_option(actor.tenant, product, option, now)?
        .map_err(|()| {
            AppError::conflict(
                ErrorCode::OptionExists,
                format!("the product already has an option named {}", option.name),
            )
        })?;
    tx.options_of(actor.tenant, product)?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| AppError::not_found(Entity::VariationOption, id))
}
