//! Listing orders for the back office (002's `fetchOrdersWithPagination`): filters, search and
//! sort, as values the repository turns into one query.

use chrono::{DateTime, NaiveDate, Utc};
use kedai_core::TimeZone;

use crate::OrderStatus;

kedai_core::text_enum! {
    /// What a list is sorted by.
    pub enum SortKey ("a sort key: created_at, total_amount or order_number") {
        /// Creation time (default).
        CreatedAt = "created_at" | "createdAt",
        /// Order total.
        TotalAmount = "total_amount" | "totalAmount",
        /// Order number (year, then sequence).
        OrderNumber = "order_number" | "orderNumber",
    }
}

kedai_core::text_enum! {
    /// Sort direction.
    pub enum SortOrder ("asc or desc") {
        /// Smallest first.
        Asc = "asc" | "ASC",
        /// Largest first (default).
        Desc = "desc" | "DESC",
    }
}

/// Which orders to list. Every field narrows the list; empty means no restriction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderFilter {
    /// Any of these statuses.
    pub statuses: Vec<OrderStatus>,
    /// Created at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Of this outlet.
    pub outlet_id: Option<String>,
    /// Only orders of these outlets, or orders without an outlet (a cashier's scope).
    pub outlet_scope: Option<Vec<String>>,
    /// Of this customer.
    pub customer_id: Option<String>,
    /// Matches the order number, or the customer's or contact's name, e-mail or phone
    /// (case-insensitive substring).
    pub search: Option<String>,
}

impl OrderFilter {
    /// The search term, trimmed; `None` when there is none or it is blank.
    #[must_use]
    pub fn search_term(&self) -> Option<&str> {
        self.search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    /// How many matching orders the repository needs to count for [`list_total`]: all of
    /// them (`None`) for a list without a search, [`SEARCH_COUNT_CAP`]` + 1` for a search.
    #[must_use]
    pub fn count_limit(&self) -> Option<i64> {
        self.search_term().map(|_| SEARCH_COUNT_CAP + 1)
    }
}

/// How many matches of a search are counted for a list's total; past it, the total is given as
/// this many and marked as a lower bound ([`TotalRelation::Gte`]).
///
/// Why a cap: a search's page is cheap however many orders match (the newest twenty are found
/// through the indexes and the sort), but an exact count must visit every match, and a term
/// that a large share of orders contain (a common family name, a year of order numbers) matches
/// a hundred thousand orders of a large merchant: counting them takes longer than a second,
/// for a figure nobody pages through. Ten thousand is more than five hundred pages of the
/// largest page size, counts in a few milliseconds, and tells a back office "narrow your
/// search" just as well. Lists without a search count exactly: their filters are index ranges.
pub const SEARCH_COUNT_CAP: i64 = 10_000;

/// Whether a list's total is the exact number of matches or a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalRelation {
    /// Exactly this many match.
    Eq,
    /// At least this many match: a search counted up to [`SEARCH_COUNT_CAP`] and stopped.
    Gte,
}

/// The total a list reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListTotal {
    /// Orders matching (exact), or [`SEARCH_COUNT_CAP`] (a lower bound).
    pub count: i64,
    /// Which of the two `count` is.
    pub relation: TotalRelation,
}

impl ListTotal {
    /// An exact total.
    #[must_use]
    pub const fn exact(count: i64) -> Self {
        Self {
            count,
            relation: TotalRelation::Eq,
        }
    }
}

/// The total of a list with `filter`, from the `counted` matches: exact without a search; with
/// one, exact up to [`SEARCH_COUNT_CAP`], and past it the cap as a lower bound. `counted` may
/// have stopped at [`OrderFilter::count_limit`] or be the full count; both give the same total.
#[must_use]
pub fn list_total(filter: &OrderFilter, counted: i64) -> ListTotal {
    match filter.count_limit() {
        Some(_) if counted > SEARCH_COUNT_CAP => ListTotal {
            count: SEARCH_COUNT_CAP,
            relation: TotalRelation::Gte,
        },
        _ => ListTotal::exact(counted),
    }
}

/// The order of a list; ties are broken by creation time, then id, in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderSort {
    /// Sorted by.
    pub key: SortKey,
    /// Direction.
    pub order: SortOrder,
}

impl Default for OrderSort {
    fn default() -> Self {
        Self {
            key: SortKey::CreatedAt,
            order: SortOrder::Desc,
        }
    }
}

/// Why a date range was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("date_from must not be after date_to")]
pub struct InvertedRange;

/// A half-open span of instants; `None` leaves that end open.
pub type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The instants bounding local dates `from` to `to`, both inclusive, in `zone`: the start of
/// `from` and the start of the day after `to`.
///
/// # Errors
/// [`InvertedRange`] when `from` is after `to`.
pub fn local_date_range(
    zone: TimeZone,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Span, InvertedRange> {
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(InvertedRange);
    }
    Ok((
        from.map(|d| zone.start_of_day(d)),
        to.map(|d| zone.end_of_day(d)),
    ))
}

/// A search term as a SQL `LIKE` pattern matching it anywhere, lower-cased, with `\` escaping
/// the wildcards `%` and `_` and itself. `None` for a blank term.
#[must_use]
pub fn like_pattern(term: &str) -> Option<String> {
    let term = term.trim();
    if term.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    Some(out)
}

/// The customer shown with an order in lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCustomer {
    /// Customer id.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_names_accept_both_spellings() {
        assert_eq!("createdAt".parse::<SortKey>(), Ok(SortKey::CreatedAt));
        assert_eq!("total_amount".parse::<SortKey>(), Ok(SortKey::TotalAmount));
        assert_eq!("orderNumber".parse::<SortKey>(), Ok(SortKey::OrderNumber));
        assert!("price".parse::<SortKey>().is_err());
        assert_eq!("ASC".parse::<SortOrder>(), Ok(SortOrder::Asc));
        assert!("up".parse::<SortOrder>().is_err());
    }

    #[test]
    fn search_totals_are_capped_and_other_totals_exact() {
        let plain = OrderFilter::default();
        let search = OrderFilter {
            search: Some(" tan ".into()),
            ..OrderFilter::default()
        };
        let blank = OrderFilter {
            search: Some("   ".into()),
            ..OrderFilter::default()
        };
        assert_eq!(search.search_term(), Some("tan"));
        assert_eq!(blank.search_term(), None);
        assert_eq!(plain.count_limit(), None);
        assert_eq!(blank.count_limit(), None);
        assert_eq!(search.count_limit(), Some(SEARCH_COUNT_CAP + 1));
        // Without a search every total is exact, however large.
        assert_eq!(list_total(&plain, 1_000_000), ListTotal::exact(1_000_000));
        assert_eq!(list_total(&blank, 20_000), ListTotal::exact(20_000));
        // A search is exact up to the cap, a lower bound past it (stopped at the limit or not).
        assert_eq!(list_total(&search, 0), ListTotal::exact(0));
        assert_eq!(
            list_total(&search, SEARCH_COUNT_CAP),
            ListTotal::exact(SEARCH_COUNT_CAP)
        );
        let capped = ListTotal {
            count: SEARCH_COUNT_CAP,
            relation: TotalRelation::Gte,
        };
        assert_eq!(list_total(&search, SEARCH_COUNT_CAP + 1), capped);
        assert_eq!(list_total(&search, 125_000), capped);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("  ORD-2026 ").as_deref(), Some("%ord-2026%"));
        assert_eq!(
            like_pattern("50%_off\\").as_deref(),
            Some("%50\\%\\_off\\\\%")
        );
        assert_eq!(like_pattern("   "), None);
    }

    #[test]
    fn date_ranges_cover_whole_local_days() {
        let zone: TimeZone = "Asia/Kuala_Lumpur"
            .parse()
            .unwrap_or_else(|e| panic!("{e:?}"));
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or_else(|e| panic!("{e}"));
        let (from, to) = local_date_range(zone, Some(d("2026-10-01")), Some(d("2026-10-31")))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            from.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-09-30T16:00:00+00:00")
        );
        assert_eq!(
            to.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-10-31T16:00:00+00:00")
        );
        assert_eq!(
            local_date_range(zone, Some(d("2026-10-02")), Some(d("2026-10-01"))),
            Err(InvertedRange)
        );
        assert_eq!(local_date_range(zone, None, None), Ok((None, None)));
    }
}
