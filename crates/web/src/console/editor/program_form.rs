//! Every catalogue field of a program as a labelled form control, and back.
//!
//! The form holds text exactly as typed, so a page re-rendered after a mistake (or after an
//! add-row button) shows what the person wrote, not what the server understood. `apply`
//! reads it into a `Program` with the model's own checks; each refusal is the model's
//! Japanese message, kept beside the field it belongs to. `ProgramForm::of` writes amounts
//! the Japanese way (「5,000万円」), dates as 「2026-04-01」 and windows without the clock
//! time where it is the day's edge, and reading them back gives the same program.

use std::collections::BTreeSet;

use madoguchi_core::calendar::{DayEdge, FiscalYear, JstDateTime};
use madoguchi_core::import::sanitize_detail;
use madoguchi_core::japanese_amount::{format_japanese_yen, parse_japanese_yen};
use madoguchi_core::program::{
    Amount, ApplicationRound, EmployeeBand, GovLevel, Issuer, ModelError, OfficialUrl, Program,
    ProgramId, ProgramKind, ProgramStatus, Purpose, SubsidyRate, TargetAreas, TargetIndustries,
    Title, VerifiedSource,
};
use madoguchi_core::reference::{JsicCode, LocalGovCode, NameLookup, find_local_gov, local_gov};
use time::Date;
use time::macros::format_description;

use super::case_form::{CaseAction, CaseRow, read_cases};
use super::rule_form::list_items;
use crate::http::form::FormData;

/// The most application rounds a form may hold.
pub const MAX_ROUNDS: usize = 50;

/// One application round as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundRow {
    pub label: String,
    pub opens: String,
    pub closes: String,
}

/// A program as the editor's form holds it: every value as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramForm {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub detail: String,
    pub kind: String,
    pub issuer_level: String,
    pub issuer_code: String,
    pub issuer_name: String,
    pub issuer_institution: String,
    pub purposes: Vec<String>,
    /// `all` or `only`.
    pub industries_scope: String,
    pub industries: String,
    /// `nationwide` or `local`.
    pub areas_scope: String,
    pub areas: String,
    pub employees: String,
    pub amount_max: String,
    pub amount_min: String,
    pub rate: String,
    pub rate_text: String,
    pub amount_text: String,
    pub rounds: Vec<RoundRow>,
    pub fiscal_year: String,
    pub status: String,
    pub official_url: String,
    pub contact: String,
    /// One document per line.
    pub documents: String,
    pub note: String,
    pub last_verified: String,
    /// The documents checked against, one per line: a title, then optionally its address.
    pub verified_against: String,
    /// The test profiles.
    pub cases: Vec<CaseRow>,
}

/// The form's refusals, each beside the control it belongs to (by the control's name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub(crate) fn add(&mut self, name: &str, message: impl Into<String>) {
        self.0.push((name.to_owned(), message.into()));
    }

    /// The message for one control, if it was refused.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Asserts that each control named has a message containing its text, for tests.
    #[cfg(test)]
    pub fn assert_each(&self, expect: &[(&str, &str)]) {
        for (name, text) in expect {
            let message = self.get(name).unwrap_or_else(|| panic!("{name}: {self:?}"));
            assert!(message.contains(text), "{name}: {message}");
        }
    }
}

/// A change asked for by a rounds button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundAction {
    Add,
    Remove(usize),
}

impl RoundAction {
    /// `round-add` or `round-remove:2`.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw == "round-add" {
            return Some(Self::Add);
        }
        raw.strip_prefix("round-remove:")?
            .parse()
            .ok()
            .map(Self::Remove)
    }
}

const DATE: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

impl ProgramForm {
    /// The form filled in from a program.
    pub fn of(p: &Program) -> Self {
        let codes = |items: Vec<String>| items.join("、");
        let (industries_scope, industries) = match &p.industries {
            TargetIndustries::All => ("all", String::new()),
            TargetIndustries::Only(set) => ("only", codes(set.iter().map(jsic_text).collect())),
        };
        let (areas_scope, areas) = match &p.areas {
            TargetAreas::Nationwide => ("nationwide", String::new()),
            TargetAreas::Local(set) => (
                "local",
                codes(set.iter().map(ToString::to_string).collect()),
            ),
        };
        let yen = |y: Option<madoguchi_core::program::Yen>| {
            y.map(format_japanese_yen).unwrap_or_default()
        };
        Self {
            id: p.id.to_string(),
            title: p.title.to_string(),
            summary: p.summary.clone(),
            detail: p.detail.clone(),
            kind: p.kind.code().to_owned(),
            issuer_level: p.issuer.level().code().to_owned(),
            issuer_code: p.issuer.code().map(|c| c.to_string()).unwrap_or_default(),
            issuer_name: p.issuer.name().to_owned(),
            issuer_institution: p.issuer.institution().unwrap_or_default().to_owned(),
            purposes: p.purposes.iter().map(|x| x.code().to_owned()).collect(),
            industries_scope: industries_scope.to_owned(),
            industries,
            areas_scope: areas_scope.to_owned(),
            areas,
            employees: p.employees.map(|b| b.code().to_owned()).unwrap_or_default(),
            amount_max: yen(p.amount.max),
            amount_min: yen(p.amount.min),
            rate: p.amount.rate.map(|r| r.to_string()).unwrap_or_default(),
            rate_text: p.amount.rate_text.clone().unwrap_or_default(),
            amount_text: p.amount.text.clone().unwrap_or_default(),
            rounds: p
                .rounds
                .iter()
                .map(|r| RoundRow {
                    label: r.label().unwrap_or_default().to_owned(),
                    opens: moment_text(r.opens(), DayEdge::Start),
                    closes: moment_text(r.closes(), DayEdge::End),
                })
                .collect(),
            fiscal_year: p
                .fiscal_year
                .map(|y| y.year().to_string())
                .unwrap_or_default(),
            status: p.status.code().to_owned(),
            official_url: p
                .official_url
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_default(),
            contact: p.contact.clone().unwrap_or_default(),
            documents: p.documents.join("\n"),
            note: p.note.clone().unwrap_or_default(),
            last_verified: date_text(p.last_verified),
            verified_against: p
                .verified_against
                .iter()
                .map(VerifiedSource::to_line)
                .collect::<Vec<_>>()
                .join("\n"),
            cases: p.test_cases.iter().map(CaseRow::of).collect(),
        }
    }

    /// The form as posted; missing controls read as empty.
    pub fn read(form: &FormData) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        let mut rounds = Vec::new();
        for (key, _) in form.pairs() {
            let Some(n) = key
                .strip_prefix("round-")
                .and_then(|rest| rest.strip_suffix("-label"))
            else {
                continue;
            };
            if rounds.len() >= MAX_ROUNDS {
                break;
            }
            rounds.push(RoundRow {
                label: text(&format!("round-{n}-label")),
                opens: text(&format!("round-{n}-opens")),
                closes: text(&format!("round-{n}-closes")),
            });
        }
        Self {
            id: text("id"),
            title: text("title"),
            summary: text("summary"),
            detail: text("detail"),
            kind: text("kind"),
            issuer_level: text("issuer-level"),
            issuer_code: text("issuer-code"),
            issuer_name: text("issuer-name"),
            issuer_institution: text("issuer-institution"),
            purposes: form
                .all("purposes")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            industries_scope: text("industries-scope"),
            industries: text("industries"),
            areas_scope: text("areas-scope"),
            areas: text("areas"),
            employees: text("employees"),
            amount_max: text("amount-max"),
            amount_min: text("amount-min"),
            rate: text("amount-rate"),
            rate_text: text("amount-rate-text"),
            amount_text: text("amount-text"),
            rounds,
            fiscal_year: text("fiscal-year"),
            status: text("status"),
            official_url: text("official-url"),
            contact: text("contact"),
            documents: text("documents"),
            note: text("note"),
            last_verified: text("last-verified"),
            verified_against: text("verified-against"),
            cases: CaseRow::read_all(form),
        }
    }

    pub fn apply_round_action(&mut self, action: RoundAction) {
        match action {
            RoundAction::Add if self.rounds.len() < MAX_ROUNDS => {
                self.rounds.push(RoundRow::default())
            }
            RoundAction::Add => {}
            RoundAction::Remove(n) => {
                if n < self.rounds.len() {
                    self.rounds.remove(n);
                }
            }
        }
    }

    /// Carries out a test profiles button; `Err` says in Japanese why it was not done.
    pub fn apply_case_action(&mut self, action: CaseAction) -> Result<(), String> {
        CaseRow::apply(&mut self.cases, action)
    }

    /// The program the form describes. `base` supplies what the form does not edit (the
    /// id, the source, the rule, the version).
    pub fn apply(&self, base: &Program) -> Result<Program, FieldErrors> {
        self.read_program(base, false)
    }

    /// As `apply`, for a program not yet in the catalogue: the id comes from the form.
    pub fn apply_as_new(&self, base: &Program) -> Result<Program, FieldErrors> {
        self.read_program(base, true)
    }

    fn read_program(&self, base: &Program, new: bool) -> Result<Program, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut check = |name: &str, result: Result<(), ModelError>| {
            if let Err(e) = result {
                errors.add(name, e.to_string());
            }
        };
        let id = if new {
            ProgramId::parse(&self.id)
        } else {
            Ok(base.id.clone())
        };
        let title = Title::parse(&self.title);
        let kind = ProgramKind::parse(&self.kind);
        let status = ProgramStatus::parse(&self.status);
        let level = GovLevel::parse(&self.issuer_level);
        let code = optional(&self.issuer_code, place_code);
        let purposes: Result<BTreeSet<Purpose>, ModelError> =
            self.purposes.iter().map(|p| Purpose::parse(p)).collect();
        let employees = optional(&self.employees, EmployeeBand::parse);
        let max = optional(&self.amount_max, yen);
        let min = optional(&self.amount_min, yen);
        let rate = optional(&self.rate, SubsidyRate::parse);
        let fiscal_year = optional(&self.fiscal_year, |raw| {
            raw.parse::<i64>()
                .map_err(|_| ModelError::InvalidFiscalYear(0))
                .and_then(FiscalYear::new)
                .map_err(|_| fiscal_year_error(raw))
        });
        let official_url = optional(&self.official_url, OfficialUrl::parse);
        let last_verified = optional(&self.last_verified, read_date);
        let verified_against: Result<Vec<VerifiedSource>, ModelError> = self
            .verified_against
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(VerifiedSource::parse_line)
            .collect();
        check("id", err_of(&id));
        check("title", err_of(&title));
        check("kind", err_of(&kind));
        check("status", err_of(&status));
        check("issuer-level", err_of(&level));
        check("issuer-code", err_of(&code));
        check("purposes", err_of(&purposes));
        check("employees", err_of(&employees));
        check("amount-max", err_of(&max));
        check("amount-min", err_of(&min));
        check("amount-rate", err_of(&rate));
        check("fiscal-year", err_of(&fiscal_year));
        check("official-url", err_of(&official_url));
        check("last-verified", err_of(&last_verified));
        check("verified-against", err_of(&verified_against));
        let issuer = match (level, code) {
            (Ok(level), Ok(code)) => {
                if self.issuer_name.trim().is_empty() {
                    errors.add(
                        "issuer-name",
                        "発行元の名称を入力してください（例：鹿児島県日置市、国）。",
                    );
                }
                Issuer::new(
                    level,
                    code,
                    self.issuer_name.clone(),
                    Some(self.issuer_institution.clone()),
                )
                .map_err(|e| errors.add("issuer-code", e.to_string()))
                .ok()
            }
            _ => None,
        };
        let industries = self.industries(&mut errors);
        let areas = self.areas(&mut errors);
        let rounds = self.rounds(&mut errors);
        let test_cases = read_cases(&self.cases, &mut errors);
        let amount = Amount {
            max: max.ok().flatten(),
            min: min.ok().flatten(),
            rate: rate.ok().flatten(),
            rate_text: non_empty(&self.rate_text),
            text: non_empty(&self.amount_text),
        };
        if let Err(e) = amount.validate() {
            errors.add("amount-max", e.to_string());
        }
        let (Ok(id), Ok(title), Ok(kind), Ok(status), Ok(purposes), Some(issuer)) =
            (id, title, kind, status, purposes, issuer)
        else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Program {
            id,
            title,
            summary: self.summary.trim().to_owned(),
            detail: sanitize_detail(self.detail.trim()),
            kind,
            issuer,
            purposes,
            industries: industries.unwrap_or(TargetIndustries::All),
            areas: areas.unwrap_or(TargetAreas::Nationwide),
            employees: employees.ok().flatten(),
            amount,
            rounds,
            fiscal_year: fiscal_year.ok().flatten(),
            status,
            official_url: official_url.ok().flatten(),
            contact: non_empty(&self.contact),
            documents: self
                .documents
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            source: base.source.clone(),
            last_verified: last_verified.ok().flatten(),
            verified_against: verified_against.unwrap_or_default(),
            note: non_empty(&self.note),
            rule: base.rule.clone(),
            test_cases,
            version: base.version,
        })
    }

    fn industries(&self, errors: &mut FieldErrors) -> Option<TargetIndustries> {
        if self.industries_scope != "only" {
            return Some(TargetIndustries::All);
        }
        code_list(
            &self.industries,
            JsicCode::parse,
            (
                "industries",
                "対象業種を1つ以上入力するか、「すべての業種」を選んでください。",
            ),
            errors,
        )
        .map(TargetIndustries::Only)
    }

    fn areas(&self, errors: &mut FieldErrors) -> Option<TargetAreas> {
        if self.areas_scope != "local" {
            return Some(TargetAreas::Nationwide);
        }
        code_list(
            &self.areas,
            place_code,
            (
                "areas",
                "対象地域を1つ以上入力するか、「全国」を選んでください。",
            ),
            errors,
        )
        .map(TargetAreas::Local)
    }

    fn rounds(&self, errors: &mut FieldErrors) -> Vec<ApplicationRound> {
        let mut out = Vec::new();
        for (n, row) in self.rounds.iter().enumerate() {
            let blank = row.label.trim().is_empty()
                && row.opens.trim().is_empty()
                && row.closes.trim().is_empty();
            if blank {
                continue;
            }
            let mut moment = |name: &str, raw: &str, edge| {
                optional(raw, |r| JstDateTime::parse(r, edge))
                    .map_err(|e| errors.add(&format!("round-{n}-{name}"), e.to_string()))
                    .ok()
                    .flatten()
            };
            let opens = moment("opens", &row.opens, DayEdge::Start);
            let closes = moment("closes", &row.closes, DayEdge::End);
            match ApplicationRound::new(non_empty(&row.label), opens, closes) {
                Ok(round) => out.push(round),
                Err(e) => errors.add(&format!("round-{n}-closes"), e.to_string()),
            }
        }
        out
    }

    /// The names of the places the areas list names, for a hint beside the control.
    pub fn area_names(&self) -> String {
        list_items(&self.areas)
            .filter_map(|raw| place_code(raw).ok())
            .filter_map(local_gov)
            .map(|g| g.full_name())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// The codes of a typed list; `empty` is the control's name and what to say when the list
/// is empty.
fn code_list<T: Ord>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, ModelError>,
    (name, empty): (&str, &str),
    errors: &mut FieldErrors,
) -> Option<BTreeSet<T>> {
    match list_items(text)
        .map(parse)
        .collect::<Result<BTreeSet<T>, _>>()
    {
        Ok(codes) if codes.is_empty() => {
            errors.add(name, empty);
            None
        }
        Ok(codes) => Some(codes),
        Err(e) => {
            errors.add(name, e.to_string());
            None
        }
    }
}

/// A moment as the form shows it: the bare date when it is the day's edge the form would
/// read a bare date as, otherwise the JST wall time.
fn moment_text(at: Option<JstDateTime>, edge: DayEdge) -> String {
    let Some(at) = at else {
        return String::new();
    };
    if JstDateTime::from_date(at.date(), edge) == at {
        return at.date().format(DATE).unwrap_or_default();
    }
    let wall = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    at.as_offset()
        .format(wall)
        .unwrap_or_else(|_| at.to_rfc3339())
}

fn jsic_text(code: &JsicCode) -> String {
    match code {
        JsicCode::Major(letter) => letter.to_string(),
        JsicCode::Middle(n) => format!("{n:02}"),
    }
}

/// A place by its 全国地方公共団体コード or, failing that, its name (「鹿児島市」).
fn place_code(raw: &str) -> Result<LocalGovCode, ModelError> {
    LocalGovCode::parse(raw).or_else(|e| match find_local_gov(raw.trim()) {
        NameLookup::Found(gov) => Ok(gov.code),
        _ => Err(e),
    })
}

fn yen(raw: &str) -> Result<madoguchi_core::program::Yen, ModelError> {
    parse_japanese_yen(raw).map_err(|e| ModelError::UnknownValue {
        what: "金額",
        value: raw.trim().to_owned(),
        hint: match e {
            madoguchi_core::japanese_amount::JapaneseAmountError::Negative(_) => {
                "0円以上の金額を入力してください。"
            }
            _ => "「5,000万円」「300000」のように入力してください。",
        },
    })
}

fn fiscal_year_error(raw: &str) -> ModelError {
    ModelError::InvalidFiscalYear(raw.trim().parse().unwrap_or(0))
}

/// A result's error alone, for reporting it beside its field.
fn err_of<T>(result: &Result<T, ModelError>) -> Result<(), ModelError> {
    result.as_ref().map(|_| ()).map_err(Clone::clone)
}

/// A day as the form writes it (「2026-04-01」), blank for none.
pub(crate) fn date_text(date: Option<Date>) -> String {
    date.and_then(|d| d.format(DATE).ok()).unwrap_or_default()
}

/// A day typed as 「2026-04-01」.
pub(crate) fn read_date(raw: &str) -> Result<Date, ModelError> {
    Date::parse(raw.trim(), DATE).map_err(|_| ModelError::InvalidDateTime(raw.trim().to_owned()))
}

/// `None` for blank text, else the value read.
pub(crate) fn optional<T>(
    raw: &str,
    read: impl FnOnce(&str) -> Result<T, ModelError>,
) -> Result<Option<T>, ModelError> {
    let raw = raw.trim();
    if raw.is_empty() {
        Ok(None)
    } else {
        read(raw).map(Some)
    }
}

fn non_empty(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use madoguchi_core::demo::CATALOGUE;
    use madoguchi_core::import::own;

    fn demo_programs() -> Vec<Program> {
        CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
            .collect()
    }

    #[test]
    fn every_demo_program_comes_back_from_its_form_unchanged() {
        let programs = demo_programs();
        assert!(programs.len() > 70);
        for program in programs {
            let form = ProgramForm::of(&program);
            let back = form
                .apply(&program)
                .unwrap_or_else(|e| panic!("{}: {e:?}", program.id));
            assert_eq!(back, program, "{}", program.id);
        }
    }

    #[test]
    fn a_new_program_takes_its_id_from_the_form_and_an_existing_one_keeps_its_own() {
        let program = demo_programs().remove(0);
        let mut form = ProgramForm::of(&program);
        form.id = "other-id".to_owned();
        assert_eq!(form.apply(&program).unwrap().id, program.id);
        assert_eq!(form.apply_as_new(&program).unwrap().id.as_str(), "other-id");
        form.id = "ものづくり 補助金".to_owned();
        let errors = form.apply_as_new(&program).unwrap_err();
        assert!(
            errors.get("id").unwrap().contains("半角英数字"),
            "{errors:?}"
        );
    }

    #[test]
    fn each_mistake_is_explained_in_japanese_beside_its_field() {
        let program = demo_programs().remove(0);
        let mut form = ProgramForm::of(&program);
        form.title = " ".into();
        form.amount_max = "100万円".into();
        form.amount_min = "たくさん".into();
        form.rate = "3/2".into();
        form.official_url = "javascript:alert(1)".into();
        form.fiscal_year = "1900".into();
        form.areas_scope = "local".into();
        form.areas = "999999".into();
        form.issuer_level = "municipal".into();
        form.issuer_code = String::new();
        form.last_verified = "きのう".into();
        form.verified_against =
            "公募要領 https://example.go.jp/a.pdf\nhttps://example.go.jp/b.pdf".into();
        form.rounds = vec![RoundRow {
            label: "第1回".into(),
            opens: "2026-05-01".into(),
            closes: "2026-04-01".into(),
        }];
        form.kind = "寄付".into();
        let errors = form.apply(&program).unwrap_err();
        let expect = [
            ("title", "制度名が空です"),
            ("amount-min", "金額"),
            ("amount-rate", "補助率「3/2」"),
            ("official-url", "「https://」"),
            ("fiscal-year", "1989年度から2100年度"),
            ("areas", "全国地方公共団体コード「999999」"),
            (
                "issuer-code",
                "市区町村の制度には全国地方公共団体コードが必要です",
            ),
            ("last-verified", "日時「きのう」"),
            ("verified-against", "資料の名前を書いてください"),
            ("round-0-closes", "受付終了日時"),
            ("kind", "「寄付」は制度の種類として使えません"),
        ];
        errors.assert_each(&expect);
    }

    #[test]
    fn the_documents_checked_against_are_edited_one_per_line() {
        let program = demo_programs().remove(0);
        let mut form = ProgramForm::of(&program);
        form.verified_against =
            "公募要領（第18回） https://example.go.jp/koubo.pdf\n\n市の交付要綱\n".into();
        let saved = form.apply(&program).unwrap();
        let titles: Vec<&str> = saved
            .verified_against
            .iter()
            .map(|s| s.title.as_str())
            .collect();
        assert_eq!(titles, ["公募要領（第18回）", "市の交付要綱"]);
        assert_eq!(
            saved.verified_against[0].url.as_ref().map(|u| u.as_str()),
            Some("https://example.go.jp/koubo.pdf")
        );
        assert!(saved.verified_against[1].url.is_none());
        assert_eq!(
            ProgramForm::of(&saved).verified_against,
            "公募要領（第18回） https://example.go.jp/koubo.pdf\n市の交付要綱"
        );
    }

    #[test]
    fn a_maximum_below_the_minimum_is_refused_at_the_maximum() {
        let program = demo_programs().remove(0);
        let mut form = ProgramForm::of(&program);
        form.amount_max = "100万円".into();
        form.amount_min = "200万円".into();
        let errors = form.apply(&program).unwrap_err();
        assert!(errors.get("amount-max").unwrap().contains("下限額"));
    }

    #[test]
    fn places_may_be_typed_by_name_and_blank_rounds_are_dropped() {
        let program = demo_programs().remove(0);
        let mut form = ProgramForm::of(&program);
        form.areas_scope = "local".into();
        form.areas = "鹿児島市、460001".into();
        form.rounds.push(RoundRow::default());
        form.apply_round_action(RoundAction::Add);
        let back = form.apply(&program).unwrap();
        let TargetAreas::Local(codes) = &back.areas else {
            panic!("{:?}", back.areas)
        };
        let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
        assert_eq!(codes, ["460001", "462012"]);
        assert_eq!(back.rounds.len(), program.rounds.len());
        assert_eq!(form.area_names(), "鹿児島県鹿児島市、鹿児島県");
    }

    #[test]
    fn detail_html_is_cleaned_before_it_is_kept() {
        let program = demo_programs().remove(0);
        let mut form = ProgramForm::of(&program);
        form.detail = r#"<p onclick="x()">本文</p><script>alert(1)</script>"#.into();
        assert_eq!(form.apply(&program).unwrap().detail, "<p>本文</p>");
    }

    #[test]
    fn round_buttons_add_and_remove_rows() {
        let mut form = ProgramForm::default();
        form.apply_round_action(RoundAction::Add);
        form.apply_round_action(RoundAction::Add);
        form.apply_round_action(RoundAction::Remove(0));
        form.apply_round_action(RoundAction::Remove(9));
        assert_eq!(form.rounds.len(), 1);
        assert_eq!(
            RoundAction::parse("round-remove:3"),
            Some(RoundAction::Remove(3))
        );
        assert_eq!(RoundAction::parse("round-remove:x"), None);
    }
}
