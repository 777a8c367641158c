//! Orders, items, payments, status history, order numbers.

mod facts;
mod list;
mod payments;
mod read;
mod refunds;
mod repository;
mod rows;
mod search;
mod write;

pub(super) use rows::OrderRow;
