//! When to try again: exponential backoff with jitter, up to a number of attempts. Used by the
//! outbox worker for every job that leaves the process (webhook deliveries, messages).

use std::time::Duration;

/// A retry schedule: attempt `n` (1-based) that failed waits `base · 2^(n-1)`, capped at
/// `cap`, scaled by a jitter factor in `[1 - jitter, 1]` so that jobs failing together do not
/// retry together; after `max_attempts` attempts the job is given up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Wait after the first failure.
    pub base: Duration,
    /// Longest wait.
    pub cap: Duration,
    /// How many attempts in all, the first included.
    pub max_attempts: u32,
    /// Largest share of a wait taken off at random (0 = none, 0.5 = up to half).
    pub jitter: f64,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Retry {
    /// Try again after this long.
    After(Duration),
    /// Attempts are used up: give up.
    GiveUp,
}

impl Backoff {
    /// The default schedule of outgoing work: 10 s, 20 s, 40 s, … capped at one hour, twelve
    /// attempts (about 8 hours in all), up to a fifth taken off at random.
    pub const OUTBOUND: Self = Self {
        base: Duration::from_secs(10),
        cap: Duration::from_secs(3_600),
        max_attempts: 12,
        jitter: 0.2,
    };

    /// What follows the failure of attempt `attempt` (1-based). `random` is a uniform draw in
    /// `[0, 1)`; values outside are clamped.
    #[must_use]
    pub fn after_failure(&self, attempt: u32, random: f64) -> Retry {
        if attempt >= self.max_attempts {
            return Retry::GiveUp;
        }
        let exponent = attempt.saturating_sub(1).min(32);
        let full = self
            .base
            .checked_mul(1_u32 << exponent.min(31))
            .map_or(self.cap, |d| d.min(self.cap));
        let jitter = self.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0);
        Retry::After(full.mul_f64(1.0 - jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Backoff = Backoff {
        base: Duration::from_secs(10),
        cap: Duration::from_secs(100),
        max_attempts: 6,
        jitter: 0.5,
    };

    #[test]
    fn waits_double_until_the_cap() {
        let waits: Vec<Retry> = (1..=5).map(|n| PLAIN.after_failure(n, 0.0)).collect();
        assert_eq!(
            waits,
            [10, 20, 40, 80, 100].map(|s| Retry::After(Duration::from_secs(s)))
        );
    }

    #[test]
    fn gives_up_after_the_last_attempt() {
        assert_eq!(PLAIN.after_failure(6, 0.3), Retry::GiveUp);
        assert_eq!(PLAIN.after_failure(60, 0.3), Retry::GiveUp);
    }

    #[test]
    fn jitter_takes_off_at_most_its_share() {
        assert_eq!(
            PLAIN.after_failure(2, 0.999_999),
            Retry::After(Duration::from_secs(20).mul_f64(1.0 - 0.5 * 0.999_999))
        );
        assert_eq!(
            PLAIN.after_failure(2, 7.0),
            Retry::After(Duration::from_secs(10))
        );
        assert_eq!(
            PLAIN.after_failure(2, -1.0),
            Retry::After(Duration::from_secs(20))
        );
    }

    #[test]
    fn huge_attempt_numbers_stay_at_the_cap() {
        let long = Backoff {
            max_attempts: u32::MAX,
            ..PLAIN
        };
        assert_eq!(
            long.after_failure(1_000, 0.0),
            Retry::After(Duration::from_secs(100))
        );
    }
}
