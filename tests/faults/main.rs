//! Fault tests: Kedai's invariants under crashes, database restarts and a long steady load.
//! Each test runs the real `kedai serve` binary as a child process against its own database: a
//! private PostgreSQL cluster in a temporary folder on a free port, or a temporary SQLite file.
//! They are `#[ignore]`d so `make test` skips them; `make faults` (full) and `make faults-ci`
//! (bounded) run them. They fail, never skip, when PostgreSQL or the server binary is missing.

mod cluster;
mod http;
mod kill;
mod ledger;
mod load;
mod outbox;
mod restart;
mod server;
mod soak;

#[path = "../support/standins.rs"]
#[expect(dead_code, reason = "this binary uses the webhook receiver only")]
mod standins;

use std::time::Duration;

/// Reads a whole number of seconds from the environment.
fn env_secs(name: &str, default: u64) -> Duration {
    Duration::from_secs(env_num(name, default))
}

/// Reads a whole number from the environment.
fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a whole number"))
    })
}

/// Counts samples matching `f`.
fn count(samples: &[load::Sample], f: impl Fn(&load::Sample) -> bool) -> usize {
    samples.iter().filter(|s| f(s)).count()
}
