//! The order status machine: one transition check, and every (from, to) pair of both order
//! kinds.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kedai_orders::{OrderStatus, OrderType, check_transition};

const ALL: [OrderStatus; 9] = [
    OrderStatus::Pending,
    OrderStatus::Confirmed,
    OrderStatus::Paid,
    OrderStatus::Processing,
    OrderStatus::Shipped,
    OrderStatus::Delivered,
    OrderStatus::Completed,
    OrderStatus::Cancelled,
    OrderStatus::Refunded,
];

fn machine(c: &mut Criterion) {
    let mut group = c.benchmark_group("status_machine");
    group.bench_function("check_transition_ship", |b| {
        b.iter(|| {
            check_transition(
                black_box(OrderType::Delivery),
                black_box(OrderStatus::Processing),
                black_box(OrderStatus::Shipped),
                black_box(Some("TRK-1")),
            )
        });
    });
    group.bench_function("all_162_pairs", |b| {
        b.iter(|| {
            let mut allowed = 0_u32;
            for kind in [OrderType::Delivery, OrderType::Pickup] {
                for from in ALL {
                    for to in ALL {
                        allowed += u32::from(black_box(from).allows(black_box(to), kind));
                    }
                }
            }
            allowed
        });
    });
    group.finish();
}

/// Criterion's entry point, kept private (its macro writes an undocumented function).
mod entry {
    use super::*;
    criterion_group!(benches, machine);
}

criterion_main!(entry::benches);
