//! Typed identifiers. Entities have UUID v7 string ids; catalogue entities that storefront
//! clients address by integer (products) have positive integer ids.

use uuid::Uuid;

/// A malformed identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The text is not a UUID.
    #[error("`{0}` is not a valid id")]
    NotUuid(String),
    /// An integer id that is zero, negative or not a number.
    #[error("`{0}` is not a valid integer id")]
    NotPositiveInteger(String),
}

/// A fresh UUID v7 (time-ordered), the id of every new non-catalogue entity.
#[must_use]
pub fn new_uuid_v7() -> Uuid {
    Uuid::now_v7()
}

/// Declares a UUID-backed id newtype with parsing, display and a generator.
#[macro_export]
macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($crate::uuid::Uuid);

        impl $name {
            /// A new, time-ordered id.
            #[must_use]
            pub fn new() -> Self {
                Self($crate::id::new_uuid_v7())
            }

            /// Wraps an existing UUID.
            #[must_use]
            pub const fn from_uuid(uuid: $crate::uuid::Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            #[must_use]
            pub const fn as_uuid(&self) -> $crate::uuid::Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::id::IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::uuid::Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| $crate::id::IdError::NotUuid(s.to_owned()))
            }
        }
    };
}

uuid_id!(
    /// A tenant (merchant, company): the owner of every business row.
    TenantId
);

/// Declares an id that is a positive integer: the catalogue entities storefront clients
/// address by integer (products, variations, categories, images, options, shipping methods)
/// and membership tiers.
#[macro_export]
macro_rules! int_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(i64);

        impl $name {
            /// Accepts a positive integer.
            ///
            /// # Errors
            /// `IdError::NotPositiveInteger` for zero or a negative number.
            pub fn new(value: i64) -> Result<Self, $crate::id::IdError> {
                if value > 0 {
                    Ok(Self(value))
                } else {
                    Err($crate::id::IdError::NotPositiveInteger(value.to_string()))
                }
            }

            /// The integer value.
            #[must_use]
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::id::IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|v| Self::new(v).ok())
                    .ok_or_else(|| $crate::id::IdError::NotPositiveInteger(s.to_owned()))
            }
        }
    };
}

int_id!(
    /// A catalogue product id: a positive integer, as storefront clients address products.
    ProductId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_round_trip_and_reject_garbage() {
        let id = TenantId::new();
        assert_eq!(id.to_string().parse::<TenantId>(), Ok(id));
        assert!("not-a-uuid".parse::<TenantId>().is_err());
    }

    #[test]
    fn new_ids_are_time_ordered() {
        let a = TenantId::new();
        let b = TenantId::new();
        assert!(a.as_uuid().get_version_num() == 7 && a < b);
    }

    #[test]
    fn product_ids_are_positive_integers() {
        assert_eq!("42".parse::<ProductId>().map(ProductId::get), Ok(42));
        assert!("0".parse::<ProductId>().is_err());
        assert!("-3".parse::<ProductId>().is_err());
        assert!("1.5".parse::<ProductId>().is_err());
        assert!(
            "550e8400-e29b-41d4-a716-446655440000"
                .parse::<ProductId>()
                .is_err()
        );
        assert!(ProductId::new(0).is_err());
    }
}
