//! The storefront catalogue's rules: slugs, shop fields of a product, stock status, variations
//! and their options, categories, brands and collections, images, sorting and price display.
//! A variation is itself a product (its own lots, price and stock) whose parent is a `variable`
//! product.

use chrono::{DateTime, Utc};
use kedai_core::{Money, ProductId, TenantId};

use crate::{InventoryError, MAX_QUANTITY, Product};

const SLUG_MAX: usize = 120;
const NAME_MAX: usize = 200;
const SHORT_MAX: usize = 200;
const TEXT_MAX: usize = 2000;
const URL_MAX: usize = 2000;
const WEIGHT_MAX: usize = 32;
const OPTION_MAX: usize = 100;
const VALUES_MAX: usize = 100;
/// Largest image dimension accepted, in pixels.
pub const IMAGE_SIDE_MAX: i64 = 100_000;

fn invalid(field: &'static str, message: impl Into<String>) -> InventoryError {
    InventoryError::InvalidProduct {
        field,
        message: message.into(),
    }
}

use kedai_core::int_id;

int_id!(
    /// A product category.
    CategoryId
);
int_id!(
    /// A product image.
    ImageId
);
int_id!(
    /// A product option (`Colour`).
    OptionId
);
int_id!(
    /// One value of an option (`Red`).
    OptionValueId
);

kedai_core::uuid_id!(
    /// A brand or a collection.
    GroupId
);

/// A URL-safe name: lower-case ASCII letters and digits in words joined by single hyphens,
/// at most 120 characters, and not all digits (a storefront path segment may be a product's
/// integer id instead of its slug).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Reads a slug as given, trimmed and lower-cased.
    ///
    /// # Errors
    /// A message saying what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if s.len() > SLUG_MAX {
            return Err(format!("must be at most {SLUG_MAX} characters"));
        }
        if !s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }) {
            return Err(
                "must be lower-case letters and digits in words joined by single hyphens".into(),
            );
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("must not be only digits".into());
        }
        Ok(Self(s))
    }

    /// A slug made from a name (`"Iced Latte (L)"` → `iced-latte-l`), when the name has
    /// letters or digits it can use.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        let mut out = String::new();
        for c in name.trim().chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let mut out = out.trim_end_matches('-').to_owned();
        if out.len() > SLUG_MAX {
            out.truncate(SLUG_MAX);
            out = out.trim_end_matches('-').to_owned();
        }
        Self::parse(&out).ok()
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

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

kedai_core::text_enum! {
    /// The order of a storefront product list.
    #[derive(Default)]
    pub enum ShopSort ("a sort order") {
        /// By name, A to Z.
        Name = "name",
        /// Cheapest first (the sale price where there is one).
        PriceAsc = "price_asc",
        /// Dearest first.
        PriceDesc = "price_desc",
        /// Newest first (the default).
        #[default]
        Newest = "newest",
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
pub struct ShopFields {
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

impl Default for ShopFields {
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

/// A partial change of the shop fields; `None` leaves a field, `Some(None)` clears it. The
/// slug and the prices come raw and are checked by [`ShopFields::apply`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopUpdate {
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

fn clean_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, InventoryError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(Some(v.to_owned()))
}

fn clean_slug(field: &'static str, value: Option<&str>) -> Result<Option<Slug>, InventoryError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Slug::parse(v).map(Some).map_err(|m| invalid(field, m)),
    }
}

impl ShopFields {
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
    /// [`InventoryError::InvalidProduct`] naming the field; nothing is changed then.
    pub fn apply(&mut self, update: ShopUpdate, price: Money) -> Result<(), InventoryError> {
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
    /// [`InventoryError::InvalidProduct`] naming the field.
    pub fn check(&self, price: Money) -> Result<(), InventoryError> {
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
    if parent.shop.parent_id.is_some() {
        return Err(VariationError::ParentIsVariation);
    }
    if parent.shop.product_type != ProductType::Variable {
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
    /// [`InventoryError::InvalidProduct`] naming the field.
    pub fn new(
        name: &str,
        position: Option<i64>,
        required: Option<bool>,
        values: &[(String, Option<i64>)],
    ) -> Result<Self, InventoryError> {
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

/// Checks an absolute http(s) URL: a scheme of `http` or `https`, a host, no spaces or
/// control characters, at most 2000 characters.
///
/// # Errors
/// A message saying what is wrong.
pub fn check_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    if url.len() > URL_MAX {
        return Err(format!("must be at most {URL_MAX} characters"));
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or("must be an http or https URL")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') || host.starts_with('@') {
        return Err("must name a host".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces".into());
    }
    Ok(url.to_owned())
}

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
    /// [`InventoryError::InvalidProduct`] naming the field.
    pub fn new(
        src: &str,
        name: Option<&str>,
        alt: Option<&str>,
        width: Option<i64>,
        height: Option<i64>,
        is_primary: bool,
        position: i64,
    ) -> Result<Self, InventoryError> {
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

/// A product category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Id.
    pub id: CategoryId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name, slug (unique per tenant when set), description, image and order.
    pub listing: Listing,
    /// The parent category.
    pub parent_id: Option<CategoryId>,
    /// Shown in featured lists.
    pub is_featured: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A validated new category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCategory {
    /// Name, slug, description, image and order.
    pub listing: Listing,
    /// The parent category (checked to exist by the caller).
    pub parent_id: Option<CategoryId>,
    /// Featured.
    pub is_featured: bool,
}

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
    /// [`InventoryError::InvalidProduct`] naming the field; `slug` when none is given and
    /// the name gives none (`slug_required`).
    pub fn new(
        name: &str,
        slug: Option<&str>,
        description: Option<&str>,
        image_url: Option<&str>,
        sort_order: Option<i64>,
        slug_required: bool,
    ) -> Result<Self, InventoryError> {
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
    /// [`InventoryError::InvalidProduct`] naming the field; nothing changes then.
    pub fn apply(&mut self, u: ListingUpdate, slug_required: bool) -> Result<(), InventoryError> {
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

/// Whether making `parent` the parent of category `id` would put a category under itself;
/// `parents` holds every category of the tenant with its current parent.
#[must_use]
pub fn creates_cycle(
    parents: &[(CategoryId, Option<CategoryId>)],
    id: CategoryId,
    parent: CategoryId,
) -> bool {
    let mut at = Some(parent);
    // Each category is visited at most once, so a cycle already stored cannot loop forever.
    for _ in 0..=parents.len() {
        match at {
            None => return false,
            Some(c) if c == id => return true,
            Some(c) => at = parents.iter().find(|(x, _)| *x == c).and_then(|(_, p)| *p),
        }
    }
    true
}

kedai_core::text_enum! {
    /// Brands and collections share one shape.
    pub enum GroupKind ("a product grouping") {
        /// A brand (a product has at most one).
        Brand = "brand",
        /// A collection (a product may be in many).
        Collection = "collection",
    }
}

/// A brand or a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductGroup {
    /// Id.
    pub id: GroupId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Brand or collection.
    pub kind: GroupKind,
    /// Name, slug (always set), description, image and order.
    pub listing: Listing,
    /// Shown on the storefront.
    pub online_enabled: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl ProductGroup {
    /// The slug (brands and collections always have one).
    #[must_use]
    pub fn slug(&self) -> &str {
        self.listing.slug.as_ref().map_or("", Slug::as_str)
    }
}

/// What a storefront product list is narrowed to and how it is ordered. Lists hold only
/// active, live products that are not variations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopFilter {
    /// In the category with this slug.
    pub category_slug: Option<String>,
    /// In this category.
    pub category_id: Option<CategoryId>,
    /// Of the brand with this slug.
    pub brand_slug: Option<String>,
    /// In the collection with this slug.
    pub collection_slug: Option<String>,
    /// Part of the name, short name or SKU, any case.
    pub search: Option<String>,
    /// Featured or not.
    pub featured: Option<bool>,
    /// Order.
    pub sort: ShopSort,
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::Currency;
    use proptest::prelude::*;

    #[test]
    fn checkout_charges_the_price_the_storefront_shows() {
        let m = |minor: i64| {
            Money::from_minor(
                minor,
                kedai_core::Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
            )
        };
        for (discount, member, signed_in, want) in [
            (None, None, false, 1000),
            (None, None, true, 1000),
            (Some(800), None, false, 800),
            (Some(1200), None, false, 1000),
            (None, Some(900), false, 1000),
            (None, Some(900), true, 900),
            (Some(800), Some(900), true, 800),
            (Some(800), Some(700), true, 700),
            (Some(800), Some(700), false, 800),
        ] {
            let shown = price_display(m(1000), discount.map(m), member.map(m));
            assert_eq!(
                shown.charged(signed_in),
                m(want),
                "{discount:?} {member:?} {signed_in}"
            );
        }
    }

    fn myr(minor: i64) -> Money {
        Money::from_minor(
            minor,
            Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn product(tenant: TenantId, shop: ShopFields) -> Product {
        let now = Utc::now();
        Product {
            id: ProductId::new(1).unwrap_or_else(|e| panic!("{e}")),
            tenant_id: tenant,
            name: "Tee".into(),
            sku: None,
            category: None,
            description: None,
            price: myr(1000),
            status: crate::ProductStatus::Active,
            outlet_ids: vec![],
            created_at: now,
            updated_at: now,
            shop,
        }
    }

    #[test]
    fn slugs_are_normalised_and_checked() {
        assert_eq!(
            Slug::parse(" Iced-Latte ").map(|s| s.0),
            Ok("iced-latte".into())
        );
        assert_eq!(Slug::parse("tee-2").map(|s| s.0), Ok("tee-2".into()));
        for bad in [
            "",
            "  ",
            "a b",
            "a--b",
            "-a",
            "a-",
            "a_b",
            "42",
            "café",
            &"a".repeat(121),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Slug::parse(&"a".repeat(120)).is_ok());
    }

    #[test]
    fn slugs_from_names() {
        let from = |n: &str| Slug::from_name(n).map(|s| s.0);
        assert_eq!(from("Iced Latte (L)"), Some("iced-latte-l".into()));
        assert_eq!(from("  --Nike--  "), Some("nike".into()));
        assert_eq!(from("咖啡"), None);
        assert_eq!(from("2024"), None);
        assert_eq!(from(&"ab ".repeat(100)).map(|s| s.len() <= 120), Some(true));
    }

    proptest! {
        #[test]
        fn a_slug_made_from_any_name_is_valid(name in ".{0,300}") {
            if let Some(s) = Slug::from_name(&name) {
                prop_assert_eq!(Slug::parse(s.as_str()), Ok(s.clone()));
            }
        }
    }

    #[test]
    fn stock_statuses() {
        use StockStatus::*;
        for (track, qty, threshold, want) in [
            (false, 0, None, InStock),
            (false, -3, Some(5), InStock),
            (true, 0, None, OutOfStock),
            (true, 0, Some(5), OutOfStock),
            (true, 1, None, InStock),
            (true, 5, Some(5), LowStock),
            (true, 6, Some(5), InStock),
            (true, 1, Some(0), InStock),
        ] {
            assert_eq!(
                stock_status(track, qty, threshold),
                want,
                "{track} {qty} {threshold:?}"
            );
        }
        assert_eq!(StockStatus::LowStock.as_str(), "low_stock");
    }

    #[test]
    fn sorts_parse() {
        for (text, want) in [
            ("name", ShopSort::Name),
            ("price_asc", ShopSort::PriceAsc),
            ("price_desc", ShopSort::PriceDesc),
            ("newest", ShopSort::Newest),
        ] {
            assert_eq!(text.parse::<ShopSort>(), Ok(want));
        }
        assert!("cheapest".parse::<ShopSort>().is_err());
        assert_eq!(ShopSort::default(), ShopSort::Newest);
    }

    #[test]
    fn prices_to_show() {
        let p = price_display(myr(1000), Some(myr(800)), Some(myr(700)));
        assert!(p.on_sale);
        assert_eq!(p.sale_price, Some(myr(800)));
        assert_eq!(p.regular_price, myr(1000));
        let p = price_display(myr(1000), Some(myr(1000)), None);
        assert!(!p.on_sale);
        assert_eq!((p.sale_price, p.discount_price), (None, None));
        let p = price_display(myr(1000), None, None);
        assert!(!p.on_sale);
    }

    #[test]
    fn shop_fields_are_checked_whole() {
        let mut f = ShopFields::default();
        let ok = ShopUpdate {
            slug: Some(Some("Tee".into())),
            discount_price: Some(Some(myr(900))),
            member_price: Some(Some(myr(1000))),
            low_stock_threshold: Some(Some(3)),
            ..ShopUpdate::default()
        };
        assert_eq!(f.apply(ok, myr(1000)), Ok(()));
        assert_eq!(f.slug.as_ref().map(Slug::as_str), Some("tee"));
        let field = |u: ShopUpdate, f: &mut ShopFields| match f.apply(u, myr(1000)) {
            Err(InventoryError::InvalidProduct { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        };
        let before = f.clone();
        for (u, want) in [
            (
                ShopUpdate {
                    discount_price: Some(Some(myr(1000))),
                    ..ShopUpdate::default()
                },
                "discount_price",
            ),
            (
                ShopUpdate {
                    discount_price: Some(Some(myr(-1))),
                    ..ShopUpdate::default()
                },
                "discount_price",
            ),
            (
                ShopUpdate {
                    member_price: Some(Some(myr(1001))),
                    ..ShopUpdate::default()
                },
                "member_price",
            ),
            (
                ShopUpdate {
                    slug: Some(Some("a b".into())),
                    short_name: Some(Some("fine".into())),
                    ..ShopUpdate::default()
                },
                "slug",
            ),
            (
                ShopUpdate {
                    low_stock_threshold: Some(Some(-1)),
                    ..ShopUpdate::default()
                },
                "low_stock_threshold",
            ),
            (
                ShopUpdate {
                    seo_title: Some(Some("x".repeat(201))),
                    ..ShopUpdate::default()
                },
                "seo_title",
            ),
        ] {
            assert_eq!(field(u, &mut f), want);
            assert_eq!(f, before, "a refused change changes nothing");
        }
        // A lower price makes a standing discount invalid.
        assert!(f.check(myr(900)).is_err());
        let mut v = ShopFields {
            parent_id: ProductId::new(1).ok(),
            ..ShopFields::default()
        };
        let u = ShopUpdate {
            product_type: Some(ProductType::Variable),
            ..ShopUpdate::default()
        };
        assert_eq!(field(u, &mut v), "product_type");
    }

    #[test]
    fn variation_parents() {
        let t = TenantId::new();
        let variable = ShopFields {
            product_type: ProductType::Variable,
            ..ShopFields::default()
        };
        assert_eq!(
            check_variation_parent(&product(t, variable.clone()), t),
            Ok(())
        );
        assert_eq!(
            check_variation_parent(&product(t, ShopFields::default()), t),
            Err(VariationError::ParentNotVariable)
        );
        let child = ShopFields {
            parent_id: ProductId::new(9).ok(),
            ..variable.clone()
        };
        assert_eq!(
            check_variation_parent(&product(t, child), t),
            Err(VariationError::ParentIsVariation)
        );
        assert_eq!(
            check_variation_parent(&product(TenantId::new(), variable), t),
            Err(VariationError::OtherTenant)
        );
    }

    fn option(id: i64, required: bool, values: &[i64]) -> ProductOption {
        let oid = OptionId::new(id).unwrap_or_else(|e| panic!("{e}"));
        ProductOption {
            id: oid,
            product_id: ProductId::new(1).unwrap_or_else(|e| panic!("{e}")),
            name: format!("o{id}"),
            position: 0,
            required,
            values: values
                .iter()
                .map(|v| OptionValue {
                    id: OptionValueId::new(*v).unwrap_or_else(|e| panic!("{e}")),
                    option_id: oid,
                    value: v.to_string(),
                    position: 0,
                })
                .collect(),
        }
    }

    fn vals(ids: &[i64]) -> Vec<OptionValueId> {
        ids.iter()
            .map(|v| OptionValueId::new(*v).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    #[test]
    fn variation_option_values() {
        let options = [option(1, true, &[10, 11]), option(2, false, &[20, 21])];
        assert_eq!(
            check_variation_values(&options, &vals(&[20, 10, 10]), &[]),
            Ok(vals(&[10, 20]))
        );
        assert_eq!(
            check_variation_values(&options, &vals(&[11]), &[vals(&[10])]),
            Ok(vals(&[11]))
        );
        let err = |chosen: &[i64], siblings: &[Vec<OptionValueId>]| {
            check_variation_values(&options, &vals(chosen), siblings).err()
        };
        assert_eq!(
            err(&[10, 99], &[]),
            Some(VariationError::ForeignValue(vals(&[99])[0]))
        );
        assert!(matches!(
            err(&[10, 11], &[]),
            Some(VariationError::TwoValues(_))
        ));
        assert!(matches!(
            err(&[20], &[]),
            Some(VariationError::MissingRequired(_))
        ));
        assert_eq!(
            err(&[10, 20], &[vals(&[20, 10])]),
            Some(VariationError::Duplicate)
        );
        // A product without options takes variations without values.
        assert_eq!(check_variation_values(&[], &[], &[vec![]]), Ok(vec![]));
    }

    #[test]
    fn options_are_validated() {
        let values = |v: &[&str]| -> Vec<(String, Option<i64>)> {
            v.iter().map(|s| ((*s).to_owned(), None)).collect()
        };
        let o = OptionDraft::new(" Colour ", None, None, &values(&["Red", "Blue"]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.name, "Colour");
        assert!(o.required);
        assert_eq!(o.values, [("Red".to_owned(), 0), ("Blue".to_owned(), 1)]);
        assert!(OptionDraft::new("", None, None, &values(&["a"])).is_err());
        assert!(OptionDraft::new("Size", None, None, &[]).is_err());
        assert!(OptionDraft::new("Size", None, None, &values(&["S", "s"])).is_err());
        assert!(OptionDraft::new("Size", None, None, &values(&[" "])).is_err());
    }

    #[test]
    fn urls() {
        assert!(check_url("https://cdn.example.com/a.jpg").is_ok());
        assert!(check_url("HTTP://example.com").is_ok());
        for bad in [
            "ftp://example.com/a.jpg",
            "example.com/a.jpg",
            "https://",
            "https:///a",
            "javascript:alert(1)",
            "https://exa mple.com",
            "/relative.png",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(
            ImageDraft::new("https://x.io/a.png", None, None, Some(0), None, false, 0).is_err()
        );
        assert!(
            ImageDraft::new(
                "https://x.io/a.png",
                None,
                None,
                Some(10),
                Some(20),
                true,
                0
            )
            .is_ok()
        );
    }

    #[test]
    fn listings() {
        let l = Listing::new("Summer Sale", None, None, None, None, true)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(l.slug.as_ref().map(Slug::as_str), Some("summer-sale"));
        assert!(Listing::new("夏季", None, None, None, None, true).is_err());
        let l =
            Listing::new("夏季", None, None, None, None, false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(l.slug, None);
        assert!(Listing::new("A", None, None, Some("nope"), None, true).is_err());
        let mut l = Listing::new("A", Some("a"), None, None, Some(3), true)
            .unwrap_or_else(|e| panic!("{e}"));
        let before = l.clone();
        assert!(
            l.apply(
                ListingUpdate {
                    name: Some(" ".into()),
                    ..ListingUpdate::default()
                },
                true
            )
            .is_err()
        );
        assert_eq!(l, before);
        l.apply(
            ListingUpdate {
                name: Some("B".into()),
                ..ListingUpdate::default()
            },
            true,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                l.name.as_str(),
                l.slug.as_ref().map(Slug::as_str),
                l.sort_order
            ),
            ("B", Some("a"), 3)
        );
    }

    #[test]
    fn category_cycles() {
        let c = |n: i64| CategoryId::new(n).unwrap_or_else(|e| panic!("{e}"));
        let tree = [(c(1), None), (c(2), Some(c(1))), (c(3), Some(c(2)))];
        assert!(creates_cycle(&tree, c(1), c(3)));
        assert!(creates_cycle(&tree, c(2), c(2)));
        assert!(!creates_cycle(&tree, c(3), c(1)));
        assert!(!creates_cycle(&tree, c(1), c(9)));
        let looped = [(c(1), Some(c(2))), (c(2), Some(c(1)))];
        assert!(creates_cycle(&looped, c(3), c(1)));
    }

    #[test]
    fn shipping_weights_read_as_numbers_where_they_have_one() {
        let weight = |w: Option<&str>| {
            ShopFields {
                shipping_weight: w.map(str::to_owned),
                ..ShopFields::default()
            }
            .shipping_weight_number()
        };
        assert_eq!(weight(Some("0.5kg")), Some(0.5));
        assert_eq!(weight(Some(" 1,200 g")), Some(1200.0));
        assert_eq!(weight(Some("2")), Some(2.0));
        assert_eq!(weight(Some("heavy")), None);
        assert_eq!(weight(Some("")), None);
        assert_eq!(weight(None), None);
    }
}
