//! The application window of a J-Net21 notice, read from the labelled lines of its summary.
//!
//! Summaries state the window on a line of its own: 「申請期限：令和8年3月24日（火曜日）」,
//! 「公募期間：令和8年3月4日（水曜日）から4月14日（火曜日）まで」, 「受付期間：2026年4月2日（木）正午まで」,
//! or under a label with the ranges on the following lines. Lines about briefing sessions
//! (「開催日時」 and everything after it, 「申込期限」 for the session) and consultations are
//! not the window. 和暦 dates are read by [`wareki::find_date`]; a date without a year
//! (「～5月22日」) takes the year of the date before it on the same line. Nothing is guessed:
//! a summary without such a line has no window.

use time::{Date, Month};

use crate::calendar::wareki::{self, take_number as number};
use crate::text::fold::half_width;

/// The first and last day of a window; either may be unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Window {
    pub opens: Option<Date>,
    pub closes: Option<Date>,
}

const WINDOW_LABELS: &[&str] = &["期限", "期間", "締切", "締め切り", "受付開始"];
const OTHER_LABELS: &[&str] = &[
    "開催",
    "事前相談",
    "予約",
    "実施期間",
    "事業期間",
    "説明会",
    "相談",
];
const RANGE_MARKS: &[&str] = &["から", "～", "〜", "~"];

/// The window a summary states, if it states one.
pub(super) fn window_in(summary: &str) -> Window {
    let lines: Vec<&str> = summary.lines().map(str::trim).collect();
    let mut found = Window::default();
    for (i, line) in lines.iter().enumerate() {
        let Some((label, value)) = line.split_once('：').or_else(|| line.split_once(':')) else {
            continue;
        };
        if label.contains("開催") {
            // What follows describes the briefing session, not the program.
            break;
        }
        let is_window = label.chars().count() <= 20
            && WINDOW_LABELS.iter().any(|w| label.contains(w))
            && !OTHER_LABELS.iter().any(|o| label.contains(o));
        if !is_window {
            continue;
        }
        let value = if value.trim().is_empty() {
            // 「申請受付期間：」 with the ranges on the lines below, up to a blank line.
            lines[i + 1..]
                .iter()
                .take_while(|l| !l.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            value.to_owned()
        };
        let window = read_value(&value);
        found.opens = found.opens.or(window.opens);
        if window.closes.is_some() {
            found.closes = window.closes;
            found.opens = window.opens.or(found.opens);
            break;
        }
    }
    found
}

/// A range 「A から B」 opens at the first date and closes at the last; 「A から」 only opens;
/// dates without a range mark are deadlines, and the last of them counts (「窓口は…、郵送は…」).
fn read_value(value: &str) -> Window {
    let dates = dates_in(value);
    let Some(&(first, first_end)) = dates.first() else {
        return Window::default();
    };
    let ranged = RANGE_MARKS.iter().any(|m| value[first_end..].contains(m));
    let last = dates.last().map(|&(d, _)| d);
    match (ranged, dates.len()) {
        (true, 1) => Window {
            opens: Some(first),
            closes: None,
        },
        (true, _) => Window {
            opens: Some(first),
            closes: last,
        },
        (false, _) => Window {
            opens: None,
            closes: last,
        },
    }
}

/// Every date in the text with the byte offset where it ends.
fn dates_in(text: &str) -> Vec<(Date, usize)> {
    let mut dates: Vec<(Date, usize)> = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let previous_year = dates.last().map(|(d, _)| d.year());
        match date_at(rest, previous_year) {
            Some((date, len)) => {
                dates.push((date, at + len));
                at += len;
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    dates
}

/// A date that starts exactly at the beginning of `text`, and its length in bytes.
fn date_at(text: &str, previous_year: Option<i32>) -> Option<(Date, usize)> {
    // A date ends at its first 「日」; cutting there keeps find_date from reaching a later one.
    let end = text.find('日')? + '日'.len_utf8();
    let candidate = &text[..end];
    if candidate.chars().count() > 20 {
        return None;
    }
    if candidate.starts_with("令和") || candidate.starts_with("平成") {
        return wareki::find_date(candidate).map(|d| (d, end));
    }
    let folded: String = candidate.chars().map(half_width).collect();
    let (first, rest) = number(&folded)?;
    let (year, month, day, rest) = if let Some(rest) = rest.strip_prefix('年') {
        let (month, rest) = number(rest.strip_prefix(' ').unwrap_or(rest))?;
        let (day, rest) = number(rest.strip_prefix('月')?)?;
        (first, month, day, rest)
    } else {
        let (day, rest) = number(rest.strip_prefix('月')?)?;
        (previous_year?, first, day, rest)
    };
    if rest != "日" || !(1990..=2100).contains(&year) {
        return None;
    }
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    Some((date, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn window(summary: &str) -> (Option<Date>, Option<Date>) {
        let w = window_in(summary);
        (w.opens, w.closes)
    }

    #[test]
    fn a_deadline_line_gives_the_closing_day() {
        let summary = "【八頭町】（鳥取県）…支援します。\n\n申請期限：令和8年3月24日（火曜日）\n\n申込方法ほか詳細情報は、「詳細情報を見る」からご確認下さい。";
        assert_eq!(window(summary), (None, Some(date!(2026 - 03 - 24))));
        assert_eq!(
            window("受付期間：令和8年3月31日まで（1次募集期間）"),
            (None, Some(date!(2026 - 03 - 31)))
        );
    }

    #[test]
    fn a_range_opens_and_closes_and_a_missing_year_is_carried_over() {
        assert_eq!(
            window("公募期間：令和8年3月4日（水曜日）から4月14日（火曜日）まで（消印有効）"),
            (Some(date!(2026 - 03 - 04)), Some(date!(2026 - 04 - 14)))
        );
        assert_eq!(
            window("公募期間：2026年3月6日（金）から5月12日（火）午後5時まで"),
            (Some(date!(2026 - 03 - 06)), Some(date!(2026 - 05 - 12)))
        );
        assert_eq!(
            window("受付期間：令和8年4月13日（月曜日）から同年6月30日（火曜日）（当日消印有効）"),
            (Some(date!(2026 - 04 - 13)), Some(date!(2026 - 06 - 30)))
        );
    }

    #[test]
    fn ranges_on_the_lines_below_a_bare_label_are_read() {
        let summary = "申請受付期間：\n通常枠　令和8年3月23日（月曜）から令和8年5月27日（水曜）17時まで\n複数事業者連携枠　令和8年3月23日（月曜）から令和8年6月10日（水曜）17時まで\n\n申請方法ほか";
        assert_eq!(
            window(summary),
            (Some(date!(2026 - 03 - 23)), Some(date!(2026 - 06 - 10)))
        );
    }

    #[test]
    fn briefing_sessions_and_consultations_are_not_the_window() {
        let summary = "受付期間：2026年4月2日（木）正午まで\n開催日時：2026年3月11日（水）14時30分～16時00分\n申込期限：2026年3月10日（火）15時";
        assert_eq!(window(summary), (None, Some(date!(2026 - 04 - 02))));
        let summary = "事前相談の予約申込受付期間：令和8年3月16日（月）～5月13日（水）17時\n申請期限：令和8年5月22日（金）13時　必着";
        assert_eq!(window(summary), (None, Some(date!(2026 - 05 - 22))));
    }

    #[test]
    fn an_opening_without_an_end_is_kept_alone() {
        assert_eq!(
            window("申請期間：令和8年3月10日（火）から開始し、予算上限に達し次第締め切り（予定）"),
            (Some(date!(2026 - 03 - 10)), None)
        );
        let summary = "受付開始：令和8年4月1日（火曜日）から\n申請期限：窓口は令和8年5月29日（金曜日）17時まで、郵送は令和8年5月31日（日曜日）消印有効";
        assert_eq!(
            window(summary),
            (Some(date!(2026 - 04 - 01)), Some(date!(2026 - 05 - 31)))
        );
    }

    #[test]
    fn text_without_a_dated_window_line_has_no_window() {
        assert_eq!(window("申請期間：随時申請受付しています。"), (None, None));
        assert_eq!(
            window("令和8年3月23日（月曜日）午前11時から/有明町民センター"),
            (None, None)
        );
        assert_eq!(
            window("申請期限：3月27日まで"),
            (None, None),
            "no year to carry over"
        );
    }
}
