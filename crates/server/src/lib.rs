//! The Kedai server: configuration, wiring of store, clock and tokens, and the HTTP server.
//! `main.rs` is the CLI on top of this.

pub mod config;
pub mod logging;
pub mod outbound;
pub mod worker;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpServer, dev::ServerHandle};
use kedai_app::Store;
use kedai_app::mock_gateway::MockGateway;
use kedai_app::payments::{Gateways, PaymentGateway};
use kedai_core::{Clock, SystemClock};
use kedai_http::{AppState, TokenService, build_app};
use kedai_persistence::{DatabaseUrl, DbStore, PoolOptions, connect_pool, migrate};

pub use config::{ConfigError, Environment, Limits, Settings};
pub use outbound::{OutboundError, OutboundSettings};
pub use worker::{Worker, WorkerConfig};

/// A start-up failure.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Bad configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database could not be reached or migrated.
    #[error(transparent)]
    Database(#[from] kedai_persistence::DbError),
    /// Outgoing work is misconfigured.
    #[error(transparent)]
    Outbound(#[from] OutboundError),
    /// The outbox worker could not start.
    #[error("cannot start the outbox worker: {0}")]
    Worker(std::io::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Opens the database named by the settings and applies pending migrations.
///
/// # Errors
/// [`StartError::Database`].
pub fn open_store(settings: &Settings) -> Result<DbStore, StartError> {
    let url = DatabaseUrl::parse(&settings.database_url)?;
    let pool = connect_pool(
        &url,
        PoolOptions {
            max_size: settings.db_pool_size.max(1),
            connection_timeout: Duration::from_millis(settings.db_acquire_timeout_ms.max(1)),
        },
    )?;
    let applied = migrate(&pool)?;
    tracing::info!(database = %url.redacted(), migrations.applied = applied.len(), "database ready");
    Ok(DbStore::new(pool).with_fail_fast(Duration::from_millis(settings.db_fail_fast_ms.max(1))))
}

/// The application state for a store.
///
/// # Errors
/// [`StartError::Config`] for a missing or bad JWT secret; [`StartError::Outbound`] for
/// unusable e-mail or SMS settings.
pub fn app_state(settings: &Settings, store: DbStore) -> Result<AppState, StartError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store: Arc<dyn Store> = Arc::new(store);
    if settings.environment == Environment::Production {
        tracing::warn!(
            "merchants without a Stripe account connected take payments through the built-in \
             mock gateway: its checkout page approves without money"
        );
    }
    let gateway = gateways(&settings.public_url(), &store);
    let mut outbound = settings.outbound.ports(settings.environment)?;
    outbound.refunds = Arc::clone(&gateway) as Arc<dyn kedai_app::jobs::Refunds>;
    let gateway: Arc<dyn PaymentGateway> = gateway;
    Ok(AppState {
        public_url: settings.public_url(),
        store,
        clock,
        tokens: TokenService::new(&settings.jwt_secret()?),
        body_limit: settings.body_limit,
        gateway,
        limits: Arc::new(kedai_http::ratelimit::RateLimits::new(
            settings.limits.into(),
        )),
        outbound,
        webhook_policy: settings.outbound.address_policy(settings.environment),
        // Without a worker in this process there is none to wake; another instance's polls.
        wake: Arc::new(|| {}),
    })
}

/// Each merchant's payment gateway: Stripe on its own account when connected, else the mock
/// gateway whose checkout pages are served at `public_url`.
fn gateways(public_url: &str, store: &Arc<dyn Store>) -> Arc<Gateways> {
    Arc::new(Gateways::new(
        Arc::new(MockGateway::new(public_url, Arc::clone(store))),
        Arc::new(kedai_integrations::StripeHttp::new()),
        Arc::clone(store),
    ))
}

/// Starts the outbox worker for `state` and points the state's wake-up at it.
///
/// # Errors
/// [`StartError::Worker`].
pub fn start_worker(settings: &Settings, state: &mut AppState) -> Result<Worker, StartError> {
    let worker = Worker::start(
        Arc::clone(&state.store),
        Arc::clone(&state.clock),
        state.outbound.clone(),
        settings.outbound.worker(),
    )
    .map_err(StartError::Worker)?;
    state.wake = worker.waker();
    Ok(worker)
}

/// A server bound to its address, not yet running.
pub struct Bound {
    /// The address it listens on (with the real port when 0 was asked for).
    pub addr: std::net::SocketAddr,
    /// The server future; await it to run.
    pub server: actix_web::dev::Server,
}

/// Binds the HTTP server.
///
/// # Errors
/// [`StartError::Bind`].
pub fn bind(settings: &Settings, mut state: AppState) -> Result<Bound, StartError> {
    let bind_err = |source| StartError::Bind {
        addr: settings.bind.clone(),
        source,
    };
    let listener = TcpListener::bind(&settings.bind).map_err(bind_err)?;
    let addr = listener.local_addr().map_err(bind_err)?;
    if settings.public_url.is_none() {
        // Without KEDAI_PUBLIC_URL, checkout links point at the address actually bound (the
        // real port when 0 was asked for).
        state.public_url = format!("http://{addr}");
        let router = gateways(&state.public_url, &state.store);
        state.outbound.refunds = Arc::clone(&router) as Arc<dyn kedai_app::jobs::Refunds>;
        state.gateway = router;
    }
    let mut server = HttpServer::new(move || build_app(state.clone()));
    if let Some(workers) = settings.workers {
        server = server.workers(workers.max(1));
    }
    let server = server.listen(listener).map_err(bind_err)?.run();
    Ok(Bound { addr, server })
}

/// A server running on its own thread (for tests and embedding); stopped when dropped.
pub struct Running {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    handle: ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// `http://addr`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        // The server's own thread drives the stop; this only waits for it.
        actix_web::rt::System::new().block_on(stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a server on a background thread.
///
/// # Errors
/// [`StartError`].
pub fn spawn(settings: &Settings, state: AppState) -> Result<Running, StartError> {
    let Bound { addr, server } = bind(settings, state)?;
    let handle = server.handle();
    let thread = std::thread::spawn(move || {
        if let Err(e) = actix_web::rt::System::new().block_on(server) {
            tracing::error!(error = %e, "server stopped with an error");
        }
    });
    Ok(Running {
        addr,
        handle,
        thread: Some(thread),
    })
}
