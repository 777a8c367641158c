//! A merchant's webhook endpoint: where to send, which events, whether it is on, and the
//! secrets deliveries are signed with.

use chrono::{DateTime, Duration, Utc};
use kedai_core::{TenantId, uuid_id};

use crate::EventFilter;

uuid_id!(
    /// A webhook endpoint.
    EndpointId
);

/// The longest a rotated secret may keep signing beside its successor: one week.
pub const ROTATION_OVERLAP_MAX_HOURS: i64 = 168;

/// A signing secret, made from random bytes: `whsec_` and 64 hex digits. Shown to the
/// merchant once, when made.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSecret(String);

impl NewSecret {
    /// The secret of 32 random bytes.
    #[must_use]
    pub fn from_random(bytes: [u8; 32]) -> Self {
        let mut text = String::with_capacity(70);
        text.push_str("whsec_");
        for b in bytes {
            text.push_str(&format!("{b:02x}"));
        }
        Self(text)
    }

    /// The secret's text.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewSecret(..)")
    }
}

/// A webhook endpoint as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Id.
    pub id: EndpointId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Where deliveries are posted.
    pub url: String,
    /// The merchant's note.
    pub description: Option<String>,
    /// Which events it receives.
    pub events: EventFilter,
    /// Whether it receives anything.
    pub active: bool,
    /// The current signing secret.
    pub secret: String,
    /// The secret it replaced, still signing beside it until `previous_secret_expires_at`.
    pub previous_secret: Option<String>,
    /// When the previous secret stops signing.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Created; it receives the events recorded from then on.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl WebhookEndpoint {
    /// The secrets a delivery made at `now` is signed with: the current one first, then the
    /// previous one while its overlap lasts.
    #[must_use]
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) =
            (&self.previous_secret, self.previous_secret_expires_at)
            && now < until
        {
            secrets.push(previous);
        }
        secrets
    }

    /// Whether an event of this type, recorded at `at`, goes to this endpoint: it is active,
    /// existed when the event was recorded, and its filter takes the type.
    #[must_use]
    pub fn wants(&self, event_type: &str, at: DateTime<Utc>) -> bool {
        self.active && self.created_at <= at && self.events.matches(event_type)
    }

    /// The endpoint signing with `secret` from `now`; the current secret keeps signing beside
    /// it for `overlap_hours` (0 retires it at once; at most
    /// [`ROTATION_OVERLAP_MAX_HOURS`]).
    #[must_use]
    pub fn rotated(self, secret: &NewSecret, overlap_hours: i64, now: DateTime<Utc>) -> Self {
        let overlap = overlap_hours.clamp(0, ROTATION_OVERLAP_MAX_HOURS);
        let (previous_secret, previous_secret_expires_at) = if overlap == 0 {
            (None, None)
        } else {
            (
                Some(self.secret.clone()),
                Some(now + Duration::hours(overlap)),
            )
        };
        Self {
            secret: secret.expose().to_owned(),
            previous_secret,
            previous_secret_expires_at,
            updated_at: now,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn endpoint() -> WebhookEndpoint {
        WebhookEndpoint {
            id: EndpointId::new(),
            tenant_id: TenantId::new(),
            url: "https://example.com/hook".into(),
            description: None,
            events: EventFilter::All,
            active: true,
            secret: "first".into(),
            previous_secret: None,
            previous_secret_expires_at: None,
            created_at: at(1),
            updated_at: at(1),
        }
    }

    #[test]
    fn a_secret_is_whsec_and_64_hex_digits_and_never_printed() {
        let s = NewSecret::from_random([0xab; 32]);
        assert_eq!(s.expose().len(), 70);
        assert!(s.expose().starts_with("whsec_abab"));
        assert_eq!(format!("{s:?}"), "NewSecret(..)");
        let mut e = endpoint();
        e.secret = s.expose().to_owned();
        assert!(!format!("{e:?}").contains("abab"));
    }

    #[test]
    fn a_rotated_secret_signs_beside_the_new_one_until_the_overlap_ends() {
        let next = NewSecret::from_random([1; 32]);
        let e = endpoint().rotated(&next, 24, at(2));
        assert_eq!(e.signing_secrets(at(3)), [next.expose(), "first"]);
        let later = at(2) + Duration::hours(24);
        assert_eq!(e.signing_secrets(later), [next.expose()]);
        let at_once = endpoint().rotated(&next, 0, at(2));
        assert_eq!(at_once.signing_secrets(at(2)), [next.expose()]);
        let capped = endpoint().rotated(&next, 10_000, at(2));
        assert_eq!(
            capped.previous_secret_expires_at,
            Some(at(2) + Duration::hours(ROTATION_OVERLAP_MAX_HOURS))
        );
    }

    #[test]
    fn an_endpoint_wants_matching_events_recorded_while_it_is_on() {
        let mut e = endpoint();
        e.events = EventFilter::Only(vec![crate::EventType::OrderCreated]);
        assert!(e.wants("order.created", at(1)));
        assert!(!e.wants("order.created", at(0)));
        assert!(!e.wants("payment.success", at(2)));
        e.active = false;
        assert!(!e.wants("order.created", at(2)));
    }
}
