//! Stock-in, adjustments, FIFO allocation and release, each writing the movement ledger.

use crate::Entity;
use chrono::{DateTime, Utc};
use kedai_core::{ProductId, TenantId};
use kedai_identity::Permission;
use kedai_inventory::{
    AdjustPlan, AdjustReason, Allocation, AllocationId, Direction, InventoryRepository, Lot,
    LotChange, LotId, LotStock, Movement, MovementId, MovementKind, StockIn, StockSource,
    plan_fifo, plan_lot_adjustment, plan_product_adjustment,
};

use crate::catalog::{require_product, stock_of};
use crate::{Actor, AppError, Author, UnitOfWork};

/// A stock-in request.
#[derive(Debug, Clone)]
pub struct StockInCommand {
    /// The product.
    pub product_id: ProductId,
    /// Units received.
    pub quantity: i64,
    /// Source code (default `manual_stock_in`).
    pub source: Option<StockSource>,
    /// Note.
    pub note: Option<String>,
    /// Receipt time (default now).
    pub received_at: Option<DateTime<Utc>>,
}

/// The result of a stock-in.
#[derive(Debug, Clone)]
pub struct StockInResult {
    /// The new lot.
    pub lot: Lot,
    /// The product's available stock afterwards.
    pub current_stock: i64,
}

/// What an adjustment targets.
#[derive(Debug, Clone, Copy)]
pub enum AdjustTarget {
    /// Product level: the newest record(s) of the product.
    Product(ProductId),
    /// Record level: one lot.
    Lot(LotId),
}

/// A stock adjustment request.
#[derive(Debug, Clone)]
pub struct AdjustCommand {
    /// Product or record.
    pub target: AdjustTarget,
    /// Signed units.
    pub quantity: i64,
    /// Reason code.
    pub reason: AdjustReason,
    /// Where the adjustment comes from (default `manual_adjustment`).
    pub source: Option<String>,
    /// Note (required for `other`).
    pub note: Option<String>,
}

/// The result of an adjustment.
#[derive(Debug, Clone)]
pub struct AdjustResult {
    /// The record adjusted (for a decrease spanning records, the newest one).
    pub lot_id: LotId,
    /// The product.
    pub product_id: ProductId,
    /// Signed units.
    pub quantity: i64,
    /// Increase or decrease.
    pub direction: Direction,
    /// Available stock before: the product's (product level) or the record's (record level).
    pub previous_available: i64,
    /// Available stock after, on the same basis.
    pub new_available: i64,
    /// Reason code.
    pub reason: AdjustReason,
}

/// An allocation request.
#[derive(Debug, Clone)]
pub struct AllocateCommand {
    /// The product.
    pub product_id: ProductId,
    /// Units, positive.
    pub quantity: i64,
    /// What allocates (`order`, `adjustment`, ...).
    pub source: String,
    /// The reference it is for.
    pub reference: String,
}

fn lot_stock(lots: &[Lot]) -> Vec<LotStock> {
    lots.iter().map(Lot::stock).collect()
}

fn apply(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    lot: LotId,
    delta: i64,
) -> Result<(), AppError> {
    if tx.change_lot(tenant, lot, delta)? {
        Ok(())
    } else {
        Err(AppError::lost_race("stock changed concurrently"))
    }
}

fn checked_code(field: &str, value: Option<&str>, default: &str) -> Result<String, AppError> {
    let v = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or(default);
    let ok = v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(v.to_owned())
    } else {
        Err(AppError::invalid(
            field,
            "must be 1 to 64 lower-case letters, digits, `_` or `-`",
        ))
    }
}

/// Receives stock as a new lot.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, product.id = %cmd.product_id))]
pub fn stock_in(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    cmd: &StockInCommand,
    now: DateTime<Utc>,
) -> Result<StockInResult, AppError> {
    actor.require(Permission::InventoryWrite)?;
    let product = require_product(tx, actor, cmd.product_id)?;
    let receipt = StockIn::new(
        cmd.quantity,
        cmd.source,
        cmd.note.clone(),
        cmd.received_at,
        now,
    )?;
    let lot = Lot {
        id: LotId::new(),
        tenant_id: actor.tenant,
        product_id: product.id,
        quantity: receipt.quantity,
        remaining: receipt.quantity,
        source: receipt.source,
        note: receipt.note,
        received_at: receipt.received_at,
        created_at: now,
        created_by: actor.id_string(),
    };
    tx.insert_lot(&lot)?;
    tx.append_movements(&[Movement {
        id: MovementId::new(),
        tenant_id: actor.tenant,
        product_id: product.id,
        lot_id: lot.id,
        kind: MovementKind::In,
        quantity: lot.quantity,
        reason: None,
        source: Some(lot.source.as_str().to_owned()),
        reference: None,
        note: lot.note.clone(),
        actor: actor.id_string(),
        created_at: now,
    }])?;
    let current_stock = stock_of(tx, &product)?;
    Ok(StockInResult { lot, current_stock })
}

/// Adjusts stock at product or record level (001's rules; see
/// [`kedai_inventory::plan_product_adjustment`]).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::InsufficientStock`], [`AppError::Conflict`] `NO_STOCK_RECORD`.
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, adjust.quantity = cmd.quantity))]
pub fn adjust_stock(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    cmd: &AdjustCommand,
    now: DateTime<Utc>,
) -> Result<AdjustResult, AppError> {
    actor.require(Permission::InventoryWrite)?;
    let source = checked_code("source", cmd.source.as_deref(), "manual_adjustment")?;
    let note = cmd.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let (product, lots, plan, record_level) = match cmd.target {
        AdjustTarget::Product(id) => {
            let product = require_product(tx, actor, id)?;
            let lots = tx.lots(actor.tenant, id)?;
            let plan =
                plan_product_adjustment(id, &lot_stock(&lots), cmd.quantity, cmd.reason, note)?;
            (product, lots, plan, None)
        }
        AdjustTarget::Lot(lot_id) => {
            let lot = tx
                .find_lot(actor.tenant, lot_id)?
                .ok_or_else(|| AppError::not_found(Entity::InventoryRecord, lot_id))?;
            let product = require_product(tx, actor, lot.product_id)?;
            let plan =
                plan_lot_adjustment(lot.product_id, &lot.stock(), cmd.quantity, cmd.reason, note)?;
            let remaining = lot.remaining;
            (product, vec![lot], plan, Some(remaining))
        }
    };
    let previous_available = match record_level {
        Some(remaining) => remaining,
        None => lots.iter().map(|l| l.remaining).sum(),
    };
    let changes: Vec<LotChange> = match plan {
        AdjustPlan::CreateLot { quantity, note } => {
            let lot = Lot {
                id: LotId::new(),
                tenant_id: actor.tenant,
                product_id: product.id,
                quantity,
                remaining: 0,
                source: StockSource::ManualAdjustment,
                note: Some(note),
                received_at: now,
                created_at: now,
                created_by: actor.id_string(),
            };
            // The lot starts empty and the adjustment movement fills it, so the ledger alone
            // explains its stock.
            tx.insert_lot(&lot)?;
            vec![LotChange {
                lot: lot.id,
                delta: quantity,
            }]
        }
        AdjustPlan::Change(changes) => changes,
    };
    let mut movements = Vec::with_capacity(changes.len());
    for change in &changes {
        apply(tx, actor.tenant, change.lot, change.delta)?;
        movements.push(Movement {
            id: MovementId::new(),
            tenant_id: actor.tenant,
            product_id: product.id,
            lot_id: change.lot,
            kind: MovementKind::Adjust,
            quantity: change.delta,
            reason: Some(cmd.reason.as_str().to_owned()),
            source: Some(source.clone()),
            reference: None,
            note: note.map(str::to_owned),
            actor: actor.id_string(),
            created_at: now,
        });
    }
    tx.append_movements(&movements)?;
    let lot_id = changes
        .first()
        .map(|c| c.lot)
        .ok_or_else(|| AppError::invalid("adjust_quantity", "nothing to adjust"))?;
    let details = serde_json::json!({ "product_id": product.id.get(), "lot_id": lot_id.to_string(), "quantity": cmd.quantity, "reason": cmd.reason.as_str() });
    crate::audit::record(
        tx,
        actor,
        now,
        "stock.adjusted",
        "product",
        Some(product.id.to_string()),
        details,
    )?;
    Ok(AdjustResult {
        lot_id,
        product_id: product.id,
        quantity: cmd.quantity,
        direction: if cmd.quantity > 0 {
            Direction::Increase
        } else {
            Direction::Decrease
        },
        new_available: previous_available + cmd.quantity,
        previous_available,
        reason: cmd.reason,
    })
}

/// How often one allocation reads a product's lots again after losing a lot to a concurrent
/// order, before the whole unit of work is retried instead.
const MAX_FIFO_READS: u32 = 8;

/// Allocates `quantity` units of a product FIFO to `reference`, all or nothing. The
/// allocation endpoint's case of [`allocate_many`].
///
/// # Errors
/// [`AppError::InsufficientStock`] when short (nothing taken), [`AppError::Storage`].
pub(crate) fn allocate_fifo(
    tx: &mut dyn InventoryRepository,
    actor: Author,
    product_id: ProductId,
    quantity: i64,
    source: &str,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Allocation>, AppError> {
    allocate_many(tx, actor, &[(product_id, quantity)], source, reference, now)
}

/// Allocates each `(product, quantity)` FIFO to `reference`, all or nothing, in a fixed number
/// of statements whatever the number of products and lots: one read of the oldest open lots
/// of every product (locking them, where the store has row locks), one guarded update taking
/// from all the lots planned, one insert of the allocations and one of the ledger rows.
/// Products are read in the order given (order placement gives them in id order, so
/// concurrent orders lock lots in the same order).
///
/// # Errors
/// [`AppError::Validation`] for a quantity below one; [`AppError::InsufficientStock`] naming
/// the first product that is short (nothing taken); [`AppError::Storage`].
pub(crate) fn allocate_many(
    tx: &mut dyn InventoryRepository,
    actor: Author,
    wanted: &[(ProductId, i64)],
    source: &str,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Allocation>, AppError> {
    if wanted.iter().any(|&(_, quantity)| quantity <= 0) {
        return Err(AppError::invalid("quantity", "must be a positive integer"));
    }
    let mut needed: Vec<(ProductId, i64)> = wanted.to_vec();
    let mut allocations = Vec::new();
    let mut reads = 0;
    while needed.iter().any(|&(_, n)| n > 0) {
        reads += 1;
        // Each open lot holds at least one unit: the oldest `n` of a product's lots are enough,
        // and when they fall short they are all there is, so the shortfall reported is exact.
        let open: Vec<(ProductId, i64)> = needed.iter().copied().filter(|&(_, n)| n > 0).collect();
        let lots = tx.open_lots_of(actor.tenant, &open)?;
        let mut takes = Vec::new();
        for &(product_id, n) in &open {
            let of_product: Vec<Lot> = lots
                .iter()
                .filter(|l| l.product_id == product_id)
                .cloned()
                .collect();
            let plan = plan_fifo(&lot_stock(&of_product), n).map_err(|available| {
                let requested = wanted
                    .iter()
                    .find(|(p, _)| *p == product_id)
                    .map_or(n, |&(_, q)| q);
                AppError::InsufficientStock {
                    product_id,
                    requested,
                    available: available + (requested - n),
                }
            })?;
            takes.extend(plan.into_iter().map(|take| (product_id, take)));
        }
        let planned: Vec<(LotId, i64)> = takes.iter().map(|(_, t)| (t.lot, t.quantity)).collect();
        let taken = tx.take_from_lots(actor.tenant, &planned)?;
        if taken.len() < planned.len() {
            // A concurrent order emptied a lot after we read it: a store without row locks
            // that does not write one unit of work at a time. Plan the rest from a fresh read
            // rather than start the whole order over. PostgreSQL locks the lots as it reads
            // them and SQLite writes one unit at a time: neither gets here.
            if reads >= MAX_FIFO_READS {
                return Err(AppError::lost_race("stock changed concurrently"));
            }
        }
        for (product_id, take) in takes {
            if !taken.contains(&take.lot) {
                continue;
            }
            if let Some(entry) = needed.iter_mut().find(|(p, _)| *p == product_id) {
                entry.1 -= take.quantity;
            }
            allocations.push(Allocation {
                id: AllocationId::new(),
                tenant_id: actor.tenant,
                product_id,
                lot_id: take.lot,
                quantity: take.quantity,
                source: source.to_owned(),
                reference: reference.to_owned(),
                created_at: now,
                released_at: None,
            });
        }
    }
    let movements: Vec<Movement> = allocations
        .iter()
        .map(|a| Movement {
            id: MovementId::new(),
            tenant_id: actor.tenant,
            product_id: a.product_id,
            lot_id: a.lot_id,
            kind: MovementKind::Allocate,
            quantity: -a.quantity,
            reason: None,
            source: Some(source.to_owned()),
            reference: Some(reference.to_owned()),
            note: None,
            actor: actor.id_string(),
            created_at: now,
        })
        .collect();
    tx.insert_allocations(&allocations)?;
    tx.append_movements(&movements)?;
    Ok(allocations)
}

/// Gives every open allocation of `reference` back to the lot it came from. Releasing twice
/// releases nothing the second time.
///
/// # Errors
/// [`AppError::Storage`].
pub(crate) fn release(
    tx: &mut dyn UnitOfWork,
    actor: Author,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut released = 0;
    let mut movements = Vec::new();
    for allocation in tx.open_allocations(actor.tenant, reference)? {
        if !tx.release_allocation(actor.tenant, allocation.id, now)? {
            continue;
        }
        apply(tx, actor.tenant, allocation.lot_id, allocation.quantity)?;
        released += allocation.quantity;
        movements.push(Movement {
            id: MovementId::new(),
            tenant_id: actor.tenant,
            product_id: allocation.product_id,
            lot_id: allocation.lot_id,
            kind: MovementKind::Release,
            quantity: allocation.quantity,
            reason: None,
            source: Some(allocation.source.clone()),
            reference: Some(reference.to_owned()),
            note: None,
            actor: actor.id_string(),
            created_at: now,
        });
    }
    tx.append_movements(&movements)?;
    Ok(released)
}

/// Allocates stock FIFO to a caller's reference and returns the product's stock afterwards.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`],
/// [`AppError::InsufficientStock`].
#[tracing::instrument(skip_all, fields(tenant.id = %actor.tenant, product.id = %cmd.product_id))]
pub fn allocate(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    cmd: &AllocateCommand,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.require(Permission::InventoryAllocate)?;
    let source = checked_code("source", Some(&cmd.source), "order")?;
    let reference = cmd.reference.trim();
    if reference.is_empty() || reference.len() > 128 {
        return Err(AppError::invalid("ref_id", "must be 1 to 128 characters"));
    }
    let product = require_product(tx, actor, cmd.product_id)?;
    allocate_fifo(
        tx,
        actor.into(),
        product.id,
        cmd.quantity,
        &source,
        reference,
        now,
    )?;
    stock_of(tx, &product)
}
