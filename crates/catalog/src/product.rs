//! Catalogue products: what can be stocked and sold.

use chrono::{DateTime, Utc};
use kedai_core::{Money, ProductId, TenantId};

use crate::CatalogError;
use crate::StorefrontFields;

kedai_core::text_enum! {
    /// Whether a product is on sale.
    #[derive(Default)]
    pub enum ProductStatus ("a product status") {
        /// On sale.
        #[default]
        Active = "active",
        /// Not on sale; still stockable.
        Inactive = "inactive",
    }
}

/// A catalogue product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Integer id.
    pub id: ProductId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name.
    pub name: String,
    /// Stock-keeping unit, unique per tenant among live products.
    pub sku: Option<String>,
    /// Category name.
    pub category: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Selling price.
    pub price: Money,
    /// On sale or not.
    pub status: ProductStatus,
    /// Outlets that sell it (empty: all).
    pub outlet_ids: Vec<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Storefront fields (slug, storefront prices, variation parent, stock tracking).
    pub storefront: StorefrontFields,
}

/// A validated new product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    /// Name.
    pub name: String,
    /// SKU.
    pub sku: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Price.
    pub price: Money,
    /// Status.
    pub status: ProductStatus,
    /// Outlets.
    pub outlet_ids: Vec<String>,
    /// Storefront fields, checked by [`StorefrontFields::apply`] before they are set here.
    pub storefront: StorefrontFields,
}

/// What a product list is narrowed to; empty fields do not narrow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProductFilter {
    /// Any of these statuses (empty: any status).
    pub statuses: Vec<ProductStatus>,
    /// This category, any case.
    pub category: Option<String>,
    /// Products sold at this outlet: listing it, or listing no outlet (sold everywhere).
    pub outlet_id: Option<String>,
    /// Part of the name or SKU, any case.
    pub keyword: Option<String>,
}

/// A partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProductUpdate {
    /// Name.
    pub name: Option<String>,
    /// SKU (`Some(None)` clears it).
    pub sku: Option<Option<String>>,
    /// Category (`Some(None)` clears it).
    pub category: Option<Option<String>>,
    /// Description (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// Price.
    pub price: Option<Money>,
    /// Status.
    pub status: Option<ProductStatus>,
    /// Outlets.
    pub outlet_ids: Option<Vec<String>>,
}

const NAME_MAX: usize = 200;
const SKU_MAX: usize = 64;
const TEXT_MAX: usize = 2000;
const OUTLETS_MAX: usize = 200;

fn invalid(field: &'static str, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        field,
        message: message.into(),
    }
}

fn clean_name(name: &str) -> Result<String, CatalogError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid("name", "must not be empty"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(invalid(
            "name",
            format!("must be at most {NAME_MAX} characters"),
        ));
    }
    Ok(name.to_owned())
}

fn clean_optional(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, CatalogError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(Some(v.to_owned()))
}

fn clean_sku(sku: Option<&str>) -> Result<Option<String>, CatalogError> {
    let sku = clean_optional("sku", sku, SKU_MAX)?;
    if sku
        .as_deref()
        .is_some_and(|s| s.chars().any(char::is_whitespace))
    {
        return Err(invalid("sku", "must not contain spaces"));
    }
    Ok(sku)
}

fn clean_price(price: Money) -> Result<Money, CatalogError> {
    if price.is_negative() {
        return Err(invalid("price", "must not be negative"));
    }
    Ok(price)
}

fn clean_outlets(ids: &[String]) -> Result<Vec<String>, CatalogError> {
    if ids.len() > OUTLETS_MAX {
        return Err(invalid(
            "outlet_ids",
            format!("at most {OUTLETS_MAX} outlets"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.trim();
        if id.is_empty() || id.len() > SKU_MAX {
            return Err(invalid(
                "outlet_ids",
                "each outlet id must be 1 to 64 characters",
            ));
        }
        if !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    Ok(out)
}

impl NewProduct {
    /// Validates and normalises a new product: trimmed name (1–200 characters), optional SKU
    /// without spaces (≤ 64), price not negative, distinct outlet ids.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming the field.
    pub fn new(
        name: &str,
        sku: Option<&str>,
        category: Option<&str>,
        description: Option<&str>,
        price: Money,
        status: ProductStatus,
        outlet_ids: &[String],
    ) -> Result<Self, CatalogError> {
        Ok(Self {
            name: clean_name(name)?,
            sku: clean_sku(sku)?,
            category: clean_optional("category", category, NAME_MAX)?,
            description: clean_optional("description", description, TEXT_MAX)?,
            price: clean_price(price)?,
            status,
            outlet_ids: clean_outlets(outlet_ids)?,
            storefront: StorefrontFields::default(),
        })
    }
}

impl Product {
    /// Whether it can be sold now (active; archived products are never loaded).
    #[must_use]
    pub fn is_on_sale(&self) -> bool {
        self.status == ProductStatus::Active
    }

    /// Applies a validated partial update.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming the field.
    pub fn apply(&mut self, update: ProductUpdate, now: DateTime<Utc>) -> Result<(), CatalogError> {
        if let Some(name) = update.name {
            self.name = clean_name(&name)?;
        }
        if let Some(sku) = update.sku {
            self.sku = clean_sku(sku.as_deref())?;
        }
        if let Some(category) = update.category {
            self.category = clean_optional("category", category.as_deref(), NAME_MAX)?;
        }
        if let Some(description) = update.description {
            self.description = clean_optional("description", description.as_deref(), TEXT_MAX)?;
        }
        if let Some(price) = update.price {
            self.price = clean_price(price)?;
        }
        if let Some(status) = update.status {
            self.status = status;
        }
        if let Some(outlets) = update.outlet_ids {
            self.outlet_ids = clean_outlets(&outlets)?;
        }
        self.updated_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::Currency;

    fn price(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    #[test]
    fn new_products_are_normalised() {
        let p = NewProduct::new(
            "  Iced Latte ",
            Some("DRINK-001"),
            Some("Beverage"),
            None,
            price(1490),
            ProductStatus::Active,
            &["out_101".into(), "out_101".into(), "out_102".into()],
        );
        let p = p.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.name, "Iced Latte");
        assert_eq!(p.outlet_ids, ["out_101", "out_102"]);
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |r: Result<NewProduct, CatalogError>| match r {
            Err(CatalogError::Invalid { field, .. }) => field,
            other => panic!("expected invalid product, got {other:?}"),
        };
        let ok = ProductStatus::Active;
        assert_eq!(
            field(NewProduct::new(" ", None, None, None, price(1), ok, &[])),
            "name"
        );
        assert_eq!(
            field(NewProduct::new(
                &"x".repeat(201),
                None,
                None,
                None,
                price(1),
                ok,
                &[]
            )),
            "name"
        );
        assert_eq!(
            field(NewProduct::new(
                "a",
                Some("A B"),
                None,
                None,
                price(1),
                ok,
                &[]
            )),
            "sku"
        );
        assert_eq!(
            field(NewProduct::new("a", None, None, None, price(-1), ok, &[])),
            "price"
        );
        assert_eq!(
            field(NewProduct::new(
                "a",
                None,
                None,
                None,
                price(1),
                ok,
                &[String::new()]
            )),
            "outlet_ids"
        );
        assert!(NewProduct::new("a", None, None, None, price(0), ok, &[]).is_ok());
    }

    #[test]
    fn statuses_parse() {
        assert_eq!("active".parse::<ProductStatus>(), Ok(ProductStatus::Active));
        assert_eq!(
            "inactive".parse::<ProductStatus>(),
            Ok(ProductStatus::Inactive)
        );
        assert!("archived".parse::<ProductStatus>().is_err());
    }
}
