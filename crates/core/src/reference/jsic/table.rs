//! The bundled JSIC table, parsed once from `data/reference/jsic.tsv` (compiled into the binary).

use std::sync::OnceLock;

use super::{JsicMajor, JsicMiddle};
use crate::reference::bundled;

const SOURCE: &str = include_str!("../../../../../data/reference/jsic.tsv");

/// The 20 majors and 99 middles in code order.
#[derive(Debug, Default)]
pub(super) struct Table {
    pub(super) majors: Vec<JsicMajor>,
    pub(super) middles: Vec<JsicMiddle>,
}

pub(super) fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Table::default();
        for line in data_lines() {
            match parse_line(line) {
                Some(Line::Major(major)) => table.majors.push(major),
                Some(Line::Middle(middle)) => table.middles.push(middle),
                None => {}
            }
        }
        table
    })
}

/// One data line: a major (`A<TAB>農業、林業`) or a middle (`01<TAB>A<TAB>農業`).
#[derive(Debug)]
pub(super) enum Line {
    Major(JsicMajor),
    Middle(JsicMiddle),
}

/// The record lines of the bundled file.
pub(super) fn data_lines() -> impl Iterator<Item = &'static str> {
    bundled::data_lines(SOURCE)
}

/// `None` for a line of neither shape (a test checks that every bundled line parses).
pub(super) fn parse_line(line: &'static str) -> Option<Line> {
    let fields: Vec<&'static str> = line.split('\t').collect();
    match fields.as_slice() {
        [letter, name] => Some(Line::Major(JsicMajor {
            letter: single_uppercase(letter)?,
            name,
        })),
        [code, major, name] if code.len() == 2 => Some(Line::Middle(JsicMiddle {
            code: code.parse().ok()?,
            major: single_uppercase(major)?,
            name,
        })),
        _ => None,
    }
}

fn single_uppercase(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_uppercase() => Some(c),
        _ => None,
    }
}
