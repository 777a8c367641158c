//! The catalogue: products and their storefront fields (slug, discount and member prices, SEO
//! text, shipping weight, brand, stock tracking), categories, brands and collections,
//! variations with their options, and images. Pure: no I/O. Stock (lots, FIFO, the ledger) is
//! `kedai-inventory`'s.
//!
//! The prices a storefront shows, and what a member pays:
//!
//! ```
//! use kedai_core::{Currency, Money};
//! use kedai_catalog::{Slug, StorefrontFields};
//!
//! let myr = Currency::from_code("MYR")?;
//! let fields = StorefrontFields {
//!     discount_price: Some(Money::from_minor(1290, myr)),
//!     member_price: Some(Money::from_minor(1190, myr)),
//!     ..StorefrontFields::default()
//! };
//! let prices = fields.prices(Money::from_minor(1490, myr));
//! assert!(prices.on_sale);
//! assert_eq!(prices.charged(false).to_string(), "12.90");
//! assert_eq!(prices.charged(true).to_string(), "11.90");
//! // Slugs are made from names when none is given.
//! assert_eq!(Slug::from_name("Iced Latte (Large)").map(|s| s.to_string()), Some("iced-latte-large".into()));
//! # Ok::<(), kedai_core::MoneyError>(())
//! ```

pub mod category;
mod field;
pub mod filter;
pub mod group;
pub mod ids;
pub mod image;
pub mod listing;
pub mod product;
pub mod repository;
pub mod slug;
pub mod storefront;
pub mod variation;

#[cfg(test)]
mod tests;

pub use category::{Category, NewCategory, creates_cycle};
pub use field::{IMAGE_SIDE_MAX, check_url};
pub use filter::{StorefrontFilter, StorefrontSort};
pub use group::{GroupKind, ProductGroup};
pub use ids::{CategoryId, GroupId, ImageId, OptionId, OptionValueId};
pub use image::{ImageDraft, ProductImage};
pub use listing::{Listing, ListingUpdate};
pub use product::{NewProduct, Product, ProductFilter, ProductStatus, ProductUpdate};
pub use repository::{
    CategoryRepository, GroupRepository, ImageRepository, ProductRepository, Taken,
    VariationRepository,
};
pub use slug::Slug;
pub use storefront::{
    PriceDisplay, ProductType, StockStatus, StorefrontFields, StorefrontUpdate, price_display,
    stock_status,
};
pub use variation::{
    OptionDraft, OptionValue, ProductOption, VariationError, check_variation_parent,
    check_variation_values,
};

/// Why a catalogue change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// A field that is missing or malformed.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}
