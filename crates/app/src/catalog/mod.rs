//! The catalogue's use cases: products and their storefront fields, categories, brands and
//! collections, variations and options, images, and the storefront's reads of listed products.

mod categories;
mod fields;
mod groups;
mod images;
mod product_view;
mod products;
mod storefront;
mod variations;

pub use categories::*;
pub use fields::*;
pub use groups::*;
pub use images::*;
pub use product_view::*;
pub use products::*;
pub use storefront::*;
pub use variations::*;
