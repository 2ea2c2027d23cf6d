//! The fiscal year (年度) of a program, read from its title or else from when it opens.
//!
//! Titles name the budget year: 「【令和8年度】」, 「令和７年度補正」, 「R8年度第1回」,
//! 「2026年度」. One year named is taken as the program's; none, or several different ones
//! (「【令和７年度補正予算・令和８年度】」), leave the year to the opening date.

use time::Date;

use crate::calendar::FiscalYear;
use crate::calendar::wareki::{self, take_number};
use crate::text::fold::half_width;

/// The one fiscal year a title names, else the one `opens` falls in.
pub(crate) fn fiscal_year(title: &str, opens: Option<Date>) -> Option<FiscalYear> {
    let named = years_named(title);
    match named.as_slice() {
        [one] => Some(*one),
        _ => opens.map(FiscalYear::containing),
    }
}

/// Every distinct fiscal year the text names, in order.
fn years_named(text: &str) -> Vec<FiscalYear> {
    let chars: Vec<char> = text.chars().map(half_width).collect();
    let mut years = Vec::new();
    for start in 0..chars.len() {
        let rest: String = chars[start..].iter().collect();
        let year = if let Some(r) = rest.strip_prefix("令和") {
            era_year("令和", r)
        } else if let Some(r) = rest.strip_prefix("平成") {
            era_year("平成", r)
        } else if let Some(r) = rest.strip_prefix('R') {
            era_year("令和", r)
        } else if start == 0 || !chars[start - 1].is_ascii_digit() {
            western_year(&rest)
        } else {
            None
        };
        if let Some(y) = year
            && !years.contains(&y)
        {
            years.push(y);
        }
    }
    years
}

/// 「8年度」 or 「元年度」 after an era name, converted through the calendar's own era table.
fn era_year(era: &str, rest: &str) -> Option<FiscalYear> {
    let (number, rest) = match rest.strip_prefix('元') {
        Some(r) => ("元".to_owned(), r),
        None => take_number(rest).map(|(n, r)| (n.to_string(), r))?,
    };
    rest.strip_prefix("年度")?;
    // December of the era year always lies in the fiscal year that began that April.
    let december = wareki::find_date(&format!("{era}{number}年12月1日"))?;
    Some(FiscalYear::containing(december))
}

/// 「2026年度」.
fn western_year(rest: &str) -> Option<FiscalYear> {
    let (year, after) = take_number(rest)?;
    // Four digits exactly: 「12026年度」 is caught by the caller, 「026年度」 here.
    if rest.len() - after.len() != 4 || !after.starts_with("年度") {
        return None;
    }
    FiscalYear::new(i64::from(year)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn year(title: &str, opens: Option<Date>) -> Option<u16> {
        fiscal_year(title, opens).map(FiscalYear::year)
    }

    #[test]
    fn the_one_year_a_title_names_is_taken() {
        assert_eq!(
            year("【令和８年度】ＰＣＢ汚染変圧器高効率化補助金", None),
            Some(2026)
        );
        assert_eq!(year("R8年度第1回 インキュベーション施設", None), Some(2026));
        assert_eq!(
            year("2026年度「海外出願支援事業」（2次募集）", None),
            Some(2026)
        );
        assert_eq!(
            year(
                "休廃止鉱山鉱害防止等工事費補助金（令和７年度補正）",
                Some(date!(2026 - 03 - 25))
            ),
            Some(2025)
        );
        assert_eq!(year("令和元年度の事業", None), Some(2019));
    }

    #[test]
    fn several_years_or_none_leave_it_to_the_opening_date() {
        let title = "【令和７年度補正予算・令和８年度】二酸化炭素排出抑制対策事業費等補助金";
        assert_eq!(year(title, Some(date!(2026 - 06 - 22))), Some(2026));
        assert_eq!(
            year("エイジフレンドリー補助金", Some(date!(2026 - 03 - 20))),
            Some(2025)
        );
        assert_eq!(year("エイジフレンドリー補助金", None), None);
        assert_eq!(
            year("令和８度誰もが楽しめる", None),
            None,
            "a typo names no year"
        );
    }
}
