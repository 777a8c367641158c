//! What the catalogue use cases need from storage, one trait per concept. Implemented by a
//! unit of work: one connection, one transaction.

use chrono::{DateTime, Utc};
use kedai_core::{Page, ProductId, StorageError, TenantId};

use crate::{
    Category, CategoryId, GroupId, GroupKind, ImageDraft, ImageId, NewCategory, NewProduct,
    OptionDraft, OptionId, OptionValueId, Product, ProductFilter, ProductGroup, ProductImage,
    ProductOption, StorefrontFilter,
};

/// The unique value of a product that another live product of the tenant already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// The SKU.
    Sku,
    /// The storefront slug.
    Slug,
}

/// Catalogue products, and the storefront's reads of them.
pub trait ProductRepository {
    /// Stores a new product and returns its id.
    ///
    /// # Errors
    /// `Ok(Err(taken))` when its SKU or slug is already used by a live product of the
    /// tenant; [`StorageError`] on backend failure.
    fn insert_product(
        &mut self,
        tenant: TenantId,
        product: &NewProduct,
        now: DateTime<Utc>,
    ) -> Result<Result<ProductId, Taken>, StorageError>;

    /// A live (not deleted) product of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_product(
        &mut self,
        tenant: TenantId,
        id: ProductId,
    ) -> Result<Option<Product>, StorageError>;

    /// Live products of the tenant with the given ids (missing ones are left out).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_products(
        &mut self,
        tenant: TenantId,
        ids: &[ProductId],
    ) -> Result<Vec<Product>, StorageError>;

    /// Saves a changed product.
    ///
    /// # Errors
    /// `Ok(Err(taken))` when its new SKU or slug is already used; [`StorageError`] on
    /// backend failure.
    fn update_product(&mut self, product: &Product) -> Result<Result<(), Taken>, StorageError>;

    /// Archives a product: it disappears from the catalogue but order history keeps it.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn archive_product(
        &mut self,
        tenant: TenantId,
        id: ProductId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// A page of the tenant's live products matching `filter`, newest first, and the total
    /// that match.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_products(
        &mut self,
        tenant: TenantId,
        filter: &ProductFilter,
        page: Page,
    ) -> Result<(Vec<Product>, i64), StorageError>;

    /// A page of the tenant's listed products (active, live, not variations) matching
    /// `filter` in its order, and the number that match.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn storefront_products(
        &mut self,
        tenant: TenantId,
        filter: &StorefrontFilter,
        page: Page,
    ) -> Result<(Vec<Product>, i64), StorageError>;

    /// The live product with this slug.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_product_by_slug(
        &mut self,
        tenant: TenantId,
        slug: &str,
    ) -> Result<Option<Product>, StorageError>;

    /// Up to `limit` listed products other than `product`: those sharing one of its
    /// categories or collections or its brand first (newest first), then the newest others.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn related_products(
        &mut self,
        tenant: TenantId,
        product: &Product,
        limit: i64,
    ) -> Result<Vec<Product>, StorageError>;
}

/// Categories of the storefront catalogue. Every method is confined to one tenant.
pub trait CategoryRepository {
    /// Stores a new category. `Ok(Err(()))` when its slug is taken in the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_category(
        &mut self,
        tenant: TenantId,
        category: &NewCategory,
        now: DateTime<Utc>,
    ) -> Result<Result<CategoryId, ()>, StorageError>;

    /// One category of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_category(
        &mut self,
        tenant: TenantId,
        id: CategoryId,
    ) -> Result<Option<Category>, StorageError>;

    /// Saves a changed category. `Ok(Err(()))` when its new slug is taken.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_category(&mut self, category: &Category) -> Result<Result<(), ()>, StorageError>;

    /// Deletes a category: its products leave it and its children move to the top level.
    /// Returns whether it existed.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_category(&mut self, tenant: TenantId, id: CategoryId) -> Result<bool, StorageError>;

    /// The tenant's categories in display order (`sort_order`, then id), optionally only the
    /// featured or not featured ones, each with its number of listed products (active, live,
    /// not variations).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_categories(
        &mut self,
        tenant: TenantId,
        featured: Option<bool>,
    ) -> Result<Vec<(Category, i64)>, StorageError>;

    /// Puts a product in exactly these categories.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn set_product_categories(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        categories: &[CategoryId],
    ) -> Result<(), StorageError>;

    /// The categories of each product, in display order.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn categories_of(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, Category)>, StorageError>;
}

/// Brands and collections. Every method is confined to one tenant.
pub trait GroupRepository {
    /// Stores a new brand or collection. `Ok(Err(()))` when its slug is taken.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_group(&mut self, group: &ProductGroup) -> Result<Result<(), ()>, StorageError>;

    /// One brand or collection of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_group(
        &mut self,
        tenant: TenantId,
        kind: GroupKind,
        id: GroupId,
    ) -> Result<Option<ProductGroup>, StorageError>;

    /// The brand or collection with this slug.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_group_by_slug(
        &mut self,
        tenant: TenantId,
        kind: GroupKind,
        slug: &str,
    ) -> Result<Option<ProductGroup>, StorageError>;

    /// Saves a changed brand or collection. `Ok(Err(()))` when its new slug is taken.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn update_group(&mut self, group: &ProductGroup) -> Result<Result<(), ()>, StorageError>;

    /// Deletes a brand (its products lose it) or a collection (its products leave it).
    /// Returns whether it existed.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_group(
        &mut self,
        tenant: TenantId,
        kind: GroupKind,
        id: GroupId,
    ) -> Result<bool, StorageError>;

    /// The tenant's brands or collections in display order (`sort_order`, then name), only
    /// those shown online when `online_only`, each with its number of listed products.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn list_groups(
        &mut self,
        tenant: TenantId,
        kind: GroupKind,
        online_only: bool,
    ) -> Result<Vec<(ProductGroup, i64)>, StorageError>;

    /// Puts a product in exactly these collections.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn set_product_collections(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        collections: &[GroupId],
    ) -> Result<(), StorageError>;

    /// The collections of each product, in display order (online or not).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn collections_of(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, ProductGroup)>, StorageError>;

    /// The brands with these ids (missing ones left out).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_brands(
        &mut self,
        tenant: TenantId,
        ids: &[GroupId],
    ) -> Result<Vec<ProductGroup>, StorageError>;
}

/// Product images. Every method is confined to one tenant.
pub trait ImageRepository {
    /// Stores an image of a product; when it is primary, the product's other images stop
    /// being primary.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_image(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        image: &ImageDraft,
        now: DateTime<Utc>,
    ) -> Result<ImageId, StorageError>;

    /// Deletes an image of a product; returns whether it existed.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_image(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        image: ImageId,
    ) -> Result<bool, StorageError>;

    /// The images of each product, primary first, then by position and id.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn images_of(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<ProductImage>, StorageError>;
}

/// Options and variations of variable products. Every method is confined to one tenant.
pub trait VariationRepository {
    /// Stores an option of a product with its values. `Ok(Err(()))` when the product already
    /// has an option of that name.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_option(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        option: &OptionDraft,
        now: DateTime<Utc>,
    ) -> Result<Result<OptionId, ()>, StorageError>;

    /// The options of a product with their values, in display order.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn options_of(
        &mut self,
        tenant: TenantId,
        product: ProductId,
    ) -> Result<Vec<ProductOption>, StorageError>;

    /// Gives a variation exactly these option values.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn set_variation_values(
        &mut self,
        tenant: TenantId,
        variation: ProductId,
        values: &[OptionValueId],
    ) -> Result<(), StorageError>;

    /// The option values of each variation.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn variation_values(
        &mut self,
        tenant: TenantId,
        variations: &[ProductId],
    ) -> Result<Vec<(ProductId, OptionValueId)>, StorageError>;

    /// The live variations of these parents, oldest first.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn variations_of(
        &mut self,
        tenant: TenantId,
        parents: &[ProductId],
    ) -> Result<Vec<Product>, StorageError>;
}
