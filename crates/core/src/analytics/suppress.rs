//! Small counts are not shown: a cell under five reads 「5未満」 on the page and in every
//! CSV file, since in a small town a count of one or two can name the business behind it.

/// Counts below this are shown as [`SUPPRESSED`].
pub const SUPPRESS_BELOW: u64 = 5;

/// What a suppressed cell says.
pub const SUPPRESSED: &str = "5未満";

/// A search's words are listed only when searched at least this often in the period: a
/// word typed once may be a person's or a business's name, so rarer words are only counted
/// (how many were left out), never shown, on the page or in the CSV file.
pub const MIN_WORD_SEARCHES: u64 = 5;

/// A count as staff may see it: `1,234`, or 「5未満」 under five (zero included).
pub fn shown(n: u64) -> String {
    if n < SUPPRESS_BELOW {
        return SUPPRESSED.to_owned();
    }
    crate::japanese_amount::with_separators(n)
}

/// `part` as a percentage of `whole` (`"42.5%"`), or 「—」 when either count is suppressed
/// or `whole` is zero: a rate of two small counts would give them away.
pub fn rate_shown(part: u64, whole: u64) -> String {
    if part < SUPPRESS_BELOW || whole < SUPPRESS_BELOW {
        return "—".to_owned();
    }
    let per_mille = part.saturating_mul(1000) / whole;
    format!("{}.{}%", per_mille / 10, per_mille % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_under_five_are_never_shown() {
        for n in 0..5 {
            assert_eq!(shown(n), "5未満", "{n}");
        }
        assert_eq!(shown(5), "5");
        assert_eq!(shown(999), "999");
        assert_eq!(shown(1000), "1,000");
        assert_eq!(shown(1_234_567), "1,234,567");
    }

    #[test]
    fn a_rate_of_a_suppressed_count_is_not_shown_either() {
        assert_eq!(rate_shown(4, 100), "—");
        assert_eq!(rate_shown(50, 4), "—");
        assert_eq!(rate_shown(50, 0), "—");
        assert_eq!(rate_shown(5, 8), "62.5%");
        assert_eq!(rate_shown(10, 10), "100.0%");
    }
}
