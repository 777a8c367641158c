//! The statuses an order went through, chosen by its age, and the column each one stamps.

use chrono::{DateTime, Utc};
use kedai_orders::{OrderStatus, OrderType};

use super::generator::Generator;

/// The statuses an order went through: each with its time and history reason.
pub(super) type StatusPath = Vec<(OrderStatus, DateTime<Utc>, &'static str)>;

impl Generator {
    /// The statuses an order went through, each with its time and history reason, and whether
    /// a cancellation released its stock. Old orders are mostly finished; recent ones are
    /// spread over every status.
    pub(super) fn status_path(
        &mut self,
        order_type: OrderType,
        created: DateTime<Utc>,
    ) -> (StatusPath, bool) {
        use OrderStatus::{
            Cancelled, Completed, Confirmed, Delivered, Paid, Pending, Processing, Refunded,
            Shipped,
        };
        let counter = order_type.is_counter();
        let forward: &[OrderStatus] = if counter {
            &[Confirmed, Paid, Completed]
        } else {
            &[
                Pending, Confirmed, Paid, Processing, Shipped, Delivered, Completed,
            ]
        };
        let paid = if counter { 1 } else { 2 };
        let age_days = (self.now - created).num_days();
        let roll = self.rng.u8(0..100);
        // (index of the last forward status reached, cancelled afterwards, refunded too)
        let (reach, cancel, refund) = if age_days > 14 {
            match roll {
                0..=79 => (forward.len() - 1, false, false),
                80..=89 => (self.rng.usize(0..2), true, false),
                90..=94 => (paid, true, true),
                _ if counter => (forward.len() - 1, false, false),
                _ => (forward.len() - 2, false, false),
            }
        } else {
            match roll {
                0..=9 => (self.rng.usize(0..2), true, false),
                10..=14 => (paid, true, true),
                _ => (self.rng.usize(0..forward.len()), false, false),
            }
        };
        let reach = if counter && !cancel && reach == 1 && self.rng.bool() {
            // Some counter orders are prepared before they are handed over.
            usize::MAX
        } else {
            reach
        };
        let mut path = Vec::new();
        let mut at = created;
        let mut step = |rng: &mut fastrand::Rng, minutes: i64| {
            at += chrono::Duration::seconds(rng.i64(30..=minutes * 60));
            at.min(self.now)
        };
        if reach == usize::MAX {
            path.push((Confirmed, created, "order_created"));
            path.push((Paid, step(&mut self.rng, 30), "payment_completed"));
            path.push((Processing, step(&mut self.rng, 30), "status_update"));
            path.push((Completed, step(&mut self.rng, 60), "status_update"));
            return (path, false);
        }
        for (i, status) in forward.iter().enumerate().take(reach + 1) {
            let (when, reason) = if i == 0 {
                (created, "order_created")
            } else if *status == Paid
                || (*status == Confirmed && forward.get(i + 1) == Some(&Paid) && reach > i)
            {
                (step(&mut self.rng, 60), "payment_completed")
            } else {
                (step(&mut self.rng, 24 * 60), "status_update")
            };
            path.push((*status, when, reason));
        }
        if cancel {
            path.push((Cancelled, step(&mut self.rng, 24 * 60), "status_update"));
            if refund {
                path.push((Refunded, step(&mut self.rng, 24 * 60), "payment_refunded"));
            }
        }
        debug_assert!(path.windows(2).all(|w| w[0].0.allows(w[1].0, order_type)));
        (path, cancel)
    }
}

pub(super) fn stamp_column(status: OrderStatus) -> Option<&'static str> {
    match status {
        OrderStatus::Pending => None,
        OrderStatus::Confirmed => Some("confirmed_at"),
        OrderStatus::Paid => Some("paid_at"),
        OrderStatus::Processing => Some("processing_at"),
        OrderStatus::Shipped => Some("shipped_at"),
        OrderStatus::Delivered => Some("delivered_at"),
        OrderStatus::Completed => Some("completed_at"),
        OrderStatus::Cancelled => Some("cancelled_at"),
        OrderStatus::Refunded => Some("refunded_at"),
    }
}
