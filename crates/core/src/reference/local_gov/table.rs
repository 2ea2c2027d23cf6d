//! The bundled table of local governments, parsed once from `data/reference/local_gov.tsv`
//! (compiled into the binary), with an index from folded names to rows.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{LocalGov, LocalGovKind};
use crate::reference::LocalGovCode;
use crate::reference::bundled;
use crate::text::fold::name_key;

const SOURCE: &str = include_str!("../../../../../data/reference/local_gov.tsv");

/// Every row in code order, the parent designated city of each ward, and the name index.
#[derive(Debug)]
pub(super) struct Table {
    pub(super) govs: Vec<LocalGov>,
    parents: Vec<Option<usize>>,
    has_wards: Vec<bool>,
    by_name: HashMap<String, Vec<usize>>,
}

/// One line of the data file before the table links rows together.
#[derive(Debug)]
pub(super) struct Row {
    pub(super) gov: LocalGov,
    pub(super) parent: Option<LocalGovCode>,
    pub(super) aliases: Vec<&'static str>,
}

pub(super) fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table::new(data_lines().filter_map(parse_row).collect()))
}

/// The record lines of the bundled file.
pub(super) fn data_lines() -> impl Iterator<Item = &'static str> {
    bundled::data_lines(SOURCE)
}

/// `code, kind, prefecture, name, kana, parent code, aliases joined by |`; `None` for a line
/// that does not have that shape (a test checks that every bundled line parses).
pub(super) fn parse_row(line: &'static str) -> Option<Row> {
    let fields: Vec<&'static str> = line.split('\t').collect();
    let [code, kind, prefecture_name, name, kana, parent, aliases] = fields.as_slice() else {
        return None;
    };
    let kind = match *kind {
        "prefecture" => LocalGovKind::Prefecture,
        "city" => LocalGovKind::City,
        "special_ward" => LocalGovKind::SpecialWard,
        "ward" => LocalGovKind::Ward,
        "town" => LocalGovKind::Town,
        "village" => LocalGovKind::Village,
        _ => return None,
    };
    let parent = match *parent {
        "" => None,
        raw => Some(LocalGovCode::parse(raw).ok()?),
    };
    Some(Row {
        gov: LocalGov {
            code: LocalGovCode::parse(code).ok()?,
            kind,
            prefecture_name,
            name,
            kana,
        },
        parent,
        aliases: aliases.split('|').filter(|a| !a.is_empty()).collect(),
    })
}

impl Table {
    fn new(mut rows: Vec<Row>) -> Self {
        rows.sort_by_key(|row| row.gov.code);
        let govs: Vec<LocalGov> = rows.iter().map(|row| row.gov.clone()).collect();
        let index_of = |code: LocalGovCode| govs.binary_search_by_key(&code, |g| g.code).ok();
        let parents: Vec<Option<usize>> = rows
            .iter()
            .map(|row| row.parent.and_then(index_of))
            .collect();
        let mut has_wards = vec![false; govs.len()];
        for &parent in parents.iter().flatten() {
            has_wards[parent] = true;
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            let parent = parents[i].map(|p| &govs[p]);
            for key in name_keys(&row.gov, parent, &row.aliases) {
                let hits = by_name.entry(name_key(&key)).or_default();
                if !hits.contains(&i) {
                    hits.push(i);
                }
            }
        }
        Self {
            govs,
            parents,
            has_wards,
            by_name,
        }
    }

    /// The position of a code in the table.
    pub(super) fn position(&self, code: LocalGovCode) -> Option<usize> {
        self.govs.binary_search_by_key(&code, |g| g.code).ok()
    }

    /// The designated city a ward belongs to.
    pub(super) fn parent_of(&self, code: LocalGovCode) -> Option<&LocalGov> {
        let parent = self.parents.get(self.position(code)?).copied().flatten()?;
        self.govs.get(parent)
    }

    /// True for a designated city: a row that wards name as their parent.
    pub(super) fn has_wards(&self, code: LocalGovCode) -> bool {
        self.position(code)
            .and_then(|i| self.has_wards.get(i).copied())
            .unwrap_or(false)
    }

    /// The wards whose parent is the row at `code`, in code order.
    pub(super) fn wards_of(&self, code: LocalGovCode) -> impl Iterator<Item = &LocalGov> {
        let position = self.position(code);
        self.parents
            .iter()
            .zip(&self.govs)
            .filter(move |(parent, _)| position.is_some() && **parent == position)
            .map(|(_, gov)| gov)
    }

    /// Every row known under this name, in code order.
    pub(super) fn named(&self, name: &str) -> impl Iterator<Item = &LocalGov> {
        self.by_name
            .get(&name_key(name))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.govs.get(i))
    }
}

/// The names a row is found by: its own name, a ward's name without its city (「中区」),
/// the spellings Japan Post uses (「八頭郡八頭町」), a prefecture without 都・府・県, and each
/// of these after the prefecture's name.
fn name_keys(gov: &LocalGov, parent: Option<&LocalGov>, aliases: &[&str]) -> Vec<String> {
    let mut bare: Vec<&str> = vec![gov.name];
    if let Some(city) = parent {
        bare.extend(gov.name.strip_prefix(city.name));
    }
    bare.extend(aliases);
    if gov.kind == LocalGovKind::Prefecture {
        bare.extend(super::prefecture_short_name(gov.name));
        return bare.into_iter().map(str::to_owned).collect();
    }
    bare.iter()
        .flat_map(|name| [(*name).to_owned(), format!("{}{name}", gov.prefecture_name)])
        .collect()
}
