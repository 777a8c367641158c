//! Local stand-ins for the outside world, on loopback: a webhook receiver that records what
//! it is sent and fails on command, an SMS provider with Twilio's Messages API, and an SMTP
//! sink. Nothing leaves the machine.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// One request a stand-in received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Path and query.
    pub path: String,
    /// Headers, names lower-case.
    pub headers: HashMap<String, String>,
    /// Body.
    pub body: String,
    /// The status answered.
    pub answered: u16,
}

impl Received {
    /// A header by lower-case name.
    #[must_use]
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    /// The body as JSON.
    #[must_use]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Default)]
struct Behaviour {
    /// Answer this status to the next `fail_next` requests.
    fail_next: u32,
    /// Answer 503 to everything while set.
    down: bool,
    /// Wait this long before answering.
    delay: Duration,
    /// The JSON answered on success.
    answer: String,
}

/// An HTTP stand-in on a free loopback port.
pub struct StandIn {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<Mutex<Behaviour>>,
    server: Arc<tiny_http::Server>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl StandIn {
    /// Starts one answering `200` with `answer` (JSON) unless told otherwise.
    #[must_use]
    pub fn start(answer: &str) -> Self {
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.1:0").unwrap_or_else(|e| panic!("stand-in: {e}")),
        );
        let port = server.server_addr().to_ip().map_or(0, |a| a.port());
        let received = Arc::new(Mutex::new(Vec::new()));
        let behaviour = Arc::new(Mutex::new(Behaviour {
            answer: answer.to_owned(),
            ..Behaviour::default()
        }));
        for _ in 0..8 {
            let (server, received, behaviour) = (
                Arc::clone(&server),
                Arc::clone(&received),
                Arc::clone(&behaviour),
            );
            std::thread::spawn(move || serve(&server, &received, &behaviour));
        }
        Self {
            url: format!("http://127.0.0.1:{port}"),
            received,
            behaviour,
            server,
        }
    }

    /// Answers 500 to the next `n` requests.
    pub fn fail_next(&self, n: u32) {
        lock(&self.behaviour).fail_next = n;
    }

    /// Answers 503 to everything while `down`.
    pub fn set_down(&self, down: bool) {
        lock(&self.behaviour).down = down;
    }

    /// Answers `answer` (JSON) from now on.
    pub fn set_answer(&self, answer: &str) {
        answer.clone_into(&mut lock(&self.behaviour).answer);
    }

    /// Waits this long before each answer.
    pub fn set_delay(&self, delay: Duration) {
        lock(&self.behaviour).delay = delay;
    }

    /// Everything received so far.
    #[must_use]
    pub fn received(&self) -> Vec<Received> {
        lock(&self.received).clone()
    }

    /// Waits until `done` holds for what was received (panics after `limit`).
    pub fn wait_for(&self, limit: Duration, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + limit;
        loop {
            let got = self.received();
            if done(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "the stand-in did not get what was awaited in {limit:?}; it got {} requests: {:?}",
                got.len(),
                got.iter()
                    .map(|r| (&r.path, r.answered))
                    .collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn serve(
    server: &tiny_http::Server,
    received: &Mutex<Vec<Received>>,
    behaviour: &Mutex<Behaviour>,
) {
    while let Ok(mut request) = server.recv() {
        let mut body = String::new();
        let _ = request.as_reader().read_to_string(&mut body);
        let headers = request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_owned(),
                )
            })
            .collect();
        let (status, answer, delay) = {
            let mut b = lock(behaviour);
            let status = if b.down {
                503
            } else if b.fail_next > 0 {
                b.fail_next -= 1;
                500
            } else {
                200
            };
            (status, b.answer.clone(), b.delay)
        };
        std::thread::sleep(delay);
        let path = request.url().to_owned();
        let reply = if status == 200 {
            answer
        } else {
            format!("{{\"error\":\"stand-in answering {status}\"}}")
        };
        let response = tiny_http::Response::from_string(reply)
            .with_status_code(status)
            .with_header(
                tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"application/json"[..])
                    .unwrap_or_else(|()| unreachable!()),
            );
        // Recorded before answering: a sender that saw the answer finds it here.
        lock(received).push(Received {
            path,
            headers,
            body,
            answered: status,
        });
        let _ = request.respond(response);
    }
}

/// One e-mail the SMTP sink took.
#[derive(Debug, Clone)]
pub struct Mail {
    /// `MAIL FROM`.
    pub from: String,
    /// `RCPT TO`s.
    pub to: Vec<String>,
    /// The message as sent (headers and body).
    pub data: String,
}

/// An SMTP server on a free loopback port that accepts every message (no TLS, no auth).
pub struct SmtpSink {
    /// Its port.
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    /// Starts one.
    #[must_use]
    pub fn start() -> Self {
        let listener =
            TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("smtp sink: {e}"));
        let port = listener.local_addr().map_or(0, |a| a.port());
        let mails = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&mails);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let sink = Arc::clone(&sink);
                std::thread::spawn(move || {
                    let _ = session(stream, &sink);
                });
            }
        });
        Self { port, mails }
    }

    /// The URL Kedai sends to.
    #[must_use]
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The mails taken so far.
    #[must_use]
    pub fn mails(&self) -> Vec<Mail> {
        lock(&self.mails).clone()
    }
}

fn session(stream: std::net::TcpStream, sink: &Mutex<Vec<Mail>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            out.write_all(b"250-sink\r\n250 8BITMIME\r\n")?;
        } else if upper.starts_with("HELO")
            || upper.starts_with("RSET")
            || upper.starts_with("NOOP")
        {
            out.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = addr(&line);
            to.clear();
            out.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(addr(&line));
            out.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("DATA") {
            out.write_all(b"354 go ahead\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(&line);
            }
            lock(sink).push(Mail {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            out.write_all(b"250 queued as sink-1\r\n")?;
        } else if upper.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}

fn addr(line: &str) -> String {
    line.split_once(':')
        .map_or("", |(_, a)| a)
        .trim()
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap_or("")
        .to_owned()
}
