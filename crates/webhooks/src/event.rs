//! The events a webhook can subscribe to (003 §17) and an endpoint's filter.

kedai_core::text_enum! {
    /// An event Kedai delivers.
    pub enum EventType ("a webhook event") {
        /// An order was placed.
        OrderCreated = "order.created",
        /// An order was completed.
        OrderCompleted = "order.completed",
        /// A payment succeeded.
        PaymentSuccess = "payment.success",
        /// A payment failed.
        PaymentFailed = "payment.failed",
        /// A customer joined.
        CustomerCreated = "customer.created",
        /// A customer's membership tier changed (their spend moved, or they enrolled).
        CustomerTierChanged = "customer.tier_changed",
        /// A coupon was redeemed.
        CouponRedeemed = "coupon.redeemed",
        /// A campaign reward was claimed.
        CampaignRewardClaimed = "campaign.reward_claimed",
        /// A completed order earned a customer points.
        PointsEarned = "points.earned",
        /// Staff added or took off a customer's points by hand.
        PointsAdjusted = "points.adjusted",
        /// A customer spent points on a reward.
        PointsRedeemed = "points.redeemed",
        /// Points earned by an order were taken back when it was refunded.
        PointsReversed = "points.reversed",
        /// A customer's points expired unused.
        PointsExpired = "points.expired",
        /// A test sent by the merchant (`POST /v1/webhooks/{id}/ping`).
        Ping = "webhook.ping",
    }
}

/// Which events an endpoint receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventFilter {
    /// Every event (`["*"]`).
    All,
    /// These events.
    Only(Vec<EventType>),
}

/// Why an event filter was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// No event named.
    #[error("name at least one event, or \"*\" for every event")]
    Empty,
    /// A name that is not an event.
    #[error("{0:?} is not an event; events are {list}", list = EventFilter::names())]
    Unknown(String),
}

impl EventFilter {
    /// Reads a filter from event names: `*` alone means every event; duplicates are dropped.
    /// `webhook.ping` is not subscribable (pings go to the endpoint asked).
    ///
    /// # Errors
    /// [`FilterError`].
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, FilterError> {
        if names.is_empty() {
            return Err(FilterError::Empty);
        }
        if names.iter().any(|n| n.as_ref().trim() == "*") {
            return Ok(Self::All);
        }
        let mut events = Vec::with_capacity(names.len());
        for name in names {
            let name = name.as_ref().trim();
            let event = name
                .parse::<EventType>()
                .ok()
                .filter(|e| *e != EventType::Ping)
                .ok_or_else(|| FilterError::Unknown(name.to_owned()))?;
            if !events.contains(&event) {
                events.push(event);
            }
        }
        Ok(Self::Only(events))
    }

    /// Whether the filter takes an event of this type. Types Kedai records but does not
    /// deliver (`order.status_changed`, ...) pass only `*`.
    #[must_use]
    pub fn matches(&self, event_type: &str) -> bool {
        match self {
            Self::All => event_type != EventType::Ping.as_str(),
            Self::Only(events) => events.iter().any(|e| e.as_str() == event_type),
        }
    }

    /// The names, as stored and shown (`["*"]` for every event).
    #[must_use]
    pub fn to_names(&self) -> Vec<String> {
        match self {
            Self::All => vec!["*".to_owned()],
            Self::Only(events) => events.iter().map(|e| e.as_str().to_owned()).collect(),
        }
    }

    fn names() -> String {
        EventType::ALL
            .iter()
            .filter(|e| **e != EventType::Ping)
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_takes_every_event_but_pings() {
        let all = EventFilter::parse(&["order.created", "*"]).unwrap_or(EventFilter::Only(vec![]));
        assert_eq!(all, EventFilter::All);
        assert!(all.matches("order.created"));
        assert!(all.matches("order.status_changed"));
        assert!(!all.matches("webhook.ping"));
    }

    #[test]
    fn a_list_takes_only_its_events() {
        let some = EventFilter::parse(&["payment.success", " order.created ", "payment.success"]);
        assert_eq!(
            some,
            Ok(EventFilter::Only(vec![
                EventType::PaymentSuccess,
                EventType::OrderCreated
            ]))
        );
        let some = some.unwrap_or(EventFilter::All);
        assert!(some.matches("order.created"));
        assert!(!some.matches("order.completed"));
        assert_eq!(some.to_names(), ["payment.success", "order.created"]);
    }

    #[test]
    fn unknown_and_empty_filters_are_refused() {
        assert_eq!(EventFilter::parse::<&str>(&[]), Err(FilterError::Empty));
        assert_eq!(
            EventFilter::parse(&["order.shipped"]),
            Err(FilterError::Unknown("order.shipped".into()))
        );
        assert_eq!(
            EventFilter::parse(&["webhook.ping"]),
            Err(FilterError::Unknown("webhook.ping".into()))
        );
    }
}
