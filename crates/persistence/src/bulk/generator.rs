//! The simulation's state: the catalogue with its lots, the customers, what has been loaded so
//! far, and the names it draws from.

use chrono::{DateTime, Utc};
use kedai_core::time::TimeZone;

use super::plan::BulkReport;

/// One product of the simulated catalogue and its lots.
pub(super) struct Item {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) sku: String,
    pub(super) price: i64,
    pub(super) lots: Vec<LotState>,
    /// Index of the oldest lot that may still have stock.
    pub(super) first_open: usize,
}

pub(super) struct LotState {
    pub(super) id: String,
    pub(super) received_at: DateTime<Utc>,
    pub(super) remaining: i64,
    /// Changed since the last flush.
    pub(super) dirty: bool,
}

pub(super) struct Shopper {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) email: String,
}

pub(super) struct Generator {
    pub(super) rng: fastrand::Rng,
    pub(super) tenant: String,
    pub(super) currency: String,
    pub(super) zone: TimeZone,
    pub(super) now: DateTime<Utc>,
    pub(super) outlets: Vec<String>,
    /// Products the tenant had before: numbers this run's SKUs after them.
    pub(super) first_product: i64,
    /// Customers the tenant had before: numbers this run's phones and e-mails after them.
    pub(super) first_customer: i64,
    pub(super) report: BulkReport,
    pub(super) catalogue: Vec<Item>,
    pub(super) customers: Vec<Shopper>,
}

pub(super) const CATEGORIES: [&str; 6] =
    ["Coffee", "Tea", "Pastry", "Beans", "Merchandise", "Meals"];
pub(super) const NAMES: [&str; 12] = [
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
pub(super) const GIVEN: [&str; 10] = [
    "Aisyah", "Wei Ling", "Ravi", "Nurul", "Jason", "Mei", "Farid", "Priya", "Daniel", "Siti",
];
pub(super) const FAMILY: [&str; 8] = [
    "Tan", "Lim", "Abdullah", "Kumar", "Wong", "Lee", "Rahman", "Ng",
];
pub(super) const METHODS: [&str; 4] = ["cash", "card", "ewallet", "fpx"];
