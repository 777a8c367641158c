//! PostgreSQL stops and starts under load: while it is down, requests fail cleanly (503 in the
//! surface's envelope with Retry-After, quickly, never a 500 or a hang, and the server keeps
//! running); `/ready` says 503; when it is back the same server process recovers by itself, and
//! nothing is lost or duplicated.

use std::time::{Duration, Instant};

use crate::cluster::{Db, StopMode, TempDir};
use crate::http::Client;
use crate::ledger::verify;
use crate::load::{Load, Op, Plan, Sample};
use crate::server::Server;
use crate::{count, env_secs};

mod postgres {
    #[test]
    #[ignore = "run by make faults"]
    fn restart_under_load_fails_cleanly_and_recovers() {
        super::restart_under_load();
    }
}

/// Longest a request may take while the database is down: the pool waits 5 s for a
/// connection, plus slack for a busy machine.
const MAX_OUTAGE_LATENCY: Duration = Duration::from_secs(12);

/// After the first 201, other requests may still wait out their connection attempt: a 503
/// sent this soon after recovery still counts as part of the outage.
const RECOVERY_GRACE: Duration = Duration::from_secs(5);

struct Outage {
    mode: StopMode,
    down: Instant,
    stopped: Instant,
    up: Instant,
    recovered: Instant,
    ready_down: Vec<(u16, f64)>,
}

fn restart_under_load() {
    let mut db = Db::start(true);
    let state = TempDir::new("kedai-faults-state");
    let mut server = Server::start(&db.url(), &state);
    let pid = server.pid();
    let token = server.demo_token();
    let products = server.products(&token);
    server.stock_up(&token, &products[..3], 40, 50);
    let plan = Plan {
        threads: 4,
        pace: Some(Duration::from_millis(50)),
        cancel_every: 4,
        read_back: true,
        retry_unavailable: true,
    };
    let load = Load::start(&server.base, &token, &products, plan);
    let probe = Client::new(Duration::from_secs(30));
    let ready = |c: &Client| {
        let t = Instant::now();
        let r = c
            .get(&format!("{}/ready", server.base), None)
            .unwrap_or_else(|e| panic!("/ready: {e}"));
        (r.status, t.elapsed().as_secs_f64())
    };
    let outage = env_secs("KEDAI_FAULTS_OUTAGE_SECS", 8);
    let mut samples: Vec<Sample> = Vec::new();
    let mut outages = Vec::new();
    std::thread::sleep(Duration::from_secs(3));
    for mode in [StopMode::Fast, StopMode::Immediate] {
        let down = Instant::now();
        db.cluster().stop(mode);
        let stopped = Instant::now();
        let mut ready_down = Vec::new();
        while down.elapsed() < outage {
            ready_down.push(ready(&probe));
        }
        let up = Instant::now();
        db.cluster().start_again();
        // Recovered: the first 201 to an order sent after PostgreSQL was back.
        let recovered = loop {
            samples.extend(load.drain());
            if let Some(at) = samples
                .iter()
                .filter(|s| s.sent >= up && s.placed.is_some())
                .map(Sample::answered)
                .min()
            {
                break at;
            }
            assert!(
                up.elapsed() < Duration::from_secs(60),
                "no order placed within 60 s of PostgreSQL's restart:\n{}",
                server.log_tail()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(ready(&probe).0, 200, "/ready after recovery");
        outages.push(Outage {
            mode,
            down,
            stopped,
            up,
            recovered,
            ready_down,
        });
        std::thread::sleep(Duration::from_secs(3));
    }
    samples.extend(load.stop());
    assert!(server.alive(), "the server died:\n{}", server.log_tail());
    assert_eq!(server.pid(), pid);

    // Every answer is a success, a stock conflict, or a clean 503: never a 500, a dropped
    // connection or a hang.
    for s in &samples {
        let r = s
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("{:?} got no answer: {e}", s.op));
        match r.status {
            201 if s.op == Op::Create => {}
            // Out of stock, or a retried request whose first attempt may have committed just
            // as the database went away (its key stays claimed: it never runs twice).
            409 if s.op == Op::Create
                && matches!(
                    r.body["error_code"].as_str(),
                    Some("INSUFFICIENT_STOCK" | "IDEMPOTENCY_KEY_IN_USE")
                ) => {}
            200 if s.op != Op::Create => {}
            503 => {
                assert_eq!(r.body["success"], false, "{}", r.body);
                assert_eq!(r.body["error_code"], "SERVICE_UNAVAILABLE", "{}", r.body);
                assert!(r.body["message"].is_string(), "{}", r.body);
                assert!(r.retry_after.is_some(), "503 without Retry-After");
                let during = outages
                    .iter()
                    .any(|o| s.answered() >= o.down && s.sent <= o.recovered + RECOVERY_GRACE);
                assert!(during, "a 503 outside any outage: {:?}", s.op);
                assert!(s.latency < MAX_OUTAGE_LATENCY, "a 503 took {:?}", s.latency);
            }
            other => panic!("{:?} answered {other}: {}", s.op, r.body),
        }
        assert!(
            s.latency < MAX_OUTAGE_LATENCY,
            "{:?} took {:?}",
            s.op,
            s.latency
        );
    }
    let mut lines = Vec::new();
    for o in &outages {
        let in_outage = |s: &Sample| s.answered() >= o.down && s.sent <= o.recovered;
        let unavailable = count(&samples, |s| in_outage(s) && s.status() == Some(503));
        let ok = count(&samples, |s| {
            s.sent > o.stopped && s.answered() < o.up && matches!(s.status(), Some(200 | 201))
        });
        assert!(
            unavailable > 0,
            "no 503 while PostgreSQL was down ({:?})",
            o.mode
        );
        assert_eq!(ok, 0, "a success while PostgreSQL was down ({:?})", o.mode);
        assert!(
            o.ready_down.iter().all(|(s, _)| *s == 503),
            "/ready while down: {:?}",
            o.ready_down
        );
        let slowest = samples
            .iter()
            .filter(|s| in_outage(s))
            .map(|s| s.latency.as_secs_f64())
            .fold(0.0, f64::max);
        lines.push(format!(
            "stop -m {:?}: down {:.1} s, {unavailable} requests answered 503 (slowest {slowest:.1} s), \
             /ready {:?}; first 201 {:.2} s after PostgreSQL was back",
            o.mode,
            (o.up - o.down).as_secs_f64(),
            o.ready_down
                .iter()
                .map(|(s, t)| format!("{s} in {t:.1}s"))
                .collect::<Vec<_>>(),
            (o.recovered - o.up).as_secs_f64()
        ));
    }

    // Requests sent again after a 503, by how their last attempt ended.
    let retried: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.op == Op::Create && s.attempt > 1 && s.status() != Some(503))
        .collect();
    let fresh = retried
        .iter()
        .filter(|s| s.placed.is_some() && !s.result.as_ref().is_ok_and(|r| r.replayed))
        .count();
    let replayed = retried
        .iter()
        .filter(|s| s.result.as_ref().is_ok_and(|r| r.replayed))
        .count();
    let in_use = retried
        .iter()
        .filter(|s| {
            s.result
                .as_ref()
                .is_ok_and(|r| r.body["error_code"] == "IDEMPOTENCY_KEY_IN_USE")
        })
        .count();
    lines.push(format!(
        "{} requests answered 503 were sent again with their Idempotency-Key after Retry-After: \
         {fresh} then ran (201), {replayed} were replayed, {in_use} stay claimed (IDEMPOTENCY_KEY_IN_USE: \
         their first attempt may have committed), none ran twice",
        retried.len()
    ));

    let v = verify(&db.url(), &samples);
    println!(
        "faults postgres restart: {} requests ({} 201, {} 503, 0 500, 0 dropped) by one server process (pid {pid}); \
         found {} orders ({} answered, {} unanswered but whole, {} cancelled), {} lots balanced",
        samples.len(),
        count(&samples, |s| s.placed.is_some()),
        count(&samples, |s| s.status() == Some(503)),
        v.orders,
        v.answered,
        v.unanswered,
        v.cancelled,
        v.lots
    );
    for l in lines {
        println!("  {l}");
    }
}
