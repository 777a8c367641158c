//! What the catalogue and inventory use cases need from storage. Implemented by a unit of work:
//! one connection, one transaction.

use chrono::{DateTime, Utc};
use kedai_core::{Page, ProductId, StorageError, TenantId};

use crate::{Allocation, AllocationId, Lot, LotId, Movement, NewProduct, Product, ProductFilter};

/// Catalogue products.
pub trait CatalogRepository {
    /// Stores a new product and returns its id.
    ///
    /// # Errors
    /// `Ok(Err(()))` when the SKU is already used by a live product of the tenant;
    /// [`StorageError`] on backend failure.
    fn insert_product(
        &mut self,
        tenant: TenantId,
        product: &NewProduct,
        now: DateTime<Utc>,
    ) -> Result<Result<ProductId, ()>, StorageError>;

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
    /// `Ok(Err(()))` when the new SKU is already used; [`StorageError`] on backend failure.
    fn update_product(&mut self, product: &Product) -> Result<Result<(), ()>, StorageError>;

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
}

/// Lots, allocations and the movement ledger.
pub trait InventoryRepository {
    /// Every lot of a product (empty ones included).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn lots(&mut self, tenant: TenantId, product: ProductId) -> Result<Vec<Lot>, StorageError>;

    /// The oldest `limit` lots of the product that still hold stock, oldest first (the order
    /// of [`lots`](Self::lots)). Every such lot holds at least one unit, so allocating `n`
    /// units never needs more than the oldest `n` of them: all that FIFO allocation reads,
    /// however many lots a product has.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn open_lots(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        limit: i64,
    ) -> Result<Vec<Lot>, StorageError>;

    /// One lot of the tenant.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_lot(&mut self, tenant: TenantId, id: LotId) -> Result<Option<Lot>, StorageError>;

    /// Stores a new lot.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_lot(&mut self, lot: &Lot) -> Result<(), StorageError>;

    /// Changes a lot's remaining quantity by `delta`, atomically and only if the result stays
    /// at or above zero. Returns false (changing nothing) if it would go negative.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn change_lot(
        &mut self,
        tenant: TenantId,
        lot: LotId,
        delta: i64,
    ) -> Result<bool, StorageError>;

    /// Stores an allocation.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_allocation(&mut self, allocation: &Allocation) -> Result<(), StorageError>;

    /// The unreleased allocations of a reference.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn open_allocations(
        &mut self,
        tenant: TenantId,
        reference: &str,
    ) -> Result<Vec<Allocation>, StorageError>;

    /// Marks an allocation released, only if it was not already. Returns whether it did.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn release_allocation(
        &mut self,
        tenant: TenantId,
        id: AllocationId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// Appends ledger rows.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn append_movements(&mut self, movements: &[Movement]) -> Result<(), StorageError>;

    /// Available units of each product (Σ remaining of its lots); products without lots are 0.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn stock_levels(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, i64)>, StorageError>;
}
