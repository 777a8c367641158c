//! kill -9 in the middle of a concurrent order load, then a restart on the same database:
//! every order answered 201 is there and whole, none is half-written or numbered twice, and
//! every lot's ledger balances.

use std::time::{Duration, Instant};

use crate::cluster::{Db, TempDir};
use crate::http::Client;
use crate::ledger::verify;
use crate::load::{Load, Op, Plan};
use crate::server::{Server, text};
use crate::{count, env_num, env_secs};

mod sqlite {
    #[test]
    #[ignore = "run by make faults"]
    fn kill_9_mid_load_loses_nothing() {
        super::kill_9_mid_load(false);
    }
}

mod postgres {
    #[test]
    #[ignore = "run by make faults"]
    fn kill_9_mid_load_loses_nothing() {
        super::kill_9_mid_load(true);
    }
}

fn kill_9_mid_load(postgres: bool) {
    let backend = if postgres { "postgres" } else { "sqlite" };
    let db = Db::start(postgres);
    let state = TempDir::new("kedai-faults-state");
    let mut server = Server::start(&db.url(), &state);
    let token = server.demo_token();
    let products = server.products(&token);
    // 40 lots of 50 per product on top of the demo's three: orders cross lot boundaries often.
    server.stock_up(&token, &products[..3], 40, 50);
    let plan = Plan {
        threads: 6,
        pace: None,
        cancel_every: 4,
        read_back: false,
        retry_unavailable: false,
    };
    let rounds = env_num("KEDAI_FAULTS_KILLS", 3).max(1);
    let limit = env_secs("KEDAI_FAULTS_LOAD_LIMIT_SECS", 120);
    let client = Client::new(Duration::from_secs(30));
    let mut samples = Vec::new();
    let mut report = Vec::new();
    for round in 1..=rounds {
        let load = Load::start(&server.base, &token, &products, plan);
        // Kill once enough orders are in, at a moment the clients do not choose.
        let want = 150;
        let started = Instant::now();
        let mut this = Vec::new();
        while count(&this, |s| s.placed.is_some()) < want {
            assert!(
                started.elapsed() < limit,
                "only {} orders placed in {limit:?}:\n{}",
                count(&this, |s| s.placed.is_some()),
                server.log_tail()
            );
            std::thread::sleep(Duration::from_millis(37));
            this.extend(load.drain());
        }
        let pid = server.pid();
        let killed_at = Instant::now();
        server.kill9();
        let load_secs = started.elapsed().as_secs_f64();
        this.extend(load.stop());

        // Before the kill every request was answered, and none with a server error.
        for s in &this {
            match (&s.result, s.op) {
                (Err(e), _) => assert!(
                    s.answered() >= killed_at,
                    "{:?} failed before the kill: {e}",
                    s.op
                ),
                (Ok(r), Op::Create) => assert!(
                    r.status == 201 || r.status == 409,
                    "create answered {}: {}",
                    r.status,
                    r.body
                ),
                (Ok(r), _) => assert_eq!(r.status, 200, "{:?} answered: {}", s.op, r.body),
            }
        }
        let placed = count(&this, |s| s.placed.is_some());
        let cancelled = count(&this, |s| s.op == Op::Cancel && s.status() == Some(200));
        let cut = count(&this, |s| s.result.is_err());
        samples.extend(this);

        // Restart on the same database (and state folder: tokens stay valid).
        let restarted_at = Instant::now();
        server = Server::start(&db.url(), &state);
        let restart_secs = restarted_at.elapsed().as_secs_f64();
        let v = verify(&db.url(), &samples);

        // Over HTTP too: each answered order reads back under its number.
        for p in samples.iter().filter_map(|s| s.placed.as_ref()) {
            let r = client
                .get(&format!("{}/v1/orders/{}", server.base, p.id), Some(&token))
                .unwrap_or_else(|e| panic!("read {}: {e}", p.id));
            assert_eq!(r.status, 200, "order {} after restart: {}", p.id, r.body);
            assert_eq!(text(&r.body["data"]["order_number"]), p.number);
        }
        report.push(format!(
            "round {round}: pid {pid} killed after {load_secs:.1} s of load; {placed} orders answered 201 and \
             {cancelled} cancellations answered 200 before the kill, {cut} requests cut off; restarted \
             and ready in {restart_secs:.1} s; the database holds {} orders: all {} answered ones whole, \
             {} more cut off but whole, {} cancelled; {} lots balance",
            v.orders, v.answered, v.unanswered, v.cancelled, v.lots
        ));
    }

    // The restarted server takes orders again, numbered after every existing one.
    let load = Load::start(&server.base, &token, &products, Plan { threads: 2, ..plan });
    std::thread::sleep(Duration::from_secs(2));
    let after = load.stop();
    assert!(
        after
            .iter()
            .all(|s| matches!(s.status(), Some(200 | 201 | 409))),
        "after the restart: {:?}",
        after
            .iter()
            .find(|s| !matches!(s.status(), Some(200 | 201 | 409)))
    );
    let placed_after = count(&after, |s| s.placed.is_some());
    assert!(placed_after > 0, "no order placed after the restart");
    samples.extend(after);
    let v = verify(&db.url(), &samples);

    println!(
        "faults kill-9 [{backend}]: {rounds} rounds of kill -9 under 6 clients, restart, check"
    );
    for line in report {
        println!("  {line}");
    }
    println!(
        "  then {placed_after} more orders: {} orders, {} numbers, no duplicate, every lot balanced",
        v.orders, v.orders
    );
}
