//! Product images.

use kedai_core::ProductId;

use crate::field::{IMAGE_SIDE_MAX, NAME_MAX, clean_text, invalid};
use crate::{CatalogError, ImageId, check_url};

/// A product image as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductImage {
    /// Id.
    pub id: ImageId,
    /// The product.
    pub product_id: ProductId,
    /// Absolute http(s) URL.
    pub src: String,
    /// Name.
    pub name: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Width in pixels.
    pub width: Option<i64>,
    /// Height in pixels.
    pub height: Option<i64>,
    /// The product's main image.
    pub is_primary: bool,
    /// Display order.
    pub position: i64,
}

/// A validated new image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDraft {
    /// URL.
    pub src: String,
    /// Name.
    pub name: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Width.
    pub width: Option<i64>,
    /// Height.
    pub height: Option<i64>,
    /// Main image.
    pub is_primary: bool,
    /// Display order.
    pub position: i64,
}

impl ImageDraft {
    /// Validates an image given by URL; sides are 1 to [`IMAGE_SIDE_MAX`] pixels.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming the field.
    pub fn new(
        src: &str,
        name: Option<&str>,
        alt: Option<&str>,
        width: Option<i64>,
        height: Option<i64>,
        is_primary: bool,
        position: i64,
    ) -> Result<Self, CatalogError> {
        let src = check_url(src).map_err(|m| invalid("src", m))?;
        for (field, side) in [("width", width), ("height", height)] {
            if side.is_some_and(|s| !(1..=IMAGE_SIDE_MAX).contains(&s)) {
                return Err(invalid(
                    field,
                    format!("must be between 1 and {IMAGE_SIDE_MAX}"),
                ));
            }
        }
        Ok(Self {
            src,
            name: clean_text("name", name, NAME_MAX)?,
            alt: clean_text("alt", alt, NAME_MAX)?,
            width,
            height,
            is_primary,
            position,
        })
    }
}
