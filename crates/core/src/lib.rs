//! Kedai's shared kernel: typed ids, money and currency, tenant time zones, the clock, paging and
//! the storage error every repository reports. Pure: no I/O, no framework.
//!
//! Money is integer minor units of an ISO-4217 currency; a percentage rounds half-up to the
//! minor unit (003's example: 10% of 29.80 is 2.98).
//!
//! ```
//! use kedai_core::{Currency, Money};
//!
//! let myr = Currency::from_code("MYR")?;
//! let subtotal = Money::parse_decimal("29.80", myr)?;
//! let discount = subtotal.percent(10)?;
//! assert_eq!(discount.to_string(), "2.98");
//! assert_eq!(subtotal.checked_sub(discount)?.to_string(), "26.82");
//! # Ok::<(), kedai_core::MoneyError>(())
//! ```

pub mod error_code;
pub mod id;
pub mod money;
pub mod page;
pub mod retry;
pub mod storage;
pub mod text_enum;
pub mod time;

pub use uuid;

pub use error_code::ErrorCode;
pub use id::{IdError, ProductId, TenantId, new_uuid_v7};
pub use money::{Currency, Money, MoneyError};
pub use page::{Page, PageError};
pub use retry::{Backoff, Retry};
pub use storage::StorageError;
pub use time::{Clock, SystemClock, TimeZone, TimeZoneError};

/// The most units one stock-in, adjustment or stock threshold may carry: far beyond any real
/// receipt, and small enough that no sum of them can overflow.
pub const MAX_QUANTITY: i64 = 1_000_000_000;
