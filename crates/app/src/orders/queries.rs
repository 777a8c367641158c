//! Reading orders the way the back office does (002's OrderApiService): filtered, searched and
//! sorted pages, by number, a customer's orders, items, and the overview and trend.

use crate::Entity;
use chrono::{DateTime, Days, NaiveDate, Utc};
use kedai_core::{Currency, Page};
use kedai_identity::Permission;
use kedai_identity::Tenant;
use kedai_orders::query::{ListTotal, list_total};
use kedai_orders::{
    MAX_TREND_DAYS, Order, OrderCustomer, OrderFilter, OrderItem, OrderOverview, OrderSort,
    OrderStatus, TrendDay, local_date_range, overview, trend,
};

use crate::orders::{OrderView, load_view, visible};
use crate::{Actor, AppError, UnitOfWork};

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct OrderListQuery {
    /// Any of these statuses (none: all).
    pub statuses: Vec<OrderStatus>,
    /// First local date of creation, in the merchant's time zone.
    pub date_from: Option<NaiveDate>,
    /// Last local date of creation, inclusive.
    pub date_to: Option<NaiveDate>,
    /// Of this outlet.
    pub outlet_id: Option<String>,
    /// Of this customer.
    pub customer_id: Option<String>,
    /// Search over the order number and the customer's or contact's name, e-mail and phone.
    pub search: Option<String>,
    /// Order of the list.
    pub sort: OrderSort,
}

/// An order as listed: with its items and customer.
#[derive(Debug, Clone)]
pub struct OrderListItem {
    /// The order (its payment status included).
    pub order: Order,
    /// Its lines.
    pub items: Vec<OrderItem>,
    /// Its customer, when it has one of the merchant's.
    pub customer: Option<OrderCustomer>,
}

/// An instant after every order, that both databases store and compare as a timestamp.
fn far_future() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::UNIX_EPOCH, |t| t.and_utc())
}

fn date_range_error(e: kedai_orders::InvertedRange) -> AppError {
    AppError::invalid("date_from", e.to_string())
}

/// One page of orders and the number matching: exact, or for a search at most
/// [`kedai_orders::query::SEARCH_COUNT_CAP`] and then marked as a lower bound. The same
/// handful of queries whatever the page size: the page, the count, the items of the page and
/// its customers.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`] (`date_from` after `date_to`).
pub fn list_orders(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    query: &OrderListQuery,
    page: Page,
) -> Result<(Vec<OrderListItem>, ListTotal), AppError> {
    actor.require(Permission::OrdersRead)?;
    let (created_from, created_before) =
        local_date_range(tenant.time_zone, query.date_from, query.date_to)
            .map_err(date_range_error)?;
    let filter = OrderFilter {
        statuses: query.statuses.clone(),
        created_from,
        created_before,
        outlet_id: query.outlet_id.clone(),
        outlet_scope: crate::orders::scope::outlet_scope(tx, actor)?,
        customer_id: query.customer_id.clone(),
        search: query.search.clone(),
    };
    let (orders, counted) = tx.list_orders(actor.tenant, &filter, query.sort, page)?;
    let total = list_total(&filter, counted);
    let items = tx.items_of_orders(&orders)?;
    let mut customer_ids: Vec<String> = orders
        .iter()
        .filter_map(|o| o.details.customer_id.clone())
        .collect();
    customer_ids.sort();
    customer_ids.dedup();
    let customers = tx.order_customers(actor.tenant, &customer_ids)?;
    let listed = orders
        .into_iter()
        .map(|order| OrderListItem {
            items: items
                .iter()
                .filter(|i| i.order_id == order.id)
                .cloned()
                .collect(),
            customer: order
                .details
                .customer_id
                .as_ref()
                .and_then(|id| customers.iter().find(|c| &c.id == id).cloned()),
            order,
        })
        .collect();
    Ok((listed, total))
}

/// A customer's orders, newest first (002's `getOrderByUserId`, paged).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`] (customer).
pub fn customer_orders(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    customer_id: &str,
    page: Page,
) -> Result<(Vec<OrderListItem>, ListTotal), AppError> {
    actor.require(Permission::OrdersRead)?;
    if tx
        .order_customers(actor.tenant, &[customer_id.to_owned()])?
        .is_empty()
    {
        return Err(AppError::not_found(Entity::Customer, customer_id));
    }
    let query = OrderListQuery {
        customer_id: Some(customer_id.to_owned()),
        ..OrderListQuery::default()
    };
    list_orders(tx, actor, tenant, &query, page)
}

/// One order by its number, with items, payments and history.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn order_by_number(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    number: &str,
) -> Result<OrderView, AppError> {
    actor.require(Permission::OrdersRead)?;
    let order = tx
        .find_order_by_number(actor.tenant, number.trim())?
        .ok_or_else(|| AppError::not_found(Entity::Order, number))?;
    let order = visible(tx, actor, order)?;
    load_view(tx, actor, order)
}

/// An order's lines (002's `fetchOrderItems`), with the order they belong to (their status and
/// discount follow it).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
pub fn order_items(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: kedai_orders::OrderId,
) -> Result<(Order, Vec<OrderItem>), AppError> {
    actor.require(Permission::OrdersRead)?;
    let order = crate::orders::require_order(tx, actor, id)?;
    let items = tx.order_items(&order)?;
    Ok((order, items))
}

/// The overview of orders created between two local dates (both optional, inclusive).
#[derive(Debug, Clone)]
pub struct Overview {
    /// Currency of the amounts.
    pub currency: Currency,
    /// The figures.
    pub figures: OrderOverview,
}

/// 002's `getOrderSummary`: counts and revenue of the orders created in the range.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`] (`date_from` after `date_to`).
pub fn order_overview(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    date_from: Option<NaiveDate>,
    date_to: Option<NaiveDate>,
) -> Result<Overview, AppError> {
    actor.require(Permission::ReportsRead)?;
    let (from, before) =
        local_date_range(tenant.time_zone, date_from, date_to).map_err(date_range_error)?;
    let facts = tx.order_facts(
        actor.tenant,
        from.unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
        before.unwrap_or(far_future()),
        &[],
    )?;
    Ok(Overview {
        currency: tenant.currency,
        figures: overview(&facts),
    })
}

/// A daily series for charts.
#[derive(Debug, Clone)]
pub struct Trend {
    /// Currency of the amounts.
    pub currency: Currency,
    /// First local date.
    pub from: NaiveDate,
    /// Last local date.
    pub to: NaiveDate,
    /// Every day, oldest first, empty days included.
    pub days: Vec<TrendDay>,
}

/// How many days a trend covers when no start is given.
pub const DEFAULT_TREND_DAYS: u64 = 30;

/// 002's `getOrderTrendAnalysis`: orders and revenue per local day, from `date_from` (default:
/// 29 days before `date_to`) to `date_to` (default: today), at most [`MAX_TREND_DAYS`] days.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`] (inverted or too long a range).
pub fn order_trend(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    tenant: &Tenant,
    date_from: Option<NaiveDate>,
    date_to: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Trend, AppError> {
    actor.require(Permission::ReportsRead)?;
    let to = date_to.unwrap_or_else(|| tenant.time_zone.local_date(now));
    let from = match date_from {
        Some(d) => d,
        None => to
            .checked_sub_days(Days::new(DEFAULT_TREND_DAYS - 1))
            .ok_or_else(|| AppError::invalid("date_to", "out of range"))?,
    };
    let (start, end) =
        local_date_range(tenant.time_zone, Some(from), Some(to)).map_err(date_range_error)?;
    if (to - from).num_days() >= MAX_TREND_DAYS {
        return Err(AppError::invalid(
            "date_from",
            format!("a trend covers at most {MAX_TREND_DAYS} days"),
        ));
    }
    let facts = tx.order_facts(
        actor.tenant,
        start.unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
        end.unwrap_or(far_future()),
        &kedai_orders::day_starts(from, to, tenant.time_zone),
    )?;
    Ok(Trend {
        currency: tenant.currency,
        from,
        to,
        days: trend(from, to, tenant.time_zone, &facts),
    })
}
