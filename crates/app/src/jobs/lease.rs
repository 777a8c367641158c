//! A job in a worker's hands: what it runs with, and how it ends under its lease.

use chrono::{DateTime, Utc};
use kedai_core::{Clock, Retry, StorageError};

use super::{Job, JobEnd, Outbound, SendError};
use crate::{AppError, Store};

/// A leased job with the store, ports and clock it runs with.
pub(super) struct Lease<'a> {
    pub(super) store: &'a dyn Store,
    pub(super) outbound: &'a Outbound,
    pub(super) clock: &'a dyn Clock,
    /// The worker holding the lease.
    pub(super) worker: &'a str,
    pub(super) job: &'a Job,
}

/// A uniform draw in `[0, 1)` from the system's random source, for jitter.
fn random_unit() -> f64 {
    let mut bytes = [0_u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    // 53 random bits make every double in [0, 1) of that spacing equally likely.
    let bits = u64::from_le_bytes(bytes) >> 11;
    #[allow(clippy::cast_precision_loss)]
    let unit = bits as f64 / (1_u64 << 53) as f64;
    unit
}

impl Lease<'_> {
    /// Now.
    pub(super) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The error of a job whose subject cannot be read.
    pub(super) fn malformed(&self) -> AppError {
        AppError::Storage(StorageError::other(format!(
            "job {} names a malformed subject",
            self.job.id
        )))
    }

    /// The job's subject, parsed.
    pub(super) fn subject<T: std::str::FromStr>(&self) -> Result<T, AppError> {
        self.job.subject_id.parse().map_err(|_| self.malformed())
    }

    /// Ends the job with nothing else to record.
    pub(super) fn end(&self, end: JobEnd) -> Result<JobEnd, AppError> {
        let now = self.now();
        self.store
            .write(|tx| Ok(tx.end_job(self.job.id, self.worker, &end, now)?))?;
        Ok(end)
    }

    /// What follows a failed attempt: given up when the error is permanent or the attempts are
    /// used up, else retried after the backoff.
    pub(super) fn after_failure(&self, error: &SendError) -> JobEnd {
        if error.permanent {
            return JobEnd::Failed(error.message.clone());
        }
        let backoff = kedai_core::Backoff {
            max_attempts: self.job.max_attempts,
            ..self.outbound.backoff
        };
        match backoff.after_failure(self.job.attempts, random_unit()) {
            Retry::After(wait) => JobEnd::RetryAt(
                self.now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1)),
                error.message.clone(),
            ),
            Retry::GiveUp => JobEnd::Failed(error.message.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::random_unit;

    #[test]
    fn random_units_are_in_range() {
        for _ in 0..1000 {
            let u = random_unit();
            assert!((0.0..1.0).contains(&u), "{u}");
        }
    }
}
