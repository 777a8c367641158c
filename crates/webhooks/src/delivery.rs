//! Deliveries of events to endpoints, and their attempts: the delivery log a merchant reads.

use chrono::{DateTime, Utc};
use kedai_core::{TenantId, uuid_id};

use crate::EndpointId;

uuid_id!(
    /// A delivery: one event to one endpoint (a redelivery is a new one). Receivers see it in
    /// `X-Kedai-Delivery`.
    DeliveryId
);

uuid_id!(
    /// One attempt of a delivery.
    AttemptId
);

kedai_core::text_enum! {
    /// Where a delivery stands.
    pub enum DeliveryStatus ("a delivery status") {
        /// Waiting for its first or next attempt.
        Pending = "pending",
        /// The endpoint answered 2xx.
        Succeeded = "succeeded",
        /// Given up after the last attempt, or its endpoint was switched off.
        Failed = "failed",
    }
}

/// The most characters of a response body kept with an attempt.
pub const EXCERPT_CHARS: usize = 500;

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Id.
    pub id: DeliveryId,
    /// Owner.
    pub tenant_id: TenantId,
    /// To which endpoint.
    pub endpoint_id: EndpointId,
    /// The event (the outbox event's id).
    pub event_id: String,
    /// Its type.
    pub event_type: String,
    /// The body sent on every attempt.
    pub body: String,
    /// Status.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// The last answer's HTTP status.
    pub response_code: Option<u16>,
    /// The last attempt's time to answer, in milliseconds.
    pub latency_ms: Option<u64>,
    /// The start of the last answer's body.
    pub response_excerpt: Option<String>,
    /// Why the last attempt failed without an answer (time-out, refused, address refused).
    pub error: Option<String>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Succeeded or given up at.
    pub completed_at: Option<DateTime<Utc>>,
}

/// One attempt, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Id.
    pub id: AttemptId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Of which delivery.
    pub delivery_id: DeliveryId,
    /// 1 for the first.
    pub number: u32,
    /// The answer's HTTP status, when there was an answer.
    pub response_code: Option<u16>,
    /// Time to answer (or to fail), in milliseconds.
    pub latency_ms: u64,
    /// The start of the answer's body.
    pub response_excerpt: Option<String>,
    /// Why it failed without an answer.
    pub error: Option<String>,
    /// When.
    pub attempted_at: DateTime<Utc>,
}

/// Which deliveries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    /// Of this endpoint.
    pub endpoint_id: Option<EndpointId>,
    /// In this status.
    pub status: Option<DeliveryStatus>,
    /// Of this event type.
    pub event_type: Option<String>,
}

/// Whether an HTTP status means the receiver took the delivery.
#[must_use]
pub const fn is_success(code: u16) -> bool {
    code >= 200 && code < 300
}

/// The start of a response body as kept in the log: at most [`EXCERPT_CHARS`] characters.
#[must_use]
pub fn excerpt(body: &str) -> String {
    body.chars().take(EXCERPT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_2xx_is_success() {
        assert!(is_success(200) && is_success(204) && is_success(299));
        assert!(!is_success(199) && !is_success(301) && !is_success(500));
    }

    #[test]
    fn excerpts_stop_at_a_character_not_a_byte() {
        let long = "貨".repeat(EXCERPT_CHARS + 10);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS);
        assert_eq!(excerpt("ok"), "ok");
    }
}
