//! What the inventory use cases need from storage. Implemented by a unit of work: one
//! connection, one transaction.

use chrono::{DateTime, Utc};
use kedai_core::{ProductId, StorageError, TenantId};

use crate::{Allocation, AllocationId, Lot, LotId, Movement};

/// The unique value of a product that another live product of the tenant already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// The SKU.
    Sku,
    /// The storefront slug.
    Slug,
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

    /// [`open_lots`](Self::open_lots) of several products at once: for each `(product,
    /// limit)`, its oldest `limit` open lots, oldest first within the product. A backend that
    /// pays a round trip per statement reads them all in one; a backend with row locks locks
    /// them as it reads them, in the order given and FIFO within each product, for the rest of
    /// the unit of work (so that takes planned from them are not lost to a concurrent order).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn open_lots_of(
        &mut self,
        tenant: TenantId,
        wanted: &[(ProductId, i64)],
    ) -> Result<Vec<Lot>, StorageError> {
        let mut lots = Vec::new();
        for &(product, limit) in wanted {
            lots.extend(self.open_lots(tenant, product, limit)?);
        }
        Ok(lots)
    }

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

    /// Takes `quantity` units from each `(lot, quantity)`, each with the guard of
    /// [`change_lot`](Self::change_lot) (never below zero). Returns the lots taken from; a lot
    /// that would go below zero is left unchanged and left out. A backend that pays a round
    /// trip per statement takes them all in one.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn take_from_lots(
        &mut self,
        tenant: TenantId,
        takes: &[(LotId, i64)],
    ) -> Result<Vec<LotId>, StorageError> {
        let mut taken = Vec::new();
        for &(lot, quantity) in takes {
            if self.change_lot(tenant, lot, -quantity)? {
                taken.push(lot);
            }
        }
        Ok(taken)
    }

    /// Stores allocations (in one statement where that saves round trips).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_allocations(&mut self, allocations: &[Allocation]) -> Result<(), StorageError> {
        allocations
            .iter()
            .try_for_each(|a| self.insert_allocation(a))
    }

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

    /// Gives `quantity` units of an unreleased allocation back (a return): the allocation
    /// shrinks by them, or is released when they are all of it. Guarded: false, changing
    /// nothing, when it no longer holds that many.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn return_allocated(
        &mut self,
        tenant: TenantId,
        id: AllocationId,
        quantity: i64,
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

    /// Σ remaining of the lots of each product, summed by the database in one grouped query;
    /// products without stock are left out.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn stock_totals(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<(ProductId, i64)>, StorageError>;
}
