//! Outlets: the merchant's shops and branches.

use kedai_core::uuid_id;

uuid_id!(
    /// An outlet (shop, branch).
    OutletId
);
