//! The sink: rows buffered per table in the backend's wire form, and written a chunk at a time
//! in one transaction (`COPY` on PostgreSQL, multi-row `INSERT`s on SQLite).

use std::fmt::Write as _;

use diesel::prelude::*;

use super::copy::{copy_escape, copy_in};
use super::plan::BulkError;
use super::table::{Table, V};
use crate::db::DbConnection;

/// Rows waiting to be written, per table, already in the backend's wire form: `COPY` text
/// format on PostgreSQL, `VALUES` tuples on SQLite.
pub(super) struct Sink {
    pg: bool,
    buffers: [String; 8],
    rows: [usize; 8],
}

/// Rows per SQLite `INSERT` statement.
const SQLITE_ROWS_PER_STATEMENT: usize = 400;

impl Sink {
    pub(super) fn new(conn: &DbConnection) -> Self {
        Self {
            pg: matches!(conn, DbConnection::Pg(_)),
            buffers: Default::default(),
            rows: [0; 8],
        }
    }

    pub(super) fn row(&mut self, table: Table, values: &[V<'_>]) {
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
    pub(super) fn flush_in_transaction<F>(
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
