//! The shared fields of a category, brand or collection: name, slug, description, image, order.

use crate::field::{NAME_MAX, TEXT_MAX, clean_slug, clean_text, invalid};
use crate::{CatalogError, Slug, check_url};

/// The fields of a category or of a brand or collection, as the merchant sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: Option<Slug>,
    /// Description.
    pub description: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Display order.
    pub sort_order: i64,
}

/// A partial change of a [`Listing`]; the slug comes raw.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListingUpdate {
    /// Name.
    pub name: Option<String>,
    /// Slug (`Some(None)` clears it, or derives it anew where one is required).
    pub slug: Option<Option<String>>,
    /// Description.
    pub description: Option<Option<String>>,
    /// Image URL.
    pub image_url: Option<Option<String>>,
    /// Display order.
    pub sort_order: Option<i64>,
}

impl Listing {
    /// Validates a new listing: name 1–200 characters; the slug as given, or made from the
    /// name; description up to 2000 characters; an http(s) image URL.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming the field; `slug` when none is given and
    /// the name gives none (`slug_required`).
    pub fn new(
        name: &str,
        slug: Option<&str>,
        description: Option<&str>,
        image_url: Option<&str>,
        sort_order: Option<i64>,
        slug_required: bool,
    ) -> Result<Self, CatalogError> {
        let name = clean_text("name", Some(name), NAME_MAX)?
            .ok_or_else(|| invalid("name", "must not be empty"))?;
        let slug = match clean_slug("slug", slug)? {
            Some(s) => Some(s),
            None => Slug::from_name(&name),
        };
        if slug_required && slug.is_none() {
            return Err(invalid(
                "slug",
                "is required when the name has no letters or digits to make one from",
            ));
        }
        let image_url = image_url
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(|u| check_url(u).map_err(|m| invalid("image_url", m)))
            .transpose()?;
        Ok(Self {
            description: clean_text("description", description, TEXT_MAX)?,
            name,
            slug,
            image_url,
            sort_order: sort_order.unwrap_or(0),
        })
    }

    /// Applies a change, validating the result as [`Listing::new`] does.
    ///
    /// # Errors
    /// [`CatalogError::Invalid`] naming the field; nothing changes then.
    pub fn apply(&mut self, u: ListingUpdate, slug_required: bool) -> Result<(), CatalogError> {
        let name = u.name.unwrap_or_else(|| self.name.clone());
        let slug = match u.slug {
            None => self.slug.as_ref().map(|s| s.as_str().to_owned()),
            Some(s) => s,
        };
        let description = u.description.unwrap_or_else(|| self.description.clone());
        let image_url = u.image_url.unwrap_or_else(|| self.image_url.clone());
        *self = Self::new(
            &name,
            slug.as_deref(),
            description.as_deref(),
            image_url.as_deref(),
            Some(u.sort_order.unwrap_or(self.sort_order)),
            slug_required,
        )?;
        Ok(())
    }
}
