//! The outbox worker: a tokio task on a thread of its own that dispatches recorded events into
//! webhook deliveries and runs due jobs — claimed with a lease, run off the async thread with
//! no transaction open, several at a time — until it is stopped. Any number of instances may
//! run one over the same PostgreSQL (see [`kedai_app::jobs`]).

use std::sync::Arc;
use std::time::Duration;

use kedai_app::Store;
use kedai_app::jobs::{Outbound, Wake, claim_jobs, dispatch_events, run_job};
use kedai_app::points::expire_due_points;
use kedai_core::Clock;
use tokio::sync::Notify;

/// How the worker paces itself.
#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Sleep when there is nothing to do (a wake-up cuts it short).
    pub poll: Duration,
    /// Jobs run at once.
    pub concurrency: u32,
    /// How long a claimed job is this worker's.
    pub lease: Duration,
    /// Events dispatched per transaction.
    pub event_batch: u32,
    /// Attempts of a new delivery.
    pub max_attempts: u32,
    /// How often expired points are written off.
    pub sweep: Duration,
}

/// A running worker: stopped (after the jobs in hand finish) when dropped.
pub struct Worker {
    id: String,
    wake: Arc<Notify>,
    stop: Arc<Notify>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Worker {
    /// Starts a worker on its own thread.
    ///
    /// # Errors
    /// The thread or its runtime could not be made.
    pub fn start(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        outbound: Outbound,
        config: WorkerConfig,
    ) -> std::io::Result<Self> {
        let id = format!("worker-{}", kedai_core::new_uuid_v7().simple());
        let wake = Arc::new(Notify::new());
        let stop = Arc::new(Notify::new());
        let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .max_blocking_threads(config.concurrency as usize + 2)
            .thread_name("kedai-worker")
            .build()?;
        let task = Loop {
            id: id.clone(),
            store,
            clock,
            outbound,
            config,
            wake: Arc::clone(&wake),
            stop: Arc::clone(&stop),
            stopping: Arc::clone(&stopping),
        };
        let thread = std::thread::Builder::new()
            .name("kedai-worker".into())
            .spawn(move || runtime.block_on(task.run()))?;
        tracing::info!(worker.id = %id, "outbox worker started");
        Ok(Self {
            id,
            wake,
            stop,
            stopping,
            thread: Some(thread),
        })
    }

    /// This worker's id (the lease holder name on its jobs).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The function that wakes it, for handlers ([`kedai_http::AppState::wake`]).
    #[must_use]
    pub fn waker(&self) -> Wake {
        let notify = Arc::clone(&self.wake);
        Arc::new(move || notify.notify_one())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.stop.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Loop {
    id: String,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    outbound: Outbound,
    config: WorkerConfig,
    wake: Arc<Notify>,
    stop: Arc<Notify>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
}

impl Loop {
    fn stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Keeps up to `concurrency` jobs running: claims more whenever half the slots are free,
    /// dispatches events whenever the last dispatch filled its batch or a poll interval has
    /// passed, and sleeps (until woken) when there is nothing to do.
    async fn run(self) {
        let mut running = tokio::task::JoinSet::new();
        let mut failures: u32 = 0;
        let mut dispatched_at: Option<std::time::Instant> = None;
        let mut more_events = true;
        let mut swept_at: Option<std::time::Instant> = None;
        let slots = self.config.concurrency as usize;
        while !self.stopping() {
            if swept_at.is_none_or(|at| at.elapsed() >= self.config.sweep) {
                swept_at = Some(std::time::Instant::now());
                self.sweep().await;
            }
            let free = slots.saturating_sub(running.len());
            let mut claimed = 0;
            if free * 2 >= slots {
                let dispatch =
                    more_events || dispatched_at.is_none_or(|at| at.elapsed() >= self.config.poll);
                match self.refill(free, dispatch, &mut running).await {
                    Ok((events, jobs)) => {
                        failures = 0;
                        if dispatch {
                            dispatched_at = Some(std::time::Instant::now());
                            more_events = events >= self.config.event_batch as usize;
                        }
                        claimed = jobs + events;
                    }
                    Err(e) => {
                        failures = failures.saturating_add(1);
                        tracing::warn!(worker.id = %self.id, error = %e, "outbox worker round failed");
                        // The database is away: back off, up to ten polls.
                        self.idle(self.config.poll * failures.min(10)).await;
                        continue;
                    }
                }
            }
            if running.is_empty() {
                if claimed == 0 {
                    self.idle(self.config.poll).await;
                }
                continue;
            }
            tokio::select! {
                _ = running.join_next() => {}
                () = self.stop.notified() => {}
            }
        }
        // The jobs in hand finish; their outcomes are recorded.
        while running.join_next().await.is_some() {}
        tracing::info!(worker.id = %self.id, "outbox worker stopped");
    }

    /// Periodic chores: writes off expired points.
    async fn sweep(&self) {
        let (store, clock) = (Arc::clone(&self.store), Arc::clone(&self.clock));
        match blocking(move || expire_due_points(store.as_ref(), 500, clock.now())).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(worker.id = %self.id, customers = n, "expired points written off")
            }
            Err(e) => {
                tracing::warn!(worker.id = %self.id, error = %e, "points expiry sweep failed")
            }
        }
    }

    async fn idle(&self, wait: Duration) {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = self.wake.notified() => {}
            () = self.stop.notified() => {}
        }
    }

    /// Dispatches a batch of events (when `dispatch`) and claims up to `free` due jobs, started
    /// in `running`. Returns (events dispatched, jobs started).
    async fn refill(
        &self,
        free: usize,
        dispatch: bool,
        running: &mut tokio::task::JoinSet<()>,
    ) -> Result<(usize, usize), String> {
        let dispatched = if dispatch {
            let (store, clock) = (Arc::clone(&self.store), Arc::clone(&self.clock));
            let (batch, attempts) = (self.config.event_batch, self.config.max_attempts);
            blocking(move || dispatch_events(store.as_ref(), batch, attempts, clock.now())).await?
        } else {
            0
        };
        let (store, clock, id) = (
            Arc::clone(&self.store),
            Arc::clone(&self.clock),
            self.id.clone(),
        );
        let lease = self.config.lease;
        let limit = u32::try_from(free).unwrap_or(u32::MAX);
        let jobs =
            blocking(move || claim_jobs(store.as_ref(), &id, lease, limit, clock.now())).await?;
        let started = jobs.len();
        for job in jobs {
            let (store, clock, id) = (
                Arc::clone(&self.store),
                Arc::clone(&self.clock),
                self.id.clone(),
            );
            let outbound = self.outbound.clone();
            running.spawn_blocking(move || {
                if let Err(e) = run_job(store.as_ref(), &outbound, clock.as_ref(), &id, &job) {
                    // Taken again when its lease ends.
                    tracing::warn!(job.id = %job.id, error = %e, "a job's outcome was not recorded");
                }
            });
        }
        Ok((dispatched, started))
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, kedai_app::AppError> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}
