//! Throwaway databases for fault tests: a private PostgreSQL cluster in a temporary folder on a
//! free port (started, stopped and restarted at will; never the machine's shared server), or a
//! SQLite file in a temporary folder. Both are removed on drop, also when a test panics.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the shell command `cleanup` once this test process has ended, however it ended: also
/// when it is killed (a nextest timeout, Ctrl-C), when no destructor runs. The watcher is its
/// own process group, so a signal to the test's group does not take it along, and holds none
/// of the test's output pipes.
pub fn when_gone(cleanup: &str) {
    let script = format!(
        "while kill -0 {} 2>/dev/null; do sleep 1; done; {cleanup}",
        std::process::id()
    );
    let spawned = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
    if let Err(e) = spawned {
        panic!("cannot start the clean-up watcher: {e}");
    }
}

/// A temporary folder, removed on drop (or, if the test is killed, by a watcher).
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty folder under the system's temporary folder.
    pub fn new(prefix: &str) -> Self {
        let dir = Self::unwatched(prefix);
        when_gone(&format!("rm -rf '{}'", dir.path().display()));
        dir
    }

    /// As [`TempDir::new`], leaving the clean-up after a kill to the caller's watcher.
    fn unwatched(prefix: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        Self(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    l.local_addr()
        .unwrap_or_else(|e| panic!("local_addr: {e}"))
        .port()
}

/// How to stop PostgreSQL (`pg_ctl -m`).
#[derive(Debug, Clone, Copy)]
pub enum StopMode {
    /// Disconnects clients, rolls back their transactions, checkpoints.
    Fast,
    /// Like a crash: no checkpoint, WAL recovery on the next start.
    Immediate,
}

impl StopMode {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Fast => "fast",
            Self::Immediate => "immediate",
        }
    }
}

/// A private PostgreSQL cluster: its own data folder, socket folder and port.
pub struct PgCluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    running: bool,
    // Last, so the folder goes after the server has stopped.
    root: TempDir,
}

/// The PostgreSQL server binaries: `KEDAI_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`,
/// else wherever `initdb` is on the PATH. Panics (the test fails, never skips) when none exist.
fn pg_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("KEDAI_PG_BIN") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("initdb").is_file() && dir.join("pg_ctl").is_file(),
            "KEDAI_PG_BIN={} has no initdb and pg_ctl",
            dir.display()
        );
        return dir;
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let on_path = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|p| !p.is_empty());
    match on_path.and_then(|p| Path::new(&p).parent().map(Path::to_path_buf)) {
        Some(dir) => dir,
        None => panic!(
            "PostgreSQL server binaries not found (initdb, pg_ctl): install PostgreSQL \
             (apt-get install postgresql) or set KEDAI_PG_BIN; the fault tests cannot run without them"
        ),
    }
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs a shell command as the `postgres` user when we are root (initdb refuses root), else as
/// ourselves. Returns (success, combined output).
fn as_postgres(cmd: &str) -> (bool, String) {
    let out = if running_as_root() {
        Command::new("su").args(["postgres", "-c", cmd]).output()
    } else {
        Command::new("sh").args(["-c", cmd]).output()
    }
    .unwrap_or_else(|e| panic!("cannot run `{cmd}`: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

impl PgCluster {
    /// initdb in a fresh temporary folder and start the server on a free port.
    pub fn start() -> Self {
        let bin = pg_bin();
        let root = TempDir::unwatched("kedai-faults-pg");
        if running_as_root() {
            let st = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(root.path())
                .status()
                .unwrap_or_else(|e| panic!("chown: {e}"));
            assert!(
                st.success(),
                "chown postgres {} failed",
                root.path().display()
            );
        }
        let data = root.path().join("data");
        // If the test is killed before its destructors run, the cluster still stops, then its
        // folder goes.
        let stop = format!(
            "'{}' -D '{}' -m immediate -w -t 30 stop",
            bin.join("pg_ctl").display(),
            data.display()
        );
        let stop = if running_as_root() {
            format!("su postgres -c \"{stop}\"")
        } else {
            stop
        };
        when_gone(&format!("{stop}; rm -rf '{}'", root.path().display()));
        let (ok, out) = as_postgres(&format!(
            "'{}' -D '{}' -U postgres --auth=trust --no-sync -E UTF8",
            bin.join("initdb").display(),
            data.display()
        ));
        assert!(ok, "initdb failed:\n{out}");
        let mut cluster = Self {
            bin,
            data,
            port: free_port(),
            running: false,
            root,
        };
        cluster.start_again();
        cluster
    }

    /// The URL of a database in this cluster.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    fn pg_ctl(&self, args: &str) -> (bool, String) {
        as_postgres(&format!(
            "'{}' -D '{}' {args}",
            self.bin.join("pg_ctl").display(),
            self.data.display()
        ))
    }

    /// Starts the (stopped) server on its port; waits until it accepts connections.
    pub fn start_again(&mut self) {
        let log = self.root.path().join("postgres.log");
        let (ok, out) = self.pg_ctl(&format!(
            "-l '{}' -o \"-p {} -k '{}' -c listen_addresses=127.0.0.1 -c max_connections=100\" -w -t 60 start",
            log.display(),
            self.port,
            self.root.path().display()
        ));
        assert!(
            ok,
            "pg_ctl start failed:\n{out}\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        self.running = true;
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not listen on {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server (`pg_ctl -m MODE stop`), waiting until it is down.
    pub fn stop(&mut self, mode: StopMode) {
        let (ok, out) = self.pg_ctl(&format!("-m {} -w -t 60 stop", mode.as_str()));
        assert!(ok, "pg_ctl stop failed:\n{out}");
        self.running = false;
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.running {
            let _ = self.pg_ctl("-m immediate -w -t 30 stop");
        }
    }
}

/// Where a fault test keeps its data.
pub enum Db {
    /// A SQLite file in a temporary folder.
    Sqlite(TempDir),
    /// A private PostgreSQL cluster.
    Postgres(PgCluster),
}

impl Db {
    /// A fresh database of the backend.
    pub fn start(postgres: bool) -> Self {
        if postgres {
            Self::Postgres(PgCluster::start())
        } else {
            Self::Sqlite(TempDir::new("kedai-faults-sqlite"))
        }
    }

    /// The URL Kedai is given.
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(dir) => dir.path().join("kedai.db").to_string_lossy().into_owned(),
            Self::Postgres(c) => c.url("postgres"),
        }
    }

    /// The private cluster (panics on SQLite).
    pub fn cluster(&mut self) -> &mut PgCluster {
        match self {
            Self::Postgres(c) => c,
            Self::Sqlite(_) => panic!("not a PostgreSQL test"),
        }
    }
}
