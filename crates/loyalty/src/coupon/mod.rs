//! Coupons: codes that discount an order. The rules here decide whether a coupon applies to a
//! cart and how much it takes off; storage keeps the usage count honest under concurrency.

mod aggregate;
mod code;
mod discount;
mod draft;
mod percent;
mod redemption;
mod repository;
#[cfg(test)]
mod tests;

pub use aggregate::{Coupon, CouponId, CouponStatus, DiscountType};
pub use code::CouponCode;
pub use discount::CouponRejection;
pub use draft::{CouponDraft, InvalidField};
pub use percent::{MAX_PERCENT_HUNDREDTHS, parse_percentage, percentage_to_f64};
pub use redemption::{Redemption, RedemptionId};
pub use repository::CouponRepository;
