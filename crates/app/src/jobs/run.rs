//! Claiming due jobs and running one: the outside call is made with no transaction open, and
//! what it came to is recorded under the job's lease.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use kedai_core::Clock;
use kedai_identity::{DeliveryState, MessageDelivery, MessageId};
use kedai_webhooks::{
    Attempt, AttemptId, Delivery, DeliveryId, DeliveryStatus, SIGNATURE_HEADER, excerpt,
    is_success, signature_header,
};

use super::lease::Lease;
use super::refund::run_refund;
use super::{Job, JobEnd, JobKind, Outbound, SendError, WebhookRequest};
use crate::{AppError, Store};

/// Leases up to `limit` due jobs to `worker` for `lease`.
///
/// # Errors
/// [`AppError::Storage`].
pub fn claim_jobs(
    store: &dyn Store,
    worker: &str,
    lease: Duration,
    limit: u32,
    now: DateTime<Utc>,
) -> Result<Vec<Job>, AppError> {
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60));
    store.write(|tx| Ok(tx.claim_jobs(worker, now, until, limit)?))
}

/// Runs a leased job: makes its outside call and records the outcome (see the module docs).
/// Returns how it ended. A job whose subject is gone, or already settled, ends done without a
/// call.
///
/// # Errors
/// [`AppError::Storage`] when its outcome cannot be recorded (the job is taken again after its
/// lease).
#[tracing::instrument(skip_all, fields(job.id = %job.id, job.kind = job.kind.as_str(), tenant.id = %job.tenant_id))]
pub fn run_job(
    store: &dyn Store,
    outbound: &Outbound,
    clock: &dyn Clock,
    worker: &str,
    job: &Job,
) -> Result<JobEnd, AppError> {
    let lease = Lease {
        store,
        outbound,
        clock,
        worker,
        job,
    };
    match job.kind {
        JobKind::Webhook => run_webhook(&lease),
        JobKind::Message => run_message(&lease),
        JobKind::Refund => run_refund(&lease),
    }
}

/// The headers of one attempt: the event, the delivery and the signature over this attempt's
/// timestamp with every secret in force.
#[must_use]
pub fn webhook_headers(
    delivery: &Delivery,
    secrets: &[&str],
    now: DateTime<Utc>,
) -> Vec<(&'static str, String)> {
    vec![
        ("User-Agent", "Kedai-Webhooks/1".to_owned()),
        ("X-Kedai-Event", delivery.event_type.clone()),
        ("X-Kedai-Event-Id", delivery.event_id.clone()),
        ("X-Kedai-Delivery", delivery.id.to_string()),
        (
            SIGNATURE_HEADER,
            signature_header(secrets, now.timestamp(), delivery.body.as_bytes()),
        ),
    ]
}

/// Posts one attempt of `delivery` to `url` and says what it came to: the attempt to log, and
/// the error when it failed.
pub(crate) fn attempt_delivery(
    outbound: &Outbound,
    delivery: &Delivery,
    url: &str,
    secrets: &[&str],
    number: u32,
    now: DateTime<Utc>,
) -> (Attempt, Option<SendError>) {
    let started = Instant::now();
    let result = outbound.webhooks.post(&WebhookRequest {
        url,
        body: &delivery.body,
        headers: webhook_headers(delivery, secrets, now),
        timeout: outbound.webhook_timeout,
    });
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (response_code, response_excerpt, error) = match result {
        Ok(r) if is_success(r.status) => (Some(r.status), Some(excerpt(&r.body_excerpt)), None),
        Ok(r) => (
            Some(r.status),
            Some(excerpt(&r.body_excerpt)),
            Some(SendError::transient(format!(
                "the endpoint answered {}",
                r.status
            ))),
        ),
        Err(e) => (None, None, Some(e)),
    };
    (
        Attempt {
            id: AttemptId::new(),
            tenant_id: delivery.tenant_id,
            delivery_id: delivery.id,
            number,
            response_code,
            latency_ms,
            response_excerpt,
            error: error.as_ref().map(|e| e.message.clone()),
            attempted_at: now,
        },
        error,
    )
}

/// The delivery after `attempt`, given how its job ended.
#[must_use]
pub fn after_attempt(delivery: &Delivery, attempt: &Attempt, end: &JobEnd) -> Delivery {
    let (status, next, completed) = match end {
        JobEnd::Done => (DeliveryStatus::Succeeded, None, Some(attempt.attempted_at)),
        JobEnd::RetryAt(at, _) => (DeliveryStatus::Pending, Some(*at), None),
        JobEnd::Failed(_) => (DeliveryStatus::Failed, None, Some(attempt.attempted_at)),
    };
    Delivery {
        status,
        attempts: attempt.number,
        response_code: attempt.response_code,
        latency_ms: Some(attempt.latency_ms),
        response_excerpt: attempt.response_excerpt.clone(),
        error: attempt.error.clone(),
        next_attempt_at: next,
        completed_at: completed,
        ..delivery.clone()
    }
}

fn run_webhook(lease: &Lease<'_>) -> Result<JobEnd, AppError> {
    let Lease {
        store,
        outbound,
        worker,
        job,
        ..
    } = *lease;
    let id: DeliveryId = lease.subject()?;
    let found = store.lookup(|tx| Ok(tx.delivery_with_endpoint(job.tenant_id, id)?))?;
    let now = lease.now();
    let Some((delivery, endpoint)) = found else {
        // Its endpoint was deleted, and the delivery with it.
        return lease.end(JobEnd::Done);
    };
    if delivery.status != DeliveryStatus::Pending {
        return lease.end(JobEnd::Done);
    }
    let (attempt, end) = if endpoint.active {
        let secrets = endpoint.signing_secrets(now);
        let (attempt, error) = attempt_delivery(
            outbound,
            &delivery,
            &endpoint.url,
            &secrets,
            job.attempts,
            now,
        );
        let end = error.map_or(JobEnd::Done, |e| lease.after_failure(&e));
        (attempt, end)
    } else {
        let reason = "the endpoint was switched off".to_owned();
        let attempt = Attempt {
            id: AttemptId::new(),
            tenant_id: delivery.tenant_id,
            delivery_id: delivery.id,
            number: job.attempts,
            response_code: None,
            latency_ms: 0,
            response_excerpt: None,
            error: Some(reason.clone()),
            attempted_at: now,
        };
        (attempt, JobEnd::Failed(reason))
    };
    let updated = after_attempt(&delivery, &attempt, &end);
    let ended = lease.now();
    store.write(|tx| {
        tx.end_job(job.id, worker, &end, ended)?;
        tx.record_attempt(&attempt, &updated)?;
        Ok(())
    })?;
    Ok(end)
}

fn run_message(lease: &Lease<'_>) -> Result<JobEnd, AppError> {
    let Lease {
        store,
        outbound,
        worker,
        job,
        ..
    } = *lease;
    let id: MessageId = lease.subject()?;
    let found = store.lookup(|tx| Ok(tx.find_message(job.tenant_id, id)?))?;
    let Some((message, delivery)) = found else {
        return lease.end(JobEnd::Done);
    };
    if delivery.state != DeliveryState::Queued {
        return lease.end(JobEnd::Done);
    }
    let (end, delivery) = match outbound.notifier.deliver(&message) {
        Ok(sent) => (
            JobEnd::Done,
            MessageDelivery {
                state: if sent.transport == "log" {
                    DeliveryState::Logged
                } else {
                    DeliveryState::Sent
                },
                attempts: job.attempts,
                transport: Some(sent.transport.to_owned()),
                provider_reference: sent.provider_reference,
                error: None,
                delivered_at: Some(lease.now()),
            },
        ),
        Err(e) => {
            let end = lease.after_failure(&e);
            let state = if matches!(end, JobEnd::Failed(_)) {
                DeliveryState::Failed
            } else {
                DeliveryState::Queued
            };
            (
                end,
                MessageDelivery {
                    state,
                    attempts: job.attempts,
                    error: Some(e.message),
                    ..delivery
                },
            )
        }
    };
    let ended = lease.now();
    store.write(|tx| {
        if tx.end_job(job.id, worker, &end, ended)? {
            tx.record_delivery(job.tenant_id, id, &delivery)?;
        }
        Ok(())
    })?;
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::TenantId;
    use kedai_webhooks::{EndpointId, verify};

    fn delivery() -> Delivery {
        let now = Utc::now();
        Delivery {
            id: DeliveryId::new(),
            tenant_id: TenantId::new(),
            endpoint_id: EndpointId::new(),
            event_id: "evt".into(),
            event_type: "order.created".into(),
            body: r#"{"id":"evt"}"#.into(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            response_code: None,
            latency_ms: None,
            response_excerpt: None,
            error: None,
            next_attempt_at: Some(now),
            created_at: now,
            completed_at: None,
        }
    }

    fn attempt(d: &Delivery, code: Option<u16>) -> Attempt {
        Attempt {
            id: AttemptId::new(),
            tenant_id: d.tenant_id,
            delivery_id: d.id,
            number: 3,
            response_code: code,
            latency_ms: 12,
            response_excerpt: Some("nope".into()),
            error: code.is_none().then(|| "refused".to_owned()),
            attempted_at: Utc::now(),
        }
    }

    #[test]
    fn a_delivery_follows_how_its_job_ended() {
        let d = delivery();
        let a = attempt(&d, Some(200));
        let done = after_attempt(&d, &a, &JobEnd::Done);
        assert_eq!(done.status, DeliveryStatus::Succeeded);
        assert_eq!((done.attempts, done.response_code), (3, Some(200)));
        assert_eq!(done.completed_at, Some(a.attempted_at));
        assert_eq!(done.next_attempt_at, None);
        let later = a.attempted_at + chrono::Duration::seconds(20);
        let retry = after_attempt(&d, &attempt(&d, None), &JobEnd::RetryAt(later, "x".into()));
        assert_eq!(retry.status, DeliveryStatus::Pending);
        assert_eq!(retry.next_attempt_at, Some(later));
        assert_eq!(retry.error.as_deref(), Some("refused"));
        assert_eq!(retry.completed_at, None);
        let failed = after_attempt(&d, &a, &JobEnd::Failed("gone".into()));
        assert_eq!(failed.status, DeliveryStatus::Failed);
        assert!(failed.completed_at.is_some());
    }

    #[test]
    fn every_attempt_is_signed_with_every_secret_in_force() {
        let d = delivery();
        let now = Utc::now();
        let headers = webhook_headers(&d, &["new", "old"], now);
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("X-Kedai-Delivery"), d.id.to_string());
        assert_eq!(get("X-Kedai-Event-Id"), "evt");
        assert_eq!(get("X-Kedai-Event"), "order.created");
        let signature = get(SIGNATURE_HEADER);
        for secret in ["new", "old"] {
            assert!(verify(&signature, secret, d.body.as_bytes(), now.timestamp(), 5).is_ok());
        }
    }
}
