//! The filtered, sorted and paged list of a tenant's orders.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
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
    if let Some(term) = f.search.as_deref().map(str::trim)
        && let Some(pattern) = like_pattern(term)
    {
        q = q.filter(search_condition(pg, &tenant.to_string(), term, pattern));
    }
    q
}

pub(super) fn list_orders(
    tx: &mut Tx<'_>,
    tenant: TenantId,
    filter: &OrderFilter,
    sort: OrderSort,
    page: Page,
) -> Result<(Vec<Order>, i64), StorageError> {
    let pg = matches!(*tx.conn, DbConnection::Pg(_));
    let total = filtered_orders(pg, tenant, filter)
        .count()
        .get_result::<i64>(tx.conn)
        .map_err(storage_error)?;
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
