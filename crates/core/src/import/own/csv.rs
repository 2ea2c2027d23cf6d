//! The CSV form of the own format: one program per row, Japanese column names, Excel-friendly.
//!
//! Columns may come in any order and all but the required ones may be left out (a CSV typed
//! by hand needs only those); an unknown or repeated column name is refused so that a typo
//! does not drop data silently. Blank rows are ignored. A bad row is reported with its line
//! number and ID and the problem in the model's own words; the other rows are still read.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::ops::ControlFlow;
use std::rc::Rc;

use csv::{ReaderBuilder, StringRecord, Terminator, WriterBuilder};

use super::cells::{self, ALL_INDUSTRIES, NATIONWIDE};
use super::checks::checked;
use crate::calendar::DayEdge;
use crate::import::batch::{Filer, Outcome};
use crate::import::json::from_record;
use crate::import::text::open;
use crate::import::{ImportBatch, ImportError, ImportReport, MAX_RECORD_BYTES};
use crate::program::{
    Amount, CodeSet, EmployeeBand, GovLevel, Issuer, ModelError, OfficialUrl, Program, ProgramId,
    ProgramKind, ProgramStatus, Purpose, Source, SourceKind, SubsidyRate, TargetAreas,
    TargetIndustries, Title,
};
use crate::reference::{JsicCode, LocalGovCode, local_gov};

/// The header row, in the order the columns are written.
pub const COLUMNS: [&str; 33] = [
    "ID",
    "制度名",
    "概要",
    "種類",
    "発行元区分",
    "発行元コード",
    "発行元名",
    "担当部署",
    "利用目的",
    "対象業種",
    "対象地域",
    "従業員数",
    "上限額",
    "下限額",
    "補助率",
    "補助率（原文）",
    "金額（原文）",
    "受付期間",
    "年度",
    "受付状況",
    "公式URL",
    "問い合わせ先",
    "必要書類",
    "出典",
    "出典ID",
    "取得日時",
    "最終確認日",
    "確認した資料（JSON）",
    "備考",
    "詳細",
    "対象条件（JSON）",
    "確認事例（JSON）",
    "版",
];

/// Columns a row cannot do without.
pub const REQUIRED_COLUMNS: [&str; 8] = [
    "ID",
    "制度名",
    "種類",
    "発行元区分",
    "発行元名",
    "対象業種",
    "対象地域",
    "受付状況",
];

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The programs as CSV: UTF-8 with a BOM, CRLF line ends, a header row of [`COLUMNS`].
pub fn to_csv(programs: &[Program]) -> Vec<u8> {
    let mut writer = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(UTF8_BOM.to_vec());
    // Writing into memory cannot fail: the only errors csv reports come from the writer.
    writer
        .write_record(COLUMNS)
        .expect("writing CSV into memory");
    for program in programs {
        writer
            .write_record(row_of(program).map(cells::protect))
            .expect("writing CSV into memory");
    }
    writer.into_inner().expect("writing CSV into memory")
}

/// Reads a CSV file of programs.
pub fn parse_csv(bytes: &[u8]) -> Result<ImportBatch, ImportError> {
    ImportBatch::collect(|sink| read_csv(open(bytes)?.reader, sink))
}

/// Reads a CSV file row by row (the reader past any BOM), handing each program to `sink`.
/// A row longer than [`MAX_RECORD_BYTES`] is refused before it is read whole.
pub(super) fn read_csv(
    reader: impl Read,
    sink: &mut dyn FnMut(Program) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    let limited = RowLimit::new(reader);
    let row_start = limited.row_start.clone();
    let read_so_far = limited.read.clone();
    let mut reader = ReaderBuilder::new().flexible(true).from_reader(limited);
    let headers = reader.headers().map_err(csv_error)?.clone();
    let columns = column_positions(&headers)?;
    let mut filer = Filer::new(sink);
    let mut record = StringRecord::new();
    let mut rows = 0usize;
    loop {
        rows += 1;
        row_start.set(read_so_far.get());
        let more = reader.read_record(&mut record).map_err(|e| {
            if read_so_far.get() - row_start.get() > MAX_RECORD_BYTES {
                ImportError::RecordTooLarge {
                    position: rows,
                    limit_mib: MAX_RECORD_BYTES / (1024 * 1024),
                }
            } else {
                csv_error(e)
            }
        })?;
        if !more {
            break;
        }
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let row = Row {
            record: &record,
            columns: &columns,
        };
        let line = record.position().map_or(0, csv::Position::line);
        let label = match row.get("ID").trim() {
            "" => format!("{line}行目"),
            id => format!("{line}行目（ID: {id}）"),
        };
        let outcome = if record.len() != headers.len() {
            Outcome::Invalid(format!(
                "列の数（{}）が見出し行（{}）と合いません。セルの中のカンマや改行が引用符（\"）で囲まれているか確認してください。",
                record.len(),
                headers.len()
            ))
        } else {
            row.program()
                .and_then(checked)
                .map(|(program, warnings)| Outcome::imported(program, warnings))
                .into()
        };
        if filer.record(label, outcome).is_break() {
            return Err(ImportError::Interrupted);
        }
    }
    Ok(filer.finish())
}

/// Counts what the CSV reader takes, and refuses to give it more once one row has taken
/// more than [`MAX_RECORD_BYTES`]: the reader would otherwise grow its row without end.
struct RowLimit<R> {
    inner: R,
    read: Rc<Cell<u64>>,
    row_start: Rc<Cell<u64>>,
}

impl<R> RowLimit<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            read: Rc::default(),
            row_start: Rc::default(),
        }
    }
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.read.get();
        if read - self.row_start.get() > MAX_RECORD_BYTES {
            return Err(std::io::Error::other("row too large"));
        }
        let n = self.inner.read(buf)?;
        self.read.set(read + n as u64);
        Ok(n)
    }
}

fn csv_error(e: csv::Error) -> ImportError {
    ImportError::Csv {
        line: e.position().map_or(0, csv::Position::line),
        detail: "CSVとして読み取れません。ファイルが壊れていないか確認してください。".to_owned(),
    }
}

/// Where each known column is; refuses unknown, repeated and missing required columns.
fn column_positions(headers: &StringRecord) -> Result<HashMap<&'static str, usize>, ImportError> {
    let mut positions = HashMap::new();
    for (i, header) in headers.iter().enumerate() {
        let header = header.trim();
        let Some(&known) = COLUMNS.iter().find(|c| **c == header) else {
            return Err(ImportError::CsvHeader(format!(
                "「{header}」という列は使えません。使える列名：{}",
                COLUMNS.join("、")
            )));
        };
        if positions.insert(known, i).is_some() {
            return Err(ImportError::CsvHeader(format!(
                "「{known}」の列が2つあります。1つにしてください。"
            )));
        }
    }
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| !positions.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::CsvHeader(format!(
            "必要な列「{}」がありません。1行目に列名を入れてください。",
            missing.join("」「")
        )));
    }
    Ok(positions)
}

fn row_of(p: &Program) -> [String; 33] {
    let industries = match &p.industries {
        TargetIndustries::All => ALL_INDUSTRIES.to_owned(),
        TargetIndustries::Only(codes) => lines(codes.iter().map(|c| format!("{c} {}", c.name()))),
    };
    let areas = match &p.areas {
        TargetAreas::Nationwide => NATIONWIDE.to_owned(),
        TargetAreas::Local(codes) => lines(codes.iter().map(|c| {
            local_gov(*c).map_or_else(|| c.to_string(), |g| format!("{c} {}", g.full_name()))
        })),
    };
    let or_blank = |value: Option<String>| value.unwrap_or_default();
    [
        p.id.to_string(),
        p.title.to_string(),
        p.summary.clone(),
        p.kind.label().to_owned(),
        p.issuer.level().label().to_owned(),
        or_blank(p.issuer.code().map(|c| c.to_string())),
        p.issuer.name().to_owned(),
        or_blank(p.issuer.institution().map(str::to_owned)),
        cells::list(p.purposes.iter().map(|p| p.label())),
        industries,
        areas,
        or_blank(p.employees.map(|e| e.label().to_owned())),
        or_blank(p.amount.max.map(|y| y.get().to_string())),
        or_blank(p.amount.min.map(|y| y.get().to_string())),
        or_blank(p.amount.rate.map(|r| r.to_string())),
        or_blank(p.amount.rate_text.clone()),
        or_blank(p.amount.text.clone()),
        cells::rounds(&p.rounds),
        or_blank(p.fiscal_year.map(|y| y.year().to_string())),
        p.status.label().to_owned(),
        or_blank(p.official_url.as_ref().map(ToString::to_string)),
        or_blank(p.contact.clone()),
        cells::documents(&p.documents),
        p.source.kind.label().to_owned(),
        or_blank(p.source.external_id.clone()),
        or_blank(p.source.fetched_at.map(cells::time)),
        or_blank(p.last_verified.map(cells::date)),
        if p.verified_against.is_empty() {
            String::new()
        } else {
            compact_json(&p.verified_against)
        },
        or_blank(p.note.clone()),
        p.detail.clone(),
        or_blank(p.rule.as_ref().map(compact_json)),
        if p.test_cases.is_empty() {
            String::new()
        } else {
            compact_json(&p.test_cases)
        },
        p.version.to_string(),
    ]
}

/// Rules and test cases are trees; a cell holds them as one line of JSON.
fn compact_json(value: &impl serde::Serialize) -> String {
    // Rules and test cases are maps, lists, strings and numbers: serialising cannot fail.
    serde_json::to_string(value).expect("a rule always serialises to JSON")
}

/// A JSON cell read into `T`, with the position of a syntax error.
fn json_cell<T: serde::de::DeserializeOwned>(cell: &str) -> Result<T, String> {
    let value: serde_json::Value = serde_json::from_str(cell).map_err(|e| {
        format!(
            "JSONとして読み取れません（{}文字目）。括弧・引用符・カンマを確認してください。",
            e.column()
        )
    })?;
    from_record(value)
}

fn lines(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    cells::list(items.iter().map(String::as_str))
}

/// One data row with its column positions.
struct Row<'a> {
    record: &'a StringRecord,
    columns: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    /// The cell of a column as typed (apostrophe protection removed); blank if the column is absent.
    fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map_or("", cells::unprotect)
    }

    /// Reads a cell, naming the column in the error.
    fn read<T>(
        &self,
        column: &str,
        read: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        read(self.get(column)).map_err(|e| format!("{column}：{e}"))
    }

    /// A cell that may be blank (`None`), else parsed by the model.
    fn optional<T>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, ModelError>,
    ) -> Result<Option<T>, String> {
        self.read(column, |cell| match cell.trim() {
            "" => Ok(None),
            value => parse(value).map(Some).map_err(|e| e.to_string()),
        })
    }

    /// A cell that must not be blank.
    fn required(&self, column: &str) -> Result<&str, String> {
        match self.get(column) {
            cell if cell.trim().is_empty() => {
                Err(format!("「{column}」が空です。入力してください。"))
            }
            cell => Ok(cell),
        }
    }

    fn program(&self) -> Result<Program, String> {
        let model = |e: ModelError| e.to_string();
        let issuer = Issuer::new(
            GovLevel::parse(self.required("発行元区分")?).map_err(model)?,
            self.optional("発行元コード", LocalGovCode::parse)?,
            self.required("発行元名")?,
            cells::text(self.get("担当部署")),
        )
        .map_err(model)?;
        Ok(Program {
            id: ProgramId::parse(self.get("ID")).map_err(model)?,
            title: Title::parse(self.get("制度名")).map_err(model)?,
            summary: self.get("概要").to_owned(),
            detail: self.get("詳細").to_owned(),
            kind: ProgramKind::parse(self.required("種類")?).map_err(model)?,
            issuer,
            purposes: self.read("利用目的", |cell| {
                cells::items(cell)
                    .map(|label| Purpose::parse(label).map_err(model))
                    .collect::<Result<CodeSet<_>, _>>()
            })?,
            industries: self.read("対象業種", industries)?,
            areas: self.read("対象地域", areas)?,
            employees: self.optional("従業員数", EmployeeBand::parse)?,
            amount: Amount {
                max: self.read("上限額", cells::yen)?,
                min: self.read("下限額", cells::yen)?,
                rate: self.optional("補助率", SubsidyRate::parse)?,
                rate_text: cells::text(self.get("補助率（原文）")),
                text: cells::text(self.get("金額（原文）")),
            },
            rounds: self.read("受付期間", cells::parse_rounds)?,
            fiscal_year: self.read("年度", cells::parse_fiscal_year)?,
            status: ProgramStatus::parse(self.required("受付状況")?).map_err(model)?,
            official_url: self.optional("公式URL", OfficialUrl::parse)?,
            contact: cells::text(self.get("問い合わせ先")),
            documents: self.read("必要書類", cells::parse_documents)?,
            source: Source {
                kind: self
                    .optional("出典", SourceKind::parse)?
                    .unwrap_or(SourceKind::Csv),
                external_id: cells::text(self.get("出典ID")),
                fetched_at: self.read("取得日時", |cell| {
                    cells::parse_time(cell, DayEdge::Start)
                })?,
            },
            last_verified: self.read("最終確認日", cells::parse_date)?,
            verified_against: self.read("確認した資料（JSON）", |cell| {
                match cell.trim() {
                    "" => Ok(Vec::new()),
                    json => json_cell(json),
                }
            })?,
            note: cells::text(self.get("備考")),
            rule: self.read("対象条件（JSON）", |cell| match cell.trim() {
                "" => Ok(None),
                json => json_cell(json).map(Some),
            })?,
            test_cases: self.read("確認事例（JSON）", |cell| match cell.trim() {
                "" => Ok(Vec::new()),
                json => json_cell(json),
            })?,
            version: self.read("版", |cell| match cell.trim() {
                "" => Ok(0),
                raw => raw.parse().map_err(|_| {
                    format!(
                        "「{raw}」を版の番号として読み取れません。0以上の整数で入力してください。"
                    )
                }),
            })?,
        })
    }
}

/// 「全業種」, or one JSIC code per line (a name may follow the code: 「E 製造業」).
fn industries(cell: &str) -> Result<TargetIndustries, String> {
    let codes = codes_or_everything(cell, ALL_INDUSTRIES, "業種コード（例：E）", JsicCode::parse)?;
    Ok(codes.map_or(TargetIndustries::All, |c| TargetIndustries::Only(c.into())))
}

/// 「全国」, or one local government code per line (a name may follow: 「130001 東京都」).
fn areas(cell: &str) -> Result<TargetAreas, String> {
    let codes = codes_or_everything(
        cell,
        NATIONWIDE,
        "全国地方公共団体コード",
        LocalGovCode::parse,
    )?;
    Ok(codes.map_or(TargetAreas::Nationwide, |c| TargetAreas::Local(c.into())))
}

/// `None` for the word meaning no restriction, else the codes at the start of each line.
fn codes_or_everything<T: Ord>(
    cell: &str,
    everything: &str,
    what: &str,
    parse: impl Fn(&str) -> Result<T, ModelError>,
) -> Result<Option<BTreeSet<T>>, String> {
    if cell.trim() == everything {
        return Ok(None);
    }
    let codes = first_words(cell)
        .map(|code| parse(code).map_err(|e| e.to_string()))
        .collect::<Result<BTreeSet<_>, _>>()?;
    if codes.is_empty() {
        return Err(format!(
            "空です。「{everything}」または{what}を1行に1つずつ入力してください。"
        ));
    }
    Ok(Some(codes))
}

fn first_words(cell: &str) -> impl Iterator<Item = &str> {
    cells::items(cell).filter_map(|line| line.split_whitespace().next())
}
