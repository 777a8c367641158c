//! Black-box tests: the real Kedai server over HTTP, on SQLite and on PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

#[path = "../support/commerce.rs"]
mod commerce;

mod bulk;
mod edge_inventory;
mod edge_orders;
mod edge_summary;
mod gateway_stripe;
mod hardening;
mod loyalty;
mod merchant;
mod merchant_auth;
mod merchant_coupons;
mod merchant_flow;
mod merchant_orders;
mod merchant_payments;
mod migrations;
mod outbound;
mod people;
mod platform;
mod portal_auth;
mod portal_contract;
mod portal_tenant;
mod races;
mod security;
mod shop_catalog;
mod shop_checkout;
mod shop_checkout_customers;
mod shop_merchant;
mod system;
