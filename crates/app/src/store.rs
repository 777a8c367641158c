//! The unit of work and the store that runs it. Persistence implements both; use cases take
//! `&mut dyn UnitOfWork`, or the narrower bundle of ports they need (one per area, or one per
//! use case spanning areas, such as [`PlacementPorts`]), so nothing above persistence knows the
//! database engine and a use case on a bundle can run on in-memory fakes.

use kedai_catalog::{
    CategoryRepository, GroupRepository, ImageRepository, ProductRepository, VariationRepository,
};
use kedai_core::StorageError;
use kedai_identity::{
    CustomerAuthRepository, CustomerRepository, MessageLog, OutletRepository, SessionRepository,
    StaffRepository, StorefrontRepository, TenantRepository,
};
use kedai_inventory::InventoryRepository;
use kedai_loyalty::{
    CampaignRepository, CouponRepository, GiftRepository, MembershipRepository, PointsRepository,
    TierRepository,
};
use kedai_orders::{CheckoutRepository, OrderRepository, RefundRepository};

use crate::audit::{AuditLogReader, AuditRepository};
use crate::idempotency::IdempotencyRepository;
use crate::jobs::JobRepository;
use crate::mock_gateway::MockGatewayRepository;
use crate::payments::{PaymentIntentRepository, StripeAccountRepository};
use crate::{AppError, OutboxRepository};
use kedai_webhooks::WebhookRepository;

/// The catalogue: products, categories, brands and collections, images, variations.
pub trait CatalogPorts:
    ProductRepository + CategoryRepository + GroupRepository + ImageRepository + VariationRepository
{
}

impl<T> CatalogPorts for T where
    T: ProductRepository
        + CategoryRepository
        + GroupRepository
        + ImageRepository
        + VariationRepository
        + ?Sized
{
}

/// Stock: lots, allocations and the movement ledger.
pub trait InventoryPorts: InventoryRepository {}

impl<T: InventoryRepository + ?Sized> InventoryPorts for T {}

/// Orders with their items, payments, refunds and history, and the shop's shipping and
/// payment methods.
pub trait OrderPorts: OrderRepository + CheckoutRepository + RefundRepository {}

impl<T: OrderRepository + CheckoutRepository + RefundRepository + ?Sized> OrderPorts for T {}

/// Payment intents opened with gateways, the mock gateway's own records, and merchants'
/// Stripe accounts.
pub trait PaymentPorts:
    PaymentIntentRepository + MockGatewayRepository + StripeAccountRepository
{
}

impl<T> PaymentPorts for T where
    T: PaymentIntentRepository + MockGatewayRepository + StripeAccountRepository + ?Sized
{
}

/// Loyalty: coupons with their redemptions, membership tiers and who holds them, points, and
/// gift offers with their redemptions, and campaigns with their plays.
pub trait LoyaltyPorts:
    CouponRepository
    + TierRepository
    + MembershipRepository
    + PointsRepository
    + GiftRepository
    + CampaignRepository
{
}

impl<T> LoyaltyPorts for T where
    T: CouponRepository
        + TierRepository
        + MembershipRepository
        + PointsRepository
        + GiftRepository
        + CampaignRepository
        + ?Sized
{
}

/// Who is who: tenants, staff, outlets, customers, their sessions and sign-in, the
/// storefront's settings and the outgoing message log.
pub trait IdentityPorts:
    TenantRepository
    + StaffRepository
    + OutletRepository
    + CustomerRepository
    + SessionRepository
    + CustomerAuthRepository
    + StorefrontRepository
    + MessageLog
{
}

impl<T> IdentityPorts for T where
    T: TenantRepository
        + StaffRepository
        + OutletRepository
        + CustomerRepository
        + SessionRepository
        + CustomerAuthRepository
        + StorefrontRepository
        + MessageLog
        + ?Sized
{
}

/// What a unit of work writes beside the change itself: domain events for the outbox, audit
/// entries (and reading them back), and the answers kept for idempotency keys.
pub trait RecordPorts:
    OutboxRepository + AuditRepository + AuditLogReader + IdempotencyRepository
{
}

impl<T> RecordPorts for T where
    T: OutboxRepository + AuditRepository + AuditLogReader + IdempotencyRepository + ?Sized
{
}

/// Work that leaves the process: the outbox, the job queue, webhook endpoints and deliveries,
/// and the message log the message jobs send from.
pub trait OutboundPorts: OutboxRepository + JobRepository + WebhookRepository + MessageLog {}

impl<T> OutboundPorts for T where
    T: OutboxRepository + JobRepository + WebhookRepository + MessageLog + ?Sized
{
}

/// What the order pipeline ([`crate::orders::place`]) reads and writes, and nothing more:
/// products and their images, stock, orders, coupons, the outbox and the audit log. A fake
/// implementing these alone can place orders.
pub trait PlacementPorts:
    ProductRepository
    + ImageRepository
    + InventoryRepository
    + OrderRepository
    + CouponRepository
    + OutboxRepository
    + AuditRepository
{
}

impl<T> PlacementPorts for T where
    T: ProductRepository
        + ImageRepository
        + InventoryRepository
        + OrderRepository
        + CouponRepository
        + OutboxRepository
        + AuditRepository
        + ?Sized
{
}

/// Every repository, over one connection inside one transaction: every area's bundle, and the
/// bundles of use cases that span areas, so that `&mut dyn UnitOfWork` upcasts to any of them.
///
/// It has no blanket implementation: a store's transaction implements it by name (persistence
/// does, for its `Tx`), which a blanket one would conflict with.
pub trait UnitOfWork:
    CatalogPorts
    + InventoryPorts
    + OrderPorts
    + PaymentPorts
    + LoyaltyPorts
    + IdentityPorts
    + RecordPorts
    + PlacementPorts
    + OutboundPorts
{
}

/// The work a store runs: called once per attempt.
pub type Work<'a> = dyn FnMut(&mut dyn UnitOfWork) -> Result<(), AppError> + 'a;

/// Runs units of work.
pub trait Store: Send + Sync {
    /// Runs `work` in a write transaction: committed on `Ok`, rolled back on `Err`. Work that
    /// fails with a retryable error (a lost race, a serialization failure) is rolled back and
    /// run again from the start, a bounded number of times.
    ///
    /// # Errors
    /// Whatever `work` returns, or [`AppError::Storage`].
    fn write_work(&self, work: &mut Work<'_>) -> Result<(), AppError>;

    /// Runs `work` for reading, without a write lock.
    ///
    /// # Errors
    /// Whatever `work` returns, or [`AppError::Storage`].
    fn read_work(&self, work: &mut Work<'_>) -> Result<(), AppError>;

    /// Runs `work` that reads with a single statement: one statement sees one snapshot by
    /// itself, so a store may skip the transaction around it (saving two round trips to
    /// PostgreSQL on every signed-in request). The default runs it as a read.
    ///
    /// # Errors
    /// Whatever `work` returns, or [`AppError::Storage`].
    fn lookup_work(&self, work: &mut Work<'_>) -> Result<(), AppError> {
        self.read_work(work)
    }

    /// Runs `work` with a store whose units of work all run on one connection, taken from the
    /// pool once: a request that reads, claims and writes in several transactions makes one
    /// trip to the pool. The default runs `work` on this store.
    ///
    /// # Errors
    /// Whatever `work` returns, or [`AppError::Storage`].
    fn pinned_work(
        &self,
        work: &mut dyn FnMut(&dyn Store) -> Result<(), AppError>,
    ) -> Result<(), AppError>;

    /// Lets go of the connection a pinned store holds, before the work waits on something else
    /// (a payment gateway's network call): the next unit of work takes one again. Does
    /// nothing on a store that is not pinned.
    fn unpin(&self) {}

    /// Checks the database answers.
    ///
    /// # Errors
    /// [`StorageError`] when it does not.
    fn ping(&self) -> Result<(), StorageError>;
}

impl dyn Store + '_ {
    /// Runs a use case in a write transaction and returns its result.
    ///
    /// # Errors
    /// Whatever the use case returns, or [`AppError::Storage`].
    pub fn write<T>(
        &self,
        mut f: impl FnMut(&mut dyn UnitOfWork) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut out = None;
        self.write_work(&mut |tx| {
            out = Some(f(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| AppError::Storage(StorageError::other("unit of work produced no result")))
    }

    /// Runs a use case that reads with one statement (see [`Store::lookup_work`]) and returns
    /// its result.
    ///
    /// # Errors
    /// Whatever the use case returns, or [`AppError::Storage`].
    pub fn lookup<T>(
        &self,
        mut f: impl FnMut(&mut dyn UnitOfWork) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut out = None;
        self.lookup_work(&mut |tx| {
            out = Some(f(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| AppError::Storage(StorageError::other("unit of work produced no result")))
    }

    /// Runs `f` with this store pinned to one connection (see [`Store::pinned_work`]) and
    /// returns its result.
    ///
    /// # Errors
    /// Whatever `f` returns, or [`AppError::Storage`].
    pub fn pinned<T>(
        &self,
        mut f: impl FnMut(&dyn Store) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut out = None;
        self.pinned_work(&mut |store| {
            out = Some(f(store)?);
            Ok(())
        })?;
        out.ok_or_else(|| AppError::Storage(StorageError::other("unit of work produced no result")))
    }

    /// Runs a read-only use case and returns its result.
    ///
    /// # Errors
    /// Whatever the use case returns, or [`AppError::Storage`].
    pub fn read<T>(
        &self,
        mut f: impl FnMut(&mut dyn UnitOfWork) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut out = None;
        self.read_work(&mut |tx| {
            out = Some(f(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| AppError::Storage(StorageError::other("unit of work produced no result")))
    }
}
