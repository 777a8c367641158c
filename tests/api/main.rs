//! Black-box tests: the real Kedai server over HTTP, on SQLite and on PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

mod edge_inventory;
mod edge_orders;
mod edge_summary;
mod merchant;
mod migrations;
mod people;
mod races;
mod system;
