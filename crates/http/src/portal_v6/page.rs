//! The portal's paged lists: a bare array in `data`, paging in a top-level `meta` (the FavCRM
//! client ignores it).

use kedai_core::Page;
use serde::Serialize;
use utoipa::ToSchema;

/// Paging of a list, for clients that want it (the FavCRM client ignores it).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Matching rows in all pages.
    pub total: i64,
    /// Pages.
    pub total_pages: i64,
    /// A later page exists.
    pub has_next: bool,
    /// An earlier page exists.
    pub has_prev: bool,
}

/// The `meta` of a paged list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// Paging.
    pub pagination: Pagination,
}

/// A bare-array list with its paging beside it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalPage<T> {
    /// Always true.
    pub success: bool,
    /// This page.
    pub data: Vec<T>,
    /// Paging.
    pub meta: ListMeta,
}

/// A bare-array page of `data` with its paging: the portal's paged list.
pub(crate) fn paged<T: Serialize>(data: Vec<T>, page: Page, total: i64) -> PortalPage<T> {
    PortalPage {
        success: true,
        data,
        meta: ListMeta {
            pagination: pagination(page, total),
        },
    }
}

fn pagination(page: Page, total: i64) -> Pagination {
    let limit = i64::from(page.limit());
    let total_pages = (total + limit - 1) / limit;
    Pagination {
        page: page.page(),
        limit: page.limit(),
        total,
        total_pages,
        has_next: i64::from(page.page()) < total_pages,
        has_prev: page.page() > 1,
    }
}
