//! Orders, items, payments, status history, order numbers.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use kedai_core::{Page, ProductId, StorageError, TenantId, new_uuid_v7};
use kedai_orders::{
    Order, OrderCoupon, OrderCustomer, OrderDetails, OrderFact, OrderFilter, OrderId, OrderItem,
    OrderNumber, OrderRepository, OrderSort, OrderStatus, Payment, SortKey, SortOrder,
    StatusChange, StatusStamps, like_pattern, open_statuses,
};

use super::Tx;
use crate::convert::{
    corrupt, currency, money, opt_utc, parse, product_id, storage_error, ts, utc,
};
use crate::db::DbConnection;
use crate::schema::{customers, order_items, order_status_history, orders, payments};

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

type Backend = <crate::db::DbConnection as diesel::Connection>::Backend;

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
/// order scan can look up by index, so the two sides combine as a bitmap OR. On SQLite an FTS5
/// trigram index finds the candidate orders (terms of three characters or more) and the exact
/// `LIKE` decides; customers are few enough to scan.
fn search_condition(
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
            .bind::<Text, _>(phrase)
            .sql(&format!(") AND {order_text} LIKE "))
            .bind::<Text, _>(pattern.clone())
            .sql(&format!(
                " ESCAPE '\\') OR orders.customer_id IN {}",
                customers("")
            ))
            .bind::<Text, _>(tenant.to_owned())
            .sql(&format!(" AND {customer_text} LIKE "))
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

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = orders)]
pub(super) struct OrderRow {
    id: String,
    tenant_id: String,
    order_number: String,
    order_type: String,
    status: String,
    currency: String,
    subtotal_minor: i64,
    shipping_fee_minor: i64,
    tax_amount_minor: i64,
    discount_amount_minor: i64,
    total_amount_minor: i64,
    payment_status: Option<String>,
    tracking_number: Option<String>,
    customer_id: Option<String>,
    customer_email: Option<String>,
    outlet_id: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    shipping_method: Option<String>,
    shipping_address: Option<String>,
    payment_method: Option<String>,
    notes: Option<String>,
    special_instructions: Option<String>,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    confirmed_at: Option<NaiveDateTime>,
    paid_at: Option<NaiveDateTime>,
    processing_at: Option<NaiveDateTime>,
    shipped_at: Option<NaiveDateTime>,
    delivered_at: Option<NaiveDateTime>,
    completed_at: Option<NaiveDateTime>,
    cancelled_at: Option<NaiveDateTime>,
    refunded_at: Option<NaiveDateTime>,
    coupon_id: Option<String>,
    coupon_code: Option<String>,
    coupon_discount_minor: i64,
}

impl From<&Order> for OrderRow {
    fn from(o: &Order) -> Self {
        let d = &o.details;
        let s = &o.stamps;
        Self {
            id: o.id.to_string(),
            tenant_id: o.tenant_id.to_string(),
            order_number: o.order_number.as_str().to_owned(),
            order_type: o.order_type.as_str().to_owned(),
            status: o.status.as_str().to_owned(),
            currency: o.currency.code().to_owned(),
            subtotal_minor: o.subtotal.minor(),
            shipping_fee_minor: o.shipping_fee.minor(),
            tax_amount_minor: o.tax_amount.minor(),
            discount_amount_minor: o.discount_amount.minor(),
            total_amount_minor: o.total_amount.minor(),
            payment_status: o.payment_status.map(|p| p.as_str().to_owned()),
            tracking_number: o.tracking_number.clone(),
            customer_id: d.customer_id.clone(),
            customer_email: d.customer_email.clone(),
            outlet_id: d.outlet_id.clone(),
            contact_name: d.contact_name.clone(),
            contact_phone: d.contact_phone.clone(),
            contact_email: d.contact_email.clone(),
            shipping_method: d.shipping_method.clone(),
            shipping_address: d.shipping_address.clone(),
            payment_method: d.payment_method.clone(),
            notes: d.notes.clone(),
            special_instructions: d.special_instructions.clone(),
            created_by: o.created_by.clone(),
            created_at: ts(o.created_at),
            updated_at: ts(o.updated_at),
            confirmed_at: s.confirmed_at.map(ts),
            paid_at: s.paid_at.map(ts),
            processing_at: s.processing_at.map(ts),
            shipped_at: s.shipped_at.map(ts),
            delivered_at: s.delivered_at.map(ts),
            completed_at: s.completed_at.map(ts),
            cancelled_at: s.cancelled_at.map(ts),
            refunded_at: s.refunded_at.map(ts),
            coupon_id: o.coupon.as_ref().and_then(|c| c.coupon_id.clone()),
            coupon_code: o.coupon.as_ref().map(|c| c.code.clone()),
            coupon_discount_minor: o.coupon.as_ref().map_or(0, |c| c.discount.minor()),
        }
    }
}

impl TryFrom<OrderRow> for Order {
    type Error = StorageError;

    fn try_from(r: OrderRow) -> Result<Self, StorageError> {
        let c = currency(&r.currency)?;
        Ok(Self {
            id: parse("order id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            order_number: OrderNumber::from_stored(r.order_number),
            order_type: parse("order type", &r.order_type)?,
            status: parse("order status", &r.status)?,
            currency: c,
            subtotal: money(r.subtotal_minor, c),
            shipping_fee: money(r.shipping_fee_minor, c),
            tax_amount: money(r.tax_amount_minor, c),
            discount_amount: money(r.discount_amount_minor, c),
            total_amount: money(r.total_amount_minor, c),
            coupon: r.coupon_code.map(|code| OrderCoupon {
                coupon_id: r.coupon_id,
                code,
                discount: money(r.coupon_discount_minor, c),
            }),
            payment_status: r
                .payment_status
                .as_deref()
                .map(|p| parse("payment status", p))
                .transpose()?,
            tracking_number: r.tracking_number,
            details: OrderDetails {
                customer_id: r.customer_id,
                customer_email: r.customer_email,
                outlet_id: r.outlet_id,
                contact_name: r.contact_name,
                contact_phone: r.contact_phone,
                contact_email: r.contact_email,
                shipping_method: r.shipping_method,
                shipping_address: r.shipping_address,
                payment_method: r.payment_method,
                notes: r.notes,
                special_instructions: r.special_instructions,
            },
            created_by: r.created_by,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            stamps: StatusStamps {
                confirmed_at: opt_utc(r.confirmed_at),
                paid_at: opt_utc(r.paid_at),
                processing_at: opt_utc(r.processing_at),
                shipped_at: opt_utc(r.shipped_at),
                delivered_at: opt_utc(r.delivered_at),
                completed_at: opt_utc(r.completed_at),
                cancelled_at: opt_utc(r.cancelled_at),
                refunded_at: opt_utc(r.refunded_at),
            },
        })
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = order_items)]
struct ItemRow {
    id: String,
    tenant_id: String,
    order_id: String,
    position: i32,
    product_id: i64,
    product_name: String,
    product_sku: Option<String>,
    quantity: i64,
    unit_price_minor: i64,
    total_price_minor: i64,
    created_at: NaiveDateTime,
    parent_product_id: Option<i64>,
    product_description: Option<String>,
    product_image_url: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = payments)]
struct PaymentRow {
    id: String,
    tenant_id: String,
    order_id: String,
    method: String,
    amount_minor: i64,
    currency: String,
    status: String,
    created_by: Option<String>,
    created_at: NaiveDateTime,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = order_status_history)]
struct HistoryRow {
    id: String,
    tenant_id: String,
    order_id: String,
    from_status: Option<String>,
    to_status: String,
    tracking_number: Option<String>,
    actor: Option<String>,
    reason: String,
    created_at: NaiveDateTime,
}

fn history_row(tenant: TenantId, c: &StatusChange) -> HistoryRow {
    HistoryRow {
        id: new_uuid_v7().to_string(),
        tenant_id: tenant.to_string(),
        order_id: c.order_id.to_string(),
        from_status: c.from.map(|s| s.as_str().to_owned()),
        to_status: c.to.as_str().to_owned(),
        tracking_number: c.tracking_number.clone(),
        actor: c.actor.clone(),
        reason: c.reason.clone(),
        created_at: ts(c.at),
    }
}

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last_value: i64,
}

impl OrderRepository for Tx<'_> {
    fn next_order_sequence(&mut self, tenant: TenantId, year: i32) -> Result<i64, StorageError> {
        let rows: Vec<Counter> = if matches!(*self.conn, DbConnection::Pg(_)) {
            // A sequence per merchant and year (see its migration): no lock held to commit, so
            // one merchant's orders do not queue on one row. A rolled-back order leaves a gap.
            diesel::sql_query("SELECT kedai_next_order_number($1, $2) AS last_value")
                .bind::<Text, _>(tenant.to_string())
                .bind::<Integer, _>(year)
                .load(self.conn)
                .map_err(storage_error)?
        } else {
            // SQLite serialises writers anyway: a counter row, bumped in the order's
            // transaction, gives numbers without gaps.
            diesel::sql_query(
                "INSERT INTO order_counters (tenant_id, year, last_value) VALUES ($1, $2, 1) \
                 ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = last_value + 1 \
                 RETURNING last_value",
            )
            .bind::<Text, _>(tenant.to_string())
            .bind::<Integer, _>(year)
            .load(self.conn)
            .map_err(storage_error)?
        };
        rows.first()
            .map(|c| c.last_value)
            .ok_or_else(|| corrupt("order counter missing"))
    }

    fn insert_order(
        &mut self,
        order: &Order,
        items: &[OrderItem],
        created: &StatusChange,
    ) -> Result<(), StorageError> {
        diesel::insert_into(orders::table)
            .values(OrderRow::from(order))
            .execute(self.conn)
            .map_err(storage_error)?;
        let rows = items
            .iter()
            .enumerate()
            .map(|(position, item)| {
                Ok(ItemRow {
                    id: item.id.to_string(),
                    tenant_id: order.tenant_id.to_string(),
                    order_id: order.id.to_string(),
                    position: i32::try_from(position).map_err(|_| corrupt("too many items"))?,
                    product_id: item.product_id.get(),
                    product_name: item.product_name.clone(),
                    product_sku: item.product_sku.clone(),
                    quantity: item.quantity,
                    unit_price_minor: item.unit_price.minor(),
                    total_price_minor: item.total_price.minor(),
                    created_at: ts(item.created_at),
                    parent_product_id: item.parent_product_id.map(ProductId::get),
                    product_description: item.product_description.clone(),
                    product_image_url: item.product_image_url.clone(),
                })
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        match &mut *self.conn {
            // PostgreSQL: every line in one statement, one round trip.
            DbConnection::Pg(pg) if !rows.is_empty() => {
                diesel::insert_into(order_items::table)
                    .values(&rows)
                    .execute(pg)
                    .map_err(storage_error)?;
            }
            DbConnection::Pg(_) => {}
            // SQLite runs in process: a statement per row costs no round trip.
            DbConnection::Sqlite(lite) => {
                for row in &rows {
                    diesel::insert_into(order_items::table)
                        .values(row)
                        .execute(lite)
                        .map_err(storage_error)?;
                }
            }
        }
        diesel::insert_into(order_status_history::table)
            .values(history_row(order.tenant_id, created))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn find_order(&mut self, tenant: TenantId, id: OrderId) -> Result<Option<Order>, StorageError> {
        orders::table
            .filter(orders::tenant_id.eq(tenant.to_string()))
            .filter(orders::id.eq(id.to_string()))
            .select(OrderRow::as_select())
            .first::<OrderRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Order::try_from)
            .transpose()
    }

    fn order_items(&mut self, order: &Order) -> Result<Vec<OrderItem>, StorageError> {
        self.items_of_orders(std::slice::from_ref(order))
    }

    fn find_order_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<Order>, StorageError> {
        orders::table
            .filter(orders::tenant_id.eq(tenant.to_string()))
            .filter(orders::order_number.eq(number))
            .select(OrderRow::as_select())
            .first::<OrderRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(Order::try_from)
            .transpose()
    }

    fn list_orders(
        &mut self,
        tenant: TenantId,
        filter: &OrderFilter,
        sort: OrderSort,
        page: Page,
    ) -> Result<(Vec<Order>, i64), StorageError> {
        let pg = matches!(*self.conn, DbConnection::Pg(_));
        let total = filtered_orders(pg, tenant, filter)
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let query = filtered_orders(pg, tenant, filter);
        let asc = sort.order == SortOrder::Asc;
        let query = match (sort.key, asc) {
            (SortKey::CreatedAt, true) => query.order((orders::created_at.asc(), orders::id.asc())),
            (SortKey::CreatedAt, false) => {
                query.order((orders::created_at.desc(), orders::id.desc()))
            }
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
            .load::<OrderRow>(self.conn)
            .map_err(storage_error)?;
        let orders = rows
            .into_iter()
            .map(Order::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((orders, total))
    }

    fn items_of_orders(&mut self, orders: &[Order]) -> Result<Vec<OrderItem>, StorageError> {
        let Some(first) = orders.first() else {
            return Ok(Vec::new());
        };
        let ids: Vec<String> = orders.iter().map(|o| o.id.to_string()).collect();
        let rows = order_items::table
            .filter(order_items::tenant_id.eq(first.tenant_id.to_string()))
            .filter(order_items::order_id.eq_any(ids))
            .order((order_items::order_id, order_items::position))
            .load::<ItemRow>(self.conn)
            .map_err(storage_error)?;
        rows.into_iter()
            .map(|r| {
                let order = orders
                    .iter()
                    .find(|o| o.id.to_string() == r.order_id)
                    .ok_or_else(|| corrupt("order item of another order"))?;
                let c = order.currency;
                Ok(OrderItem {
                    id: parse("order item id", &r.id)?,
                    order_id: order.id,
                    product_id: product_id(r.product_id)?,
                    parent_product_id: r.parent_product_id.map(product_id).transpose()?,
                    product_name: r.product_name,
                    product_sku: r.product_sku,
                    product_description: r.product_description,
                    product_image_url: r.product_image_url,
                    quantity: r.quantity,
                    unit_price: money(r.unit_price_minor, c),
                    total_price: money(r.total_price_minor, c),
                    created_at: utc(r.created_at),
                })
            })
            .collect()
    }

    fn order_customers(
        &mut self,
        tenant: TenantId,
        ids: &[String],
    ) -> Result<Vec<OrderCustomer>, StorageError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        customers::table
            .filter(customers::tenant_id.eq(tenant.to_string()))
            .filter(customers::id.eq_any(ids))
            .select((
                customers::id,
                customers::name,
                customers::email,
                customers::phone,
            ))
            .load::<(String, String, Option<String>, Option<String>)>(self.conn)
            .map_err(storage_error)
            .map(|rows| {
                rows.into_iter()
                    .map(|(id, name, email, phone)| OrderCustomer {
                        id,
                        name,
                        email,
                        phone,
                    })
                    .collect()
            })
    }

    fn update_order_fields(
        &mut self,
        o: &Order,
        expected: OrderStatus,
    ) -> Result<bool, StorageError> {
        let d = &o.details;
        let n = diesel::update(
            orders::table
                .filter(orders::tenant_id.eq(o.tenant_id.to_string()))
                .filter(orders::id.eq(o.id.to_string()))
                .filter(orders::status.eq(expected.as_str())),
        )
        .set((
            orders::shipping_fee_minor.eq(o.shipping_fee.minor()),
            orders::tax_amount_minor.eq(o.tax_amount.minor()),
            orders::discount_amount_minor.eq(o.discount_amount.minor()),
            orders::total_amount_minor.eq(o.total_amount.minor()),
            orders::tracking_number.eq(o.tracking_number.as_deref()),
            orders::contact_name.eq(d.contact_name.as_deref()),
            orders::contact_phone.eq(d.contact_phone.as_deref()),
            orders::contact_email.eq(d.contact_email.as_deref()),
            orders::shipping_method.eq(d.shipping_method.as_deref()),
            orders::shipping_address.eq(d.shipping_address.as_deref()),
            orders::payment_method.eq(d.payment_method.as_deref()),
            orders::notes.eq(d.notes.as_deref()),
            orders::special_instructions.eq(d.special_instructions.as_deref()),
            orders::coupon_id.eq(o.coupon.as_ref().and_then(|c| c.coupon_id.as_deref())),
            orders::coupon_code.eq(o.coupon.as_ref().map(|c| c.code.as_str())),
            orders::coupon_discount_minor.eq(o.coupon.as_ref().map_or(0, |c| c.discount.minor())),
            orders::updated_at.eq(ts(o.updated_at)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(n == 1)
    }

    fn transition(&mut self, tenant: TenantId, c: &StatusChange) -> Result<bool, StorageError> {
        let Some(from) = c.from else {
            return Err(corrupt("a status change without a from status"));
        };
        let target = orders::table
            .filter(orders::tenant_id.eq(tenant.to_string()))
            .filter(orders::id.eq(c.order_id.to_string()))
            .filter(orders::status.eq(from.as_str()));
        let at = ts(c.at);
        let status = orders::status.eq(c.to.as_str());
        let updated = orders::updated_at.eq(at);
        macro_rules! stamp {
            ($column:expr) => {
                diesel::update(target)
                    .set((status, updated, $column.eq(Some(at))))
                    .execute(self.conn)
            };
        }
        let rows = match c.to {
            OrderStatus::Pending => return Err(corrupt("no status moves back to pending")),
            OrderStatus::Confirmed => stamp!(orders::confirmed_at),
            OrderStatus::Paid => stamp!(orders::paid_at),
            OrderStatus::Processing => stamp!(orders::processing_at),
            OrderStatus::Shipped => diesel::update(target)
                .set((
                    status,
                    updated,
                    orders::shipped_at.eq(Some(at)),
                    orders::tracking_number.eq(c.tracking_number.as_deref()),
                ))
                .execute(self.conn),
            OrderStatus::Delivered => stamp!(orders::delivered_at),
            OrderStatus::Completed => stamp!(orders::completed_at),
            OrderStatus::Cancelled => stamp!(orders::cancelled_at),
            OrderStatus::Refunded => stamp!(orders::refunded_at),
        }
        .map_err(storage_error)?;
        if rows != 1 {
            return Ok(false);
        }
        diesel::insert_into(order_status_history::table)
            .values(history_row(tenant, c))
            .execute(self.conn)
            .map_err(storage_error)?;
        Ok(true)
    }

    fn status_history(
        &mut self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Vec<StatusChange>, StorageError> {
        order_status_history::table
            .filter(order_status_history::tenant_id.eq(tenant.to_string()))
            .filter(order_status_history::order_id.eq(id.to_string()))
            .order((order_status_history::created_at, order_status_history::id))
            .load::<HistoryRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|r| {
                Ok(StatusChange {
                    order_id: id,
                    from: r
                        .from_status
                        .as_deref()
                        .map(|s| parse("order status", s))
                        .transpose()?,
                    to: parse("order status", &r.to_status)?,
                    tracking_number: r.tracking_number,
                    actor: r.actor,
                    reason: r.reason,
                    at: utc(r.created_at),
                })
            })
            .collect()
    }

    fn record_payment(
        &mut self,
        p: &Payment,
        order_status: OrderStatus,
    ) -> Result<bool, StorageError> {
        // Guard first: a payment decided on a stale status, or for a total an edit has since
        // changed (every payment is for exactly the order total), must not be written at all.
        let touched = diesel::update(
            orders::table
                .filter(orders::tenant_id.eq(p.tenant_id.to_string()))
                .filter(orders::id.eq(p.order_id.to_string()))
                .filter(orders::status.eq(order_status.as_str()))
                .filter(orders::total_amount_minor.eq(p.amount.minor())),
        )
        .set((
            orders::payment_status.eq(Some(p.status.as_str())),
            orders::updated_at.eq(ts(p.created_at)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        if touched != 1 {
            return Ok(false);
        }
        diesel::insert_into(payments::table)
            .values(PaymentRow {
                id: p.id.to_string(),
                tenant_id: p.tenant_id.to_string(),
                order_id: p.order_id.to_string(),
                method: p.method.clone(),
                amount_minor: p.amount.minor(),
                currency: p.amount.currency().code().to_owned(),
                status: p.status.as_str().to_owned(),
                created_by: p.created_by.clone(),
                created_at: ts(p.created_at),
            })
            .execute(self.conn)
            .map(|_| true)
            .map_err(storage_error)
    }

    fn payments(&mut self, tenant: TenantId, id: OrderId) -> Result<Vec<Payment>, StorageError> {
        payments::table
            .filter(payments::tenant_id.eq(tenant.to_string()))
            .filter(payments::order_id.eq(id.to_string()))
            .order((payments::created_at, payments::id))
            .load::<PaymentRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(|r| {
                let c = currency(&r.currency)?;
                Ok(Payment {
                    id: parse("payment id", &r.id)?,
                    tenant_id: tenant,
                    order_id: id,
                    method: r.method,
                    amount: money(r.amount_minor, c),
                    status: parse("payment status", &r.status)?,
                    created_by: r.created_by,
                    created_at: utc(r.created_at),
                })
            })
            .collect()
    }

    fn order_facts(
        &mut self,
        tenant: TenantId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        day_starts: &[DateTime<Utc>],
    ) -> Result<Vec<OrderFact>, StorageError> {
        // Grouped in the database: a year of a busy merchant is a few hundred rows, not a
        // million. Day boundaries are instants Kedai computed (never input), written as
        // literals so the query carries one day per VALUES row on both backends.
        const GROUPED: &str = "o.status AS status, \
             CAST(CASE WHEN o.paid_at IS NULL THEN 0 ELSE 1 END AS INTEGER) AS paid, \
             CAST(COUNT(*) AS BIGINT) AS orders, \
             CAST(COALESCE(SUM(o.total_amount_minor), 0) AS BIGINT) AS total";
        let pg = matches!(self.conn, crate::db::DbConnection::Pg(_));
        let rows: Vec<FactRow> = if day_starts.is_empty() {
            diesel::sql_query(format!(
                "SELECT 0 AS day, {GROUPED} FROM orders o \
                 WHERE o.tenant_id = $1 AND o.created_at >= $2 AND o.created_at < $3 \
                 GROUP BY 2, 3"
            ))
            .bind::<Text, _>(tenant.to_string())
            .bind::<diesel::sql_types::Timestamp, _>(ts(from))
            .bind::<diesel::sql_types::Timestamp, _>(ts(to))
            .load(self.conn)
            .map_err(storage_error)?
        } else {
            let literal = |t: DateTime<Utc>| {
                let text = ts(t).format("%F %T%.f");
                if pg {
                    format!("TIMESTAMP '{text}'")
                } else {
                    format!("'{text}'")
                }
            };
            let mut days = String::new();
            for (i, start) in day_starts.iter().enumerate() {
                let end = day_starts.get(i + 1).copied().unwrap_or(to);
                if i > 0 {
                    days.push_str(", ");
                }
                days.push_str(&format!("({i}, {}, {})", literal(*start), literal(end)));
            }
            diesel::sql_query(format!(
                "WITH d(i, s, e) AS (VALUES {days}) \
                 SELECT d.i AS day, {GROUPED} FROM d JOIN orders o \
                 ON o.tenant_id = $1 AND o.created_at >= d.s AND o.created_at < d.e \
                 GROUP BY 1, 2, 3"
            ))
            .bind::<Text, _>(tenant.to_string())
            .load(self.conn)
            .map_err(storage_error)?
        };
        rows.into_iter()
            .map(|r| {
                let created_at = usize::try_from(r.day)
                    .ok()
                    .and_then(|d| day_starts.get(d).copied())
                    .unwrap_or(from);
                Ok(OrderFact {
                    created_at,
                    status: parse("order status", &r.status)?,
                    total_minor: r.total,
                    was_paid: r.paid != 0,
                    orders: r.orders,
                })
            })
            .collect()
    }

    fn open_orders_with_product(
        &mut self,
        tenant: TenantId,
        product: ProductId,
    ) -> Result<i64, StorageError> {
        let open: Vec<&str> = open_statuses()
            .into_iter()
            .map(OrderStatus::as_str)
            .collect();
        let holding = order_items::table
            .filter(order_items::tenant_id.eq(tenant.to_string()))
            .filter(order_items::product_id.eq(product.get()))
            .select(order_items::order_id);
        orders::table
            .filter(orders::tenant_id.eq(tenant.to_string()))
            .filter(orders::status.eq_any(open))
            .filter(orders::id.eq_any(holding))
            .count()
            .get_result(self.conn)
            .map_err(storage_error)
    }
}

/// One group of [`OrderFact`]s as the database hands it back.
#[derive(diesel::QueryableByName)]
struct FactRow {
    #[diesel(sql_type = Integer)]
    day: i32,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Integer)]
    paid: i32,
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
}
