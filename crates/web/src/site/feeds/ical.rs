//! Closing dates as an iCalendar file (RFC 5545): one all-day event per program on the day it
//! closes, so that a business sees 「締切：…」 in the calendar it already uses.
//!
//! Written by hand because the rules that matter are few and exact: CRLF line ends, lines
//! folded at 75 octets without splitting a UTF-8 character, and TEXT values escaped.

use madoguchi_core::calendar::wareki::format_date;
use madoguchi_core::program::Program;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::site::view::issuer_label;

/// RFC 5545 §3.1: a content line is at most 75 octets before its line break.
const MAX_LINE_OCTETS: usize = 75;

/// The calendar `name`d for the given (program, closing date) pairs, in the order given.
///
/// `base` is the site's absolute URL (see `feeds::site_base`); program links and event UIDs
/// are made from it. `now` is the calendar's DTSTAMP.
pub fn deadlines_calendar(
    name: &str,
    base: &str,
    items: &[(&Program, Date)],
    now: OffsetDateTime,
) -> String {
    let host = host_of(base);
    let stamp = now
        .to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let mut out = String::with_capacity(512 + items.len() * 768);
    let mut line = |text: String| push_folded(&mut out, &text);
    line("BEGIN:VCALENDAR".to_owned());
    line("VERSION:2.0".to_owned());
    line("PRODID:-//madoguchi//deadlines//JA".to_owned());
    line("CALSCALE:GREGORIAN".to_owned());
    line("METHOD:PUBLISH".to_owned());
    line(format!("X-WR-CALNAME:{}", escape_text(name)));
    line("X-WR-TIMEZONE:Asia/Tokyo".to_owned());
    for &(program, closes) in items {
        let url = format!("{base}/programs/{}", program.id);
        line("BEGIN:VEVENT".to_owned());
        line(format!("UID:{}-{}@{host}", program.id, basic_date(closes)));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", basic_date(closes)));
        line(format!(
            "DTEND;VALUE=DATE:{}",
            basic_date(closes.saturating_add(Duration::DAY))
        ));
        line(format!(
            "SUMMARY:{}",
            escape_text(&format!("締切：{}", program.title))
        ));
        line(format!(
            "DESCRIPTION:{}",
            escape_text(&description(program, closes, &url))
        ));
        line(format!("URL:{url}"));
        line("TRANSP:TRANSPARENT".to_owned());
        line("END:VEVENT".to_owned());
    }
    line("END:VCALENDAR".to_owned());
    out
}

/// What a business needs beside the date: what the program is, who runs it, how much, and
/// where to read more.
fn description(p: &Program, closes: Date, url: &str) -> String {
    let mut lines = Vec::new();
    if !p.summary.trim().is_empty() {
        lines.push(p.summary.trim().to_owned());
    }
    lines.push(format!("締切：{}", closing_label(p, closes)));
    lines.push(format!("発行元：{}", issuer_label(p)));
    if let Some(max) = p.amount.max {
        lines.push(format!("上限額：{max}"));
    }
    let rate = p
        .amount
        .rate_text
        .clone()
        .or_else(|| p.amount.rate.map(|r| r.to_string()));
    if let Some(rate) = rate {
        lines.push(format!("補助率：{rate}"));
    }
    lines.push(format!("詳しくは：{url}"));
    lines.join("\n")
}

/// 「2026年3月31日（令和8年）17時00分まで」 when the round states a time, else the date.
fn closing_label(p: &Program, closes: Date) -> String {
    let time = p
        .rounds
        .iter()
        .filter_map(|r| r.closes())
        .find(|c| c.date() == closes)
        .map(|c| c.as_offset().time())
        .filter(|t| (t.hour(), t.minute()) != (23, 59));
    match time {
        Some(t) => format!(
            "{}{}時{:02}分まで",
            format_date(closes),
            t.hour(),
            t.minute()
        ),
        None => format!("{}まで", format_date(closes)),
    }
}

/// `20260331`.
fn basic_date(date: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `madoguchi.example.jp:8080` from `https://madoguchi.example.jp:8080/…`.
fn host_of(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped;
/// other control characters, which TEXT cannot carry, dropped.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no physical line exceeds 75 octets, each
/// continuation starting with a space, never inside a UTF-8 character; ends with CRLF.
pub(crate) fn push_folded(out: &mut String, line: &str) {
    let mut octets = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if octets + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        push_folded(&mut out, line);
        out
    }

    #[test]
    fn folded_lines_stay_within_75_octets_and_unfold_to_the_original() {
        let samples = [
            format!("SUMMARY:締切：{}", "小規模事業者持続化補助金".repeat(12)),
            format!("DESCRIPTION:{}", "a€🍵あ".repeat(40)),
            "X".repeat(75),
            "X".repeat(76),
            String::new(),
        ];
        for line in &samples {
            let out = folded(line);
            assert!(out.ends_with("\r\n"));
            let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
            for (i, part) in physical.iter().enumerate() {
                assert!(
                    part.len() <= MAX_LINE_OCTETS,
                    "{} octets: {part}",
                    part.len()
                );
                assert_eq!(
                    i > 0,
                    part.starts_with(' '),
                    "continuation marker on {part}"
                );
            }
            // A line is only broken when the next character would not fit.
            for pair in physical.windows(2) {
                let next = pair[1][1..].chars().next().unwrap();
                assert!(pair[0].len() + next.len_utf8() > MAX_LINE_OCTETS);
            }
            assert_eq!(&out.replace("\r\n ", "").trim_end_matches("\r\n"), line);
        }
        assert_eq!(folded(&"X".repeat(75)).matches("\r\n").count(), 1);
        assert_eq!(folded(&"X".repeat(76)).matches("\r\n").count(), 2);
    }

    #[test]
    fn text_values_escape_separators_and_line_breaks() {
        assert_eq!(escape_text("A,B;C\\D\r\nE\u{7}"), "A\\,B\\;C\\\\D\\nE");
    }
}
