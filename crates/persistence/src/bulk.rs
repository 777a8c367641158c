//! Bulk loading of realistic, consistent data for benchmarks and capacity tests
//! (`kedai seed-bulk`).
//!
//! Orders are simulated in time order over the two years before `now`: each takes its lines'
//! stock FIFO from the product's lots (a new lot arrives whenever a product runs dry), walks the
//! status machine to a final status chosen by its age, and leaves the rows the use cases would
//! have written — items, allocations, stock movements, status history and payments. Cancelled
//! and refunded orders give their stock back to the lots it came from. Every committed chunk is
//! consistent on its own: the lots' remaining quantities are brought up to date in the same
//! transaction as the movements that changed them, so per lot
//! `Σ in − Σ allocate + Σ release = remaining` holds at every commit.
//!
//! Rows are written in chunks, each in one transaction: `COPY ... FROM STDIN` on PostgreSQL,
//! multi-row `INSERT`s on SQLite.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use kedai_core::TenantId;
use kedai_core::time::TimeZone;
use kedai_orders::{OrderNumber, OrderStatus, OrderType};

use crate::db::{DbConnection, Pool};
use crate::schema::{customers, products, stock_allocations, stock_movements};
use crate::schema::{inventory_lots, order_items, order_status_history, orders, payments};

/// What to load.
#[derive(Debug, Clone)]
pub struct BulkOptions {
    /// The tenant that receives the data (it must exist).
    pub tenant: TenantId,
    /// Products to create.
    pub products: u32,
    /// Customers to create.
    pub customers: u32,
    /// Orders to create.
    pub orders: u64,
    /// Seed of the generator: the same seed gives the same shapes (ids and times differ).
    pub seed: u64,
    /// Orders per transaction.
    pub chunk: u64,
}

/// What was loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkReport {
    /// Products created.
    pub products: u64,
    /// Customers created.
    pub customers: u64,
    /// Lots received.
    pub lots: u64,
    /// Orders created.
    pub orders: u64,
    /// Order lines.
    pub items: u64,
    /// Stock allocations.
    pub allocations: u64,
    /// Stock ledger rows.
    pub movements: u64,
    /// Status-history rows.
    pub history: u64,
    /// Payments.
    pub payments: u64,
    /// Orders per final status.
    pub by_status: BTreeMap<&'static str, u64>,
    /// Time taken.
    pub elapsed: Duration,
}

/// A bulk load failure.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// The tenant does not exist.
    #[error("no tenant {0}")]
    NoTenant(TenantId),
    /// A stored tenant value is unusable.
    #[error("tenant {0} has an unusable {1}")]
    BadTenant(TenantId, &'static str),
    /// Nothing to sell orders from.
    #[error("orders need at least one product")]
    NoProducts,
    /// The pool gave no connection.
    #[error("cannot connect: {0}")]
    Connect(#[from] r2d2::Error),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
}

/// Loads products, customers and orders for one tenant.
///
/// # Errors
/// [`BulkError`] when the tenant is missing or the database fails; a failed chunk rolls back
/// alone, earlier chunks stay (each is consistent).
pub fn seed_bulk(
    pool: &Pool,
    opts: &BulkOptions,
    now: DateTime<Utc>,
) -> Result<BulkReport, BulkError> {
    let started = Instant::now();
    let mut conn = pool.get()?;
    let conn: &mut DbConnection = &mut conn;
    let tenant = opts.tenant.to_string();
    let (currency, zone) = tenant_settings(conn, opts.tenant)?;
    let outlets: Vec<String> = crate::schema::outlets::table
        .filter(crate::schema::outlets::tenant_id.eq(&tenant))
        .filter(crate::schema::outlets::deleted_at.is_null())
        .select(crate::schema::outlets::id)
        .load(conn)?;
    let first_product: i64 = products::table
        .filter(products::tenant_id.eq(&tenant))
        .count()
        .get_result(conn)?;
    let first_customer: i64 = customers::table
        .filter(customers::tenant_id.eq(&tenant))
        .count()
        .get_result(conn)?;
    let mut generator = Generator {
        rng: fastrand::Rng::with_seed(opts.seed),
        tenant,
        currency,
        zone,
        now,
        outlets,
        first_product,
        first_customer,
        report: BulkReport::default(),
        catalogue: Vec::new(),
        customers: Vec::new(),
    };
    generator.create_products(conn, opts.products)?;
    generator.create_customers(conn, opts.customers, opts.chunk)?;
    if opts.orders > 0 {
        if generator.catalogue.is_empty() {
            return Err(BulkError::NoProducts);
        }
        generator.create_orders(conn, opts.orders, opts.chunk.max(1))?;
    }
    // Fresh statistics (and, on PostgreSQL, a visibility map for index-only scans).
    match conn {
        DbConnection::Pg(pg) => diesel::sql_query("VACUUM ANALYZE").execute(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query("ANALYZE").execute(lite)?,
    };
    generator.report.elapsed = started.elapsed();
    Ok(generator.report)
}

fn tenant_settings(conn: &mut DbConnection, id: TenantId) -> Result<(String, TimeZone), BulkError> {
    use crate::schema::tenants;
    let (currency, zone): (String, String) = tenants::table
        .filter(tenants::id.eq(id.to_string()))
        .select((tenants::currency, tenants::time_zone))
        .first(conn)
        .optional()?
        .ok_or(BulkError::NoTenant(id))?;
    let zone = zone
        .parse::<TimeZone>()
        .map_err(|_| BulkError::BadTenant(id, "time zone"))?;
    Ok((currency, zone))
}

/// The statuses an order went through: each with its time and history reason.
type StatusPath = Vec<(OrderStatus, DateTime<Utc>, &'static str)>;

/// One product of the simulated catalogue and its lots.
struct Item {
    id: i64,
    name: String,
    sku: String,
    price: i64,
    lots: Vec<LotState>,
    /// Index of the oldest lot that may still have stock.
    first_open: usize,
}

struct LotState {
    id: String,
    received_at: DateTime<Utc>,
    remaining: i64,
    /// Changed since the last flush.
    dirty: bool,
}

struct Shopper {
    id: String,
    name: String,
    phone: String,
    email: String,
}

struct Generator {
    rng: fastrand::Rng,
    tenant: String,
    currency: String,
    zone: TimeZone,
    now: DateTime<Utc>,
    outlets: Vec<String>,
    /// Products the tenant had before: numbers this run's SKUs after them.
    first_product: i64,
    /// Customers the tenant had before: numbers this run's phones and e-mails after them.
    first_customer: i64,
    report: BulkReport,
    catalogue: Vec<Item>,
    customers: Vec<Shopper>,
}

const CATEGORIES: [&str; 6] = ["Coffee", "Tea", "Pastry", "Beans", "Merchandise", "Meals"];
const NAMES: [&str; 12] = [
    "Kopi",
    "Teh Tarik",
    "Latte",
    "Croissant",
    "Nasi Lemak",
    "Espresso",
    "Mocha",
    "Roti",
    "Cold Brew",
    "Matcha",
    "Kaya Toast",
    "Tumbler",
];
const GIVEN: [&str; 10] = [
    "Aisyah", "Wei Ling", "Ravi", "Nurul", "Jason", "Mei", "Farid", "Priya", "Daniel", "Siti",
];
const FAMILY: [&str; 8] = [
    "Tan", "Lim", "Abdullah", "Kumar", "Wong", "Lee", "Rahman", "Ng",
];
const METHODS: [&str; 4] = ["cash", "card", "ewallet", "fpx"];

impl Generator {
    fn create_products(&mut self, conn: &mut DbConnection, count: u32) -> Result<(), BulkError> {
        let at = ts(self.now - chrono::Duration::days(731));
        for i in 0..count {
            let name = format!(
                "{} {}",
                NAMES[i as usize % NAMES.len()],
                i / NAMES.len() as u32 + 1
            );
            let sku = format!("BULK-{:06}", self.first_product + i64::from(i));
            let price = 300 + self.rng.i64(0..=60) * 50;
            let id: i64 = diesel::insert_into(products::table)
                .values((
                    products::tenant_id.eq(&self.tenant),
                    products::name.eq(&name),
                    products::sku.eq(Some(&sku)),
                    products::category.eq(Some(CATEGORIES[i as usize % CATEGORIES.len()])),
                    products::description.eq(None::<String>),
                    products::price_minor.eq(price),
                    products::currency.eq(&self.currency),
                    products::status.eq("active"),
                    products::outlet_ids.eq("[]"),
                    products::created_at.eq(at),
                    products::updated_at.eq(at),
                ))
                .returning(products::id)
                .get_result(conn)?;
            self.catalogue.push(Item {
                id,
                name,
                sku,
                price,
                lots: Vec::new(),
                first_open: 0,
            });
            self.report.products += 1;
        }
        Ok(())
    }

    fn create_customers(
        &mut self,
        conn: &mut DbConnection,
        count: u32,
        chunk: u64,
    ) -> Result<(), BulkError> {
        let mut sink = Sink::new(conn);
        let span = 730 * 86_400;
        for i in 0..count {
            let name = format!(
                "{} {}",
                GIVEN[self.rng.usize(..GIVEN.len())],
                FAMILY[self.rng.usize(..FAMILY.len())]
            );
            let shopper = Shopper {
                id: kedai_core::new_uuid_v7().to_string(),
                phone: format!("+6019{:08}", self.first_customer + i64::from(i)),
                email: format!("bulk.{}@example.com", self.first_customer + i64::from(i)),
                name,
            };
            let joined = ts(self.now - chrono::Duration::seconds(self.rng.i64(0..span)));
            sink.row(
                Table::Customers,
                &[
                    V::T(&shopper.id),
                    V::T(&self.tenant),
                    V::T(&shopper.name),
                    V::T(&shopper.phone),
                    V::T(&shopper.email),
                    V::Null,
                    V::T("bulk"),
                    V::Null,
                    V::Null,
                    V::At(joined),
                    V::At(joined),
                    // Portal profile: member number, last name, gender, address, district,
                    // consents, sign-up campaign.
                    V::Null,
                    V::Null,
                    V::Null,
                    V::Null,
                    V::Null,
                    V::I(0),
                    V::I(0),
                    V::Null,
                    // Nothing proven by a code: staff-entered, as at the counter.
                    V::Null,
                    V::Null,
                ],
            );
            self.customers.push(shopper);
            self.report.customers += 1;
            if u64::from(i + 1).is_multiple_of((chunk * 4).max(1)) {
                sink.flush_in_transaction(conn, |_| Ok(()))?;
            }
        }
        sink.flush_in_transaction(conn, |_| Ok(()))?;
        Ok(())
    }

    fn create_orders(
        &mut self,
        conn: &mut DbConnection,
        count: u64,
        chunk: u64,
    ) -> Result<(), BulkError> {
        let start = self.now - chrono::Duration::days(730);
        let span_ms = 730 * 86_400_000_i64;
        let mut counters: BTreeMap<i32, i64> = BTreeMap::new();
        let mut sink = Sink::new(conn);
        for i in 0..count {
            // Evenly spread with jitter, so times increase with i.
            let offset = (i128::from(span_ms) * i128::from(i) / i128::from(count)) as i64;
            let jitter = self.rng.i64(0..(span_ms / count as i64).max(1));
            let created = start + chrono::Duration::milliseconds(offset + jitter);
            let year = self.zone.local_year(created);
            let seq = match counters.get_mut(&year) {
                Some(n) => n,
                None => {
                    let last = last_sequence(conn, &self.tenant, year)?;
                    counters.entry(year).or_insert(last)
                }
            };
            *seq += 1;
            let number = OrderNumber::new(year, *seq);
            self.order(&mut sink, created, &number);
            if (i + 1).is_multiple_of(chunk) || i + 1 == count {
                let lots = self.take_dirty_lots();
                let counters_now = counters.clone();
                let tenant = self.tenant.clone();
                sink.flush_in_transaction(conn, move |c| {
                    for (id, remaining) in &lots {
                        diesel::update(inventory_lots::table.filter(inventory_lots::id.eq(id)))
                            .set(inventory_lots::remaining.eq(remaining))
                            .execute(c)?;
                    }
                    for (year, last) in &counters_now {
                        save_sequence(c, &tenant, *year, *last)?;
                    }
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    fn take_dirty_lots(&mut self) -> Vec<(String, i64)> {
        let mut out = Vec::new();
        for item in &mut self.catalogue {
            for lot in &mut item.lots {
                if lot.dirty {
                    lot.dirty = false;
                    out.push((lot.id.clone(), lot.remaining));
                }
            }
        }
        out
    }

    /// A popular-first pick: low indexes are chosen far more often.
    fn pick_product(&mut self) -> usize {
        let n = self.catalogue.len();
        let r = self.rng.f64();
        ((r * r * r) * n as f64) as usize % n
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one order's rows, written in the order the use cases write them"
    )]
    fn order(&mut self, sink: &mut Sink, created: DateTime<Utc>, number: &OrderNumber) {
        let order_id = kedai_core::new_uuid_v7().to_string();
        let order_type = match self.rng.u8(0..10) {
            0..=4 => OrderType::Delivery,
            5..=7 => OrderType::Pickup,
            _ => OrderType::DineIn,
        };
        // Lines: 1 to 4 distinct products, 1 to 3 units each.
        let lines_wanted = 1 + self.rng.usize(..4).min(self.catalogue.len() - 1);
        let mut picked: Vec<usize> = Vec::with_capacity(lines_wanted);
        while picked.len() < lines_wanted {
            let p = self.pick_product();
            if !picked.contains(&p) {
                picked.push(p);
            }
        }
        let mut subtotal = 0_i64;
        let mut allocations: Vec<(usize, usize, i64, String)> = Vec::new();
        for (position, &p) in picked.iter().enumerate() {
            let qty = 1 + self.rng.i64(0..3);
            let item = &self.catalogue[p];
            let line_total = item.price * qty;
            subtotal += line_total;
            let item_id = kedai_core::new_uuid_v7().to_string();
            sink.row(
                Table::OrderItems,
                &[
                    V::T(&item_id),
                    V::T(&self.tenant),
                    V::T(&order_id),
                    V::I(position as i64),
                    V::I(item.id),
                    V::T(&item.name),
                    V::T(&item.sku),
                    V::I(qty),
                    V::I(item.price),
                    V::I(line_total),
                    V::At(ts(created)),
                    V::Null,
                ],
            );
            self.report.items += 1;
            // FIFO over the product's lots; a delivery arrives when it runs dry.
            let mut need = qty;
            while need > 0 {
                let lot_index = self.open_lot(sink, p, created, need);
                let item = &mut self.catalogue[p];
                let lot = &mut item.lots[lot_index];
                let take = need.min(lot.remaining);
                lot.remaining -= take;
                lot.dirty = true;
                need -= take;
                let allocation_id = kedai_core::new_uuid_v7().to_string();
                allocations.push((p, lot_index, take, allocation_id));
            }
        }
        let shipping = if order_type == OrderType::Delivery {
            800
        } else {
            0
        };
        let discount = if self.rng.u8(0..10) == 0 {
            // 10% off, half up.
            (subtotal * 10 + 50) / 100
        } else {
            0
        };
        let total = subtotal + shipping - discount;

        let (path, cancel_releases) = self.status_path(order_type, created);
        let final_status = path.last().map_or(OrderStatus::Confirmed, |s| s.0);
        *self
            .report
            .by_status
            .entry(final_status.as_str())
            .or_default() += 1;

        // Stamps and history.
        let mut stamps: BTreeMap<&'static str, DateTime<Utc>> = BTreeMap::new();
        let mut from: Option<OrderStatus> = None;
        let mut tracking: Option<String> = None;
        let mut paid_at = None;
        let mut refunded_at = None;
        let mut cancelled_at = None;
        for (status, at, reason) in &path {
            if let Some(column) = stamp_column(*status) {
                stamps.insert(column, *at);
            }
            let tn = (*status == OrderStatus::Shipped)
                .then(|| format!("TRK{}", &number.to_string()[4..]));
            if tn.is_some() {
                tracking.clone_from(&tn);
            }
            match status {
                OrderStatus::Paid => paid_at = Some(*at),
                OrderStatus::Refunded => refunded_at = Some(*at),
                OrderStatus::Cancelled => cancelled_at = Some(*at),
                _ => {}
            }
            let history_id = kedai_core::new_uuid_v7().to_string();
            sink.row(
                Table::History,
                &[
                    V::T(&history_id),
                    V::T(&self.tenant),
                    V::T(&order_id),
                    from.map_or(V::Null, |f| V::T(f.as_str())),
                    V::T(status.as_str()),
                    tn.as_deref().map_or(V::Null, V::T),
                    V::Null,
                    V::T(reason),
                    V::At(ts(*at)),
                ],
            );
            self.report.history += 1;
            from = Some(*status);
        }
        let updated = path.last().map_or(created, |s| s.1);

        // Allocations and their ledger rows; released when the order was cancelled.
        let released_at = if cancel_releases { cancelled_at } else { None };
        for (p, lot_index, take, allocation_id) in &allocations {
            let item = &mut self.catalogue[*p];
            let product_id = item.id;
            let lot = &mut item.lots[*lot_index];
            let lot_id = lot.id.clone();
            if released_at.is_some() {
                lot.remaining += take;
                item.first_open = item.first_open.min(*lot_index);
            }
            sink.row(
                Table::Allocations,
                &[
                    V::T(allocation_id),
                    V::T(&self.tenant),
                    V::I(product_id),
                    V::T(&lot_id),
                    V::I(*take),
                    V::T("order"),
                    V::T(&order_id),
                    V::At(ts(created)),
                    released_at.map_or(V::Null, |t| V::At(ts(t))),
                ],
            );
            self.report.allocations += 1;
            self.movement(
                sink,
                product_id,
                &lot_id,
                "allocate",
                -take,
                Some("order"),
                Some(&order_id),
                created,
            );
            if let Some(at) = released_at {
                self.movement(
                    sink,
                    product_id,
                    &lot_id,
                    "release",
                    *take,
                    Some("order"),
                    Some(&order_id),
                    at,
                );
            }
        }

        // Payments.
        let method = METHODS[self.rng.usize(..METHODS.len())];
        let mut payment_status: Option<&str> = None;
        if let Some(at) = paid_at {
            self.payment(sink, &order_id, method, total, "completed", at);
            payment_status = Some("completed");
        }
        if let Some(at) = refunded_at {
            self.payment(sink, &order_id, method, total, "refunded", at);
            payment_status = Some("refunded");
        }

        // The customer, or a guest.
        let shopper = (!self.customers.is_empty() && self.rng.u8(0..10) < 7)
            .then(|| self.rng.usize(..self.customers.len()));
        let guest_name;
        let (customer_id, contact_name, contact_phone, contact_email) = match shopper {
            Some(c) => {
                let s = &self.customers[c];
                (
                    Some(s.id.as_str()),
                    s.name.as_str(),
                    Some(s.phone.as_str()),
                    Some(s.email.as_str()),
                )
            }
            None => {
                guest_name = format!(
                    "{} {}",
                    GIVEN[self.rng.usize(..GIVEN.len())],
                    FAMILY[self.rng.usize(..FAMILY.len())]
                );
                (None, guest_name.as_str(), None, None)
            }
        };
        let outlet = (!self.outlets.is_empty() && self.rng.bool())
            .then(|| self.outlets[self.rng.usize(..self.outlets.len())].clone());
        let stamp = |column: &str| stamps.get(column).map_or(V::Null, |t| V::At(ts(*t)));
        sink.row(
            Table::Orders,
            &[
                V::T(&order_id),
                V::T(&self.tenant),
                V::T(&number.to_string()),
                V::T(order_type.as_str()),
                V::T(final_status.as_str()),
                V::T(&self.currency),
                V::I(subtotal),
                V::I(shipping),
                V::I(0),
                V::I(discount),
                V::I(total),
                payment_status.map_or(V::Null, V::T),
                tracking.as_deref().map_or(V::Null, V::T),
                customer_id.map_or(V::Null, V::T),
                contact_email.map_or(V::Null, V::T),
                outlet.as_deref().map_or(V::Null, V::T),
                V::T(contact_name),
                contact_phone.map_or(V::Null, V::T),
                contact_email.map_or(V::Null, V::T),
                if order_type == OrderType::Delivery {
                    V::T("standard")
                } else {
                    V::Null
                },
                if order_type == OrderType::Delivery {
                    V::T("12 Jalan Bukit Bintang, 55100 Kuala Lumpur")
                } else {
                    V::Null
                },
                if paid_at.is_some() {
                    V::T(method)
                } else {
                    V::Null
                },
                V::Null,
                V::Null,
                V::Null,
                V::At(ts(created)),
                V::At(ts(updated)),
                stamp("confirmed_at"),
                stamp("paid_at"),
                stamp("processing_at"),
                stamp("shipped_at"),
                stamp("delivered_at"),
                stamp("completed_at"),
                stamp("cancelled_at"),
                stamp("refunded_at"),
                V::Null,
                V::Null,
                V::I(0),
                // Placed by staff: channel, shop methods, return URLs, locale; no guest secret.
                V::T("merchant"),
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                V::Null,
            ],
        );
        self.report.orders += 1;
    }

    /// The index of the product's oldest lot with stock, receiving a new lot (dated before
    /// `at`, after the product's previous lot) when every lot is empty.
    fn open_lot(&mut self, sink: &mut Sink, p: usize, at: DateTime<Utc>, need: i64) -> usize {
        let quantity = need.max(40 + self.rng.i64(0..160));
        let back = chrono::Duration::minutes(self.rng.i64(1..=72 * 60));
        let item = &mut self.catalogue[p];
        while item.first_open < item.lots.len() && item.lots[item.first_open].remaining == 0 {
            item.first_open += 1;
        }
        if item.first_open < item.lots.len() {
            return item.first_open;
        }
        let earliest = item
            .lots
            .last()
            .map_or(at - chrono::Duration::days(1), |l| l.received_at);
        let received_at = (at - back).max(earliest);
        let lot = LotState {
            id: kedai_core::new_uuid_v7().to_string(),
            received_at,
            remaining: quantity,
            dirty: false,
        };
        let product_id = item.id;
        sink.row(
            Table::Lots,
            &[
                V::T(&lot.id),
                V::T(&self.tenant),
                V::I(product_id),
                V::I(quantity),
                V::I(quantity),
                V::T("purchase_order"),
                V::T("bulk load"),
                V::At(ts(received_at)),
                V::At(ts(received_at)),
                V::Null,
            ],
        );
        let lot_id = lot.id.clone();
        item.lots.push(lot);
        let index = item.lots.len() - 1;
        self.report.lots += 1;
        self.movement(
            sink,
            product_id,
            &lot_id,
            "in",
            quantity,
            Some("purchase_order"),
            None,
            received_at,
        );
        index
    }

    #[expect(clippy::too_many_arguments, reason = "one ledger row's columns")]
    fn movement(
        &mut self,
        sink: &mut Sink,
        product_id: i64,
        lot_id: &str,
        kind: &str,
        quantity: i64,
        source: Option<&str>,
        reference: Option<&str>,
        at: DateTime<Utc>,
    ) {
        let id = kedai_core::new_uuid_v7().to_string();
        sink.row(
            Table::Movements,
            &[
                V::T(&id),
                V::T(&self.tenant),
                V::I(product_id),
                V::T(lot_id),
                V::T(kind),
                V::I(quantity),
                source.map_or(V::Null, V::T),
                source.map_or(V::Null, V::T),
                reference.map_or(V::Null, V::T),
                V::Null,
                V::Null,
                V::At(ts(at)),
            ],
        );
        self.report.movements += 1;
    }

    fn payment(
        &mut self,
        sink: &mut Sink,
        order_id: &str,
        method: &str,
        amount: i64,
        status: &str,
        at: DateTime<Utc>,
    ) {
        let id = kedai_core::new_uuid_v7().to_string();
        sink.row(
            Table::Payments,
            &[
                V::T(&id),
                V::T(&self.tenant),
                V::T(order_id),
                V::T(method),
                V::I(amount),
                V::T(&self.currency),
                V::T(status),
                V::Null,
                V::At(ts(at)),
            ],
        );
        self.report.payments += 1;
    }

    /// The statuses an order went through, each with its time and history reason, and whether
    /// a cancellation released its stock. Old orders are mostly finished; recent ones are
    /// spread over every status.
    fn status_path(&mut self, order_type: OrderType, created: DateTime<Utc>) -> (StatusPath, bool) {
        use OrderStatus::{
            Cancelled, Completed, Confirmed, Delivered, Paid, Pending, Processing, Refunded,
            Shipped,
        };
        let counter = order_type.is_counter();
        let forward: &[OrderStatus] = if counter {
            &[Confirmed, Paid, Completed]
        } else {
            &[
                Pending, Confirmed, Paid, Processing, Shipped, Delivered, Completed,
            ]
        };
        let paid = if counter { 1 } else { 2 };
        let age_days = (self.now - created).num_days();
        let roll = self.rng.u8(0..100);
        // (index of the last forward status reached, cancelled afterwards, refunded too)
        let (reach, cancel, refund) = if age_days > 14 {
            match roll {
                0..=79 => (forward.len() - 1, false, false),
                80..=89 => (self.rng.usize(0..2), true, false),
                90..=94 => (paid, true, true),
                _ if counter => (forward.len() - 1, false, false),
                _ => (forward.len() - 2, false, false),
            }
        } else {
            match roll {
                0..=9 => (self.rng.usize(0..2), true, false),
                10..=14 => (paid, true, true),
                _ => (self.rng.usize(0..forward.len()), false, false),
            }
        };
        let reach = if counter && !cancel && reach == 1 && self.rng.bool() {
            // Some counter orders are prepared before they are handed over.
            usize::MAX
        } else {
            reach
        };
        let mut path = Vec::new();
        let mut at = created;
        let mut step = |rng: &mut fastrand::Rng, minutes: i64| {
            at += chrono::Duration::seconds(rng.i64(30..=minutes * 60));
            at.min(self.now)
        };
        if reach == usize::MAX {
            path.push((Confirmed, created, "order_created"));
            path.push((Paid, step(&mut self.rng, 30), "payment_completed"));
            path.push((Processing, step(&mut self.rng, 30), "status_update"));
            path.push((Completed, step(&mut self.rng, 60), "status_update"));
            return (path, false);
        }
        for (i, status) in forward.iter().enumerate().take(reach + 1) {
            let (when, reason) = if i == 0 {
                (created, "order_created")
            } else if *status == Paid
                || (*status == Confirmed && forward.get(i + 1) == Some(&Paid) && reach > i)
            {
                (step(&mut self.rng, 60), "payment_completed")
            } else {
                (step(&mut self.rng, 24 * 60), "status_update")
            };
            path.push((*status, when, reason));
        }
        if cancel {
            path.push((Cancelled, step(&mut self.rng, 24 * 60), "status_update"));
            if refund {
                path.push((Refunded, step(&mut self.rng, 24 * 60), "payment_refunded"));
            }
        }
        debug_assert!(path.windows(2).all(|w| w[0].0.allows(w[1].0, order_type)));
        (path, cancel)
    }
}

fn stamp_column(status: OrderStatus) -> Option<&'static str> {
    match status {
        OrderStatus::Pending => None,
        OrderStatus::Confirmed => Some("confirmed_at"),
        OrderStatus::Paid => Some("paid_at"),
        OrderStatus::Processing => Some("processing_at"),
        OrderStatus::Shipped => Some("shipped_at"),
        OrderStatus::Delivered => Some("delivered_at"),
        OrderStatus::Completed => Some("completed_at"),
        OrderStatus::Cancelled => Some("cancelled_at"),
        OrderStatus::Refunded => Some("refunded_at"),
    }
}

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = BigInt)]
    last_value: i64,
}

fn last_sequence(conn: &mut DbConnection, tenant: &str, year: i32) -> Result<i64, BulkError> {
    // On PostgreSQL the merchant's year may have a sequence past its counter row.
    let sql = if matches!(conn, DbConnection::Pg(_)) {
        "SELECT kedai_order_counter($1, $2) AS last_value"
    } else {
        "SELECT last_value FROM order_counters WHERE tenant_id = $1 AND year = $2"
    };
    let rows: Vec<Counter> = diesel::sql_query(sql)
        .bind::<Text, _>(tenant)
        .bind::<Integer, _>(year)
        .load(conn)?;
    Ok(rows.first().map_or(0, |c| c.last_value))
}

fn save_sequence(
    conn: &mut DbConnection,
    tenant: &str,
    year: i32,
    last: i64,
) -> Result<(), diesel::result::Error> {
    diesel::sql_query(
        "INSERT INTO order_counters (tenant_id, year, last_value) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = excluded.last_value \
         WHERE order_counters.last_value < excluded.last_value",
    )
    .bind::<Text, _>(tenant)
    .bind::<Integer, _>(year)
    .bind::<BigInt, _>(last)
    .execute(conn)?;
    if matches!(conn, DbConnection::Pg(_)) {
        // Orders taken after the load continue from the last number loaded.
        diesel::sql_query("SELECT kedai_raise_order_counter($1, $2, $3)")
            .bind::<Text, _>(tenant)
            .bind::<Integer, _>(year)
            .bind::<BigInt, _>(last)
            .execute(conn)?;
    }
    Ok(())
}

/// A UTC time as stored, to the microsecond.
fn ts(t: DateTime<Utc>) -> NaiveDateTime {
    kedai_core::time::truncate_to_micros(t).naive_utc()
}

/// One column value.
#[derive(Clone, Copy)]
enum V<'a> {
    T(&'a str),
    I(i64),
    At(NaiveDateTime),
    Null,
}

/// The tables written in bulk, in the order their foreign keys need.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Table {
    Customers,
    Lots,
    Orders,
    OrderItems,
    Allocations,
    Movements,
    History,
    Payments,
}

impl Table {
    const ALL: [Self; 8] = [
        Self::Customers,
        Self::Lots,
        Self::Orders,
        Self::OrderItems,
        Self::Allocations,
        Self::Movements,
        Self::History,
        Self::Payments,
    ];

    const fn name(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Lots => "inventory_lots",
            Self::Orders => "orders",
            Self::OrderItems => "order_items",
            Self::Allocations => "stock_allocations",
            Self::Movements => "stock_movements",
            Self::History => "order_status_history",
            Self::Payments => "payments",
        }
    }

    /// Columns in `schema.rs` order, which is the order `COPY` names them in.
    const fn columns(self) -> &'static str {
        match self {
            Self::Customers => {
                "id, tenant_id, name, phone, email, birth_date, source, membership_tier, \
                 outlet_id, created_at, updated_at, member_no, last_name, gender, address, \
                 district, agree_promotion, agree_terms, utm_data, verified_phone, \
                 verified_email"
            }
            Self::Lots => {
                "id, tenant_id, product_id, quantity, remaining, source, note, received_at, \
                 created_at, created_by"
            }
            Self::Orders => {
                "id, tenant_id, order_number, order_type, status, currency, subtotal_minor, \
                 shipping_fee_minor, tax_amount_minor, discount_amount_minor, \
                 total_amount_minor, payment_status, tracking_number, customer_id, \
                 customer_email, outlet_id, contact_name, contact_phone, contact_email, \
                 shipping_method, shipping_address, payment_method, notes, \
                 special_instructions, created_by, created_at, updated_at, confirmed_at, \
                 paid_at, processing_at, shipped_at, delivered_at, completed_at, \
                 cancelled_at, refunded_at, coupon_id, coupon_code, coupon_discount_minor, \
                 channel, shipping_method_id, payment_method_id, success_url, cancel_url, \
                 language, guest_secret_hash"
            }
            Self::OrderItems => {
                "id, tenant_id, order_id, position, product_id, product_name, product_sku, \
                 quantity, unit_price_minor, total_price_minor, created_at, parent_product_id"
            }
            Self::Allocations => {
                "id, tenant_id, product_id, lot_id, quantity, source, reference, created_at, \
                 released_at"
            }
            Self::Movements => {
                "id, tenant_id, product_id, lot_id, kind, quantity, reason, source, reference, \
                 note, actor, created_at"
            }
            Self::History => {
                "id, tenant_id, order_id, from_status, to_status, tracking_number, actor, \
                 reason, created_at"
            }
            Self::Payments => {
                "id, tenant_id, order_id, method, amount_minor, currency, status, created_by, \
                 created_at"
            }
        }
    }
}

/// Rows waiting to be written, per table, already in the backend's wire form: `COPY` text
/// format on PostgreSQL, `VALUES` tuples on SQLite.
struct Sink {
    pg: bool,
    buffers: [String; 8],
    rows: [usize; 8],
}

/// Rows per SQLite `INSERT` statement.
const SQLITE_ROWS_PER_STATEMENT: usize = 400;

impl Sink {
    fn new(conn: &DbConnection) -> Self {
        Self {
            pg: matches!(conn, DbConnection::Pg(_)),
            buffers: Default::default(),
            rows: [0; 8],
        }
    }

    fn row(&mut self, table: Table, values: &[V<'_>]) {
        let i = table as usize;
        let buf = &mut self.buffers[i];
        if self.pg {
            for (n, v) in values.iter().enumerate() {
                if n > 0 {
                    buf.push('\t');
                }
                match v {
                    V::T(s) => copy_escape(buf, s),
                    V::I(n) => {
                        let _ = write!(buf, "{n}");
                    }
                    V::At(t) => {
                        let _ = write!(buf, "{}", t.format("%F %T%.f"));
                    }
                    V::Null => buf.push_str("\\N"),
                }
            }
            buf.push('\n');
        } else {
            buf.push_str(if self.rows[i].is_multiple_of(SQLITE_ROWS_PER_STATEMENT) {
                "\u{1}("
            } else {
                ",("
            });
            for (n, v) in values.iter().enumerate() {
                if n > 0 {
                    buf.push(',');
                }
                match v {
                    V::T(s) => {
                        buf.push('\'');
                        buf.push_str(&s.replace('\'', "''"));
                        buf.push('\'');
                    }
                    V::I(n) => {
                        let _ = write!(buf, "{n}");
                    }
                    V::At(t) => {
                        let _ = write!(buf, "'{}'", t.format("%F %T%.f"));
                    }
                    V::Null => buf.push_str("NULL"),
                }
            }
            buf.push(')');
        }
        self.rows[i] += 1;
    }

    /// Writes every buffered row and then `after`, in one transaction.
    fn flush_in_transaction<F>(
        &mut self,
        conn: &mut DbConnection,
        after: F,
    ) -> Result<(), BulkError>
    where
        F: FnOnce(&mut DbConnection) -> Result<(), diesel::result::Error>,
    {
        let buffers = std::mem::take(&mut self.buffers);
        self.rows = [0; 8];
        let write = |conn: &mut DbConnection| -> Result<(), diesel::result::Error> {
            for table in Table::ALL {
                let data = &buffers[table as usize];
                if data.is_empty() {
                    continue;
                }
                match conn {
                    DbConnection::Pg(pg) => copy_in(pg, table, data)?,
                    DbConnection::Sqlite(lite) => {
                        for values in data.split('\u{1}').filter(|v| !v.is_empty()) {
                            let sql = format!(
                                "INSERT INTO {} ({}) VALUES {values}",
                                table.name(),
                                table.columns()
                            );
                            diesel::sql_query(sql).execute(lite)?;
                        }
                    }
                }
            }
            after(conn)
        };
        conn.transaction(write)?;
        Ok(())
    }
}

/// Streams one table's rows with `COPY ... FROM STDIN` (text format).
fn copy_in(
    pg: &mut diesel::pg::PgConnection,
    table: Table,
    data: &str,
) -> Result<(), diesel::result::Error> {
    use diesel::ExecuteCopyFromDsl;
    use diesel::pg::CopyFormat;
    let send = |w: &mut dyn std::io::Write| {
        w.write_all(data.as_bytes())
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
    };
    macro_rules! copy {
        ($table:ident) => {
            diesel::copy_from($table::table)
                .from_raw_data($table::table, send)
                .with_format(CopyFormat::Text)
                .execute(pg)
        };
    }
    match table {
        Table::Customers => copy!(customers),
        Table::Lots => copy!(inventory_lots),
        Table::Orders => copy!(orders),
        Table::OrderItems => copy!(order_items),
        Table::Allocations => copy!(stock_allocations),
        Table::Movements => copy!(stock_movements),
        Table::History => copy!(order_status_history),
        Table::Payments => copy!(payments),
    }
    .map(|_| ())
}

/// Escapes a value for `COPY`'s text format.
fn copy_escape(buf: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}
