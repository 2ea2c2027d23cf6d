//! The rule builder as the editor page shows it: each row with its controls, its problems in
//! Japanese beside it, and the panels that read the draft back — how the conditions read to
//! a business, whether anyone can satisfy them, and a trial of an example business typed in
//! on the spot. (The program's test profiles are `case_view`.)
//!
//! Everything is worked out here so the template only places text.

mod controls;
mod trial;

use madoguchi_core::eligibility::{
    CompiledRule, ConditionStatus, ConditionView, Fact, Field, Op, RuleError, RuleOrigin,
    RuleProblem, SatisfiabilityReport, check_satisfiable, ops_for, preview_rule, try_profile,
};
use madoguchi_core::program::Program;
use time::Date;

use super::rule_form::{BuiltRule, PlacedRow, RowKind, RuleRows};
use crate::http::form::FormData;

pub use controls::Choice;
use controls::value_control;
pub(crate) use controls::{field_value_control, with_current};
pub use trial::{TrialField, TrialOutcome};
use trial::{trial_fields, trial_line};

/// One row of the builder, or the end of a group (where its add buttons go).
#[derive(Debug, Clone)]
pub struct RuleItem {
    /// True for the marker after a group's last row.
    pub close: bool,
    pub n: usize,
    /// The parent row's number, empty for the top group.
    pub parent: String,
    pub kind: &'static str,
    pub is_group: bool,
    pub is_root: bool,
    /// 「条件3」, 「全体」.
    pub title: String,
    pub negate: bool,
    pub value: String,
    pub source: String,
    /// Fields (conditions) or facts (facts) to choose from.
    pub subjects: Vec<Choice>,
    pub ops: Vec<Choice>,
    /// How the value is typed: `text`, `select`, `checkboxes`, `textarea`, `raw`, `none`.
    pub control: &'static str,
    pub choices: Vec<Choice>,
    pub hint: &'static str,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
    pub can_up: bool,
    pub can_down: bool,
}

impl RuleItem {
    /// The ids the row's controls point at with `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("row-{}-hint", self.n));
        }
        if !self.problems.is_empty() {
            ids.push(format!("row-{}-problems", self.n));
        }
        if !self.warnings.is_empty() {
            ids.push(format!("row-{}-warnings", self.n));
        }
        ids.join(" ")
    }

    pub fn invalid(&self) -> bool {
        !self.problems.is_empty()
    }
}

/// One line of the preview.
#[derive(Debug, Clone)]
pub struct PreviewLine {
    pub depth: usize,
    pub text: String,
    pub to_confirm: bool,
    pub source: Option<String>,
}

/// Everything the rule part of the editor shows.
#[derive(Debug, Clone)]
pub struct RulePanel {
    pub items: Vec<RuleItem>,
    pub has_rule: bool,
    /// Problems that belong to no row (a tampered form, too many rows).
    pub problems: Vec<String>,
    pub preview: Vec<PreviewLine>,
    pub origin_note: &'static str,
    /// 「この条件を満たす事業者はいません」 when the whole rule can never hold.
    pub never_holds: bool,
    pub check_incomplete: bool,
    pub trial_fields: Vec<TrialField>,
    pub trial: Option<TrialOutcome>,
}

impl RulePanel {
    /// Builds the panel for `rows`, whose rule is `built` and already set on `draft`.
    ///
    /// `trial` holds the example business's answers as typed (`try-<field>`), and `run_trial`
    /// whether 「この内容で判定する」 was pressed.
    pub fn new(
        rows: &RuleRows,
        built: &BuiltRule,
        draft: &Program,
        today: Date,
        trial: &FormData,
        run_trial: bool,
    ) -> Self {
        let preview = preview_rule(draft, today);
        let RuleRowsView {
            items, problems, ..
        } = RuleRowsView::new(rows, built, &preview.errors, &preview.satisfiability);
        let (trial_fields, profile) = trial_fields(trial);
        let trial = (run_trial && profile.is_some()).then(|| {
            let outcome = try_profile(draft, &profile.unwrap_or_default(), today);
            TrialOutcome {
                verdict: outcome.verdict.label(),
                lines: ConditionView::flatten(&outcome.conditions)
                    .into_iter()
                    .map(trial_line)
                    .collect(),
                missing: outcome.missing.iter().map(|f| f.label()).collect(),
            }
        });
        Self {
            items,
            has_rule: !rows.is_empty(),
            problems,
            preview: ConditionView::flatten(&preview.conditions)
                .into_iter()
                .map(|c| PreviewLine {
                    depth: c.depth,
                    text: c.text.clone(),
                    to_confirm: c.status == ConditionStatus::ToConfirm,
                    source: c.source.clone(),
                })
                .collect(),
            origin_note: match preview.origin {
                RuleOrigin::Program => "",
                RuleOrigin::Derived => {
                    "条件を設定していないため、対象地域・業種などの登録内容から作った条件で判定します。"
                }
                RuleOrigin::Fallback => {
                    "条件に誤りがあるため、公開サイトでは登録内容から作った条件で判定されます（対象とは表示されません）。誤りを直してください。"
                }
            },
            never_holds: preview.satisfiability.never_holds,
            check_incomplete: !preview.satisfiability.complete,
            trial_fields,
            trial,
        }
    }
}

/// The builder's rows alone: each with its controls, its problems in Japanese beside it and
/// its warnings (parts nobody can satisfy). The program editor shows them inside its
/// [`RulePanel`]; a rule with no program around it (a notice's segment) shows them as they
/// are, with `templates/editor/rule_rows.html`.
#[derive(Debug, Clone)]
pub struct RuleRowsView {
    pub items: Vec<RuleItem>,
    pub has_rule: bool,
    /// Problems that belong to no row (a tampered form, too many rows).
    pub problems: Vec<String>,
}

impl RuleRowsView {
    /// The rows of `rows`, whose rule is `built`, with the problems `errors` reports of
    /// that rule and the contradictions `satisfiability` found in it.
    pub fn new(
        rows: &RuleRows,
        built: &BuiltRule,
        errors: &[RuleError],
        satisfiability: &SatisfiabilityReport,
    ) -> Self {
        let mut problems_by_row: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
        let mut warnings_by_row: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
        let mut problems = Vec::new();
        for (n, missing) in &built.incomplete {
            if let Some(list) = problems_by_row.get_mut(*n) {
                list.push(missing.clone());
            }
        }
        for error in errors {
            let message = row_message(&error.problem);
            match built.row_of(&error.path) {
                Some(n) if built.incomplete.iter().any(|(m, _)| *m == n) => {}
                Some(n) => {
                    if let Some(list) = problems_by_row.get_mut(n)
                        && !list.contains(&message)
                    {
                        list.push(message);
                    }
                }
                None => problems.push(error.to_string()),
            }
        }
        for contradiction in &satisfiability.contradictions {
            let conflicting: Vec<usize> = contradiction
                .conflicting
                .iter()
                .filter_map(|p| built.row_of(p))
                .collect();
            let titles: Vec<String> = conflicting.iter().map(|&n| title(n)).collect();
            if let Some(n) = built.row_of(&contradiction.path) {
                let text = if conflicting.len() > 1 {
                    format!(
                        "{}を同時に満たす事業者はいません。どれかの値を見直してください。",
                        titles.join("と")
                    )
                } else {
                    "この条件を満たす事業者はいません。値や「当てはまらないこと」の指定を見直してください。"
                        .to_owned()
                };
                warnings_by_row[n].push(text);
            }
            if conflicting.len() > 1 {
                for &n in &conflicting {
                    warnings_by_row[n].push(format!(
                        "この条件は{}と同時には満たせません。",
                        titles
                            .iter()
                            .filter(|t| **t != title(n))
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("・")
                    ));
                }
            }
        }
        Self {
            items: items(rows, problems_by_row, warnings_by_row),
            has_rule: !rows.is_empty(),
            problems,
        }
    }

    /// The rows of a rule that stands alone: compiled and checked here.
    pub fn standalone(rows: &RuleRows, built: &BuiltRule) -> Self {
        let (errors, satisfiability) = match built.rule.as_ref().map(CompiledRule::compile) {
            Some(Ok(compiled)) => (Vec::new(), check_satisfiable(&compiled)),
            Some(Err(errors)) => (errors, SatisfiabilityReport::default()),
            None => (Vec::new(), SatisfiabilityReport::default()),
        };
        Self::new(rows, built, &errors, &satisfiability)
    }
}

/// 「条件3」 for row 3; 「全体」 for the top group.
pub fn title(n: usize) -> String {
    if n == 0 {
        "全体".to_owned()
    } else {
        format!("条件{n}")
    }
}

/// A validation problem in the words of the form (the JSON names are the form's labels).
fn row_message(problem: &RuleProblem) -> String {
    match problem {
        RuleProblem::EmptyGroup(_) => {
            "このまとまりに条件がありません。条件を追加するか、まとまりを削除してください。".to_owned()
        }
        RuleProblem::ManualUnderNot => {
            "確認事項は「当てはまらないこと」にできません。満たすべき内容として書いてください（例：「暴力団等の反社会的勢力に該当しないこと」）。".to_owned()
        }
        RuleProblem::Malformed(_) => {
            "読み取れない条件です（取り込んだデータの誤りです）。この行を削除して、条件を追加し直してください。".to_owned()
        }
        other => other.to_string(),
    }
}

fn items(
    rows: &RuleRows,
    mut problems: Vec<Vec<String>>,
    mut warnings: Vec<Vec<String>>,
) -> Vec<RuleItem> {
    let placed = rows.placed();
    let mut out = Vec::new();
    // Groups still open, innermost last: (number, depth).
    let mut open: Vec<(usize, usize)> = Vec::new();
    for p in &placed {
        while let Some(&(group, depth)) = open.last() {
            if depth < p.depth {
                break;
            }
            open.pop();
            out.push(close_item(group));
        }
        let item = item(
            p,
            std::mem::take(&mut problems[p.number]),
            std::mem::take(&mut warnings[p.number]),
        );
        if item.is_group {
            open.push((p.number, p.depth));
        }
        out.push(item);
    }
    while let Some((group, _)) = open.pop() {
        out.push(close_item(group));
    }
    out
}

fn close_item(n: usize) -> RuleItem {
    RuleItem {
        close: true,
        n,
        parent: String::new(),
        kind: "",
        is_group: true,
        is_root: n == 0,
        title: title(n),
        negate: false,
        value: String::new(),
        source: String::new(),
        subjects: Vec::new(),
        ops: Vec::new(),
        control: "none",
        choices: Vec::new(),
        hint: "",
        problems: Vec::new(),
        warnings: Vec::new(),
        can_up: false,
        can_down: false,
    }
}

fn item(p: &PlacedRow<'_>, problems: Vec<String>, warnings: Vec<String>) -> RuleItem {
    let row = &p.node.row;
    let field = row.field();
    let fact = (row.kind == RowKind::Fact)
        .then(|| Fact::parse(&row.subject).ok())
        .flatten();
    let subjects = match row.kind {
        RowKind::Condition => with_current(
            Field::ALL
                .iter()
                .map(|f| Choice::new(f.code(), f.label(), f.code() == row.subject))
                .collect(),
            &row.subject,
        ),
        RowKind::Fact => with_current(
            Fact::ALL
                .iter()
                // `sme` is the old name of `sme_cabinet_order`: read, not offered.
                .filter(|f| **f != Fact::Sme)
                .map(|f| Choice::new(f.code(), f.label(), f.code() == row.subject))
                .collect(),
            &row.subject,
        ),
        _ => Vec::new(),
    };
    let allowed: Vec<Op> = match (row.kind, field, fact) {
        (RowKind::Condition, Some(f), _) => ops_for(f).to_vec(),
        (RowKind::Condition, None, _) => Op::ALL.to_vec(),
        (RowKind::Fact, _, Some(Fact::YearsSinceFounding)) => {
            vec![Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne]
        }
        _ => Vec::new(),
    };
    let ops = if allowed.is_empty() {
        Vec::new()
    } else {
        with_current(
            allowed
                .iter()
                .map(|o| Choice::new(o.code(), o.label(), o.code() == row.op))
                .collect(),
            &row.op,
        )
    };
    let (control, choices, hint) = value_control(row.kind, field, fact, &row.op, &row.value);
    RuleItem {
        close: false,
        n: p.number,
        parent: p.parent.map(|n| n.to_string()).unwrap_or_default(),
        kind: row.kind.code(),
        is_group: row.kind.is_group(),
        is_root: p.parent.is_none(),
        title: title(p.number),
        negate: row.negate,
        value: row.value.clone(),
        source: row.source.clone(),
        subjects,
        ops,
        control,
        choices,
        hint,
        problems,
        warnings,
        can_up: p.position > 0,
        can_down: p.position + 1 < p.siblings,
    }
}
