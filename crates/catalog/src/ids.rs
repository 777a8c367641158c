//! The catalogue's ids: integers where the storefront client addresses them by number.

use kedai_core::int_id;

int_id!(
    /// A product category.
    CategoryId
);
int_id!(
    /// A product image.
    ImageId
);
int_id!(
    /// A product option (`Colour`).
    OptionId
);
int_id!(
    /// One value of an option (`Red`).
    OptionValueId
);

kedai_core::uuid_id!(
    /// A brand or a collection.
    GroupId
);
