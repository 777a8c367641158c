//! An in-memory [`PlacementPorts`]: what the order pipeline reads and writes, kept in vectors,
//! so [`super::place`] runs without a database.
//!
//! Every method the pipeline calls behaves as the contract on its trait says, guarded updates
//! included (a lot never goes below zero, a coupon's uses never pass its limit). The others
//! fail with "not used by the fake", so a pipeline that starts calling one shows up here
//! instead of passing on a silent no-op. Nothing is rolled back on an error: undoing the work
//! of a failed unit is the store's job, not the pipeline's.
//!
//! [`PlacementPorts`]: crate::store::PlacementPorts

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kedai_catalog::{
    ImageDraft, ImageId, ImageRepository, NewProduct, Product, ProductFilter, ProductImage,
    ProductRepository, StorefrontFilter, Taken,
};
use kedai_core::{Page, ProductId, StorageError, TenantId};
use kedai_inventory::{Allocation, AllocationId, InventoryRepository, Lot, LotId, Movement};
use kedai_loyalty::{Coupon, CouponCode, CouponId, CouponRepository, CouponStatus, Redemption};
use kedai_orders::{
    Order, OrderCustomer, OrderFact, OrderFilter, OrderId, OrderItem, OrderRepository, OrderSort,
    OrderStatus, Payment, StatusChange,
};

use crate::audit::{AuditEntry, AuditRepository};
use crate::{OutboxEvent, OutboxRepository};

fn unused<T>() -> Result<T, StorageError> {
    Err(StorageError::other("not used by the fake"))
}

/// An order as stored: the row, its items and its first history row.
#[derive(Debug, Clone)]
pub(super) struct StoredOrder {
    pub(super) order: Order,
    pub(super) items: Vec<OrderItem>,
    pub(super) created: StatusChange,
}

/// Products, images, lots, orders, coupons, the outbox and the audit log of any number of
/// tenants. Tests seed the public fields and read them back.
#[derive(Debug, Default)]
pub(super) struct InMemory {
    pub(super) products: Vec<Product>,
    pub(super) images: Vec<ProductImage>,
    pub(super) lots: Vec<Lot>,
    pub(super) allocations: Vec<Allocation>,
    pub(super) movements: Vec<Movement>,
    pub(super) orders: Vec<StoredOrder>,
    pub(super) coupons: Vec<Coupon>,
    pub(super) redemptions: Vec<Redemption>,
    pub(super) events: Vec<OutboxEvent>,
    pub(super) audit: Vec<AuditEntry>,
    /// The last order sequence handed out per tenant and year.
    sequences: BTreeMap<(TenantId, i32), i64>,
}

impl InMemory {
    /// The remaining units of a lot.
    pub(super) fn remaining(&self, lot: LotId) -> Option<i64> {
        self.lots.iter().find(|l| l.id == lot).map(|l| l.remaining)
    }

    /// The coupon with this id.
    pub(super) fn coupon(&self, id: CouponId) -> Option<&Coupon> {
        self.coupons.iter().find(|c| c.id == id)
    }

    /// The event types in the outbox, oldest first.
    pub(super) fn event_types(&self) -> Vec<&'static str> {
        self.events.iter().map(|e| e.event_type).collect()
    }
}

impl ProductRepository for InMemory {
    fn insert_product(
        &mut self,
        _: TenantId,
        _: &NewProduct,
        _: DateTime<Utc>,
    ) -> Result<Result<ProductId, Taken>, StorageError> {
        unused()
    }

    fn find_product(&mut self, _: TenantId, _: ProductId) -> Result<Option<Product>, StorageError> {
        unused()
    }

    fn find_products(
        &mut self,
        tenant: TenantId,
        ids: &[ProductId],
    ) -> Result<Vec<Product>, StorageError> {
        Ok(self
            .products
            .iter()
            .filter(|p| p.tenant_id == tenant && ids.contains(&p.id))
            .cloned()
            .collect())
    }

    fn update_product(&mut self, _: &Product) -> Result<Result<(), Taken>, StorageError> {
        unused()
    }

    fn archive_product(
        &mut self,
        _: TenantId,
        _: ProductId,
        _: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        unused()
    }

    fn list_products(
        &mut self,
        _: TenantId,
        _: &ProductFilter,
        _: Page,
    ) -> Result<(Vec<Product>, i64), StorageError> {
        unused()
    }

    fn storefront_products(
        &mut self,
        _: TenantId,
        _: &StorefrontFilter,
        _: Page,
    ) -> Result<(Vec<Product>, i64), StorageError> {
        unused()
    }

    fn find_product_by_slug(
        &mut self,
        _: TenantId,
        _: &str,
    ) -> Result<Option<Product>, StorageError> {
        unused()
    }

    fn related_products(
        &mut self,
        _: TenantId,
        _: &Product,
        _: i64,
    ) -> Result<Vec<Product>, StorageError> {
        unused()
    }
}

impl ImageRepository for InMemory {
    fn insert_image(
        &mut self,
        _: TenantId,
        _: ProductId,
        _: &ImageDraft,
        _: DateTime<Utc>,
    ) -> Result<ImageId, StorageError> {
        unused()
    }

    fn delete_image(
        &mut self,
        _: TenantId,
        _: ProductId,
        _: ImageId,
    ) -> Result<bool, StorageError> {
        unused()
    }

    fn images_of(
        &mut self,
        tenant: TenantId,
        products: &[ProductId],
    ) -> Result<Vec<ProductImage>, StorageError> {
        let ours: Vec<ProductId> = self
            .products
            .iter()
            .filter(|p| p.tenant_id == tenant)
            .map(|p| p.id)
            .collect();
        let mut images: Vec<ProductImage> = self
            .images
            .iter()
            .filter(|i| products.contains(&i.product_id) && ours.contains(&i.product_id))
            .cloned()
            .collect();
        images.sort_by_key(|i| (i.product_id, !i.is_primary, i.position, i.id));
        Ok(images)
    }
}

impl InventoryRepository for InMemory {
    fn lots(&mut self, _: TenantId, _: ProductId) -> Result<Vec<Lot>, StorageError> {
        unused()
    }

    fn open_lots(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        limit: i64,
    ) -> Result<Vec<Lot>, StorageError> {
        let mut open: Vec<Lot> = self
            .lots
            .iter()
            .filter(|l| l.tenant_id == tenant && l.product_id == product && l.remaining > 0)
            .cloned()
            .collect();
        open.sort_by_key(|l| (l.received_at, l.created_at, l.id));
        open.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(open)
    }

    fn find_lot(&mut self, _: TenantId, _: LotId) -> Result<Option<Lot>, StorageError> {
        unused()
    }

    fn insert_lot(&mut self, _: &Lot) -> Result<(), StorageError> {
        unused()
    }

    fn change_lot(
        &mut self,
        tenant: TenantId,
        lot: LotId,
        delta: i64,
    ) -> Result<bool, StorageError> {
        // The guarded update: nothing changes when the lot would go below zero.
        let Some(lot) = self
            .lots
            .iter_mut()
            .find(|l| l.tenant_id == tenant && l.id == lot)
        else {
            return Ok(false);
        };
        match lot.remaining.checked_add(delta) {
            Some(left) if left >= 0 => {
                lot.remaining = left;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn insert_allocation(&mut self, allocation: &Allocation) -> Result<(), StorageError> {
        self.allocations.push(allocation.clone());
        Ok(())
    }

    fn open_allocations(&mut self, _: TenantId, _: &str) -> Result<Vec<Allocation>, StorageError> {
        unused()
    }

    fn release_allocation(
        &mut self,
        _: TenantId,
        _: AllocationId,
        _: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        unused()
    }

    fn return_allocated(
        &mut self,
        _: TenantId,
        _: AllocationId,
        _: i64,
        _: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        unused()
    }

    fn append_movements(&mut self, movements: &[Movement]) -> Result<(), StorageError> {
        self.movements.extend_from_slice(movements);
        Ok(())
    }

    fn stock_levels(
        &mut self,
        _: TenantId,
        _: &[ProductId],
    ) -> Result<Vec<(ProductId, i64)>, StorageError> {
        unused()
    }

    fn stock_totals(
        &mut self,
        _: TenantId,
        _: &[ProductId],
    ) -> Result<Vec<(ProductId, i64)>, StorageError> {
        unused()
    }
}

impl OrderRepository for InMemory {
    fn next_order_sequence(&mut self, tenant: TenantId, year: i32) -> Result<i64, StorageError> {
        let last = self.sequences.entry((tenant, year)).or_default();
        *last += 1;
        Ok(*last)
    }

    fn insert_order(
        &mut self,
        order: &Order,
        items: &[OrderItem],
        created: &StatusChange,
    ) -> Result<(), StorageError> {
        // The order number is unique per tenant, as the database's constraint keeps it.
        let taken = self.orders.iter().any(|o| {
            o.order.tenant_id == order.tenant_id && o.order.order_number == order.order_number
        });
        if taken {
            return Err(StorageError::other(format!(
                "order number {} already used",
                order.order_number
            )));
        }
        self.orders.push(StoredOrder {
            order: order.clone(),
            items: items.to_vec(),
            created: created.clone(),
        });
        Ok(())
    }

    fn find_order(&mut self, _: TenantId, _: OrderId) -> Result<Option<Order>, StorageError> {
        unused()
    }

    fn find_order_by_number(
        &mut self,
        _: TenantId,
        _: &str,
    ) -> Result<Option<Order>, StorageError> {
        unused()
    }

    fn list_orders(
        &mut self,
        _: TenantId,
        _: &OrderFilter,
        _: OrderSort,
        _: Page,
    ) -> Result<(Vec<Order>, i64), StorageError> {
        unused()
    }

    fn items_of_orders(&mut self, _: &[Order]) -> Result<Vec<OrderItem>, StorageError> {
        unused()
    }

    fn order_customers(
        &mut self,
        _: TenantId,
        _: &[String],
    ) -> Result<Vec<OrderCustomer>, StorageError> {
        unused()
    }

    fn update_order_fields(&mut self, _: &Order, _: OrderStatus) -> Result<bool, StorageError> {
        unused()
    }

    fn order_items(&mut self, _: &Order) -> Result<Vec<OrderItem>, StorageError> {
        unused()
    }

    fn transition(&mut self, _: TenantId, _: &StatusChange) -> Result<bool, StorageError> {
        unused()
    }

    fn status_history(
        &mut self,
        _: TenantId,
        _: OrderId,
    ) -> Result<Vec<StatusChange>, StorageError> {
        unused()
    }

    fn record_payment(&mut self, _: &Payment, _: OrderStatus) -> Result<bool, StorageError> {
        unused()
    }

    fn payments(&mut self, _: TenantId, _: OrderId) -> Result<Vec<Payment>, StorageError> {
        unused()
    }

    fn order_facts(
        &mut self,
        _: TenantId,
        _: DateTime<Utc>,
        _: DateTime<Utc>,
        _: &[DateTime<Utc>],
    ) -> Result<Vec<OrderFact>, StorageError> {
        unused()
    }

    fn open_orders_with_product(&mut self, _: TenantId, _: ProductId) -> Result<i64, StorageError> {
        unused()
    }
}

impl CouponRepository for InMemory {
    fn insert_coupon(&mut self, _: &Coupon) -> Result<Result<(), ()>, StorageError> {
        unused()
    }

    fn find_coupon(
        &mut self,
        tenant: TenantId,
        id: CouponId,
    ) -> Result<Option<Coupon>, StorageError> {
        Ok(self
            .coupons
            .iter()
            .find(|c| c.tenant_id == tenant && c.id == id)
            .cloned())
    }

    fn find_coupon_by_code(
        &mut self,
        tenant: TenantId,
        code: &CouponCode,
    ) -> Result<Option<Coupon>, StorageError> {
        Ok(self
            .coupons
            .iter()
            .find(|c| c.tenant_id == tenant && c.code == *code)
            .cloned())
    }

    fn list_coupons(
        &mut self,
        _: TenantId,
        _: Option<CouponStatus>,
        _: Page,
    ) -> Result<(Vec<Coupon>, i64), StorageError> {
        unused()
    }

    fn disable_coupon(
        &mut self,
        _: TenantId,
        _: CouponId,
        _: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        unused()
    }

    fn existing_outlets(&mut self, _: TenantId, _: &[String]) -> Result<Vec<String>, StorageError> {
        unused()
    }

    fn claim_use(&mut self, tenant: TenantId, id: CouponId) -> Result<bool, StorageError> {
        // The guarded update: only an active coupon below its limit gives a use.
        let Some(coupon) = self
            .coupons
            .iter_mut()
            .find(|c| c.tenant_id == tenant && c.id == id)
        else {
            return Ok(false);
        };
        let below_limit = coupon.usage_limit.is_none_or(|l| coupon.used_count < l);
        if coupon.status != CouponStatus::Active || !below_limit {
            return Ok(false);
        }
        coupon.used_count += 1;
        Ok(true)
    }

    fn record_redemption(&mut self, redemption: &Redemption) -> Result<(), StorageError> {
        // One redemption per order, as the database's unique key keeps it.
        let again = self
            .redemptions
            .iter()
            .any(|r| r.tenant_id == redemption.tenant_id && r.order_id == redemption.order_id);
        if again {
            return Err(StorageError::other("the order already redeemed a coupon"));
        }
        self.redemptions.push(redemption.clone());
        Ok(())
    }

    fn release_for_order(
        &mut self,
        _: TenantId,
        _: &str,
        _: DateTime<Utc>,
    ) -> Result<Option<CouponId>, StorageError> {
        unused()
    }
}

impl OutboxRepository for InMemory {
    fn append_event(&mut self, event: &OutboxEvent) -> Result<(), StorageError> {
        self.events.push(event.clone());
        Ok(())
    }

    fn claim_events(
        &mut self,
        _: u32,
        _: DateTime<Utc>,
    ) -> Result<Vec<crate::jobs::StoredEvent>, StorageError> {
        unused()
    }
}

impl AuditRepository for InMemory {
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<(), StorageError> {
        self.audit.push(entry.clone());
        Ok(())
    }
}
