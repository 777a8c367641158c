//! The storefront fields every product request carries.

use kedai_app::catalog::StorefrontInput;
use kedai_catalog::{CategoryId, GroupId};

use super::*;
use crate::dto::{Decimal, IntId};
use crate::error::ApiError;

/// The storefront fields of a product request, taken out of it by the struct that
/// `with_storefront_fields!` declares.
#[derive(Debug, Default)]
pub struct StorefrontFieldsRequest {
    slug: Option<Option<String>>,
    short_name: Option<Option<String>>,
    product_type: Option<String>,
    is_featured: Option<bool>,
    discount_price: Option<Option<Decimal>>,
    member_price: Option<Option<Decimal>>,
    seo_title: Option<Option<String>>,
    seo_description: Option<Option<String>>,
    shipping_weight: Option<Option<String>>,
    brand_id: Option<Option<String>>,
    category_ids: Option<Vec<IntId>>,
    collection_ids: Option<Vec<String>>,
    track_inventory: Option<bool>,
    low_stock_threshold: Option<Option<i64>>,
}

/// Declares a product request struct with its own fields followed by the storefront fields
/// (absent fields stay as they are, `null` clears), and `take_storefront` to move those out. The
/// fields are written into each struct rather than flattened, so that a bad value is
/// reported under its own name.
macro_rules! with_storefront_fields {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Storefront path name: lower-case letters and digits in words joined by
            /// hyphens, unique among the merchant's live products, not all digits.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>, example = "iced-latte")]
            pub slug: Option<Option<String>>,
            /// Short display name.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub short_name: Option<Option<String>>,
            /// `simple` (default), `variable` (sold through variations) or `subscription`.
            pub product_type: Option<String>,
            /// Shown in featured lists.
            pub is_featured: Option<bool>,
            /// Discounted price in major units, below `price`.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<f64>)]
            pub discount_price: Option<Option<crate::dto::Decimal>>,
            /// Members' price in major units, not above `price`.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<f64>)]
            pub member_price: Option<Option<crate::dto::Decimal>>,
            /// Page title for search engines.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub seo_title: Option<Option<String>>,
            /// Page description for search engines.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub seo_description: Option<Option<String>>,
            /// Shipping weight as written (`0.5kg`).
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub shipping_weight: Option<Option<String>>,
            /// A brand of the merchant.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<String>)]
            pub brand_id: Option<Option<String>>,
            /// Exactly these categories of the merchant.
            #[schema(value_type = Option<Vec<i64>>)]
            pub category_ids: Option<Vec<crate::dto::IntId>>,
            /// Exactly these collections of the merchant.
            pub collection_ids: Option<Vec<String>>,
            /// Whether stock is counted (default true; untracked products are always in
            /// stock).
            pub track_inventory: Option<bool>,
            /// At or below this many units the product is `low_stock`.
            #[serde(default, deserialize_with = "crate::dto::double_option")]
            #[schema(value_type = Option<i64>)]
            pub low_stock_threshold: Option<Option<i64>>,
        }

        impl $name {
            /// Moves the storefront fields out.
            pub(crate) fn take_storefront(&mut self) -> crate::merchant_v1::catalog::StorefrontFieldsRequest {
                crate::merchant_v1::catalog::StorefrontFieldsRequest::new(
                    self.slug.take(),
                    self.short_name.take(),
                    self.product_type.take(),
                    self.is_featured.take(),
                    self.discount_price.take(),
                    self.member_price.take(),
                    self.seo_title.take(),
                    self.seo_description.take(),
                    self.shipping_weight.take(),
                    self.brand_id.take(),
                    self.category_ids.take(),
                    self.collection_ids.take(),
                    self.track_inventory.take(),
                    self.low_stock_threshold.take(),
                )
            }
        }
    };
}
pub(crate) use with_storefront_fields;

impl StorefrontFieldsRequest {
    /// Gathers the fields.
    #[expect(clippy::too_many_arguments, reason = "one argument per request field")]
    pub(crate) const fn new(
        slug: Option<Option<String>>,
        short_name: Option<Option<String>>,
        product_type: Option<String>,
        is_featured: Option<bool>,
        discount_price: Option<Option<Decimal>>,
        member_price: Option<Option<Decimal>>,
        seo_title: Option<Option<String>>,
        seo_description: Option<Option<String>>,
        shipping_weight: Option<Option<String>>,
        brand_id: Option<Option<String>>,
        category_ids: Option<Vec<IntId>>,
        collection_ids: Option<Vec<String>>,
        track_inventory: Option<bool>,
        low_stock_threshold: Option<Option<i64>>,
    ) -> Self {
        Self {
            slug,
            short_name,
            product_type,
            is_featured,
            discount_price,
            member_price,
            seo_title,
            seo_description,
            shipping_weight,
            brand_id,
            category_ids,
            collection_ids,
            track_inventory,
            low_stock_threshold,
        }
    }

    /// Converts to the use case's input, naming malformed ids.
    pub(crate) fn into_input(self) -> Result<StorefrontInput> {
        Ok(StorefrontInput {
            slug: self.slug,
            short_name: self.short_name,
            product_type: self
                .product_type
                .as_deref()
                .map(|t| ApiError::parse_field("product_type", t))
                .transpose()?,
            is_featured: self.is_featured,
            discount_price: amount(self.discount_price),
            member_price: amount(self.member_price),
            seo_title: self.seo_title,
            seo_description: self.seo_description,
            shipping_weight: self.shipping_weight,
            brand_id: self
                .brand_id
                .map(|b| {
                    b.map(|b| {
                        b.parse::<GroupId>()
                            .map_err(|_| ApiError::invalid("brand_id", "must be a brand id"))
                    })
                    .transpose()
                })
                .transpose()?,
            track_inventory: self.track_inventory,
            low_stock_threshold: self.low_stock_threshold,
            category_ids: self
                .category_ids
                .map(|ids| {
                    ids.into_iter()
                        .enumerate()
                        .map(|(i, c)| int(&format!("category_ids[{i}]"), c, CategoryId::new))
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?,
            collection_ids: self
                .collection_ids
                .map(|ids| {
                    ids.iter()
                        .enumerate()
                        .map(|(i, c)| {
                            c.parse::<GroupId>().map_err(|_| {
                                ApiError::invalid(
                                    format!("collection_ids[{i}]"),
                                    "must be a collection id",
                                )
                            })
                        })
                        .collect::<Result<Vec<_>>>()
                })
                .transpose()?,
        })
    }
}
