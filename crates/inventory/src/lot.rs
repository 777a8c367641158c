//! Stock lots (inventory records) and stock-in.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use kedai_core::{ProductId, TenantId, uuid_id};

use crate::InventoryError;

uuid_id!(
    /// A stock lot (inventory record).
    LotId
);

/// A quantity of one product received at one time. `remaining` never goes below zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    /// Id (the `inventory_id` of the edge functions).
    pub id: LotId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The product.
    pub product_id: ProductId,
    /// Units received.
    pub quantity: i64,
    /// Units still available.
    pub remaining: i64,
    /// Where the stock came from.
    pub source: StockSource,
    /// Free-text note.
    pub note: Option<String>,
    /// When it was received (FIFO order).
    pub received_at: DateTime<Utc>,
    /// When it was recorded (newest-first for product-level adjustments).
    pub created_at: DateTime<Utc>,
    /// Staff member who recorded it.
    pub created_by: Option<String>,
}

impl Lot {
    /// What FIFO planning and adjustments need of this lot.
    #[must_use]
    pub const fn stock(&self) -> crate::LotStock {
        crate::LotStock {
            id: self.id,
            received_at: self.received_at,
            created_at: self.created_at,
            remaining: self.remaining,
        }
    }
}

/// Where received stock came from (001's source codes), plus `manual_adjustment` for lots an
/// increase adjustment creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StockSource {
    /// Manual stock-in (default).
    ManualStockIn,
    /// Purchase order.
    PurchaseOrder,
    /// Returned goods.
    ReturnGoods,
    /// Transfer from another location.
    TransferIn,
    /// Production completed.
    ProductionComplete,
    /// Delivered straight from the supplier.
    SupplierDirect,
    /// Other.
    Other,
    /// Created by an increase adjustment on a product with no lot.
    ManualAdjustment,
}

impl StockSource {
    /// The codes a stock-in accepts.
    pub const STOCK_IN: [Self; 7] = [
        Self::ManualStockIn,
        Self::PurchaseOrder,
        Self::ReturnGoods,
        Self::TransferIn,
        Self::ProductionComplete,
        Self::SupplierDirect,
        Self::Other,
    ];

    /// The code.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ManualStockIn => "manual_stock_in",
            Self::PurchaseOrder => "purchase_order",
            Self::ReturnGoods => "return_goods",
            Self::TransferIn => "transfer_in",
            Self::ProductionComplete => "production_complete",
            Self::SupplierDirect => "supplier_direct",
            Self::Other => "other",
            Self::ManualAdjustment => "manual_adjustment",
        }
    }

    /// Parses a stored code, including `manual_adjustment`.
    #[must_use]
    pub fn from_stored(s: &str) -> Option<Self> {
        Self::STOCK_IN
            .into_iter()
            .chain([Self::ManualAdjustment])
            .find(|c| c.as_str() == s)
    }
}

impl fmt::Display for StockSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StockSource {
    type Err = String;

    /// Accepts the seven stock-in codes of 001.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::STOCK_IN
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let codes: Vec<_> = Self::STOCK_IN.iter().map(|c| c.as_str()).collect();
                format!("`{s}` is not a stock-in source ({})", codes.join(", "))
            })
    }
}

/// A validated stock-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockIn {
    /// Units received, positive.
    pub quantity: i64,
    /// Source code.
    pub source: StockSource,
    /// Note.
    pub note: Option<String>,
    /// Receipt time.
    pub received_at: DateTime<Utc>,
}

impl StockIn {
    /// How far ahead of the clock a receipt may be dated (clock skew between devices).
    pub const FUTURE_TOLERANCE_SECONDS: i64 = 300;

    /// Validates a stock-in: positive quantity, default source `manual_stock_in`, default
    /// receipt time now, not dated in the future.
    ///
    /// # Errors
    /// [`InventoryError::NonPositiveQuantity`] or [`InventoryError::ReceivedInFuture`].
    pub fn new(
        quantity: i64,
        source: Option<StockSource>,
        note: Option<String>,
        received_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Self, InventoryError> {
        if quantity <= 0 {
            return Err(InventoryError::NonPositiveQuantity);
        }
        if quantity > crate::MAX_QUANTITY {
            return Err(InventoryError::QuantityTooLarge { field: "quantity" });
        }
        let received_at = received_at.unwrap_or(now);
        if received_at > now + Duration::seconds(Self::FUTURE_TOLERANCE_SECONDS) {
            return Err(InventoryError::ReceivedInFuture);
        }
        Ok(Self {
            quantity,
            source: source.unwrap_or(StockSource::ManualStockIn),
            note: note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
            received_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-07-30T10:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn stock_in_defaults_and_limits() {
        let s = StockIn::new(100, None, Some("  ".into()), None, now());
        assert_eq!(
            s,
            Ok(StockIn {
                quantity: 100,
                source: StockSource::ManualStockIn,
                note: None,
                received_at: now()
            })
        );
        assert_eq!(
            StockIn::new(0, None, None, None, now()),
            Err(InventoryError::NonPositiveQuantity)
        );
        assert_eq!(
            StockIn::new(-5, None, None, None, now()),
            Err(InventoryError::NonPositiveQuantity)
        );
        assert!(StockIn::new(crate::MAX_QUANTITY, None, None, None, now()).is_ok());
        assert_eq!(
            StockIn::new(crate::MAX_QUANTITY + 1, None, None, None, now()),
            Err(InventoryError::QuantityTooLarge { field: "quantity" })
        );
        let tomorrow = now() + Duration::days(1);
        assert_eq!(
            StockIn::new(1, None, None, Some(tomorrow), now()),
            Err(InventoryError::ReceivedInFuture)
        );
        let earlier = now() - Duration::days(3);
        assert!(
            StockIn::new(1, None, None, Some(earlier), now())
                .is_ok_and(|s| s.received_at == earlier)
        );
    }

    #[test]
    fn source_codes_are_exactly_those_of_001() {
        for s in StockSource::STOCK_IN {
            assert_eq!(s.as_str().parse::<StockSource>(), Ok(s));
            assert_eq!(StockSource::from_stored(s.as_str()), Some(s));
        }
        assert!("manual_adjustment".parse::<StockSource>().is_err());
        assert_eq!(
            StockSource::from_stored("manual_adjustment"),
            Some(StockSource::ManualAdjustment)
        );
        assert!("gift".parse::<StockSource>().is_err());
    }
}
