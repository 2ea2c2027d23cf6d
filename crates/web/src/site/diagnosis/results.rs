//! The results page: every program's verdict for the visitor, grouped, explained and filtered.
//!
//! Groups follow the verdicts best first (対象, 条件付きで対象, 要確認, 対象外). Each program
//! shows what a business owner decides on — how much, at what rate, until when and how many
//! days are left — and its conditions as ✓ / ✗ / ？ with the reasons and what-if hints the
//! engine wrote. Filters are plain query parameters (purpose, level, window): they narrow what
//! is shown, never what is stored.

use madoguchi_core::catalog::Catalog;
use madoguchi_core::eligibility::{
    ConditionStatus, Diagnosis, Field, ProgramResult, RuleOrigin, Verdict, Window, diagnose,
};
use madoguchi_core::program::{GovLevel, Program, Purpose};
use serde::Deserialize;
use time::Date;

use super::wizard::Wizard;
use crate::AppError;
use crate::site::checklist::Checklist;
use crate::site::condition_tree::{TreeLine, tree_lines};
use crate::site::view::{
    FilterOption, amount_label, date_label, days_left_label, issuer_label, level_options,
    purpose_options, rate_label,
};

/// The filters and view switches of the results page, as sent in its URL.
#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    purpose: Option<String>,
    level: Option<String>,
    window: Option<String>,
    view: Option<String>,
}

/// Which application windows to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WindowFilter {
    /// 受付中 and 受付開始前 (and those whose window is not known).
    #[default]
    Current,
    Open,
    All,
}

impl WindowFilter {
    const ALL: [(Self, &'static str, &'static str); 3] = [
        (Self::Current, "current", "受付中・受付開始前"),
        (Self::Open, "open", "受付中のみ"),
        (Self::All, "all", "受付終了も含むすべて"),
    ];

    fn keeps(self, window: Window) -> bool {
        match self {
            Self::Current => !matches!(window, Window::Closed(_)),
            Self::Open => matches!(window, Window::Open { .. }),
            Self::All => true,
        }
    }
}

/// The filters, checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResultFilter {
    purpose: Option<Purpose>,
    level: Option<GovLevel>,
    window: WindowFilter,
    print: bool,
}

impl ResultFilter {
    /// Unknown values are a tampered or outdated link: say which, in Japanese.
    pub fn parse(query: &ResultsQuery) -> Result<Self, AppError> {
        let bad = |what: &str| {
            AppError::BadRequest(format!(
                "絞り込みの「{what}」の指定が正しくありません。結果のページから選び直してください。"
            ))
        };
        Ok(Self {
            purpose: pick(&query.purpose)
                .map(|c| Purpose::parse(c).map_err(|_| bad("目的")))
                .transpose()?,
            level: pick(&query.level)
                .map(|c| GovLevel::parse(c).map_err(|_| bad("発行元")))
                .transpose()?,
            window: match pick(&query.window) {
                None => WindowFilter::default(),
                Some(code) => WindowFilter::ALL
                    .iter()
                    .find(|(_, c, _)| *c == code)
                    .map(|(w, _, _)| *w)
                    .ok_or_else(|| bad("受付状況"))?,
            },
            print: match pick(&query.view) {
                None => false,
                Some("print") => true,
                Some(_) => return Err(bad("表示")),
            },
        })
    }

    fn keeps(&self, program: &Program, window: Window) -> bool {
        self.purpose.is_none_or(|p| program.purposes.contains(&p))
            && self.level.is_none_or(|l| program.issuer.level() == l)
            && self.window.keeps(window)
    }
}

/// A parameter's value, with an empty one (「すべて」) taken as absent.
fn pick(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.is_empty())
}

/// One condition line: ✓ / ✗ / ？ / － (not needed) and why.
#[derive(Debug)]
pub struct ConditionLine {
    pub mark: &'static str,
    pub status: &'static str,
    pub class: &'static str,
    /// The status is written out after the text (an alternative not needed), rather than only
    /// for screen readers before it.
    pub status_shown: bool,
    pub text: String,
    pub answer: Option<String>,
    pub reasons: Vec<String>,
    pub depth: usize,
}

/// An answer that would settle a 要確認, with the step that asks it.
#[derive(Debug)]
pub struct MissingAnswer {
    pub code: &'static str,
    pub label: &'static str,
}

/// One program in the results.
#[derive(Debug)]
pub struct ResultItem {
    pub id: String,
    pub title: String,
    pub issuer: String,
    pub kind: &'static str,
    pub amount: Option<String>,
    pub rate: Option<String>,
    pub window: String,
    pub days_left: Option<String>,
    /// The conditions as a tree: groups nest their conditions.
    pub conditions: Vec<TreeLine<ConditionLine>>,
    pub hints: Vec<String>,
    pub missing: Vec<MissingAnswer>,
    pub derived_rule: bool,
    /// The documents this business needs, from its answers.
    pub documents: Checklist,
}

/// The programs of one verdict.
#[derive(Debug)]
pub struct VerdictGroup {
    pub key: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub items: Vec<ResultItem>,
}

/// One line of 「あなたの回答」.
#[derive(Debug)]
pub struct AnswerLine {
    pub step: usize,
    pub label: &'static str,
    pub value: String,
}

/// Everything the results page shows.
#[derive(Debug)]
pub struct ResultsView {
    pub as_of: String,
    pub answers: Vec<AnswerLine>,
    pub groups: Vec<VerdictGroup>,
    pub shown: usize,
    pub hidden: usize,
    pub purposes: Vec<FilterOption>,
    pub levels: Vec<FilterOption>,
    pub windows: Vec<FilterOption>,
    pub print: bool,
    pub csrf: String,
}

impl ResultsView {
    pub fn new(
        catalog: &Catalog,
        wizard: &Wizard,
        filter: ResultFilter,
        as_of: Date,
        csrf: &str,
    ) -> Self {
        let diagnosis = run(catalog, wizard, as_of);
        let mut groups = empty_groups();
        let mut hidden = 0;
        for result in &diagnosis.results {
            let Some(program) = catalog.get(&result.program_id) else {
                continue;
            };
            if !filter.keeps(program, result.window_detail) {
                hidden += 1;
                continue;
            }
            if let Some(group) = groups.iter_mut().find(|g| g.key == result.verdict.code()) {
                let mut item = item(program, result, as_of);
                item.documents = Checklist::of(program, &wizard.profile, as_of);
                group.items.push(item);
            }
        }
        let shown = groups.iter().map(|g| g.items.len()).sum();
        Self {
            as_of: date_label(as_of),
            answers: answer_lines(wizard),
            groups,
            shown,
            hidden,
            purposes: purpose_options(filter.purpose),
            levels: level_options(filter.level),
            windows: WindowFilter::ALL
                .iter()
                .map(|&(w, value, label)| FilterOption {
                    value,
                    label,
                    selected: filter.window == w,
                })
                .collect(),
            print: filter.print,
            csrf: csrf.to_owned(),
        }
    }
}

/// The diagnosis of every program for the visitor's answers.
pub fn run(catalog: &Catalog, wizard: &Wizard, as_of: Date) -> Diagnosis {
    diagnose(
        catalog.programs(),
        catalog.rules(),
        &wizard.profile,
        as_of,
        None,
    )
}

fn empty_groups() -> Vec<VerdictGroup> {
    let group = |verdict: Verdict, heading, lead| VerdictGroup {
        key: verdict.code(),
        heading,
        lead,
        items: Vec::new(),
    };
    vec![
        group(
            Verdict::Eligible,
            "対象となる可能性が高い制度",
            "回答いただいた内容では、条件をすべて満たしています。",
        ),
        group(
            Verdict::Conditional,
            "条件を確認すれば対象となる制度",
            "公募要領などで確認が必要な条件が残っています。",
        ),
        group(
            Verdict::NeedsInfo,
            "回答が足りず判定できない制度",
            "質問に答えると判定できます。「この質問に答える」から回答してください。",
        ),
        group(
            Verdict::Ineligible,
            "対象外の制度",
            "満たしていない条件があります。理由を確認してください。",
        ),
    ]
}

fn item(program: &Program, result: &ProgramResult, as_of: Date) -> ResultItem {
    ResultItem {
        id: program.id.to_string(),
        title: program.title.to_string(),
        issuer: issuer_label(program),
        kind: program.kind.label(),
        amount: amount_label(program),
        rate: rate_label(program),
        window: result.window_detail.label(),
        days_left: result
            .window_detail
            .closing_date()
            .and_then(|closes| days_left_label(closes, as_of)),
        conditions: tree_lines(&result.conditions, |c, parent| {
            let (mark, class) = match c.status {
                ConditionStatus::Met => ("✓", "met"),
                ConditionStatus::NotMet => ("✗", "not-met"),
                ConditionStatus::Unknown | ConditionStatus::ToConfirm => ("？", "unknown"),
                ConditionStatus::NotNeeded => ("－", "not-needed"),
            };
            ConditionLine {
                mark,
                status: c.status_label,
                class,
                // Said in words once, where an alternative stops being needed.
                status_shown: c.status == ConditionStatus::NotNeeded
                    && parent.is_none_or(|p| p.status != ConditionStatus::NotNeeded),
                text: c.text.clone(),
                answer: c.answer.clone(),
                reasons: c.reasons.clone(),
                depth: c.depth.min(4),
            }
        }),
        hints: result.hints.clone(),
        missing: result
            .missing
            .iter()
            .map(|f| MissingAnswer {
                code: f.code(),
                label: f.label(),
            })
            .collect(),
        derived_rule: result.rule_origin == RuleOrigin::Derived,
        documents: Checklist::default(),
    }
}

pub(crate) fn answer_lines(wizard: &Wizard) -> Vec<AnswerLine> {
    wizard
        .asked
        .iter()
        .enumerate()
        .filter_map(|(i, &field): (usize, &Field)| {
            Some(AnswerLine {
                step: i + 1,
                label: field.label(),
                value: wizard.profile.shown(field)?,
            })
        })
        .collect()
}
