//! Leases: two workers over one database never both send a job, and a job whose worker died
//! mid-send is taken again once its lease has passed.

use std::sync::Arc;
use std::time::Duration;

use kedai_app::Store;
use kedai_core::{Clock, SystemClock};
use serde_json::json;

use super::{eventually, fast, place_order, register, text};
use crate::support::standins::StandIn;
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    two_workers_over_one_database_never_both_deliver,
    a_job_whose_worker_died_is_taken_again_after_its_lease,
);

fn worker(app: &TestApp, settings: &kedai::OutboundSettings) -> kedai::Worker {
    let store = kedai::open_store(&kedai_settings(app)).unwrap_or_else(|e| panic!("{e}"));
    kedai::Worker::start(
        Arc::new(store),
        Arc::new(SystemClock),
        settings
            .ports(kedai::Environment::Development)
            .unwrap_or_else(|e| panic!("{e}")),
        settings.worker(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Settings naming the test's database (for a second instance's store).
fn kedai_settings(app: &TestApp) -> kedai::Settings {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: kedai::Settings,
    }
    Cli::parse_from(["kedai", "--database-url", &app.database_url()]).settings
}

fn two_workers_over_one_database_never_both_deliver(b: Backend) {
    let settings = fast();
    // One worker in the server's process, one in "another instance" on its own pool.
    let app = TestApp::start_outbound(b, settings.clone(), true);
    let _second = worker(&app, &settings);
    let receiver = StandIn::start("{}");
    receiver.set_delay(Duration::from_millis(15));
    register(&app, &receiver.url, &["*"]);
    let orders: Vec<String> = (0..30).map(|_| place_order(&app)).collect();
    receiver.wait_for(Duration::from_secs(60), |r| {
        r.iter()
            .filter(|x| x.header("x-kedai-event") == "order.created")
            .count()
            >= orders.len()
    });
    std::thread::sleep(Duration::from_millis(800));
    let got = receiver.received();
    let mut deliveries: Vec<&str> = got.iter().map(|r| r.header("x-kedai-delivery")).collect();
    let sent = deliveries.len();
    deliveries.sort_unstable();
    deliveries.dedup();
    assert_eq!(deliveries.len(), sent, "a delivery was sent twice");
    let mut events: Vec<&str> = got.iter().map(|r| r.header("x-kedai-event-id")).collect();
    events.sort_unstable();
    events.dedup();
    assert_eq!(events.len(), sent, "an event was delivered twice");
    let mut created: Vec<String> = got
        .iter()
        .filter(|r| r.header("x-kedai-event") == "order.created")
        .map(|r| text(&r.json()["data"]["order_id"]))
        .collect();
    created.sort();
    let mut expected = orders;
    expected.sort();
    assert_eq!(created, expected);
}

fn a_job_whose_worker_died_is_taken_again_after_its_lease(b: Backend) {
    let settings = fast();
    let app = TestApp::start_outbound(b, settings.clone(), false);
    let receiver = StandIn::start("{}");
    let (endpoint, _) = register(&app, &receiver.url, &["order.created"]);
    place_order(&app);
    // A worker dispatches the event and claims its delivery for 1.5 s, then dies mid-send.
    let store = app.db_store();
    let store: &dyn Store = &store;
    let now = SystemClock.now();
    assert_eq!(
        kedai_app::jobs::dispatch_events(store, 100, 5, now).unwrap_or_else(|e| panic!("{e}")),
        1
    );
    let claimed =
        kedai_app::jobs::claim_jobs(store, "crashed", Duration::from_millis(1_500), 10, now)
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(claimed.len(), 1);
    let started = std::time::Instant::now();
    let _live = worker(&app, &settings);
    std::thread::sleep(Duration::from_millis(700));
    assert!(receiver.received().is_empty(), "taken while its lease held");
    let got = receiver.wait_for(Duration::from_secs(10), |r| !r.is_empty());
    assert!(
        started.elapsed() >= Duration::from_millis(1_400),
        "{:?}",
        started.elapsed()
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(receiver.received().len(), 1, "sent once");
    let delivery = got[0].header("x-kedai-delivery");
    eventually(Duration::from_secs(5), "logged", || {
        let r = app
            .get(
                &format!("/v1/webhooks/{endpoint}/deliveries/{delivery}"),
                Some(&app.owner),
            )
            .expect(200);
        r.body["data"]["status"] == json!("succeeded")
    });
    let r = app
        .get(
            &format!("/v1/webhooks/{endpoint}/deliveries/{delivery}"),
            Some(&app.owner),
        )
        .expect(200);
    // The dead worker's attempt counts.
    assert_eq!(r.body["data"]["attempts"], json!(2));
    // The dead worker can no longer end it.
    let ended = store
        .write(|tx| {
            Ok(tx.end_job(
                claimed[0].id,
                "crashed",
                &kedai_app::jobs::JobEnd::Done,
                SystemClock.now(),
            )?)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!ended);
}
