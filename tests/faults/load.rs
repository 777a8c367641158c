//! A concurrent order load: client threads placing 3-item orders through `POST /v1/orders`
//! (FIFO allocation across lots), cancelling some (stock goes back to its lots) and reading some
//! back, recording every answer with its timing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::http::{Client, Resp};

/// What a request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `POST /v1/orders`.
    Create,
    /// `PATCH /v1/orders/{id}/status` to cancelled.
    Cancel,
    /// `GET /v1/orders/{id}`.
    Read,
}

/// An order the server answered 201 for.
#[derive(Debug, Clone)]
pub struct Placed {
    /// Its id.
    pub id: String,
    /// `ORD-YYYY-NNNN`.
    pub number: String,
    /// Units per product, as answered.
    pub items: BTreeMap<i64, i64>,
}

/// One request and its answer.
#[derive(Debug, Clone)]
pub struct Sample {
    /// What it was.
    pub op: Op,
    /// When it was sent.
    pub sent: Instant,
    /// How long the answer took.
    pub latency: Duration,
    /// The answer, or the transport failure.
    pub result: Result<Resp, String>,
    /// For a 201 to a create: the order.
    pub placed: Option<Placed>,
    /// For a cancel or read: the order id.
    pub target: Option<String>,
    /// For a create: which attempt at the same request this was (1 = first).
    pub attempt: u32,
}

impl Sample {
    /// The status, if an answer came.
    pub fn status(&self) -> Option<u16> {
        self.result.as_ref().ok().map(|r| r.status)
    }

    /// When the answer came.
    pub fn answered(&self) -> Instant {
        self.sent + self.latency
    }
}

/// How the load behaves.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Client threads.
    pub threads: usize,
    /// Each thread starts an iteration at most this often (`None`: as fast as it can).
    pub pace: Option<Duration>,
    /// Cancel every n-th placed order of a thread (1: every order, 0: never).
    pub cancel_every: u64,
    /// Read every placed order back.
    pub read_back: bool,
    /// Send each order with an `Idempotency-Key` and, when it is answered 503, send it again
    /// with the same key (after `Retry-After`) until it gets another answer.
    pub retry_unavailable: bool,
}

/// A running load.
pub struct Load {
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
    handles: Vec<JoinHandle<()>>,
}

/// A tiny xorshift: reproducible quantities without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// 1, 2 or 3.
    fn qty(&mut self) -> i64 {
        i64::try_from(self.next() % 3).unwrap_or(0) + 1
    }
}

fn placed(r: &Resp) -> Option<Placed> {
    let d = &r.body["data"];
    let items = d["items"]
        .as_array()?
        .iter()
        .map(|i| Some((i["product_id"].as_i64()?, i["quantity"].as_i64()?)))
        .collect::<Option<Vec<_>>>()?;
    let mut by_product = BTreeMap::new();
    for (p, q) in items {
        *by_product.entry(p).or_insert(0) += q;
    }
    Some(Placed {
        id: d["order_id"].as_str()?.to_owned(),
        number: d["order_number"].as_str()?.to_owned(),
        items: by_product,
    })
}

impl Load {
    /// Starts `plan.threads` clients against `base` with the staff `token`, ordering `products`.
    pub fn start(base: &str, token: &str, products: &[i64], plan: Plan) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let handles = (0..plan.threads)
            .map(|t| {
                let stop = Arc::clone(&stop);
                let samples = Arc::clone(&samples);
                let base = base.to_owned();
                let token = token.to_owned();
                let products = products.to_vec();
                std::thread::spawn(move || {
                    worker(t, &base, &token, &products, plan, &stop, &samples);
                })
            })
            .collect();
        Self {
            stop,
            samples,
            handles,
        }
    }

    /// Takes the samples recorded so far.
    pub fn drain(&self) -> Vec<Sample> {
        std::mem::take(
            &mut *self
                .samples
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Stops the clients (each finishes its request in flight) and takes the remaining samples.
    pub fn stop(mut self) -> Vec<Sample> {
        self.stop.store(true, Ordering::SeqCst);
        for h in self.handles.drain(..) {
            h.join().unwrap_or_else(|_| panic!("load thread panicked"));
        }
        self.drain()
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn worker(
    t: usize,
    base: &str,
    token: &str,
    products: &[i64],
    plan: Plan,
    stop: &AtomicBool,
    samples: &Mutex<Vec<Sample>>,
) {
    // Longer than the pool's 5 s wait: a request slower than this is a hang.
    let client = Client::new(Duration::from_secs(30));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1).wrapping_mul(0x1234_5678_9ABC_DEF1));
    let mut next = Instant::now();
    let mut placed_count = 0_u64;
    let record = |s: Sample| {
        samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(s);
    };
    while !stop.load(Ordering::SeqCst) {
        if let Some(pace) = plan.pace {
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            } else if now - next > pace {
                next = now; // fell behind: do not burst to catch up
            }
            next += pace;
        }
        // Three products, in a thread-dependent order, 1–3 units each.
        let mut items: Vec<_> = products
            .iter()
            .take(3)
            .map(|p| json!({ "product_id": p, "qty": rng.qty() }))
            .collect();
        items.rotate_left(t % 3);
        // The notes name the request, so the checks can tell whether one request made two orders.
        let request = uuid::Uuid::new_v4().simple().to_string();
        let body = json!({ "order_type": "pickup", "items": items, "notes": format!("load {t} {request}") });
        let headers: &[(&str, &str)] = if plan.retry_unavailable {
            &[("Idempotency-Key", request.as_str())]
        } else {
            &[]
        };
        let mut attempt = 0;
        let (order, failed) = loop {
            attempt += 1;
            let sent = Instant::now();
            let result =
                client.post_with(&format!("{base}/v1/orders"), Some(token), &body, headers);
            let latency = sent.elapsed();
            let order = result
                .as_ref()
                .ok()
                .filter(|r| r.status == 201)
                .and_then(placed);
            let failed = result.is_err();
            let retry_after = result.as_ref().ok().filter(|r| r.status == 503).map(|r| {
                r.retry_after
                    .as_deref()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
            });
            record(Sample {
                op: Op::Create,
                sent,
                latency,
                result,
                placed: order.clone(),
                target: None,
                attempt,
            });
            match retry_after {
                Some(secs)
                    if plan.retry_unavailable && attempt < 120 && !stop.load(Ordering::SeqCst) =>
                {
                    std::thread::sleep(Duration::from_secs(secs));
                }
                _ => break (order, failed),
            }
        };
        if failed {
            // The server is gone: do not spin on refused connections.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let Some(order) = order else { continue };
        placed_count += 1;
        if plan.read_back && !stop.load(Ordering::SeqCst) {
            let sent = Instant::now();
            let result = client.get(&format!("{base}/v1/orders/{}", order.id), Some(token));
            record(Sample {
                op: Op::Read,
                sent,
                latency: sent.elapsed(),
                result,
                placed: None,
                target: Some(order.id.clone()),
                attempt: 1,
            });
        }
        if plan.cancel_every > 0
            && placed_count.is_multiple_of(plan.cancel_every)
            && !stop.load(Ordering::SeqCst)
        {
            let sent = Instant::now();
            let result = client.patch(
                &format!("{base}/v1/orders/{}/status", order.id),
                Some(token),
                &json!({ "status": "cancelled" }),
            );
            record(Sample {
                op: Op::Cancel,
                sent,
                latency: sent.elapsed(),
                result,
                placed: None,
                target: Some(order.id),
                attempt: 1,
            });
        }
    }
}

/// The p-th percentile (0–100) of latencies, in milliseconds.
pub fn percentile_ms(latencies: &mut [Duration], p: f64) -> f64 {
    if latencies.is_empty() {
        return 0.0;
    }
    latencies.sort_unstable();
    let rank = (p / 100.0 * (latencies.len() as f64)).ceil() as usize;
    let i = rank.clamp(1, latencies.len()) - 1;
    latencies[i].as_secs_f64() * 1000.0
}
