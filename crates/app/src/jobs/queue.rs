//! The job queue: jobs, their states, and the repository that leases them.

use chrono::{DateTime, Utc};
use kedai_core::{StorageError, TenantId, uuid_id};

uuid_id!(
    /// A job.
    JobId
);

kedai_core::text_enum! {
    /// What a job does.
    pub enum JobKind ("a job kind") {
        /// Posts a webhook delivery (the subject is the delivery).
        Webhook = "webhook",
        /// Sends a message to a customer (the subject is the message).
        Message = "message",
        /// Gives money back through the gateway that took it (the subject is
        /// `<order id>/<refund payment id>`).
        Refund = "refund",
    }
}

kedai_core::text_enum! {
    /// Where a job stands.
    pub enum JobStatus ("a job status") {
        /// Due at its `run_at`.
        Queued = "queued",
        /// Leased by a worker until its `run_at`.
        Running = "running",
        /// Done.
        Done = "done",
        /// Given up.
        Failed = "failed",
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Id.
    pub id: JobId,
    /// The merchant it works for.
    pub tenant_id: TenantId,
    /// What it does.
    pub kind: JobKind,
    /// What it works on (a delivery id, a message id).
    pub subject_id: String,
    /// Status.
    pub status: JobStatus,
    /// Attempts started, this one included once claimed.
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// When it is due: the next try while queued, the end of its lease while running.
    pub run_at: DateTime<Utc>,
    /// The worker holding its lease.
    pub leased_by: Option<String>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Queued at.
    pub created_at: DateTime<Utc>,
}

impl Job {
    /// A new job, due at `now`.
    #[must_use]
    pub fn new(
        tenant: TenantId,
        kind: JobKind,
        subject_id: String,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: JobId::new(),
            tenant_id: tenant,
            kind,
            subject_id,
            status: JobStatus::Queued,
            attempts: 0,
            max_attempts,
            run_at: now,
            leased_by: None,
            last_error: None,
            created_at: now,
        }
    }
}

/// How a leased job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    /// Done.
    Done,
    /// Try again at this time.
    RetryAt(DateTime<Utc>, String),
    /// Give up.
    Failed(String),
}

/// The job queue.
pub trait JobRepository {
    /// Queues jobs.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn enqueue_jobs(&mut self, jobs: &[Job]) -> Result<(), StorageError>;

    /// Leases up to `limit` due jobs (queued and due, or running with an ended lease) to
    /// `worker` until `lease_until`, counting an attempt on each, oldest due first. Jobs another
    /// transaction is claiming are skipped, not waited for.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn claim_jobs(
        &mut self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Job>, StorageError>;

    /// Ends a job `worker` holds the lease of. Returns false, changing nothing, when the lease
    /// has passed to another worker.
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn end_job(
        &mut self,
        id: JobId,
        worker: &str,
        end: &JobEnd,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// How many jobs are queued or running (the backlog).
    ///
    /// # Errors
    /// [`StorageError`] on backend failure.
    fn pending_jobs(&mut self) -> Result<i64, StorageError>;
}

/// How many times a message is tried: a sign-in code is worthless after a few minutes, so it
/// is tried four times (about a minute with the default backoff); anything else as often as
/// the backoff allows.
#[must_use]
pub const fn message_attempts(
    kind: kedai_identity::MessageKind,
    backoff: &kedai_core::Backoff,
) -> u32 {
    match kind {
        kedai_identity::MessageKind::Otp => 4,
        kedai_identity::MessageKind::OrderConfirmation => backoff.max_attempts,
    }
}

/// Records a message in the message log and queues its sending, in the caller's transaction:
/// it is sent only if the transaction commits, by the outbox worker.
///
/// # Errors
/// [`StorageError`] on backend failure.
pub fn queue_message<T>(
    tx: &mut T,
    message: &kedai_identity::OutgoingMessage,
) -> Result<(), StorageError>
where
    T: kedai_identity::MessageLog + JobRepository + ?Sized,
{
    tx.record_message(message)?;
    tx.enqueue_jobs(&[Job::new(
        message.tenant_id,
        JobKind::Message,
        message.id.to_string(),
        message_attempts(message.kind, &kedai_core::Backoff::OUTBOUND),
        message.created_at,
    )])
}
