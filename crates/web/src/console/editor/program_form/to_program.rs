//! The form read into a `Program` with the model's own checks, every mistake kept beside the
//! field it belongs to rather than stopping at the first.

use madoguchi_core::calendar::{DayEdge, FiscalYear, JstDateTime};
use madoguchi_core::import::sanitize_detail;
use madoguchi_core::program::{
    Amount, ApplicationRound, CodeSet, EmployeeBand, GovLevel, Issuer, ModelError, OfficialUrl,
    Program, ProgramId, ProgramKind, ProgramStatus, Purpose, SubsidyRate, TargetAreas,
    TargetIndustries, Title, VerifiedSource,
};
use madoguchi_core::reference::JsicCode;

use super::documents::read_documents;
use super::{FieldErrors, ProgramForm};
use crate::console::editor::case_form::read_cases;

use super::typed::{
    code_list, err_of, fiscal_year_error, non_empty, optional, place_code, read_date, yen,
};

impl ProgramForm {
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
        let purposes: Result<CodeSet<Purpose>, ModelError> =
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
        let documents = read_documents(&self.documents, &mut errors);
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
            documents,
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
}
