//! Customers: the merchant's members.

use kedai_core::uuid_id;

uuid_id!(
    /// A customer.
    CustomerId
);
