//! The filtered, sorted and paged list of a tenant's orders.

use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Integer, Text};
use kedai_core::{Page, StorageError, TenantId};
use kedai_orders::{Order, OrderFilter, OrderSort, SortKey, SortOrder, like_pattern};

use super::rows::OrderRow;
use super::search::{Backend, search_condition};
use crate::convert::{storage_error, ts};
use crate::db::DbConnection;
use crate::repos::Tx;
use crate::schema::orders;

diesel::define_sql_function! {
    /// SQL `LOWER`, on both backends.
    fn lower(x: diesel::sql_types::Nullable<Text>) -> diesel::sql_types::Nullable<Text>;
}

diesel::define_sql_function! {
    /// SQL `LENGTH`, on both backends.
    fn length(x: Text) -> Integer;
}

diesel::define_sql_function! {
    /// SQL `SUBSTR`, on both backends (1-based start).
    fn substr(x: Text, start: Integer, len: Integer) -> Text;
}

/// The tenant's orders matching `f`, as one boxed query (no order, no paging).
fn filtered_orders<'a>(
    pg: bool,
    tenant: TenantId,
    f: &'a OrderFilter,
) -> orders::BoxedQuery<'a, Backend> {
    let mut q = orders::table
        .filter(orders::tenant_id.eq(tenant.to_string()))
        .into_boxed();
    if !f.statuses.is_empty() {
        q = q.filter(orders::status.eq_any(f.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(from) = f.created_from {
        q = q.filter(orders::created_at.ge(ts(from)));
    }
    if let Some(before) = f.created_before {
        q = q.filter(orders::created_at.lt(ts(before)));
    }
    if let Some(outlet) = &f.outlet_id {
        q = q.filter(orders::outlet_id.eq(outlet));
    }
    if let Some(scope) = &f.outlet_scope {
        q = q.filter(
            orders::outlet_id
                .is_null()
                .or(orders::outlet_id.eq_any(scope)),
        );
    }
    if let Some(customer) = &f.customer_id {
        q = q.filter(orders::customer_id.eq(customer));
    }
    if let Some(term) = f.search_term()
        && let Some(pattern) = like_pattern(term)
    {
        q = q.filter(search_condition(pg, &tenant.to_string(), term, pattern));
    }
    q
}

/// `SELECT count(*) FROM (<query>) AS counted`: the rows of a query that is limited, so that
/// the database stops looking once it has found enough of them.
#[derive(Debug, Clone, Copy, QueryId)]
struct CountOf<Q>(Q);

impl<Q> Query for CountOf<Q> {
    type SqlType = BigInt;
}

impl<Q> RunQueryDsl<DbConnection> for CountOf<Q> {}

impl<Q: QueryFragment<Backend>> QueryFragment<Backend> for CountOf<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
        out.push_sql("SELECT count(*) FROM (");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") AS counted");
        Ok(())
    }
}

/// How many of the tenant's orders match `filter`: all of them, or, for a search, at most
/// [`OrderFilter::count_limit`] (the rest of the count would only be capped away by
/// `kedai_orders::query::list_total`).
fn count_orders(
    tx: &mut Tx<'_>,
    pg: bool,
    tenant: TenantId,
    filter: &OrderFilter,
) -> Result<i64, StorageError> {
    let query = filtered_orders(pg, tenant, filter);
    match filter.count_limit() {
        None => query.count().get_result::<i64>(tx.conn),
        Some(limit) => CountOf(query.select(diesel::dsl::sql::<Integer>("1")).limit(limit))
            .get_result::<i64>(tx.conn),
    }
    .map_err(storage_error)
}

/// One page of the tenant's orders matching `filter`, and how many match: exactly, or for a
/// search up to [`OrderFilter::count_limit`] (see `kedai_orders::query::list_total`).
pub(super) fn list_orders(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    filter: &OrderFilter,
    sort: OrderSort,
    page: Page,
) -> Result<(Vec<Order>, i64), StorageError> {
    let pg = matches!(*tx.conn, DbConnection::Pg(_));
    let total = count_orders(tx, pg, tenant, filter)?;
    let query = filtered_orders(pg, tenant, filter);
    let asc = sort.order == SortOrder::Asc;
    let query = match (sort.key, asc) {
        (SortKey::CreatedAt, true) => query.order((orders::created_at.asc(), orders::id.asc())),
        (SortKey::CreatedAt, false) => query.order((orders::created_at.desc(), orders::id.desc())),
        (SortKey::TotalAmount, true) => query.order((
            orders::total_amount_minor.asc(),
            orders::created_at.asc(),
            orders::id.asc(),
        )),
        (SortKey::TotalAmount, false) => query.order((
            orders::total_amount_minor.desc(),
            orders::created_at.desc(),
            orders::id.desc(),
        )),
        // Numbers are ORD-YYYY-NNNN with NNNN growing past four digits: by year, then
        // shorter sequences first, then the text.
        (SortKey::OrderNumber, true) => query.order((
            substr(orders::order_number, 5, 4).asc(),
            length(orders::order_number).asc(),
            orders::order_number.asc(),
        )),
        (SortKey::OrderNumber, false) => query.order((
            substr(orders::order_number, 5, 4).desc(),
            length(orders::order_number).desc(),
            orders::order_number.desc(),
        )),
    };
    let rows = query
        .select(OrderRow::as_select())
        .limit(i64::from(page.limit()))
        .offset(page.offset())
        .load::<OrderRow>(tx.conn)
        .map_err(storage_error)?;
    let orders = rows
        .into_iter()
        .map(Order::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((orders, total))
}
