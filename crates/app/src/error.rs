//! The one error type every surface renders in its own envelope.

use kedai_core::ErrorCode;
use kedai_core::{ProductId, StorageError};
use kedai_identity::{IdentityError, Permission};
use kedai_inventory::InventoryError;
use kedai_orders::{Mismatch, OrderError, OrderStatus, describe_mismatches};

/// A field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as named in the request (`items[0].quantity`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Why a caller is not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No credentials where they are required.
    Missing,
    /// A token that is malformed, forged or for something else.
    InvalidToken,
    /// A token past its expiry.
    Expired,
    /// Wrong e-mail or password.
    InvalidCredentials,
}

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; nothing changed.
    #[error("{}", describe(.errors))]
    Validation {
        /// Stable code (`VALIDATION_ERROR` unless more specific).
        code: ErrorCode,
        /// Each bad field.
        errors: Vec<FieldError>,
    },
    /// Figures that disagree with the rules, with the expected values.
    #[error("order amounts do not add up: {}", describe_mismatches(.0))]
    AmountMismatch(Vec<Mismatch>),
    /// No such thing in the caller's tenant.
    #[error("{entity} {id} not found")]
    NotFound {
        /// What was looked for.
        entity: Entity,
        /// The id as given.
        id: String,
    },
    /// Not authenticated.
    #[error("{}", auth_message(*.0))]
    Unauthenticated(AuthFailure),
    /// Authenticated, but the role lacks the permission.
    #[error("your role does not have the `{0}` permission")]
    Forbidden(Permission),
    /// Not enough stock; nothing was taken.
    #[error(
        "insufficient stock for product {product_id}: requested {requested}, available {available}"
    )]
    InsufficientStock {
        /// The product.
        product_id: ProductId,
        /// Units asked for.
        requested: i64,
        /// Units available.
        available: i64,
    },
    /// The status machine forbids the move.
    #[error("cannot move an order from {from} to {to}")]
    InvalidTransition {
        /// Current status.
        from: OrderStatus,
        /// Requested status.
        to: OrderStatus,
    },
    /// processing → shipped without a tracking number.
    #[error("a tracking number is required to mark an order as shipped")]
    TrackingNumberRequired,
    /// Authenticated and permitted in general, but a rule forbids this caller this action
    /// (only an owner may grant the owner role).
    #[error("{message}")]
    NotAllowed {
        /// Stable code.
        code: ErrorCode,
        /// Why.
        message: String,
    },
    /// A conflict with the current state (duplicate, in use, not allowed now).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: ErrorCode,
        /// What conflicts.
        message: String,
    },
    /// Too many attempts of something rate-limited by a rule (one-time codes); nothing changed.
    #[error("{message}")]
    Throttled {
        /// Stable code.
        code: ErrorCode,
        /// Why.
        message: String,
        /// Seconds until it may be tried again.
        retry_after: i64,
    },
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn auth_message(why: AuthFailure) -> &'static str {
    match why {
        AuthFailure::Missing => "a bearer token is required",
        AuthFailure::InvalidToken => "the bearer token is invalid",
        AuthFailure::Expired => "the bearer token has expired; sign in again",
        AuthFailure::InvalidCredentials => "invalid e-mail or password",
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

kedai_core::text_enum! {
    /// What an [`AppError::NotFound`] looked for: each kind has its own not-found code
    /// ([`Entity::not_found_code`]), and its word names it in the message.
    pub enum Entity ("a kind of record") {
        /// A product.
        Product = "product",
        /// An order.
        Order = "order",
        /// An inventory record.
        InventoryRecord = "inventory record",
        /// A tenant.
        Tenant = "tenant",
        /// An outlet.
        Outlet = "outlet",
        /// A customer.
        Customer = "customer",
        /// A staff.
        Staff = "staff",
        /// A coupon.
        Coupon = "coupon",
        /// A category.
        Category = "category",
        /// A brand.
        Brand = "brand",
        /// A collection.
        Collection = "collection",
        /// A variation.
        Variation = "variation",
        /// An image.
        Image = "image",
        /// An option.
        VariationOption = "option",
        /// A membership tier.
        MembershipTier = "membership tier",
        /// A payment intent.
        PaymentIntent = "payment intent",
        /// A shipping method.
        ShippingMethod = "shipping method",
        /// A payment method.
        PaymentMethod = "payment method",
        /// A company.
        Company = "company",
        /// A storefront domain.
        StorefrontDomain = "storefront domain",
        /// A member.
        Member = "member",
        /// A payment gateway account.
        PaymentGateway = "payment gateway",
        /// A webhook endpoint.
        WebhookEndpoint = "webhook endpoint",
        /// A webhook delivery.
        WebhookDelivery = "webhook delivery",
        /// A gift offer.
        GiftOffer = "gift offer",
        /// A gift redemption.
        GiftRedemption = "gift redemption",
        /// A campaign.
        Campaign = "campaign",
    }
}

impl Entity {
    /// The code a client reads when no such record is found.
    #[must_use]
    pub const fn not_found_code(self) -> ErrorCode {
        match self {
            Self::Product => ErrorCode::ProductNotFound,
            Self::Order => ErrorCode::OrderNotFound,
            Self::InventoryRecord => ErrorCode::InventoryRecordNotFound,
            Self::Tenant => ErrorCode::MerchantNotFound,
            Self::Outlet => ErrorCode::OutletNotFound,
            Self::Customer => ErrorCode::CustomerNotFound,
            Self::Staff => ErrorCode::StaffNotFound,
            Self::Coupon => ErrorCode::CouponNotFound,
            Self::Category => ErrorCode::CategoryNotFound,
            Self::Brand => ErrorCode::BrandNotFound,
            Self::Collection => ErrorCode::CollectionNotFound,
            Self::Variation => ErrorCode::VariationNotFound,
            Self::Image => ErrorCode::ImageNotFound,
            Self::VariationOption => ErrorCode::OptionNotFound,
            Self::MembershipTier => ErrorCode::TierNotFound,
            Self::PaymentIntent => ErrorCode::PaymentIntentNotFound,
            Self::ShippingMethod => ErrorCode::ShippingMethodNotFound,
            Self::PaymentMethod => ErrorCode::PaymentMethodNotFound,
            Self::Company => ErrorCode::CompanyNotFound,
            Self::StorefrontDomain => ErrorCode::DomainNotFound,
            Self::Member => ErrorCode::MemberNotFound,
            Self::PaymentGateway => ErrorCode::PaymentGatewayNotFound,
            Self::WebhookEndpoint => ErrorCode::WebhookNotFound,
            Self::WebhookDelivery => ErrorCode::WebhookDeliveryNotFound,
            Self::GiftOffer => ErrorCode::GiftOfferNotFound,
            Self::GiftRedemption => ErrorCode::RedemptionNotFound,
            Self::Campaign => ErrorCode::CampaignNotFound,
        }
    }
}

impl AppError {
    /// One bad field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            code: ErrorCode::ValidationError,
            errors: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    /// Every bad field at once (`VALIDATION_ERROR`), as the domain's checks report them.
    pub fn fields<F: Into<String>>(errors: impl IntoIterator<Item = (F, String)>) -> Self {
        Self::Validation {
            code: ErrorCode::ValidationError,
            errors: errors
                .into_iter()
                .map(|(field, message)| FieldError {
                    field: field.into(),
                    message,
                })
                .collect(),
        }
    }

    /// One field refused with a specific code (`INSUFFICIENT_POINTS`, `INSUFFICIENT_CREDITS`).
    pub fn rejected(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            code,
            errors: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    /// No such thing in the caller's tenant.
    #[must_use]
    pub fn not_found(entity: Entity, id: impl ToString) -> Self {
        Self::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// A conflict with the current state.
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A guarded write found the row changed since it was read: the unit of work is rolled
    /// back and run again on fresh reads.
    #[must_use]
    pub fn lost_race(what: &'static str) -> Self {
        Self::Storage(StorageError::retryable(what))
    }

    /// True when retrying the whole unit of work may succeed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Storage(e) if e.kind() == kedai_core::storage::StorageErrorKind::Retryable)
    }
}

impl From<OrderError> for AppError {
    fn from(e: OrderError) -> Self {
        match e {
            OrderError::InvalidTransition { from, to } => Self::InvalidTransition { from, to },
            OrderError::TrackingNumberRequired => Self::TrackingNumberRequired,
            OrderError::AmountMismatch { mismatches } => Self::AmountMismatch(mismatches),
            OrderError::NoItems => Self::invalid("items", "at least one item is required"),
            OrderError::InvalidQuantity { index } => Self::invalid(
                format!("items[{index}].quantity"),
                "must be a positive integer",
            ),
            OrderError::NegativeAmount { ref field } => {
                Self::invalid(field.clone(), "must not be negative")
            }
            OrderError::NegativeTotal => {
                Self::invalid("discount_amount", "exceeds the order amount")
            }
            OrderError::PaymentAmountMismatch { .. } | OrderError::NonPositivePayment => {
                Self::invalid("amount", e.to_string())
            }
            OrderError::InvalidInitialStatus(_) => Self::invalid("status", e.to_string()),
            OrderError::PaymentNotAllowed { .. } => {
                Self::conflict(ErrorCode::PaymentNotAllowed, e.to_string())
            }
            OrderError::NothingToRefund => {
                Self::conflict(ErrorCode::NothingToRefund, e.to_string())
            }
            OrderError::Money(m) => Self::invalid("amount", m.to_string()),
        }
    }
}

impl From<InventoryError> for AppError {
    fn from(e: InventoryError) -> Self {
        match e {
            InventoryError::Insufficient {
                product_id,
                requested,
                available,
            } => Self::InsufficientStock {
                product_id,
                requested,
                available,
            },
            InventoryError::NonPositiveQuantity => {
                Self::invalid("quantity", "must be a positive integer")
            }
            InventoryError::ZeroAdjustment => Self::invalid("adjust_quantity", "must not be zero"),
            InventoryError::QuantityTooLarge { field } => Self::invalid(
                field,
                format!("must be at most {}", kedai_core::MAX_QUANTITY),
            ),
            InventoryError::NoStockRecord => {
                Self::conflict(ErrorCode::NoStockRecord, e.to_string())
            }
            InventoryError::ReasonDirection { .. } => Self::invalid("reason", e.to_string()),
            InventoryError::NoteRequired => {
                Self::invalid("note", "is required with reason `other`")
            }
            InventoryError::ReceivedInFuture => {
                Self::invalid("received_at", "must not be in the future")
            }
        }
    }
}

impl From<kedai_catalog::CatalogError> for AppError {
    fn from(e: kedai_catalog::CatalogError) -> Self {
        match e {
            kedai_catalog::CatalogError::Invalid { field, message } => {
                Self::invalid(field, message)
            }
        }
    }
}

impl From<IdentityError> for AppError {
    fn from(e: IdentityError) -> Self {
        match e {
            IdentityError::Invalid { field, message } => Self::invalid(field, message),
            IdentityError::Conflict { code, message } => Self::Conflict { code, message },
            IdentityError::NotAllowed { code, message } => Self::NotAllowed { code, message },
            IdentityError::Hashing => Self::Storage(StorageError::other("password hashing failed")),
        }
    }
}
