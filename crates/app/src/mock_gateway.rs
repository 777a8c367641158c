//! The built-in mock payment gateway: checkout sessions kept in the database and decided on
//! Kedai's own page, where a person approves or declines. No money moves. A session whose
//! payment intent is no longer open (replaced by a newer one, or its order cancelled or
//! re-priced) takes no decision: its page says it was cancelled, and an approval is refused.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kedai_core::{Money, StorageError, TenantId};

use crate::payments::{
    Cancellation, CheckoutRequest, CheckoutSession, GatewayOutcome, IntentStatus, PaymentGateway,
};
use crate::{AppError, Store, UnitOfWork};

/// The name the mock gateway stores on intents.
pub const MOCK: &str = "mock";

kedai_core::text_enum! {
    /// Where a mock checkout stands.
    pub enum MockDecision ("a mock session status") {
        /// Not yet.
        Pending = "pending",
        /// Approve pressed.
        Approved = "approved",
        /// Decline pressed.
        Declined = "declined",
        /// Withdrawn before the customer decided: its intent was replaced or closed.
        Cancelled = "cancelled",
    }
}

/// A checkout session of the mock gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockSession {
    /// Random, unguessable id (the page's only secret).
    pub id: String,
    /// The merchant.
    pub tenant_id: TenantId,
    /// Amount.
    pub amount: Money,
    /// What is paid for.
    pub description: String,
    /// Decision.
    pub status: MockDecision,
    /// Reference given on approval.
    pub reference: Option<String>,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Decided.
    pub decided_at: Option<DateTime<Utc>>,
}

/// The mock gateway's sessions.
pub trait MockGatewayRepository {
    /// Stores a new session.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn insert_mock_session(&mut self, session: &MockSession) -> Result<(), StorageError>;

    /// A session by its id (any tenant: the id is the secret the checkout page holds).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn find_mock_session(&mut self, id: &str) -> Result<Option<MockSession>, StorageError>;

    /// Records a decision on a pending session — only while it is pending (the first decision
    /// wins, and a cancellation is one). Returns false, changing nothing, otherwise.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn decide_mock_session(
        &mut self,
        id: &str,
        decision: MockDecision,
        reference: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError>;
}

/// Random bytes from the operating system.
fn random_bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Storage(StorageError::other(e.to_string())))?;
    Ok(bytes)
}

/// The built-in gateway: sessions in the database, decided on Kedai's own checkout page at
/// `<public url>/pay/mock/<session id>`. Like a real gateway it is reached outside the caller's
/// transaction: each call runs in a short transaction of its own on `store`.
#[derive(Clone)]
pub struct MockGateway {
    public_url: String,
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for MockGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockGateway")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl MockGateway {
    /// A mock gateway whose checkout pages live under `public_url` and whose sessions are kept
    /// in `store`.
    #[must_use]
    pub fn new(public_url: &str, store: Arc<dyn Store>) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            store,
        }
    }
}

fn outcome(session: MockSession) -> GatewayOutcome {
    match session.status {
        MockDecision::Pending => GatewayOutcome::Pending,
        MockDecision::Approved => GatewayOutcome::Approved {
            reference: session.reference.unwrap_or_default(),
        },
        MockDecision::Declined => GatewayOutcome::Declined {
            reason: "declined on the checkout page".into(),
        },
        MockDecision::Cancelled => GatewayOutcome::Declined {
            reason: "the checkout was cancelled".into(),
        },
    }
}

fn own_session(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    session_id: &str,
) -> Result<MockSession, AppError> {
    tx.find_mock_session(session_id)?
        .filter(|s| s.tenant_id == tenant)
        .ok_or_else(|| AppError::Storage(StorageError::other("mock gateway session missing")))
}

impl PaymentGateway for MockGateway {
    fn name(&self) -> &'static str {
        MOCK
    }

    fn open(&self, request: &CheckoutRequest) -> Result<CheckoutSession, AppError> {
        // A random (v4) UUID, not a time-ordered one: the id is the page's only secret.
        let id = kedai_core::uuid::Builder::from_random_bytes(random_bytes::<16>()?)
            .into_uuid()
            .to_string();
        let session = MockSession {
            id: id.clone(),
            tenant_id: request.tenant,
            amount: request.amount,
            description: request.description.clone(),
            status: MockDecision::Pending,
            reference: None,
            created_at: request.now,
            decided_at: None,
        };
        self.store
            .write(|tx| Ok(tx.insert_mock_session(&session)?))?;
        Ok(CheckoutSession {
            gateway: MOCK,
            payment_url: format!("{}/pay/mock/{id}", self.public_url),
            session_id: id,
        })
    }

    fn status(&self, tenant: TenantId, session_id: &str) -> Result<GatewayOutcome, AppError> {
        self.store
            .lookup(|tx| own_session(tx, tenant, session_id))
            .map(outcome)
    }

    fn cancel(
        &self,
        tenant: TenantId,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Cancellation, AppError> {
        self.store.write(|tx| {
            // The guarded update and the page's approval queue on the same row: one of them
            // wins.
            if tx.decide_mock_session(session_id, MockDecision::Cancelled, None, now)? {
                return Ok(Cancellation::Cancelled);
            }
            Ok(Cancellation::AlreadyDecided(outcome(own_session(
                tx, tenant, session_id,
            )?)))
        })
    }
}

/// What the mock checkout page shows.
#[derive(Debug, Clone)]
pub struct MockCheckout {
    /// The session; a pending one whose intent is no longer open reads as cancelled.
    pub session: MockSession,
    /// The merchant's name.
    pub merchant_name: String,
}

/// Whether the payment intent a session belongs to still awaits the customer (a session no
/// intent names, such as one of a failed opening, counts as open: nothing else settles it).
fn intent_open(tx: &mut dyn UnitOfWork, session: &MockSession) -> Result<bool, AppError> {
    Ok(tx
        .intent_by_session(session.tenant_id, MOCK, &session.id)?
        .is_none_or(|i| i.status == IntentStatus::RequiresAction))
}

/// The mock checkout page's data. `None` for an unknown session.
///
/// # Errors
/// [`AppError::Storage`].
pub fn mock_checkout(
    tx: &mut dyn UnitOfWork,
    session_id: &str,
) -> Result<Option<MockCheckout>, AppError> {
    let Some(mut session) = tx.find_mock_session(session_id)? else {
        return Ok(None);
    };
    if session.status == MockDecision::Pending && !intent_open(tx, &session)? {
        session.status = MockDecision::Cancelled;
    }
    let merchant_name = tx
        .find_tenant(session.tenant_id)?
        .map(|t| t.name)
        .unwrap_or_default();
    Ok(Some(MockCheckout {
        session,
        merchant_name,
    }))
}

/// Records the decision of the person on the mock checkout page; the first decision wins and
/// later ones change nothing. A session whose intent is no longer open is cancelled instead,
/// so an approval can never be taken for a payment nothing will record. Returns the session
/// as it now stands (the caller compares it with what was asked), `None` when unknown.
///
/// # Errors
/// [`AppError::Storage`].
pub fn decide_mock(
    tx: &mut dyn UnitOfWork,
    session_id: &str,
    approve: bool,
    now: DateTime<Utc>,
) -> Result<Option<MockCheckout>, AppError> {
    let Some(session) = tx.find_mock_session(session_id)? else {
        return Ok(None);
    };
    let (decision, reference) = if !intent_open(tx, &session)? {
        (MockDecision::Cancelled, None)
    } else if approve {
        let hex: String = random_bytes::<6>()?
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        (MockDecision::Approved, Some(format!("MOCK-{hex}")))
    } else {
        (MockDecision::Declined, None)
    };
    tx.decide_mock_session(session_id, decision, reference.as_deref(), now)?;
    mock_checkout(tx, session_id)
}
