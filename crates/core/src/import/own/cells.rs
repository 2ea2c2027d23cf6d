//! How each part of a program is written in one CSV cell, and read back exactly.
//!
//! Cells are meant to be read and typed by staff in Excel: lists one item per line, times as
//! JST wall-clock 「2026-03-31 23:59:59」, amounts as plain digits (「1,000,000円」 is accepted),
//! 「全国」 and 「全業種」 for no restriction. A cell that Excel would take for a formula is written
//! with a leading apostrophe, which reading removes again.

use time::Date;
use time::macros::format_description;

use crate::calendar::{DayEdge, FiscalYear, JstDateTime};
use crate::program::{ApplicationRound, RequiredDocument, Yen};

/// The cell for no restriction on areas.
pub(super) const NATIONWIDE: &str = "全国";
/// The cell for no restriction on industries.
pub(super) const ALL_INDUSTRIES: &str = "全業種";

/// One item per line.
pub(super) fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join("\n")
}

/// The non-blank lines of a cell, trimmed (Excel may write 「\r\n」 inside a cell).
pub(super) fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// A cell that starts like a formula (or with the apostrophe that marks one) gets an apostrophe.
pub(super) fn protect(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Undoes [`protect`].
pub(super) fn unprotect(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// `None` for a blank cell, else the cell as is.
pub(super) fn text(cell: &str) -> Option<String> {
    (!cell.trim().is_empty()).then(|| cell.to_owned())
}

pub(super) fn yen(cell: &str) -> Result<Option<Yen>, String> {
    let digits: String = cell
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '円'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    let value: i64 = digits.parse().map_err(|_| {
        format!(
            "「{}」を金額として読み取れません。円単位の数字で入力してください（例：1000000）。",
            cell.trim()
        )
    })?;
    Yen::new(value).map(Some).map_err(|e| e.to_string())
}

/// 「2026-03-31 23:59:59」, JST; RFC 3339 where the instant has a fraction of a second.
pub(super) fn time(at: JstDateTime) -> String {
    let wall = at.as_offset();
    if wall.nanosecond() != 0 {
        return at.to_rfc3339();
    }
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    wall.format(&format).unwrap_or_else(|_| at.to_rfc3339())
}

pub(super) fn parse_time(cell: &str, edge: DayEdge) -> Result<Option<JstDateTime>, String> {
    match cell.trim() {
        "" => Ok(None),
        raw => JstDateTime::parse(&from_excel(raw), edge)
            .map(Some)
            .map_err(|e| e.to_string()),
    }
}

/// Excel saves dates it recognised as 「2026/4/1」 or 「2026/4/1 9:05」; this gives the ISO form.
fn from_excel(raw: &str) -> String {
    let (day, clock) = raw.split_once(' ').unwrap_or((raw, ""));
    let parts: Vec<&str> = day.split('/').collect();
    let [y, m, d] = parts.as_slice() else {
        return raw.to_owned();
    };
    let pad = |s: &str| format!("{:0>2}", s.trim());
    let day = format!("{}-{}-{}", y.trim(), pad(m), pad(d));
    let clock: Vec<String> = clock
        .split(':')
        .filter(|s| !s.trim().is_empty())
        .map(pad)
        .collect();
    match clock.len() {
        0 => day,
        2 => format!("{day} {}:00", clock.join(":")),
        _ => format!("{day} {}", clock.join(":")),
    }
}

pub(super) fn date(day: Date) -> String {
    let format = format_description!("[year]-[month]-[day]");
    day.format(&format).unwrap_or_default()
}

pub(super) fn parse_date(cell: &str) -> Result<Option<Date>, String> {
    match cell.trim() {
        "" => Ok(None),
        raw => Date::parse(
            &from_excel(raw),
            format_description!("[year]-[month]-[day]"),
        )
        .map(Some)
        .map_err(|_| {
            format!("日付「{raw}」を読み取れません。「2026-03-31」の形で入力してください。")
        }),
    }
}

/// 「2026」; 「2026年度」 and 「2026年度（令和8年度）」 are read too.
pub(super) fn parse_fiscal_year(cell: &str) -> Result<Option<FiscalYear>, String> {
    let raw = cell.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
    let year: i64 = digits.parse().map_err(|_| {
        format!("年度「{raw}」を読み取れません。西暦の年（例：2026）で入力してください。")
    })?;
    FiscalYear::new(year).map(Some).map_err(|e| e.to_string())
}

/// One line per round: 「第1回：2026-04-01 00:00:00 〜 2026-05-22 23:59:59」; either end may be
/// left out, the label too.
pub(super) fn rounds(rounds: &[ApplicationRound]) -> String {
    let lines: Vec<String> = rounds
        .iter()
        .map(|r| {
            let range = format!(
                "{} 〜 {}",
                r.opens().map(time).unwrap_or_default(),
                r.closes().map(time).unwrap_or_default()
            );
            match r.label() {
                Some(label) => format!("{label}：{}", range.trim()),
                None => range.trim().to_owned(),
            }
        })
        .collect();
    list(lines.iter().map(String::as_str))
}

/// One document per line: its name, or (for one with more than a name) the document as one
/// line of JSON, so that the checklist survives a trip through Excel.
pub(super) fn documents(documents: &[RequiredDocument]) -> String {
    documents
        .iter()
        .map(|d| {
            if d.is_name_only() {
                d.name().to_owned()
            } else {
                serde_json::to_string(d).unwrap_or_else(|_| d.name().to_owned())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads what `documents` writes; a line that starts with 「{」 is a document in JSON.
pub(super) fn parse_documents(cell: &str) -> Result<Vec<RequiredDocument>, String> {
    items(cell)
        .map(|line| {
            if line.starts_with('{') {
                serde_json::from_str(line).map_err(|e| format!("「{line}」：{e}"))
            } else {
                RequiredDocument::named(line).map_err(|e| e.to_string())
            }
        })
        .collect()
}

pub(super) fn parse_rounds(cell: &str) -> Result<Vec<ApplicationRound>, String> {
    items(cell)
        .map(|line| {
            let (left, closes) = line
                .rsplit_once(['〜', '～', '~'])
                .ok_or_else(|| format!("受付期間「{line}」に「〜」がありません。「2026-04-01 〜 2026-05-22」の形で入力してください。"))?;
            let (label, opens) = left.rsplit_once('：').map_or((None, left), |(l, o)| (Some(l), o));
            ApplicationRound::new(
                label.map(str::to_owned),
                parse_time(opens, DayEdge::Start)?,
                parse_time(closes, DayEdge::End)?,
            )
            .map_err(|e| e.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_survive_a_round_trip_unharmed() {
        for cell in ["=SUM(A1)", "-5", "'quoted", "普通の文字", ""] {
            let written = protect(cell.to_owned());
            assert!(!written.starts_with(['=', '-']), "{written}");
            assert_eq!(unprotect(&written), cell);
        }
    }

    #[test]
    fn amounts_accept_separators_and_refuse_words() {
        assert_eq!(yen("1,000,000円").unwrap(), Some(Yen::from_u64(1_000_000)));
        assert_eq!(yen(" ").unwrap(), None);
        assert!(yen("百万円").unwrap_err().contains("百万円"));
        assert!(yen("-100").unwrap_err().contains("負の値"));
    }

    #[test]
    fn rounds_are_written_and_read_back() {
        let cell = "第1回：2026-04-01 00:00:00 〜 2026-05-22 23:59:59\n〜 2026-09-30 17:00:00";
        let read = parse_rounds(cell).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].label(), Some("第1回"));
        assert_eq!(read[1].opens(), None);
        assert_eq!(rounds(&read), cell);
        let bare = parse_rounds("2026-04-01 ～ 2026-05-22").unwrap();
        assert_eq!(
            bare[0].closes().unwrap().to_rfc3339(),
            "2026-05-22T23:59:59+09:00"
        );
    }

    #[test]
    fn a_round_that_closes_before_it_opens_is_refused_with_the_model_text() {
        let err = parse_rounds("2026-05-01 〜 2026-04-01").unwrap_err();
        assert!(err.starts_with("受付終了日時"), "{err}");
        assert!(parse_rounds("2026-05-01").unwrap_err().contains("〜"));
    }

    #[test]
    fn dates_and_times_as_excel_saves_them_are_read() {
        let at = parse_time("2026/5/22 9:05", DayEdge::End).unwrap().unwrap();
        assert_eq!(at.to_rfc3339(), "2026-05-22T09:05:00+09:00");
        let closes = parse_time("2026/5/22", DayEdge::End).unwrap().unwrap();
        assert_eq!(closes.to_rfc3339(), "2026-05-22T23:59:59+09:00");
        assert_eq!(
            parse_date("2026/3/1").unwrap(),
            Some(time::macros::date!(2026 - 03 - 01))
        );
        assert_eq!(time(closes), "2026-05-22 23:59:59");
    }

    #[test]
    fn fiscal_years_are_read_from_their_western_year() {
        assert_eq!(
            parse_fiscal_year("2026年度（令和8年度）")
                .unwrap()
                .unwrap()
                .year(),
            2026
        );
        assert_eq!(parse_fiscal_year("").unwrap(), None);
        assert!(parse_fiscal_year("令和8年度").is_err());
    }
}
