//! The rule builder as the editor page shows it: each row with its controls, its problems in
//! Japanese beside it, and the panels that read the draft back — how the conditions read to
//! a business, whether anyone can satisfy them, and a trial of an example business typed in
//! on the spot. (The program's test profiles are `case_view`.)
//!
//! Everything is worked out here so the template only places text.

use madoguchi_core::eligibility::{
    ConditionStatus, ConditionView, Fact, Field, InputKind, LargeInvestment, Op, OrgForm, Profile,
    RuleOrigin, RuleProblem, ops_for, preview_rule, try_profile,
};
use madoguchi_core::program::{Program, Purpose};
use time::Date;

use super::rule_form::{BuiltRule, PlacedRow, RowKind, RuleRows, is_list_op, list_items};
use crate::http::form::FormData;

/// One option of a select, a radio or a checkbox.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub(crate) fn new(value: &str, label: &str, selected: bool) -> Self {
        Self {
            value: value.to_owned(),
            label: label.to_owned(),
            selected,
        }
    }
}

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

/// One field of the trial profile.
#[derive(Debug, Clone)]
pub struct TrialField {
    pub code: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: &'static str,
    pub problem: Option<String>,
}

/// A trial's outcome.
#[derive(Debug, Clone)]
pub struct TrialOutcome {
    pub verdict: &'static str,
    pub lines: Vec<TrialLine>,
    pub missing: Vec<&'static str>,
}

#[derive(Debug, Clone)]
pub struct TrialLine {
    pub depth: usize,
    pub mark: &'static str,
    pub text: String,
    pub status: &'static str,
    pub answer: Option<String>,
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
        let mut problems_by_row: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
        let mut warnings_by_row: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
        let mut problems = Vec::new();
        for (n, missing) in &built.incomplete {
            if let Some(list) = problems_by_row.get_mut(*n) {
                list.push(missing.clone());
            }
        }
        for error in &preview.errors {
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
        for contradiction in &preview.satisfiability.contradictions {
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
        let items = items(rows, problems_by_row, warnings_by_row);
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

/// The options with a leading 「選んでください」, and the current value kept visible when it
/// is not among them (a misspelt field from an import), so validation can point at it.
pub(crate) fn with_current(mut options: Vec<Choice>, current: &str) -> Vec<Choice> {
    if !current.is_empty() && !options.iter().any(|o| o.selected) {
        options.insert(0, Choice::new(current, current, true));
    }
    options.insert(0, Choice::new("", "選んでください", current.is_empty()));
    options
}

/// How a row's value is typed, the options if it is chosen, and a hint.
fn value_control(
    kind: RowKind,
    field: Option<Field>,
    fact: Option<Fact>,
    op: &str,
    value: &str,
) -> (&'static str, Vec<Choice>, &'static str) {
    match kind {
        RowKind::Manual => (
            "textarea",
            Vec::new(),
            "事業者に確認してもらう要件を文章で書いてください。",
        ),
        RowKind::Raw => ("raw", Vec::new(), ""),
        RowKind::All | RowKind::Any => ("none", Vec::new(), ""),
        RowKind::Fact => match fact {
            Some(Fact::YearsSinceFounding) => ("text", Vec::new(), "年数を整数で（例：5）"),
            _ => ("none", Vec::new(), ""),
        },
        RowKind::Condition => {
            field_value_control(field, is_list_op(op) || op.is_empty(), value, &[])
        }
    }
}

/// How a value of `field` is typed (`text`, `select` or `checkboxes`), the options if it is
/// chosen, and a hint. `list`: a choice field takes several values (checkboxes). `more`:
/// options offered besides the field's own in a select (「わからない」 in a test profile).
pub(crate) fn field_value_control(
    field: Option<Field>,
    list: bool,
    value: &str,
    more: &[(&'static str, &'static str)],
) -> (&'static str, Vec<Choice>, &'static str) {
    let chosen: Vec<&str> = list_items(value).collect();
    let options = |all: Vec<(&'static str, &'static str)>| -> Vec<Choice> {
        all.into_iter()
            .chain(more.iter().copied())
            .map(|(code, label)| Choice::new(code, label, chosen.contains(&code)))
            .collect()
    };
    let Some(field) = field else {
        return ("text", Vec::new(), "");
    };
    match field.input_kind() {
        InputKind::Municipality => (
            "text",
            Vec::new(),
            "全国地方公共団体コード又は名称を「、」で区切って（例：460001、鹿児島市）",
        ),
        InputKind::Industry => (
            "text",
            Vec::new(),
            "日本標準産業分類の大分類（例：E）又は中分類（例：24）を「、」で区切って",
        ),
        InputKind::Count => ("text", Vec::new(), "人数を整数で（例：20）"),
        InputKind::Amount if field == Field::MinimumWage => {
            ("text", Vec::new(), "時間給の金額（例：1100円）")
        }
        InputKind::Amount => ("text", Vec::new(), "金額（例：5000万円、3億円）"),
        InputKind::Date => ("text", Vec::new(), "日付（例：2020-04-01、令和2年4月1日）"),
        InputKind::YesNo => (
            "select",
            with_current(options(vec![("true", "はい"), ("false", "いいえ")]), value),
            "",
        ),
        InputKind::SingleChoice | InputKind::MultipleChoice => {
            let all: Vec<(&'static str, &'static str)> = match field {
                Field::OrgForm => OrgForm::ALL.iter().map(|v| (v.code(), v.label())).collect(),
                Field::LargeInvestment => LargeInvestment::ALL
                    .iter()
                    .map(|v| (v.code(), v.label()))
                    .collect(),
                _ => Purpose::ALL.iter().map(|v| (v.code(), v.label())).collect(),
            };
            if list {
                let boxes = all
                    .into_iter()
                    .map(|(code, label)| Choice::new(code, label, chosen.contains(&code)))
                    .collect();
                (
                    "checkboxes",
                    boxes,
                    "当てはまるものをすべて選んでください。",
                )
            } else {
                ("select", with_current(options(all), value), "")
            }
        }
    }
}

fn trial_line(c: &ConditionView) -> TrialLine {
    let mark = match c.status {
        ConditionStatus::Met => "✓",
        ConditionStatus::NotMet => "✗",
        ConditionStatus::Unknown | ConditionStatus::ToConfirm => "？",
        ConditionStatus::NotNeeded => "－",
    };
    TrialLine {
        depth: c.depth,
        mark,
        text: c.text.clone(),
        status: c.status_label,
        answer: c.answer.clone(),
    }
}

/// The trial form's fields with what was typed, and the profile when every answer reads.
fn trial_fields(form: &FormData) -> (Vec<TrialField>, Option<Profile>) {
    let mut profile = Profile::default();
    let mut ok = true;
    let fields = Field::ALL
        .iter()
        .map(|&field| {
            let value = form
                .all(&format!("try-{}", field.code()))
                .into_iter()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join("、");
            let set = if field == Field::Purposes && !value.is_empty() {
                let items = list_items(&value)
                    .map(|s| serde_json::Value::String(s.to_owned()))
                    .collect();
                profile.set(field, &serde_json::Value::Array(items))
            } else {
                profile.set_text(field, &value)
            };
            let problem = set.err().map(|e| e.to_string());
            ok &= problem.is_none();
            TrialField {
                code: field.code(),
                label: field.label(),
                value,
                hint: trial_hint(field),
                problem,
            }
        })
        .collect();
    (fields, ok.then_some(profile))
}

fn trial_hint(field: Field) -> &'static str {
    match field.input_kind() {
        InputKind::Municipality => "コード（例：462012）",
        InputKind::Industry => "分類コード（例：24）",
        InputKind::Count => "人数（例：12）",
        InputKind::Amount => "金額（例：1000万円）",
        InputKind::Date => "日付（例：2019-04-01）又は「創業予定」",
        InputKind::YesNo => "「はい」又は「いいえ」",
        InputKind::SingleChoice => "選択肢の名前又はコード",
        InputKind::MultipleChoice => "選択肢の名前又はコードを「、」で区切って",
    }
}
