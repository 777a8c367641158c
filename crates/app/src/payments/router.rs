//! The payment gateway of each merchant: Stripe on the merchant's own account when they have
//! connected one, the built-in mock gateway otherwise. Sessions say whose they are (Stripe's
//! Checkout Session ids start `cs_`), so a session is always asked at the gateway that opened
//! it. The merchant's account is read when a call needs it, outside any transaction.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kedai_core::{ErrorCode, TenantId};

use super::{
    Cancellation, CheckoutRequest, CheckoutSession, GatewayOutcome, PaymentGateway, STRIPE,
    StripeAccount, StripeApi,
};
use crate::{AppError, Store};

/// Routes each call to the merchant's gateway.
pub struct Gateways {
    mock: Arc<dyn PaymentGateway>,
    stripe: Arc<dyn StripeApi>,
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for Gateways {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateways").finish_non_exhaustive()
    }
}

/// Whether a session id is a Stripe Checkout Session's.
#[must_use]
pub fn is_stripe_session(session: &str) -> bool {
    session.starts_with("cs_")
}

impl Gateways {
    /// The router over the built-in gateway and Stripe's API.
    #[must_use]
    pub fn new(
        mock: Arc<dyn PaymentGateway>,
        stripe: Arc<dyn StripeApi>,
        store: Arc<dyn Store>,
    ) -> Self {
        Self {
            mock,
            stripe,
            store,
        }
    }

    fn account(&self, tenant: TenantId) -> Result<Option<StripeAccount>, AppError> {
        self.store.read(|tx| Ok(tx.find_stripe_account(tenant)?))
    }

    fn connected(&self, tenant: TenantId) -> Result<StripeAccount, AppError> {
        self.account(tenant)?.ok_or_else(|| {
            AppError::conflict(
                ErrorCode::PaymentNotAllowed,
                "this payment was opened at Stripe, and the merchant's Stripe account is no \
                 longer connected",
            )
        })
    }
}

impl PaymentGateway for Gateways {
    fn name(&self) -> &'static str {
        self.mock.name()
    }

    fn handles(&self, gateway: &str) -> bool {
        gateway == STRIPE || self.mock.handles(gateway)
    }

    fn open(&self, request: &CheckoutRequest) -> Result<CheckoutSession, AppError> {
        match self.account(request.tenant)? {
            Some(account) => self.stripe.create_session(&account, request),
            None => self.mock.open(request),
        }
    }

    fn status(&self, tenant: TenantId, session_id: &str) -> Result<GatewayOutcome, AppError> {
        if is_stripe_session(session_id) {
            self.stripe.session(&self.connected(tenant)?, session_id)
        } else {
            self.mock.status(tenant, session_id)
        }
    }

    fn cancel(
        &self,
        tenant: TenantId,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Cancellation, AppError> {
        if is_stripe_session(session_id) {
            self.stripe.expire(&self.connected(tenant)?, session_id)
        } else {
            self.mock.cancel(tenant, session_id, now)
        }
    }
}

impl crate::jobs::Refunds for Gateways {
    fn refund(
        &self,
        tenant: TenantId,
        gateway: &str,
        reference: &str,
        amount: kedai_core::Money,
        key: &str,
    ) -> Result<String, crate::jobs::SendError> {
        if gateway != STRIPE {
            return Err(crate::jobs::SendError::permanent(format!(
                "the {gateway} gateway takes no refunds"
            )));
        }
        let account = self
            .account(tenant)
            .map_err(|e| crate::jobs::SendError::transient(e.to_string()))?
            .ok_or_else(|| {
                crate::jobs::SendError::permanent(
                    "the merchant's Stripe account is no longer connected: refund it at Stripe",
                )
            })?;
        self.stripe.refund(&account, reference, amount, key)
    }
}
