//! 和暦: the Japanese era calendar, read from the way notices are written and shown beside 西暦.
//!
//! Public notices give deadlines as 「令和8年3月24日（火曜日）」, often with full-width digits
//! or 元年; pages show 「2026年3月24日（令和8年）」. Only the modern eras matter for programs.

use time::{Date, Month};

/// An era with the first day it was in force.
struct Era {
    name: &'static str,
    first_day: (i32, u8, u8),
}

/// Newest first, so the first era whose first day is on or before a date is its era.
const ERAS: &[Era] = &[
    Era {
        name: "令和",
        first_day: (2019, 5, 1),
    },
    Era {
        name: "平成",
        first_day: (1989, 1, 8),
    },
    Era {
        name: "昭和",
        first_day: (1926, 12, 25),
    },
];

fn era_first_date(era: &Era) -> Date {
    let (y, m, d) = era.first_day;
    Month::try_from(m)
        .ok()
        .and_then(|m| Date::from_calendar_date(y, m, d).ok())
        .unwrap_or(Date::MIN)
}

/// 「令和8年」 (「令和元年」 for the first year); dates before 昭和 get 西暦 only.
pub fn era_year_label(date: Date) -> String {
    match ERAS.iter().find(|era| era_first_date(era) <= date) {
        Some(era) => {
            let n = date.year() - era.first_day.0 + 1;
            if n == 1 {
                format!("{}元年", era.name)
            } else {
                format!("{}{}年", era.name, n)
            }
        }
        None => format!("{}年", date.year()),
    }
}

/// 「2026年3月24日（令和8年）」: the form every page uses for a date.
pub fn format_date(date: Date) -> String {
    format!(
        "{}年{}月{}日（{}）",
        date.year(),
        u8::from(date.month()),
        date.day(),
        era_year_label(date)
    )
}

/// The first 和暦 date in free text such as 「申請期限：令和8年3月24日（火曜日）」.
///
/// Full-width digits and 元年 are understood. Returns `None` when no valid date is found,
/// so that callers can report the record instead of guessing.
pub fn find_date(text: &str) -> Option<Date> {
    let text: String = text.chars().map(fold_digit).collect();
    ERAS.iter()
        .flat_map(|era| text.match_indices(era.name).map(move |(at, _)| (at, era)))
        .filter_map(|(at, era)| parse_after_era(&text[at + era.name.len()..], era))
        .next()
}

fn fold_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}

/// Reads 「8年3月24日」 or 「元年5月1日」 right after an era name.
fn parse_after_era(rest: &str, era: &Era) -> Option<Date> {
    let rest = rest.trim_start();
    let (year, rest) = if let Some(r) = rest.strip_prefix("元") {
        (1, r)
    } else {
        take_number(rest)?
    };
    let rest = rest.trim_start().strip_prefix('年')?;
    let (month, rest) = take_number(rest.trim_start())?;
    let rest = rest.trim_start().strip_prefix('月')?;
    let (day, rest) = take_number(rest.trim_start())?;
    rest.trim_start().strip_prefix('日')?;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(era.first_day.0 + year - 1, month, u8::try_from(day).ok()?)
        .ok()?;
    (date >= era_first_date(era)).then_some(date)
}

/// A run of 1 to 4 ASCII digits at the start of `s`, and what follows it.
pub(crate) fn take_number(s: &str) -> Option<(i32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 || end > 4 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_jnet21_deadline_is_read_from_its_wareki_text() {
        let text = "…支援します。\n\n申請期限：令和8年3月24日（火曜日）\n\n申込方法ほか";
        assert_eq!(find_date(text), Some(date!(2026 - 03 - 24)));
    }

    #[test]
    fn full_width_digits_and_gannen_are_understood() {
        assert_eq!(find_date("令和元年５月１日"), Some(date!(2019 - 05 - 01)));
        assert_eq!(
            find_date("平成３１年４月３０日まで"),
            Some(date!(2019 - 04 - 30))
        );
    }

    #[test]
    fn impossible_dates_are_not_guessed() {
        assert_eq!(find_date("令和8年2月30日"), None);
        assert_eq!(
            find_date("令和元年4月1日"),
            None,
            "令和 began on 1 May 2019"
        );
        assert_eq!(find_date("随時受付"), None);
    }

    #[test]
    fn dates_are_shown_in_seireki_with_wareki_beside() {
        assert_eq!(
            format_date(date!(2026 - 03 - 24)),
            "2026年3月24日（令和8年）"
        );
        assert_eq!(
            format_date(date!(2019 - 05 - 01)),
            "2019年5月1日（令和元年）"
        );
        assert_eq!(
            format_date(date!(2019 - 04 - 30)),
            "2019年4月30日（平成31年）"
        );
    }
}
