//! Page-number paging shared by list endpoints.

/// A validated page request: 1-based page number and a page size of 1 to [`Page::MAX_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    page: u32,
    limit: u32,
}

/// A page request outside the allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// Page numbers start at 1.
    #[error("page must be 1 or more")]
    Page,
    /// Page size out of range.
    #[error("limit must be between 1 and {max}")]
    Limit {
        /// The largest page size.
        max: u32,
    },
}

impl Page {
    /// The largest page size a caller may ask for.
    pub const MAX_LIMIT: u32 = 100;
    /// The page size when none is given.
    pub const DEFAULT_LIMIT: u32 = 20;

    /// Validates a page request; `None` takes the defaults.
    ///
    /// # Errors
    /// [`PageError`] when the page is 0 or the limit is 0 or above [`Page::MAX_LIMIT`].
    pub fn new(page: Option<i64>, limit: Option<i64>) -> Result<Self, PageError> {
        let page = page.unwrap_or(1);
        let limit = limit.unwrap_or(i64::from(Self::DEFAULT_LIMIT));
        let page = u32::try_from(page)
            .ok()
            .filter(|p| *p >= 1)
            .ok_or(PageError::Page)?;
        let limit = u32::try_from(limit)
            .ok()
            .filter(|l| (1..=Self::MAX_LIMIT).contains(l))
            .ok_or(PageError::Limit {
                max: Self::MAX_LIMIT,
            })?;
        Ok(Self { page, limit })
    }

    /// The 1-based page number.
    #[must_use]
    pub const fn page(self) -> u32 {
        self.page
    }

    /// The page size.
    #[must_use]
    pub const fn limit(self) -> u32 {
        self.limit
    }

    /// Rows to skip.
    #[must_use]
    pub fn offset(self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        let p = Page::new(None, None).map(|p| (p.page(), p.limit(), p.offset()));
        assert_eq!(p, Ok((1, 20, 0)));
        assert_eq!(Page::new(Some(3), Some(10)).map(Page::offset), Ok(20));
        assert_eq!(Page::new(Some(0), None), Err(PageError::Page));
        assert_eq!(Page::new(Some(-1), None), Err(PageError::Page));
        assert!(Page::new(None, Some(0)).is_err());
        assert!(Page::new(None, Some(101)).is_err());
        assert!(Page::new(None, Some(100)).is_ok());
    }
}
