//! The search condition of the order list: an order matches when its own text, or its
//! customer's, contains the term.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::schema::orders;

pub(super) type Backend = <crate::db::DbConnection as diesel::Connection>::Backend;

/// What an order search looks at, joined with the unit separator (no term can contain one):
/// the expression the search indexes are built on (migration `order_search`).
const ORDER_SEARCH_TEXT: &str = "lower(orders.order_number || {sep} || \
     coalesce(orders.contact_name, '') || {sep} || coalesce(orders.contact_email, '') || {sep} || \
     coalesce(orders.contact_phone, '') || {sep} || coalesce(orders.customer_email, ''))";

/// The same for a customer: name, e-mail, phone.
const CUSTOMER_SEARCH_TEXT: &str =
    "lower(c.name || {sep} || coalesce(c.email, '') || {sep} || coalesce(c.phone, ''))";

/// Shortest term the trigram indexes can find.
const TRIGRAM: usize = 3;

/// The search condition: the order's own text, or its customer's, contains the term. On
/// PostgreSQL both texts have trigram indexes, and the customers' matches are an array the
/// order scan can look up by index, so the two sides combine as a bitmap OR. On SQLite FTS5
/// trigram indexes find the candidate orders and customers (terms of three characters or
/// more; migrations `order_search` and `customer_search`) and the exact `LIKE` decides, so
/// both backends find the same orders; shorter terms scan with `LIKE` alone.
pub(super) fn search_condition(
    pg: bool,
    tenant: &str,
    term: &str,
    pattern: String,
) -> Box<dyn BoxableExpression<orders::table, Backend, SqlType = diesel::sql_types::Bool>> {
    use diesel::dsl::sql;
    use diesel::sql_types::Bool;
    let sep = if pg { "chr(31)" } else { "char(31)" };
    let order_text = ORDER_SEARCH_TEXT.replace("{sep}", sep);
    let customer_text = CUSTOMER_SEARCH_TEXT.replace("{sep}", sep);
    let customers =
        |open: &str| format!("{open}(SELECT c.id FROM customers c WHERE c.tenant_id = ");
    if pg {
        Box::new(
            sql::<Bool>(&format!("({order_text} LIKE "))
                .bind::<Text, _>(pattern.clone())
                .sql(&format!(
                    " ESCAPE '\\' OR orders.customer_id = ANY{}",
                    customers("(ARRAY")
                ))
                .bind::<Text, _>(tenant.to_owned())
                .sql(&format!(" AND {customer_text} LIKE "))
                .bind::<Text, _>(pattern)
                .sql(" ESCAPE '\\')))"),
        )
    } else if term.chars().count() >= TRIGRAM {
        let phrase = format!("\"{}\"", term.to_lowercase().replace('"', "\"\""));
        Box::new(
            sql::<Bool>(
                "((orders.rowid IN (SELECT rowid FROM orders_search WHERE orders_search MATCH ",
            )
            .bind::<Text, _>(phrase.clone())
            .sql(&format!(") AND {order_text} LIKE "))
            .bind::<Text, _>(pattern.clone())
            .sql(&format!(
                " ESCAPE '\\') OR orders.customer_id IN {}",
                customers("")
            ))
            .bind::<Text, _>(tenant.to_owned())
            .sql(
                " AND c.rowid IN (SELECT rowid FROM customers_search \
                 WHERE customers_search MATCH ",
            )
            .bind::<Text, _>(phrase)
            .sql(&format!(") AND {customer_text} LIKE "))
            .bind::<Text, _>(pattern)
            .sql(" ESCAPE '\\'))"),
        )
    } else {
        Box::new(
            sql::<Bool>(&format!("({order_text} LIKE "))
                .bind::<Text, _>(pattern.clone())
                .sql(&format!(
                    " ESCAPE '\\' OR orders.customer_id IN {}",
                    customers("")
                ))
                .bind::<Text, _>(tenant.to_owned())
                .sql(&format!(" AND {customer_text} LIKE "))
                .bind::<Text, _>(pattern)
                .sql(" ESCAPE '\\'))"),
        )
    }
}
