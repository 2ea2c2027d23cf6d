//! Which page of a console list to show: the `page` a link asked for, read leniently and
//! kept within the pages there are, and the offset of its first row, so that every list
//! pages alike.

/// One page of a list of `total` rows, `per_page` to a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageWindow {
    /// 1-based, within `1..=pages`.
    pub page: u64,
    /// At least 1, even for an empty list.
    pub pages: u64,
    /// Rows before this page.
    pub offset: u64,
}

impl PageWindow {
    /// The page `requested` names (`"2"`, ` 3 `); a missing, unreadable or out-of-range
    /// number shows the nearest page there is.
    pub(crate) fn of(total: u64, per_page: u32, requested: Option<&str>) -> Self {
        let per_page = u64::from(per_page.max(1));
        let pages = total.div_ceil(per_page).max(1);
        let page = requested
            .and_then(|p| p.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .clamp(1, pages);
        Self {
            page,
            pages,
            offset: (page - 1) * per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_read_leniently_and_kept_within_the_list() {
        assert_eq!(
            PageWindow::of(101, 50, Some(" 2 ")),
            PageWindow {
                page: 2,
                pages: 3,
                offset: 50
            }
        );
        assert_eq!(PageWindow::of(101, 50, Some("99")).page, 3);
        assert_eq!(PageWindow::of(101, 50, Some("0")).page, 1);
        assert_eq!(PageWindow::of(101, 50, Some("次")).page, 1);
        assert_eq!(
            PageWindow::of(0, 50, None),
            PageWindow {
                page: 1,
                pages: 1,
                offset: 0
            }
        );
    }
}
