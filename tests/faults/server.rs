//! The real `kedai serve --demo` binary as a child process, killed on drop (also on panic).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cluster::{TempDir, free_port, when_gone};
use crate::http::Client;

/// The demo owner of `kedai serve --demo` (README walk-through).
pub const DEMO_EMAIL: &str = "owner@demo.kedai.dev";
/// Their password.
pub const DEMO_PASSWORD: &str = "kedai-demo-2026";

/// The server binary: `KEDAI_BIN` (set by `make faults`), else the workspace's debug build.
/// Panics (the test fails, never skips) when it does not exist.
fn kedai_bin() -> PathBuf {
    let bin = std::env::var("KEDAI_BIN").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/kedai"),
        PathBuf::from,
    );
    assert!(
        bin.is_file(),
        "the Kedai server binary {} does not exist: build it (`cargo build -p kedai`) or run \
         `make faults`, which sets KEDAI_BIN",
        bin.display()
    );
    bin
}

/// A running `kedai serve --demo`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    log: PathBuf,
}

impl Server {
    /// Starts Kedai on a free port against `database_url`, with its state (the JWT secret) in
    /// `data_dir`, rate limits out of the way; waits until `/ready` answers 200.
    pub fn start(database_url: &str, data_dir: &TempDir) -> Self {
        Self::start_with(database_url, data_dir, &[])
    }

    /// As [`Server::start`], with more environment (`KEY`, `value`) for the server.
    pub fn start_with(database_url: &str, data_dir: &TempDir, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let log = data_dir.path().join(format!(
            "kedai-{port}-{}.log",
            uuid::Uuid::new_v4().simple()
        ));
        let log_file =
            std::fs::File::create(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let child = Command::new(kedai_bin())
            .args(["serve", "--demo"])
            .env("KEDAI_DATABASE_URL", database_url)
            .env("KEDAI_BIND", format!("127.0.0.1:{port}"))
            .env("KEDAI_DATA_DIR", data_dir.path())
            .env("KEDAI_ENV", "development")
            .env("KEDAI_LOG", "warn")
            .env("KEDAI_WORKERS", "2")
            .env("KEDAI_DB_POOL_SIZE", "10")
            .env("KEDAI_RATE_LIMIT_PER_MINUTE", "100000000")
            .env("KEDAI_RATE_LIMIT_PER_IP_PER_MINUTE", "100000000")
            .env_remove("KEDAI_JWT_SECRET")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log_file))
            .spawn()
            .unwrap_or_else(|e| panic!("spawn kedai: {e}"));
        // Killed even if this test process is killed first (then no destructor runs).
        let pid = child.id();
        when_gone(&format!(
            "grep -q kedai /proc/{pid}/cmdline 2>/dev/null && kill -9 {pid}"
        ));
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_ready(Duration::from_secs(90));
        server
    }

    fn wait_ready(&mut self, limit: Duration) {
        let client = Client::new(Duration::from_secs(5));
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "kedai exited with {status} while starting:\n{}",
                    self.log_tail()
                );
            }
            if client
                .get(&format!("{}/ready", self.base), None)
                .is_ok_and(|r| r.status == 200)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "kedai not ready after {limit:?}:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// True while the process runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL, and reap it.
    pub fn kill9(&mut self) {
        // `Child::kill` is SIGKILL on Unix: no shutdown hook, no drain, no flush.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Resident memory in KiB, from `/proc/<pid>/status`. Panics, with how the process ended
    /// and its log, when it is no longer running.
    pub fn rss_kib(&mut self) -> u64 {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("kedai ended ({status}):\n{}", self.log_tail());
        }
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .unwrap_or_else(|e| panic!("/proc/{}/status: {e}", self.pid()));
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no VmRSS in /proc/{}/status:\n{status}", self.pid()))
    }

    /// The last lines of the server's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Signs the demo owner in; returns the bearer token.
    pub fn demo_token(&self) -> String {
        let r = Client::new(Duration::from_secs(30))
            .post(
                &format!("{}/v1/auth/login", self.base),
                None,
                &json!({ "email": DEMO_EMAIL, "password": DEMO_PASSWORD }),
            )
            .unwrap_or_else(|e| panic!("login: {e}"));
        assert_eq!(r.status, 200, "login: {}", r.body);
        r.body["data"]["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {}", r.body))
            .to_owned()
    }

    /// Receives `lots` lots of `per_lot` units for each product, so orders allocate across lot
    /// boundaries (FIFO takes the demo's older lots first, then these in order).
    pub fn stock_up(&self, token: &str, products: &[i64], lots: usize, per_lot: i64) {
        let client = Client::new(Duration::from_secs(30));
        for p in products {
            for _ in 0..lots {
                let r = client
                    .post(
                        &format!("{}/functions/v1/stock-in", self.base),
                        Some(token),
                        &json!({ "product_id": p.to_string(), "quantity": per_lot, "source": "purchase_order" }),
                    )
                    .unwrap_or_else(|e| panic!("stock-in: {e}"));
                assert_eq!(r.status, 200, "stock-in: {}", r.body);
            }
        }
    }

    /// The demo's product ids.
    pub fn products(&self, token: &str) -> Vec<i64> {
        let r = Client::new(Duration::from_secs(30))
            .get(
                &format!("{}/v1/products?page=1&limit=50", self.base),
                Some(token),
            )
            .unwrap_or_else(|e| panic!("products: {e}"));
        assert_eq!(r.status, 200, "products: {}", r.body);
        let mut ids: Vec<i64> = r.body["data"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p["id"].as_i64()).collect())
            .unwrap_or_default();
        ids.sort_unstable();
        assert!(ids.len() >= 3, "the demo has three products: {}", r.body);
        ids
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A response body field as text.
pub fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}
