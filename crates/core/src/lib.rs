//! Kedai's shared kernel: typed ids, money and currency, tenant time zones, the clock, paging and
//! the storage error every repository reports. Pure: no I/O, no framework.

pub mod id;
pub mod money;
pub mod page;
pub mod storage;
pub mod text_enum;
pub mod time;

pub use uuid;

pub use id::{IdError, ProductId, TenantId, new_uuid_v7};
pub use money::{Currency, Money, MoneyError};
pub use page::{Page, PageError};
pub use storage::StorageError;
pub use time::{Clock, SystemClock, TimeZone, TimeZoneError};
