//! A soak: steady order traffic (place, read back, cancel) for `KEDAI_SOAK_SECS` (10 minutes
//! in `make faults`, about a minute in CI). The server's resident memory and the latency of
//! order creation are sampled per interval: memory stays flat after warm-up, latency does not
//! creep, and nothing fails.

use std::time::{Duration, Instant};

use crate::cluster::{Db, TempDir};
use crate::ledger::verify;
use crate::load::{Load, Op, Plan, Sample, percentile_ms};
use crate::server::Server;
use crate::{env_num, env_secs};

mod sqlite {
    #[test]
    #[ignore = "run by make faults"]
    fn soak_memory_flat_latency_steady() {
        super::soak(false);
    }
}

mod postgres {
    #[test]
    #[ignore = "run by make faults"]
    fn soak_memory_flat_latency_steady() {
        super::soak(true);
    }
}

/// One interval's figures.
struct Row {
    at: f64,
    rss_mib: f64,
    requests: usize,
    created: usize,
    p50: f64,
    p99: f64,
    failed: usize,
    latencies: Vec<Duration>,
}

fn soak(postgres: bool) {
    let backend = if postgres { "postgres" } else { "sqlite" };
    let total = env_secs("KEDAI_SOAK_SECS", 60);
    let intervals = env_num("KEDAI_SOAK_INTERVALS", 10).max(3);
    let interval = total / u32::try_from(intervals).unwrap_or(10);
    let threads = usize::try_from(env_num("KEDAI_SOAK_THREADS", 4)).unwrap_or(4);
    let pace = Duration::from_millis(env_num("KEDAI_SOAK_PACE_MS", 200));

    let db = Db::start(postgres);
    let state = TempDir::new("kedai-faults-state");
    let mut server = Server::start(&db.url(), &state);
    let token = server.demo_token();
    let products = server.products(&token);
    server.stock_up(&token, &products[..3], 10, 100);

    // Every order is cancelled after it is read back: stock returns to its lots, so the load
    // can run for as long as asked while orders, ledger rows and history keep growing.
    let plan = Plan {
        threads,
        pace: Some(pace),
        cancel_every: 1,
        read_back: true,
        retry_unavailable: false,
    };
    let started = Instant::now();
    let load = Load::start(&server.base, &token, &products, plan);
    let mut all: Vec<Sample> = Vec::new();
    let mut rows = Vec::new();
    for i in 1..=intervals {
        let until = started + interval * u32::try_from(i).unwrap_or(1);
        if let Some(wait) = until.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let samples = load.drain();
        let mut created: Vec<Duration> = samples
            .iter()
            .filter(|s| s.op == Op::Create && s.status() == Some(201))
            .map(|s| s.latency)
            .collect();
        rows.push(Row {
            at: started.elapsed().as_secs_f64(),
            rss_mib: server.rss_kib() as f64 / 1024.0,
            requests: samples.len(),
            created: created.len(),
            p50: percentile_ms(&mut created, 50.0),
            p99: percentile_ms(&mut created, 99.0),
            latencies: created,
            failed: samples
                .iter()
                .filter(|s| !matches!(s.status(), Some(200 | 201)))
                .count(),
        });
        all.extend(samples);
    }
    all.extend(load.stop());

    println!(
        "faults soak [{backend}]: {:.0} s, {threads} clients each placing, reading and cancelling an order every {} ms",
        total.as_secs_f64(),
        pace.as_millis()
    );
    println!(
        "  {:>7} {:>9} {:>9} {:>8} {:>9} {:>9} {:>7}",
        "t (s)", "RSS MiB", "requests", "orders", "p50 ms", "p99 ms", "failed"
    );
    for r in &rows {
        println!(
            "  {:>7.1} {:>9.1} {:>9} {:>8} {:>9.2} {:>9.2} {:>7}",
            r.at, r.rss_mib, r.requests, r.created, r.p50, r.p99, r.failed
        );
    }

    // Nothing failed.
    let failed: Vec<_> = all
        .iter()
        .filter(|s| !matches!(s.status(), Some(200 | 201)))
        .take(3)
        .map(|s| format!("{:?}: {:?}", s.op, s.result))
        .collect();
    assert!(
        failed.is_empty(),
        "failures during the soak: {failed:?}\n{}",
        server.log_tail()
    );
    assert!(
        rows.iter().all(|r| r.created > 0),
        "an interval placed no order"
    );

    // The first interval is warm-up (pool connections, caches, allocator arenas). Memory: the
    // last sample against the first after warm-up. Latency: the pooled samples of the last
    // quarter against those of the first quarter after warm-up (one interval's p99 alone is
    // too few samples to judge on a shared machine).
    let base = &rows[1];
    let last = &rows[rows.len() - 1];
    let allowed = (base.rss_mib * 0.25).max(24.0);
    let growth = last.rss_mib - base.rss_mib;
    let minutes = (last.at - base.at) / 60.0;
    let k = ((rows.len() - 1) / 4).max(1);
    let pooled = |rs: &[Row]| -> Vec<Duration> {
        rs.iter()
            .flat_map(|r| r.latencies.iter().copied())
            .collect()
    };
    let mut early = pooled(&rows[1..=k]);
    let mut late = pooled(&rows[rows.len() - k..]);
    let (e50, e99) = (
        percentile_ms(&mut early, 50.0),
        percentile_ms(&mut early, 99.0),
    );
    let (l50, l99) = (
        percentile_ms(&mut late, 50.0),
        percentile_ms(&mut late, 99.0),
    );
    println!(
        "  RSS {:.1} MiB after warm-up, {:.1} MiB at the end ({growth:+.1} MiB, {:+.2} MiB/min; allowed +{allowed:.1}); \
         order creation first {k} vs last {k} intervals: p50 {e50:.2} → {l50:.2} ms, p99 {e99:.2} → {l99:.2} ms",
        base.rss_mib,
        last.rss_mib,
        growth / minutes.max(1e-9),
    );
    assert!(
        growth <= allowed,
        "memory grew {growth:.1} MiB after warm-up (allowed {allowed:.1})"
    );
    assert!(
        l50 <= e50 * 2.0 + 5.0,
        "median latency crept from {e50:.2} to {l50:.2} ms"
    );
    assert!(
        l99 <= e99 * 3.0 + 50.0,
        "p99 latency crept from {e99:.2} to {l99:.2} ms"
    );

    let placed = all.iter().filter(|s| s.placed.is_some()).count();
    let v = verify(&db.url(), &all);
    assert_eq!(v.answered, placed);
    println!(
        "  {} orders placed, {} cancelled; {} lots balanced after the soak",
        v.orders, v.cancelled, v.lots
    );
}
