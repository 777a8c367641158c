//! Both migration trees: same versions, and up → down → up works on each backend.

use kedai_persistence::db::{migration_versions, revert_all};
use kedai_persistence::{DatabaseUrl, PoolOptions, connect_pool, migrate};

use crate::support::{Backend, TestApp};

crate::on_both_backends!(migrations_go_up_down_and_up_again);

#[test]
fn both_trees_have_the_same_versions() {
    let (sqlite, postgres) = migration_versions();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

fn migrations_go_up_down_and_up_again(b: Backend) {
    // TestApp has migrated a fresh database and written to it (an order too, so that the
    // order-number sequences exist when their migration is reverted); use its URL through a
    // new pool.
    let app = TestApp::start(b);
    let latte = app.product(&app.owner, "Latte", 10.0);
    app.stock_in(&app.owner, latte, 3, None);
    app.order(&app.owner, &[(latte, 1, 10.0)]).expect(200);
    let url = DatabaseUrl::parse(&app.database_url()).unwrap_or_else(|e| panic!("{e}"));
    let pool = connect_pool(&url, PoolOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        migrate(&pool).unwrap_or_else(|e| panic!("{e}")).is_empty(),
        "already up to date"
    );
    revert_all(&pool).unwrap_or_else(|e| panic!("{e}"));
    let applied = migrate(&pool).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied.len(), migration_versions().0.len());
}
