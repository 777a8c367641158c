//! FIFO planning over 10 to 10,000 lots: the whole request spans every lot but one (the worst
//! case), and a small request served by the oldest lot (the usual case).

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kedai_inventory::{LotId, LotStock, plan_fifo};

fn lots(n: i64) -> Vec<LotStock> {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    (0..n)
        .map(|i| LotStock {
            id: LotId::new(),
            received_at: start + Duration::minutes(i),
            created_at: start + Duration::minutes(i),
            remaining: 3,
        })
        .collect()
}

fn fifo(c: &mut Criterion) {
    let mut group = c.benchmark_group("fifo_plan");
    for n in [10_i64, 100, 1_000, 10_000] {
        let stock = lots(n);
        group.throughput(Throughput::Elements(u64::try_from(n).unwrap_or_default()));
        group.bench_with_input(BenchmarkId::new("span_all_lots", n), &stock, |b, stock| {
            b.iter(|| plan_fifo(black_box(stock), black_box(3 * n - 1)));
        });
        group.bench_with_input(
            BenchmarkId::new("oldest_lot_only", n),
            &stock,
            |b, stock| {
                b.iter(|| plan_fifo(black_box(stock), black_box(2)));
            },
        );
    }
    group.finish();
}

/// Criterion's entry point, kept private (its macro writes an undocumented function).
mod entry {
    use super::*;
    criterion_group!(benches, fifo);
}

criterion_main!(entry::benches);
