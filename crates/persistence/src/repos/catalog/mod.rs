//! The catalogue's storage: products (and the storefront's reads of them), categories, brands
//! and collections, images, options and variations.

/// Runs `$body` with `$t` naming the table of a [`kedai_catalog::GroupKind`]: brands and
/// collections have the same columns, so one body serves both.
macro_rules! on_group_table {
    ($kind:expr, $t:ident => $body:expr) => {
        match $kind {
            kedai_catalog::GroupKind::Brand => {
                use crate::schema::brands as $t;
                $body
            }
            kedai_catalog::GroupKind::Collection => {
                use crate::schema::collections as $t;
                $body
            }
        }
    };
}

mod categories;
mod groups;
mod images;
mod products;
mod rows;
mod variations;
