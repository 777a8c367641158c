//! Variations: products whose parent is a `variable` product, told apart by option values
//! (`Colour: Red`).

use kedai_core::{ProductId, TenantId};

use crate::field::{OPTION_MAX, VALUES_MAX, clean_text, invalid};
use crate::{CatalogError, OptionId, OptionValueId, Product, ProductType};

/// Why a product cannot take variations, or a variation its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VariationError {
    /// The parent is itself a variation.
    #[error("a variation cannot have variations of its own")]
    ParentIsVariation,
    /// The parent is not a `variable` product.
    #[error("only a `variable` product has variations; change its product_type first")]
    ParentNotVariable,
    /// The parent belongs to another tenant.
    #[error("the parent product belongs to another merchant")]
    OtherTenant,
    /// An option value is not one of the parent's.
    #[error("option value {0} is not a value of the parent product's options")]
    ForeignValue(OptionValueId),
    /// Two values of one option.
    #[error("option {0} is given more than one value")]
    TwoValues(OptionId),
    /// A required option has no value.
    #[error("option {0} is required")]
    MissingRequired(OptionId),
    /// Another variation has exactly these option values.
    #[error("another variation already has these option values")]
    Duplicate,
    /// A parent's type cannot change while it has variations.
    #[error("the product has variations; delete them before changing its type")]
    HasVariations,
}

/// Checks that `parent` may take variations for `tenant`: a `variable` product of the same
/// tenant that is not itself a variation.
///
/// # Errors
/// [`VariationError`] saying why not.
pub fn check_variation_parent(parent: &Product, tenant: TenantId) -> Result<(), VariationError> {
    if parent.tenant_id != tenant {
        return Err(VariationError::OtherTenant);
    }
    if parent.storefront.parent_id.is_some() {
        return Err(VariationError::ParentIsVariation);
    }
    if parent.storefront.product_type != ProductType::Variable {
        return Err(VariationError::ParentNotVariable);
    }
    Ok(())
}

/// One option of a product with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductOption {
    /// Id.
    pub id: OptionId,
    /// The product it belongs to.
    pub product_id: ProductId,
    /// Name (`Colour`).
    pub name: String,
    /// Display order.
    pub position: i64,
    /// Whether every variation must choose a value.
    pub required: bool,
    /// Its values, in display order.
    pub values: Vec<OptionValue>,
}

/// One value of an option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionValue {
    /// Id.
    pub id: OptionValueId,
    /// The option.
    pub option_id: OptionId,
    /// Text (`Red`).
    pub value: String,
    /// Display order.
    pub position: i64,
}

/// Checks the option values chosen for a variation against its parent's options: each value
/// must be one of theirs, at most one per option, every required option answered, and no
/// sibling (`siblings`: the value sets of the parent's other variations) may have the same
/// set. Returns the values sorted and without repeats.
///
/// # Errors
/// [`VariationError`] saying which value or option is wrong.
pub fn check_variation_values(
    options: &[ProductOption],
    chosen: &[OptionValueId],
    siblings: &[Vec<OptionValueId>],
) -> Result<Vec<OptionValueId>, VariationError> {
    let mut values: Vec<OptionValueId> = chosen.to_vec();
    values.sort_unstable();
    values.dedup();
    let mut answered: Vec<OptionId> = Vec::new();
    for v in &values {
        let option = options
            .iter()
            .find(|o| o.values.iter().any(|x| x.id == *v))
            .ok_or(VariationError::ForeignValue(*v))?;
        if answered.contains(&option.id) {
            return Err(VariationError::TwoValues(option.id));
        }
        answered.push(option.id);
    }
    if let Some(missing) = options
        .iter()
        .find(|o| o.required && !answered.contains(&o.id))
    {
        return Err(VariationError::MissingRequired(missing.id));
    }
    if !values.is_empty()
        && siblings.iter().any(|s| {
            let mut s = s.clone();
            s.sort_unstable();
            s.dedup();
            s == values
        })
    {
        return Err(VariationError::Duplicate);
    }
    Ok(values)
}

/// A validated new option with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionDraft {
    /// Name.
    pub name: String,
    /// Display order.
    pub position: i64,
    /// Required of every variation.
    pub required: bool,
    /// Values and their display order.
    pub values: Vec<(String, i64)>,
}

impl OptionDraft {
    /// Validates an option: a name of 1–100 characters, 1–100 values of 1–100 characters
    /// each, distinct in any case. Values without a position take their place in the list.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming the field.
    pub fn new(
        name: &str,
        position: Option<i64>,
        required: Option<bool>,
        values: &[(String, Option<i64>)],
    ) -> Result<Self, CatalogError> {
        let name = clean_text("name", Some(name), OPTION_MAX)?
            .ok_or_else(|| invalid("name", "must not be empty"))?;
        if values.is_empty() {
            return Err(invalid("values", "at least one value is required"));
        }
        if values.len() > VALUES_MAX {
            return Err(invalid("values", format!("at most {VALUES_MAX} values")));
        }
        let mut out: Vec<(String, i64)> = Vec::with_capacity(values.len());
        for (i, (value, pos)) in values.iter().enumerate() {
            let v = clean_text("values", Some(value), OPTION_MAX)?
                .ok_or_else(|| invalid("values", "a value must not be empty"))?;
            if out
                .iter()
                .any(|(o, _)| o.to_lowercase() == v.to_lowercase())
            {
                return Err(invalid("values", format!("`{v}` is given twice")));
            }
            let index = i64::try_from(i).unwrap_or(i64::MAX);
            out.push((v, pos.unwrap_or(index)));
        }
        Ok(Self {
            name,
            position: position.unwrap_or(0),
            required: required.unwrap_or(true),
            values: out,
        })
    }
}
