//! The log as an operator reads it (security finding 6): the real `kedai serve` with its log on
//! stderr, sent requests whose echoed fields carry line feeds, carriage returns and ANSI
//! escapes. Before, an anonymous caller could forge whole log lines with their own timestamp
//! and level; now every event is one line, and no control character reaches the log raw.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::json;

const COMPANY: &str = "01930000-0000-7000-8000-00000000de70";
const FORGED: &str = "1999-12-31T23:59:59.000000Z  INFO kedai: FORGED admin signed in";

struct Server {
    child: Child,
    base: String,
    stderr: Arc<Mutex<Vec<String>>>,
    dir: std::path::PathBuf,
    database: Option<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin, name)) = &self.database
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

fn start(postgres: bool) -> Server {
    let id = uuid_like();
    let dir = std::env::temp_dir().join(format!("kedai-logs-{id}"));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let (url, database) = if postgres {
        let admin = std::env::var("KEDAI_TEST_POSTGRES_URL").unwrap_or_else(|_| {
            panic!("KEDAI_TEST_POSTGRES_URL is not set: PostgreSQL tests need a server")
        });
        let name = format!("kedai_logs_{id}");
        let mut conn = PgConnection::establish(&admin).unwrap_or_else(|e| panic!("{e}"));
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        (format!("{base}/{name}"), Some((admin.clone(), name)))
    } else {
        (dir.join("kedai.db").to_string_lossy().into_owned(), None)
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_kedai"))
        .args(["serve", "--demo"])
        .env_clear()
        .env("KEDAI_DATABASE_URL", &url)
        .env("KEDAI_DATA_DIR", &dir)
        .env("KEDAI_BIND", "127.0.0.1:0")
        .env("KEDAI_LOG", "info")
        .env("KEDAI_WORKERS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start kedai: {e}"));
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let pipe = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let lines = Arc::clone(&stderr);
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).split(b'\n').map_while(Result::ok) {
            let line = String::from_utf8_lossy(&line).into_owned();
            lines
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let base = loop {
        let found = stderr
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find_map(|l| {
                l.strip_prefix("Kedai listening on ")
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_owned)
            });
        if let Some(base) = found {
            break base;
        }
        assert!(Instant::now() < deadline, "kedai did not start");
        std::thread::sleep(Duration::from_millis(50));
    };
    Server {
        child,
        base,
        stderr,
        dir,
        database,
    }
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}_{nanos}", std::process::id())
}

fn send(server: &Server, method: &str, path: &str, body: Option<String>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}{path}", server.base);
    let r = match (method, body) {
        ("GET", _) | (_, None) => agent.get(&url).header("X-Company-Id", COMPANY).call(),
        (_, Some(body)) => agent
            .post(&url)
            .header("X-Company-Id", COMPANY)
            .content_type("application/json")
            .send(body),
    };
    let r = r.unwrap_or_else(|e| panic!("request failed: {e}"));
    let id = r
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (r.status().as_u16(), id)
}

fn one_line_per_event(postgres: bool) {
    let server = start(postgres);
    // Line feeds and carriage returns are kept in free text, so they reach the messages that
    // echo a field; ANSI escapes are refused at the door (422 naming the field), and are sent
    // all the same to show that they never reach the log raw.
    let evil = format!("x\n{FORGED}\r\n{FORGED}\r");
    let ansi = format!("x\u{1b}[2J\u{1b}[31m\n{FORGED}");
    let checkout = |field: &str, value: &str| {
        let mut body = json!({
            "lineItems": [{ "productId": 1, "quantity": 1 }],
            "customerInfo": { "firstName": "A", "lastName": "B", "email": "a@b.co" },
            "shippingAddress": { "addressLine1": "x", "city": "y", "country": "MY" },
        });
        body[field] = json!(value);
        Some(body.to_string())
    };
    let requests = [
        (
            "/v6/customer-portal/shop/orders",
            checkout("paymentMethodId", &evil),
        ),
        (
            "/v6/customer-portal/shop/orders",
            checkout("promotionCode", &evil),
        ),
        (
            "/v6/customer-portal/shop/orders",
            checkout("paymentMethodId", &ansi),
        ),
        (
            "/v6/customer-portal/shop/orders",
            checkout("promotionCode", &ansi),
        ),
        (
            "/v6/customer-portal/validate-promotion",
            Some(json!({ "promotionCode": evil, "amount": "x\ny" }).to_string()),
        ),
    ];
    let mut ids = Vec::new();
    for (path, body) in requests {
        let (status, id) = send(&server, "POST", path, body);
        assert!((400..500).contains(&status), "{path}: {status}");
        assert!(!id.is_empty(), "{path}: no request id");
        ids.push(id);
    }
    // Each refusal is logged as it is answered; wait until every one is in.
    let deadline = Instant::now() + Duration::from_secs(20);
    let log = loop {
        let log = server
            .stderr
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if ids
            .iter()
            .all(|id| log.iter().any(|l| l.contains(id.as_str())))
            || Instant::now() > deadline
        {
            break log;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let whole = log.join("\n");
    assert!(whole.contains("FORGED"), "the values were logged:\n{whole}");
    for line in &log {
        assert!(
            !line.starts_with("1999-12-31T23:59:59"),
            "a forged line:\n{whole}"
        );
        assert!(
            !line.contains('\r') && !line.contains('\u{1b}'),
            "raw control character:\n{whole}"
        );
        if line.contains("FORGED") {
            assert!(
                line.contains("request_id="),
                "an echoed value outside its event's line:\n{line}"
            );
        }
    }
    // Each refused request is logged on exactly one line.
    for id in &ids {
        let n = log.iter().filter(|l| l.contains(id.as_str())).count();
        assert_eq!(n, 1, "request {id} on {n} lines:\n{whole}");
    }
}

mod sqlite {
    #[test]
    fn one_line_per_event_whatever_the_caller_sends() {
        super::one_line_per_event(false);
    }
}

mod postgres {
    #[test]
    fn one_line_per_event_whatever_the_caller_sends() {
        super::one_line_per_event(true);
    }
}
