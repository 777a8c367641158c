//! The payment-method options of a shop.

use chrono::{DateTime, Utc};
use kedai_core::TenantId;

use super::{InvalidField, PaymentMethodKind, ShopPaymentMethodId, TEXT_MAX, bad, clean_text};

/// A payment-method option of the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopPaymentMethod {
    /// Id.
    pub id: ShopPaymentMethodId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Name shown at checkout (also recorded as the payment's method).
    pub name: String,
    /// How it is paid.
    pub kind: PaymentMethodKind,
    /// What the customer must do (manual methods).
    pub instructions: Option<String>,
    /// Position in the list (lower first).
    pub position: i32,
    /// Offered at checkout.
    pub active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl ShopPaymentMethod {
    /// Whether checkout opens a payment at the gateway for this method.
    #[must_use]
    pub fn has_gateway(&self) -> bool {
        self.kind == PaymentMethodKind::Gateway
    }
}

/// Longest payment-method name: it is recorded as the payment's method code.
pub const PAYMENT_METHOD_NAME_MAX: usize = 64;

/// A payment method as requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethodDraft {
    /// Name, 1–64 characters.
    pub name: String,
    /// How it is paid.
    pub kind: PaymentMethodKind,
    /// Instructions, up to 2000 characters.
    pub instructions: Option<String>,
    /// Position.
    pub position: i32,
    /// Offered at checkout.
    pub active: bool,
}

impl PaymentMethodDraft {
    /// Checks every field and returns the cleaned draft.
    ///
    /// # Errors
    /// Every [`InvalidField`] found.
    pub fn validate(self) -> Result<Self, Vec<InvalidField>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > PAYMENT_METHOD_NAME_MAX {
            errors.push(bad(
                "name",
                format!("must be 1 to {PAYMENT_METHOD_NAME_MAX} characters"),
            ));
        }
        let instructions = clean_text(
            "instructions",
            self.instructions.as_deref(),
            TEXT_MAX,
            &mut errors,
        );
        if errors.is_empty() {
            Ok(Self {
                name,
                instructions,
                ..self
            })
        } else {
            Err(errors)
        }
    }
}

/// A partial change of a payment method; `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentMethodPatch {
    /// Name.
    pub name: Option<String>,
    /// Kind.
    pub kind: Option<PaymentMethodKind>,
    /// Instructions.
    pub instructions: Option<Option<String>>,
    /// Position.
    pub position: Option<i32>,
    /// Offered at checkout.
    pub active: Option<bool>,
}

impl ShopPaymentMethod {
    /// The method with `patch` applied, checked like a new one.
    ///
    /// # Errors
    /// Every [`InvalidField`] found.
    pub fn patched(
        &self,
        patch: PaymentMethodPatch,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<InvalidField>> {
        let draft = PaymentMethodDraft {
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            kind: patch.kind.unwrap_or(self.kind),
            instructions: patch
                .instructions
                .unwrap_or_else(|| self.instructions.clone()),
            position: patch.position.unwrap_or(self.position),
            active: patch.active.unwrap_or(self.active),
        }
        .validate()?;
        Ok(Self {
            name: draft.name,
            kind: draft.kind,
            instructions: draft.instructions,
            position: draft.position,
            active: draft.active,
            updated_at: now,
            ..self.clone()
        })
    }
}
