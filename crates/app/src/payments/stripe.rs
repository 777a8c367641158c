//! A merchant's Stripe account: configured by the owner under `/v1/payment-gateways/stripe`,
//! used by [`super::Gateways`] to open Checkout Sessions (cards, FPX) on the merchant's own
//! account, and to check the signatures of the webhooks Stripe sends for it.

use chrono::{DateTime, Utc};
use kedai_core::{ErrorCode, StorageError, TenantId};
use kedai_identity::Permission;
use serde_json::json;

use super::{Cancellation, CheckoutRequest, CheckoutSession, GatewayOutcome};
use crate::{Actor, AppError, Entity, FieldError, UnitOfWork, audit};

/// The name stored on intents Stripe opened.
pub const STRIPE: &str = "stripe";

/// Stripe's API.
pub const STRIPE_API: &str = "https://api.stripe.com";

/// Payment method types a Checkout Session may offer.
pub const STRIPE_METHODS: [&str; 4] = ["card", "fpx", "grabpay", "alipay"];

/// A merchant's Stripe account.
#[derive(Clone, PartialEq, Eq)]
pub struct StripeAccount {
    /// The merchant.
    pub tenant_id: TenantId,
    /// Secret API key (`sk_live_…`, `sk_test_…`, or a restricted `rk_…`).
    pub secret_key: String,
    /// Publishable key, for storefronts that show Stripe's own elements.
    pub publishable_key: Option<String>,
    /// The signing secret of the merchant's webhook endpoint at Stripe (`whsec_…`).
    pub webhook_secret: String,
    /// Payment method types offered (`card`, `fpx`, …).
    pub methods: Vec<String>,
    /// Where customers return after paying or giving up (the storefront's page).
    pub return_url: String,
    /// The API's base URL (Stripe's; a stand-in's in tests).
    pub api_base: String,
    /// Configured.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for StripeAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeAccount")
            .field("tenant_id", &self.tenant_id)
            .field("methods", &self.methods)
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl StripeAccount {
    /// The secret key with all but its prefix and last four characters hidden.
    #[must_use]
    pub fn masked_key(&self) -> String {
        let prefix: String = self.secret_key.chars().take(8).collect();
        let n = self.secret_key.chars().count();
        let last: String = self.secret_key.chars().skip(n.saturating_sub(4)).collect();
        format!("{prefix}…{last}")
    }
}

/// Where merchants' Stripe accounts are kept.
pub trait StripeAccountRepository {
    /// The merchant's account, if configured.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_stripe_account(
        &mut self,
        tenant: TenantId,
    ) -> Result<Option<StripeAccount>, StorageError>;

    /// Stores the merchant's account, replacing any.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn save_stripe_account(&mut self, account: &StripeAccount) -> Result<(), StorageError>;

    /// Removes the merchant's account. Returns false when there was none.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn delete_stripe_account(&mut self, tenant: TenantId) -> Result<bool, StorageError>;
}

/// What Kedai asks of Stripe's API, on a merchant's account. Implemented over HTTP by the
/// integrations; never called inside a transaction.
pub trait StripeApi: Send + Sync {
    /// Creates a Checkout Session for the request (`client_reference_id` and metadata name
    /// Kedai's intent and merchant).
    ///
    /// # Errors
    /// [`AppError`] when Stripe refuses or cannot be reached.
    fn create_session(
        &self,
        account: &StripeAccount,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, AppError>;

    /// Where a Checkout Session stands.
    ///
    /// # Errors
    /// [`AppError`] when Stripe fails or does not know it.
    fn session(&self, account: &StripeAccount, id: &str) -> Result<GatewayOutcome, AppError>;

    /// Refunds `amount` of a payment (Stripe's PaymentIntent `pi_…`), idempotently by `key`.
    /// Returns Stripe's refund id.
    ///
    /// # Errors
    /// [`crate::jobs::SendError`]: permanent when Stripe refuses the refund.
    fn refund(
        &self,
        account: &StripeAccount,
        payment_intent: &str,
        amount: kedai_core::Money,
        key: &str,
    ) -> Result<String, crate::jobs::SendError>;

    /// Expires an open Checkout Session; one already completed answers its outcome.
    ///
    /// # Errors
    /// [`AppError`] when Stripe fails or does not know it.
    fn expire(&self, account: &StripeAccount, id: &str) -> Result<Cancellation, AppError>;
}

/// What the owner sends to connect Stripe.
#[derive(Debug, Clone, Default)]
pub struct StripeSetup {
    /// Secret key.
    pub secret_key: Option<String>,
    /// Publishable key.
    pub publishable_key: Option<String>,
    /// Webhook signing secret.
    pub webhook_secret: Option<String>,
    /// Methods (default `["card"]`).
    pub methods: Option<Vec<String>>,
    /// Return URL.
    pub return_url: Option<String>,
    /// API base (default Stripe's).
    pub api_base: Option<String>,
}

fn field(errors: &mut Vec<FieldError>, name: &str, message: impl Into<String>) {
    errors.push(FieldError {
        field: name.to_owned(),
        message: message.into(),
    });
}

fn http_url(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("https://") || t.starts_with("http://")) && t.len() > 8 && t.len() <= 2_000
}

/// Connects (or reconnects) the merchant's Stripe account: from now on payments of the
/// merchant open Stripe Checkout Sessions. Owners and admins (`MerchantWrite`); audited
/// without the keys.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::Validation`] naming every bad field.
pub fn connect_stripe(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    setup: &StripeSetup,
    now: DateTime<Utc>,
) -> Result<StripeAccount, AppError> {
    actor.require(Permission::MerchantWrite)?;
    let mut errors = Vec::new();
    let key = setup
        .secret_key
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if !(key.starts_with("sk_") || key.starts_with("rk_")) || key.len() < 10 {
        field(
            &mut errors,
            "secret_key",
            "must be a Stripe secret key (sk_… or rk_…)",
        );
    }
    let publishable = setup
        .publishable_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if publishable.is_some_and(|k| !k.starts_with("pk_")) {
        field(
            &mut errors,
            "publishable_key",
            "must be a Stripe publishable key (pk_…)",
        );
    }
    let hook = setup
        .webhook_secret
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if !hook.starts_with("whsec_") || hook.len() < 10 {
        field(
            &mut errors,
            "webhook_secret",
            "must be the endpoint's signing secret (whsec_…)",
        );
    }
    let methods = setup.methods.clone().unwrap_or_else(|| vec!["card".into()]);
    if methods.is_empty()
        || methods
            .iter()
            .any(|m| !STRIPE_METHODS.contains(&m.as_str()))
    {
        field(
            &mut errors,
            "methods",
            format!("must name one or more of {}", STRIPE_METHODS.join(", ")),
        );
    }
    let return_url = setup
        .return_url
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if !http_url(return_url) {
        field(
            &mut errors,
            "return_url",
            "must be the http(s) URL customers return to",
        );
    }
    let api_base = setup
        .api_base
        .as_deref()
        .map_or(STRIPE_API, str::trim)
        .trim_end_matches('/');
    if !http_url(api_base) {
        field(&mut errors, "api_base", "must be an http(s) URL");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation {
            code: ErrorCode::ValidationError,
            errors,
        });
    }
    let created_at = tx
        .find_stripe_account(actor.tenant)?
        .map_or(now, |a| a.created_at);
    let mut methods = methods;
    methods.dedup();
    let account = StripeAccount {
        tenant_id: actor.tenant,
        secret_key: key.to_owned(),
        publishable_key: publishable.map(str::to_owned),
        webhook_secret: hook.to_owned(),
        methods,
        return_url: return_url.to_owned(),
        api_base: api_base.to_owned(),
        created_at,
        updated_at: now,
    };
    tx.save_stripe_account(&account)?;
    audit::record(
        tx,
        actor,
        now,
        "payment_gateway.connected",
        "payment_gateway",
        Some(STRIPE.to_owned()),
        json!({ "methods": account.methods, "key": account.masked_key() }),
    )?;
    Ok(account)
}

/// The merchant's Stripe account.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] when none is connected.
pub fn stripe_account(tx: &mut dyn UnitOfWork, actor: &Actor) -> Result<StripeAccount, AppError> {
    actor.require(Permission::MerchantWrite)?;
    tx.find_stripe_account(actor.tenant)?
        .ok_or_else(|| AppError::not_found(Entity::PaymentGateway, STRIPE))
}

/// Disconnects Stripe: the merchant's next payments go through the built-in gateway. Intents
/// already opened at Stripe are still settled by verification and status reads only while
/// connected.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] when none is connected.
pub fn disconnect_stripe(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::MerchantWrite)?;
    if !tx.delete_stripe_account(actor.tenant)? {
        return Err(AppError::not_found(Entity::PaymentGateway, STRIPE));
    }
    audit::record(
        tx,
        actor,
        now,
        "payment_gateway.disconnected",
        "payment_gateway",
        Some(STRIPE.to_owned()),
        json!({}),
    )
}
