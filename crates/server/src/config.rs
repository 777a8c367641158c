//! Configuration: command-line flags with environment fallbacks and development defaults.
//! Loaded once in `main` and passed down; nothing reads the environment later.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use secrecy::SecretString;

/// Where Kedai runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// Local development: a JWT secret is generated and kept in the data folder.
    Development,
    /// Production: an explicit `KEDAI_JWT_SECRET` is required.
    Production,
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: a SQLite file path (or `sqlite://PATH`), or a `postgres://` URL.
    #[arg(
        long,
        env = "KEDAI_DATABASE_URL",
        default_value = "./data/kedai.db",
        global = true
    )]
    pub database_url: String,

    /// Address to listen on.
    #[arg(
        long,
        env = "KEDAI_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// `development` or `production`.
    #[arg(
        long = "env",
        env = "KEDAI_ENV",
        value_enum,
        default_value = "development",
        global = true
    )]
    pub environment: Environment,

    /// HMAC secret for staff tokens (at least 32 characters). Required in production; in
    /// development one is generated and kept in the data folder.
    #[arg(long, env = "KEDAI_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<SecretString>,

    /// Folder for local state (the development JWT secret).
    #[arg(long, env = "KEDAI_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Most database connections.
    #[arg(long, env = "KEDAI_DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub db_pool_size: u32,

    /// How long a request waits for a database connection, in milliseconds, while the
    /// database answers (a busy pool).
    #[arg(
        long,
        env = "KEDAI_DB_ACQUIRE_TIMEOUT_MS",
        default_value_t = 5_000,
        global = true
    )]
    pub db_acquire_timeout_ms: u64,

    /// How long a request waits for a database connection, in milliseconds, once a checkout
    /// found the database unreachable: requests answer 503 quickly until a connection works
    /// again.
    #[arg(
        long,
        env = "KEDAI_DB_FAIL_FAST_MS",
        default_value_t = 250,
        global = true
    )]
    pub db_fail_fast_ms: u64,

    /// HTTP worker threads (default: one per CPU core).
    #[arg(long, env = "KEDAI_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Largest request body accepted, in bytes.
    #[arg(
        long,
        env = "KEDAI_BODY_LIMIT",
        default_value_t = 262_144,
        global = true
    )]
    pub body_limit: usize,

    /// The address customers reach this server at, for links such as payment pages
    /// (default `http://<bind address>`).
    #[arg(long, env = "KEDAI_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `kedai=debug,info`.
    #[arg(long, env = "KEDAI_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Rate limits (kept in memory by each instance).
    #[command(flatten)]
    pub limits: Limits,

    /// Outgoing work: the outbox worker, webhooks, e-mail and SMS.
    #[command(flatten)]
    pub outbound: crate::OutboundSettings,
}

/// Rate limits, per Kedai instance (each instance counts on its own).
#[derive(Debug, Clone, Copy, Args)]
pub struct Limits {
    /// Requests per minute per staff token (003 §19).
    #[arg(
        long,
        env = "KEDAI_RATE_LIMIT_PER_MINUTE",
        default_value_t = 100,
        global = true
    )]
    pub rate_limit_per_minute: u32,

    /// Requests per minute per client address, for requests without a valid token.
    #[arg(
        long,
        env = "KEDAI_RATE_LIMIT_PER_IP_PER_MINUTE",
        default_value_t = 60,
        global = true
    )]
    pub rate_limit_per_ip_per_minute: u32,

    /// Take the client address from `X-Forwarded-For` / `Forwarded` (only behind a proxy that
    /// sets them; otherwise clients could pick their own address).
    #[arg(
        long,
        env = "KEDAI_TRUST_FORWARDED_FOR",
        default_value_t = false,
        global = true
    )]
    pub trust_forwarded_for: bool,

    /// Failed sign-ins per e-mail from one client address within 15 minutes before sign-ins
    /// of that e-mail from that address are refused.
    #[arg(
        long,
        env = "KEDAI_LOGIN_FAILURES_PER_EMAIL_AND_IP",
        default_value_t = 5,
        global = true
    )]
    pub login_failures_per_email_and_ip: u32,

    /// Failed sign-ins per e-mail from all addresses together within 15 minutes before
    /// sign-ins of that e-mail are refused everywhere (high: it caps guessing spread over
    /// many addresses, and a low value would let strangers lock the account out).
    #[arg(
        long,
        env = "KEDAI_LOGIN_FAILURES_PER_EMAIL",
        default_value_t = 100,
        global = true
    )]
    pub login_failures_per_email: u32,

    /// Failed sign-ins per client address within 15 minutes before its sign-ins are refused.
    #[arg(
        long,
        env = "KEDAI_LOGIN_FAILURES_PER_IP",
        default_value_t = 20,
        global = true
    )]
    pub login_failures_per_ip: u32,

    /// One-time sign-in codes a client address may ask for per hour (customer portal).
    #[arg(
        long,
        env = "KEDAI_OTP_PER_IP_PER_HOUR",
        default_value_t = 20,
        global = true
    )]
    pub otp_per_ip_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        let d = kedai_http::ratelimit::RateLimitConfig::default();
        Self {
            rate_limit_per_minute: d.per_token_per_minute,
            rate_limit_per_ip_per_minute: d.per_ip_per_minute,
            trust_forwarded_for: d.trust_forwarded_for,
            login_failures_per_email_and_ip: d.login_failures_per_email_and_ip,
            login_failures_per_email: d.login_failures_per_email,
            login_failures_per_ip: d.login_failures_per_ip,
            otp_per_ip_per_hour: d.otp_per_ip_per_hour,
        }
    }
}

impl From<Limits> for kedai_http::ratelimit::RateLimitConfig {
    fn from(l: Limits) -> Self {
        Self {
            per_token_per_minute: l.rate_limit_per_minute.max(1),
            per_ip_per_minute: l.rate_limit_per_ip_per_minute.max(1),
            trust_forwarded_for: l.trust_forwarded_for,
            login_failures_per_email_and_ip: l.login_failures_per_email_and_ip.max(1),
            login_failures_per_email: l.login_failures_per_email.max(1),
            login_failures_per_ip: l.login_failures_per_ip.max(1),
            otp_per_ip_per_hour: l.otp_per_ip_per_hour.max(1),
        }
    }
}

/// A configuration that cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Production without a secret.
    #[error("KEDAI_ENV=production requires KEDAI_JWT_SECRET (at least 32 characters)")]
    SecretRequired,
    /// A secret too short to be safe.
    #[error("KEDAI_JWT_SECRET must be at least 32 characters")]
    SecretTooShort,
    /// The development secret could not be read or written.
    #[error("cannot keep the development JWT secret in {path}: {source}")]
    SecretFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

const MIN_SECRET: usize = 32;

impl Settings {
    /// The staff-token secret: the configured one, or in development the one kept in
    /// `<data_dir>/jwt-secret` (generated on first use, readable by the owner only).
    ///
    /// # Errors
    /// [`ConfigError`] when production has no secret, a secret is too short, or the file
    /// cannot be used.
    pub fn jwt_secret(&self) -> Result<SecretString, ConfigError> {
        use secrecy::ExposeSecret;
        if let Some(secret) = &self.jwt_secret {
            if secret.expose_secret().len() < MIN_SECRET {
                return Err(ConfigError::SecretTooShort);
            }
            return Ok(secret.clone());
        }
        if self.environment == Environment::Production {
            return Err(ConfigError::SecretRequired);
        }
        development_secret(&self.data_dir.join("jwt-secret"))
    }
}

impl Settings {
    /// The public base URL without a trailing slash: the configured one, or
    /// `http://<bind address>`.
    #[must_use]
    pub fn public_url(&self) -> String {
        self.public_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map_or_else(
                || format!("http://{}", self.bind),
                |u| u.trim_end_matches('/').to_owned(),
            )
    }
}

fn development_secret(path: &Path) -> Result<SecretString, ConfigError> {
    let fail = |source| ConfigError::SecretFile {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(s) if s.trim().len() >= MIN_SECRET => {
            return Ok(SecretString::from(s.trim().to_owned()));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail(e)),
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| fail(std::io::Error::other(e.to_string())))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(path, &secret).map_err(fail)?;
    Ok(SecretString::from(secret))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use secrecy::ExposeSecret;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        settings: Settings,
    }

    fn settings(args: &[&str]) -> Settings {
        let mut all = vec!["kedai"];
        all.extend_from_slice(args);
        Probe::try_parse_from(all)
            .map(|p| p.settings)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn production_refuses_to_start_without_a_secret() {
        let s = settings(&["--env", "production"]);
        assert!(matches!(s.jwt_secret(), Err(ConfigError::SecretRequired)));
        let s = settings(&["--env", "production", "--jwt-secret", "short"]);
        assert!(matches!(s.jwt_secret(), Err(ConfigError::SecretTooShort)));
        let long = "x".repeat(40);
        let s = settings(&["--env", "production", "--jwt-secret", &long]);
        assert_eq!(
            s.jwt_secret().map(|k| k.expose_secret().len()).ok(),
            Some(40)
        );
    }

    #[test]
    fn development_keeps_one_generated_secret() {
        let dir = std::env::temp_dir().join(format!("kedai-config-{}", std::process::id()));
        let dir_arg = dir.to_string_lossy().into_owned();
        let s = settings(&["--data-dir", &dir_arg]);
        let first = s
            .jwt_secret()
            .map(|k| k.expose_secret().to_owned())
            .unwrap_or_default();
        let second = s
            .jwt_secret()
            .map(|k| k.expose_secret().to_owned())
            .unwrap_or_default();
        assert_eq!(first.len(), 64);
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(dir.join("jwt-secret")).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600));
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn defaults_are_for_development() {
        let s = settings(&[]);
        assert_eq!(s.database_url, "./data/kedai.db");
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.environment, Environment::Development);
        assert_eq!(s.public_url(), "http://127.0.0.1:8080");
        let s = settings(&["--public-url", "https://shop.example.com/"]);
        assert_eq!(s.public_url(), "https://shop.example.com");
        assert_eq!(s.limits.rate_limit_per_minute, 100);
        assert_eq!(s.limits.rate_limit_per_ip_per_minute, 60);
        assert!(!s.limits.trust_forwarded_for);
        let s = settings(&[
            "--rate-limit-per-minute",
            "7",
            "--login-failures-per-email",
            "3",
        ]);
        let config = kedai_http::ratelimit::RateLimitConfig::from(s.limits);
        assert_eq!(
            (config.per_token_per_minute, config.login_failures_per_email),
            (7, 3)
        );
    }
}
