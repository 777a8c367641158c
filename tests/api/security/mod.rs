//! The findings of the security probe, one black-box test each, on SQLite and PostgreSQL: what
//! an attacker did, and that it no longer works (README, "Security: findings of the probe").

mod database;
mod orders;
mod portal;
mod staff;

use serde_json::Value;

/// A JSON string's text (empty for anything else).
fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}
