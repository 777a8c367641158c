//! A product's storefront fields: its type, slug, prices a storefront shows (discount and
//! member prices), SEO text, shipping weight, brand, stock tracking and featuring, and the stock
//! status shown for it.

use kedai_core::{MAX_QUANTITY, Money, ProductId};

use crate::field::{NAME_MAX, SHORT_MAX, TEXT_MAX, WEIGHT_MAX, clean_slug, clean_text, invalid};
use crate::{CatalogError, GroupId, Slug};

kedai_core::text_enum! {
    /// What kind of product it is.
    #[derive(Default)]
    pub enum ProductType ("a product type") {
        /// Sold as it is.
        #[default]
        Simple = "simple",
        /// Sold through its variations.
        Variable = "variable",
        /// A subscription.
        Subscription = "subscription",
    }
}

kedai_core::text_enum! {
    /// Whether a product can be bought now, as a storefront shows it.
    pub enum StockStatus ("a stock status") {
        /// Enough stock, or stock is not tracked.
        InStock = "in_stock",
        /// At or below the product's low-stock threshold.
        LowStock = "low_stock",
        /// None left.
        OutOfStock = "out_of_stock",
    }
}

/// The stock status of `quantity` available units: products that do not track inventory are
/// always in stock; none left is out of stock; at or below the threshold (when there is one)
/// is low.
#[must_use]
pub fn stock_status(track_inventory: bool, quantity: i64, threshold: Option<i64>) -> StockStatus {
    if !track_inventory {
        StockStatus::InStock
    } else if quantity <= 0 {
        StockStatus::OutOfStock
    } else if threshold.is_some_and(|t| quantity <= t) {
        StockStatus::LowStock
    } else {
        StockStatus::InStock
    }
}

/// The prices a storefront shows for a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceDisplay {
    /// The list price.
    pub price: Money,
    /// The discounted price, when below the list price.
    pub discount_price: Option<Money>,
    /// The members' price.
    pub member_price: Option<Money>,
    /// The list price again (the storefront's `regularPrice`).
    pub regular_price: Money,
    /// The discounted price when the product is on sale.
    pub sale_price: Option<Money>,
    /// Whether a discount applies.
    pub on_sale: bool,
}

impl PriceDisplay {
    /// The unit price a checkout charges, what the storefront shows (`memberPrice ??
    /// discountPrice ?? price`): the sale price while on sale, else the list price; for a
    /// signed-in customer the members' price when it is lower still.
    #[must_use]
    pub fn charged(&self, member: bool) -> Money {
        let shown = self.sale_price.unwrap_or(self.price);
        match self.member_price {
            Some(m) if member && m.minor() < shown.minor() => m,
            _ => shown,
        }
    }
}

/// The prices to show: a discount counts only while it is below the list price.
#[must_use]
pub fn price_display(price: Money, discount: Option<Money>, member: Option<Money>) -> PriceDisplay {
    let sale = discount.filter(|d| d.minor() < price.minor());
    PriceDisplay {
        price,
        discount_price: sale,
        member_price: member,
        regular_price: price,
        sale_price: sale,
        on_sale: sale.is_some(),
    }
}

/// A product's storefront fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorefrontFields {
    /// The storefront path name, unique per tenant among live products.
    pub slug: Option<Slug>,
    /// A short display name.
    pub short_name: Option<String>,
    /// The parent product of a variation.
    pub parent_id: Option<ProductId>,
    /// Simple, variable (sold through variations) or subscription.
    pub product_type: ProductType,
    /// Shown in featured lists.
    pub is_featured: bool,
    /// Discounted price, below the list price.
    pub discount_price: Option<Money>,
    /// Members' price, not above the list price.
    pub member_price: Option<Money>,
    /// Page title for search engines.
    pub seo_title: Option<String>,
    /// Page description for search engines.
    pub seo_description: Option<String>,
    /// Shipping weight as the merchant writes it (`0.5kg`).
    pub shipping_weight: Option<String>,
    /// The brand.
    pub brand_id: Option<GroupId>,
    /// Whether stock is counted (untracked products are always in stock).
    pub track_inventory: bool,
    /// At or below this many units the product is low on stock.
    pub low_stock_threshold: Option<i64>,
}

impl Default for StorefrontFields {
    fn default() -> Self {
        Self {
            slug: None,
            short_name: None,
            parent_id: None,
            product_type: ProductType::Simple,
            is_featured: false,
            discount_price: None,
            member_price: None,
            seo_title: None,
            seo_description: None,
            shipping_weight: None,
            brand_id: None,
            track_inventory: true,
            low_stock_threshold: None,
        }
    }
}

/// A partial change of the storefront fields; `None` leaves a field, `Some(None)` clears it. The
/// slug and the prices come raw and are checked by [`StorefrontFields::apply`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorefrontUpdate {
    /// Slug as given.
    pub slug: Option<Option<String>>,
    /// Short name.
    pub short_name: Option<Option<String>>,
    /// Product type.
    pub product_type: Option<ProductType>,
    /// Featured.
    pub is_featured: Option<bool>,
    /// Discounted price.
    pub discount_price: Option<Option<Money>>,
    /// Members' price.
    pub member_price: Option<Option<Money>>,
    /// SEO title.
    pub seo_title: Option<Option<String>>,
    /// SEO description.
    pub seo_description: Option<Option<String>>,
    /// Shipping weight.
    pub shipping_weight: Option<Option<String>>,
    /// Brand (checked to exist by the caller).
    pub brand_id: Option<Option<GroupId>>,
    /// Track inventory.
    pub track_inventory: Option<bool>,
    /// Low-stock threshold.
    pub low_stock_threshold: Option<Option<i64>>,
}

impl StorefrontFields {
    /// The shipping weight as a number, for clients that read one: the leading decimal of
    /// the merchant's text (`0.5kg` is 0.5, `1,200 g` is 1200), `None` when it has none.
    #[must_use]
    pub fn shipping_weight_number(&self) -> Option<f64> {
        let text = self.shipping_weight.as_deref()?.trim();
        let number: String = text
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .filter(|c| *c != ',')
            .collect();
        number.parse::<f64>().ok().filter(|n| n.is_finite())
    }

    /// Applies a change and checks the result: texts within bounds, slug well formed, prices
    /// not negative, in the product's currency, the discount below `price` and the members'
    /// price not above it, the threshold between 0 and [`MAX_QUANTITY`]; a variation cannot
    /// be made `variable`.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming the field; nothing is changed then.
    pub fn apply(&mut self, update: StorefrontUpdate, price: Money) -> Result<(), CatalogError> {
        let mut next = self.clone();
        if let Some(slug) = update.slug {
            next.slug = clean_slug("slug", slug.as_deref())?;
        }
        if let Some(v) = update.short_name {
            next.short_name = clean_text("short_name", v.as_deref(), SHORT_MAX)?;
        }
        if let Some(t) = update.product_type {
            next.product_type = t;
        }
        if let Some(v) = update.is_featured {
            next.is_featured = v;
        }
        if let Some(v) = update.discount_price {
            next.discount_price = v;
        }
        if let Some(v) = update.member_price {
            next.member_price = v;
        }
        if let Some(v) = update.seo_title {
            next.seo_title = clean_text("seo_title", v.as_deref(), NAME_MAX)?;
        }
        if let Some(v) = update.seo_description {
            next.seo_description = clean_text("seo_description", v.as_deref(), TEXT_MAX)?;
        }
        if let Some(v) = update.shipping_weight {
            next.shipping_weight = clean_text("shipping_weight", v.as_deref(), WEIGHT_MAX)?;
        }
        if let Some(v) = update.brand_id {
            next.brand_id = v;
        }
        if let Some(v) = update.track_inventory {
            next.track_inventory = v;
        }
        if let Some(v) = update.low_stock_threshold {
            next.low_stock_threshold = v;
        }
        next.check(price)?;
        *self = next;
        Ok(())
    }

    /// Checks the fields against the product's list price.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming the field.
    pub fn check(&self, price: Money) -> Result<(), CatalogError> {
        for (field, value) in [
            ("discount_price", self.discount_price),
            ("member_price", self.member_price),
        ] {
            if let Some(v) = value {
                if v.is_negative() {
                    return Err(invalid(field, "must not be negative"));
                }
                if v.currency() != price.currency() {
                    return Err(invalid(field, "must be in the product's currency"));
                }
            }
        }
        if self
            .discount_price
            .is_some_and(|d| d.minor() >= price.minor())
        {
            return Err(invalid("discount_price", "must be below price"));
        }
        if self.member_price.is_some_and(|m| m.minor() > price.minor()) {
            return Err(invalid("member_price", "must not be above price"));
        }
        if self
            .low_stock_threshold
            .is_some_and(|t| !(0..=MAX_QUANTITY).contains(&t))
        {
            return Err(invalid(
                "low_stock_threshold",
                format!("must be between 0 and {MAX_QUANTITY}"),
            ));
        }
        if self.parent_id.is_some() && self.product_type == ProductType::Variable {
            return Err(invalid(
                "product_type",
                "a variation cannot itself have variations",
            ));
        }
        Ok(())
    }

    /// The prices to show for `price`.
    #[must_use]
    pub fn prices(&self, price: Money) -> PriceDisplay {
        price_display(price, self.discount_price, self.member_price)
    }
}
