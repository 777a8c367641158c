//! Wire types shared by the surfaces: decimal amounts, integer ids given as numbers or strings,
//! and "absent vs null" for partial updates.

use std::fmt;

use kedai_app::Amount;
use kedai_core::ProductId;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A decimal amount in major units, sent as a JSON number (`14.90`) or string (`"14.90"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal(pub Amount);

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Decimal;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal amount as a number or a string")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal(Amount(v.to_string())))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal(Amount(v.to_string())))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                // Rust prints the shortest text that reads back as the same double, without an
                // exponent: 14.9 → "14.9", so the decimal the client typed is recovered.
                if v.is_finite() {
                    Ok(Decimal(Amount(format!("{v}"))))
                } else {
                    Err(E::custom("amount must be finite"))
                }
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                Ok(Decimal(Amount(v.trim().to_owned())))
            }
        }
        d.deserialize_any(V)
    }
}

/// A positive integer id sent as a JSON number (`42`) or a string holding one (`"42"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntId(pub ProductId);

impl<'de> Deserialize<'de> for IntId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a positive integer id (number or numeric string)")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntId, E> {
                ProductId::new(v)
                    .map(IntId)
                    .map_err(|_| E::custom("must be a positive integer id"))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntId, E> {
                let v = i64::try_from(v).map_err(|_| E::custom("id out of range"))?;
                self.visit_i64(v)
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<IntId, E> {
                Err(E::custom("must be a positive integer id"))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntId, E> {
                v.parse()
                    .map(IntId)
                    .map_err(|_| E::custom("must be a positive integer id"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Deserializes "absent" as `None` and "null" as `Some(None)` (use with `#[serde(default)]`).
///
/// # Errors
/// Whatever `T` fails with.
pub fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The merchant API's success envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantOk<T> {
    /// Always true.
    pub success: bool,
    /// What happened.
    pub message: String,
    /// The result.
    pub data: T,
}

impl<T> MerchantOk<T> {
    /// A success with a message.
    pub fn new(message: impl Into<String>, data: T) -> Self {
        Self {
            success: true,
            message: message.into(),
            data,
        }
    }
}

/// Paging facts of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Rows in all pages.
    pub total: i64,
}

/// The merchant API's list envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantList<T> {
    /// Always true.
    pub success: bool,
    /// What happened.
    pub message: String,
    /// This page.
    pub data: Vec<T>,
    /// Paging.
    pub meta: PageMeta,
}

/// Whether a list's `total` is the exact number of rows or a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TotalRelation {
    /// Exactly `total` rows match.
    Eq,
    /// At least `total` rows match: a search counts its matches only up to 10,000.
    Gte,
}

impl From<kedai_orders::query::TotalRelation> for TotalRelation {
    fn from(r: kedai_orders::query::TotalRelation) -> Self {
        match r {
            kedai_orders::query::TotalRelation::Eq => Self::Eq,
            kedai_orders::query::TotalRelation::Gte => Self::Gte,
        }
    }
}

/// Paging facts of a list that can be searched: those of [`PageMeta`], and whether the total is
/// exact (`eq`) or, for a search matching more rows than are counted, a lower bound (`gte`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPageMeta {
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Rows in all pages; with `total_relation` `gte`, at least this many.
    pub total: i64,
    /// `eq`: `total` is exact (always, without a search); `gte`: the search matches at least
    /// `total` rows and counting stopped there.
    pub total_relation: TotalRelation,
}

/// The merchant API's list envelope for lists that can be searched: [`MerchantList`] with
/// [`SearchPageMeta`].
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantSearchList<T> {
    /// Always true.
    pub success: bool,
    /// What happened.
    pub message: String,
    /// This page.
    pub data: Vec<T>,
    /// Paging.
    pub meta: SearchPageMeta,
}

/// The edge functions' error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct EdgeErrorBody {
    /// Always false.
    pub success: bool,
    /// What went wrong.
    pub error: String,
    /// Stable code, e.g. `INSUFFICIENT_STOCK`.
    pub code: String,
    /// Bad fields, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub errors: Option<serde_json::Value>,
    /// Structured details (expected amounts, stock figures), when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// The merchant API's error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantErrorBody {
    /// Always false.
    pub success: bool,
    /// What went wrong.
    pub message: String,
    /// Stable code, e.g. `VALIDATION_ERROR`.
    pub error_code: String,
    /// Bad fields and what is wrong with each.
    #[schema(value_type = Object)]
    pub errors: serde_json::Value,
    /// Structured details, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// What went wrong, in the customer portal's error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalError {
    /// Stable SCREAMING_SNAKE code clients branch on, e.g. `VALIDATION_ERROR`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// Bad fields (`errors`) and other structured details, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// The customer portal's error envelope, as the FavCRM client parses it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalErrorBody {
    /// Always false.
    pub success: bool,
    /// The error.
    pub error: PortalError,
}

/// The schema of a query parameter that is a number, or empty: storefronts build query strings
/// from their filter state and send `order_amount=` for "no value", which reads as absent.
#[must_use]
pub fn number_or_empty() -> utoipa::openapi::schema::Schema {
    or_empty(utoipa::openapi::schema::Type::Number)
}

/// As [`number_or_empty`], for an integer id.
#[must_use]
pub fn integer_or_empty() -> utoipa::openapi::schema::Schema {
    or_empty(utoipa::openapi::schema::Type::Integer)
}

fn or_empty(kind: utoipa::openapi::schema::Type) -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(kind).minimum(Some(0)))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(0))
                .description(Some("empty: the same as leaving the parameter out")),
        )
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Probe {
        amount: Decimal,
        id: IntId,
    }

    #[test]
    fn amounts_and_ids_take_numbers_or_strings() {
        let p: Probe = serde_json::from_str(r#"{"amount": 14.90, "id": "42"}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((p.amount.0.0.as_str(), p.id.0.get()), ("14.9", 42));
        let p: Probe = serde_json::from_str(r#"{"amount": "29.80", "id": 7}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((p.amount.0.0.as_str(), p.id.0.get()), ("29.80", 7));
        let p: Probe =
            serde_json::from_str(r#"{"amount": 100, "id": 7}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.amount.0.0, "100");
        for bad in [
            r#"{"amount": 1, "id": "550e8400-e29b-41d4-a716-446655440000"}"#,
            r#"{"amount": 1, "id": 0}"#,
            r#"{"amount": 1, "id": -4}"#,
            r#"{"amount": 1, "id": 1.5}"#,
            r#"{"amount": true, "id": 1}"#,
            r#"{"amount": [1], "id": 1}"#,
        ] {
            assert!(serde_json::from_str::<Probe>(bad).is_err(), "{bad}");
        }
    }
}
