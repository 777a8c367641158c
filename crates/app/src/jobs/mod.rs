//! Work that leaves the process after a commit (DESIGN, "The request path"): the jobs the
//! outbox worker runs, their queue with its leases, and the ports to the outside world they
//! use.
//!
//! A use case queues a job in the transaction of the change it follows (a message to send) or
//! writes an outbox event, which the worker turns into jobs ([`dispatch_events`]: one webhook
//! delivery per endpoint that wants it). The worker claims due jobs with a lease
//! ([`claim_jobs`]): a claimed job is `running` and due again only when its lease ends, so any
//! number of workers over one database never run a job at once, and a worker that dies
//! mid-job leaves it to be taken again after its lease. A job runs outside any transaction
//! ([`run_job`]) and records what happened in a write of its own, guarded by its lease: done,
//! retried after a backoff with jitter, or parked as failed after its last attempt. Delivery
//! is at least once; receivers deduplicate by the ids they are given.

mod dispatch;
mod lease;
mod ports;
mod queue;
mod refund;
mod run;

pub use dispatch::*;
pub use ports::*;
pub use queue::*;
pub use refund::*;
pub use run::*;
