//! PostgreSQL's `COPY ... FROM STDIN`: streaming a table's rows, and escaping a value for its
//! text format.

use super::table::Table;
use crate::schema::{
    customers, inventory_lots, order_items, order_status_history, orders, payments,
    stock_allocations, stock_movements,
};

/// Streams one table's rows with `COPY ... FROM STDIN` (text format).
pub(super) fn copy_in(
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
pub(super) fn copy_escape(buf: &mut String, s: &str) {
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
