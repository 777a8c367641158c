//! kill -9 of the server while its outbox worker is mid-batch, then another instance on the
//! same database: every event reaches the webhook endpoint (at least once; a delivery that was
//! on the wire when the process died may arrive twice, with the same delivery id), and nothing
//! the dead instance had leased stays stuck once its leases end.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;

use crate::cluster::{Db, TempDir};
use crate::http::Client;
use crate::server::Server;
use crate::standins::StandIn;

mod sqlite {
    #[test]
    #[ignore = "run by make faults"]
    fn kill_9_mid_delivery_loses_no_webhook() {
        super::kill_9_mid_delivery(false);
    }
}

mod postgres {
    #[test]
    #[ignore = "run by make faults"]
    fn kill_9_mid_delivery_loses_no_webhook() {
        super::kill_9_mid_delivery(true);
    }
}

/// Short leases and retries, so the second instance takes over within seconds.
const ENV: [(&str, &str); 4] = [
    ("KEDAI_WORKER_LEASE_SECS", "3"),
    ("KEDAI_WORKER_POLL_MS", "50"),
    ("KEDAI_JOB_RETRY_BASE_MS", "200"),
    ("KEDAI_JOB_RETRY_CAP_MS", "1000"),
];

fn kill_9_mid_delivery(postgres: bool) {
    let db = Db::start(postgres);
    let state = TempDir::new("kedai-faults-outbox");
    let mut server = Server::start_with(&db.url(), &state, &ENV);
    let token = server.demo_token();
    let client = Client::new(Duration::from_secs(30));
    let receiver = StandIn::start("{}");
    // A slow receiver: deliveries are on the wire when the process dies.
    receiver.set_delay(Duration::from_millis(40));
    let r = client
        .post(
            &format!("{}/v1/webhooks", server.base),
            Some(&token),
            &json!({ "url": receiver.url, "events": ["customer.created"] }),
        )
        .unwrap_or_else(|e| panic!("register: {e}"));
    assert_eq!(r.status, 201, "{}", r.body);
    let total = 150;
    let mut customers = BTreeSet::new();
    for i in 0..total {
        let r = client
            .post(
                &format!("{}/v1/customers", server.base),
                Some(&token),
                &json!({ "name": format!("Guest {i}"), "phone": format!("+6012{:07}", 3_000_000 + i) }),
            )
            .unwrap_or_else(|e| panic!("customer: {e}"));
        assert_eq!(r.status, 201, "{}", r.body);
        customers.insert(r.body["data"]["id"].as_str().unwrap_or_default().to_owned());
    }
    receiver.wait_for(Duration::from_secs(60), |got| got.len() >= 30);
    server.kill9();
    let at_kill = receiver.received().len();
    assert!(
        at_kill < total,
        "the worker finished before it was killed ({at_kill})"
    );
    // Another instance on the same database takes over, the dead one's leases included.
    let _second = Server::start_with(&db.url(), &state, &ENV);
    let got = receiver.wait_for(Duration::from_secs(120), |got| {
        let delivered: BTreeSet<String> = got
            .iter()
            .filter(|r| r.answered == 200)
            .map(|r| {
                r.json()["data"]["customer_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        delivered == customers
    });
    let mut deliveries: Vec<&str> = got.iter().map(|r| r.header("x-kedai-delivery")).collect();
    let sent = deliveries.len();
    deliveries.sort_unstable();
    deliveries.dedup();
    println!(
        "{}: {total} events; {at_kill} received before kill -9; {sent} posts in all, {} deliveries, \
         {} sent twice (on the wire at the kill)",
        if postgres { "postgres" } else { "sqlite" },
        deliveries.len(),
        sent - deliveries.len()
    );
    assert_eq!(deliveries.len(), total, "one delivery per event");
    // Only what the dead instance had in hand can come twice: at most one batch.
    assert!(
        sent - deliveries.len() <= 16,
        "{} duplicates",
        sent - deliveries.len()
    );
}
