//! What changed between two versions of a program, field by field, in the words of the
//! editor: each field under its Japanese label, choices by their labels, and longer texts
//! (the outline, documents, the conditions as a business reads them) line by line.
//!
//! The same comparison serves the history page (any two versions) and the refusal of a
//! stale save (what the other person saved against what was just typed).

use madoguchi_core::eligibility::{ConditionView, Profile, checklist, preview_rule};
use madoguchi_core::program::Program;
use similar::{ChangeTag, TextDiff};
use time::Date;

use super::case_form::CaseRow;
use super::page::{EditorPage, FieldView};
use super::program_form::{FieldErrors, ProgramForm};
use crate::site::checklist::DocumentLine;
use crate::site::view::date_label;

/// One line of a text compared line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `added`, `removed` or `same` (a line of context).
    pub tag: &'static str,
    pub text: String,
}

impl DiffLine {
    /// The mark a reader sees before the line (also said in words for screen readers).
    pub fn mark(&self) -> &'static str {
        match self.tag {
            "added" => "＋",
            "removed" => "－",
            _ => "　",
        }
    }

    pub fn spoken(&self) -> &'static str {
        match self.tag {
            "added" => "追加：",
            "removed" => "削除：",
            _ => "",
        }
    }
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub label: String,
    /// For a one-line value: before and after (「（なし）」 for empty).
    pub before: String,
    pub after: String,
    /// For a longer text: its changed lines with a little context; empty for one-liners.
    pub lines: Vec<DiffLine>,
}

/// Lines of context kept around each change.
const CONTEXT: usize = 2;

/// Every field that differs between `old` and `new`, in the editor's order. Conditions are
/// compared as a business reads them on `as_of`.
pub fn diff_programs(old: &Program, new: &Program, as_of: Date) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let fields = |p: &Program| -> Vec<FieldView> {
        let form = ProgramForm::of(p);
        let mut all: Vec<FieldView> = EditorPage::sections(&form, &FieldErrors::default(), true)
            .into_iter()
            .flat_map(|s| s.fields)
            .collect();
        all.push(rounds_field(p));
        all.push(documents_field(p, as_of));
        all
    };
    for (a, b) in fields(old).iter().zip(fields(new).iter()) {
        let (before, after) = (shown(a), shown(b));
        if before == after {
            continue;
        }
        let long = a.control == "textarea" || before.contains('\n') || after.contains('\n');
        changes.push(if long || a.name == "detail" {
            lines_change(a.label, &split(&a.name, &before), &split(&a.name, &after))
        } else {
            FieldChange {
                label: a.label.to_owned(),
                before: or_none(before),
                after: or_none(after),
                lines: Vec::new(),
            }
        });
    }
    let (old_rule, new_rule) = (rule_lines(old, as_of), rule_lines(new, as_of));
    if old_rule != new_rule {
        changes.push(lines_change("対象となる条件", &old_rule, &new_rule));
    }
    let (old_cases, new_cases) = (case_lines(old), case_lines(new));
    if old_cases != new_cases {
        changes.push(lines_change("テスト用の事業者", &old_cases, &new_cases));
    }
    changes
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "（なし）".to_owned()
    } else {
        text
    }
}

/// A control's value as a person reads it: choices by their labels.
fn shown(field: &FieldView) -> String {
    match field.control {
        "select" | "radios" | "checkboxes" => field
            .options
            .iter()
            .filter(|o| o.selected && !o.value.is_empty())
            .map(|o| o.label.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => field.value.trim().to_owned(),
    }
}

/// The rounds as one text, a line each.
fn rounds_field(p: &Program) -> FieldView {
    let form = ProgramForm::of(p);
    let text = form
        .rounds
        .iter()
        .map(|r| format!("{}：{}〜{}", r.label, r.opens, r.closes))
        .collect::<Vec<_>>()
        .join("\n");
    FieldView::textarea("rounds", "受付期間", &text)
}

/// The documents one per line, each with everything the catalogue says about it.
fn documents_field(p: &Program, as_of: Date) -> FieldView {
    let text = checklist(p, &Profile::default(), as_of)
        .iter()
        .map(|item| DocumentLine::of(item).one_line())
        .collect::<Vec<_>>()
        .join("\n");
    FieldView::textarea("documents", "必要書類", &text)
}

/// A text as lines to compare; the outline's HTML is cut after each block.
fn split(name: &str, text: &str) -> Vec<String> {
    if name == "detail" {
        let mut out = Vec::new();
        let mut line = String::new();
        for part in text.split_inclusive('>') {
            line.push_str(part);
            let ends_block = [
                "</p>", "</li>", "</ul>", "</ol>", "<br>", "</h3>", "</h4>", "</table>", "</tr>",
            ]
            .iter()
            .any(|end| part.ends_with(end));
            if ends_block {
                out.push(std::mem::take(&mut line));
            }
        }
        if !line.is_empty() {
            out.push(line);
        }
        out
    } else {
        text.lines().map(str::to_owned).collect()
    }
}

fn lines_change(label: &str, old: &[String], new: &[String]) -> FieldChange {
    let old: Vec<&str> = old.iter().map(String::as_str).collect();
    let new: Vec<&str> = new.iter().map(String::as_str).collect();
    let diff = TextDiff::from_slices(&old, &new);
    let mut lines = Vec::new();
    for group in diff.grouped_ops(CONTEXT) {
        if !lines.is_empty() {
            lines.push(DiffLine {
                tag: "same",
                text: "…".to_owned(),
            });
        }
        for op in group {
            for change in diff.iter_changes(&op) {
                lines.push(DiffLine {
                    tag: match change.tag() {
                        ChangeTag::Insert => "added",
                        ChangeTag::Delete => "removed",
                        ChangeTag::Equal => "same",
                    },
                    text: change.value().to_owned(),
                });
            }
        }
    }
    FieldChange {
        label: label.to_owned(),
        before: String::new(),
        after: String::new(),
        lines,
    }
}

/// The conditions as a business reads them, indented by depth.
fn rule_lines(p: &Program, as_of: Date) -> Vec<String> {
    let preview = preview_rule(p, as_of);
    ConditionView::flatten(&preview.conditions)
        .into_iter()
        .map(|c| {
            let source = c
                .source
                .as_deref()
                .map(|s| format!("（根拠：{s}）"))
                .unwrap_or_default();
            format!("{}{}{source}", "　".repeat(c.depth), c.text)
        })
        .collect()
}

/// Each test profile as the editor shows it: a line with its name, expected verdict and day,
/// then one indented line per answer, labelled and typed the Japanese way.
fn case_lines(p: &Program) -> Vec<String> {
    let mut lines = Vec::new();
    for case in &p.test_cases {
        let row = CaseRow::of(case);
        let day = case
            .as_of
            .map(|d| format!("（判定日 {}）", date_label(d)))
            .unwrap_or_default();
        lines.push(format!("{}：{}{day}", case.name, case.expect.label()));
        lines.extend(row.answers.iter().map(|a| {
            let label = a.field().map_or(a.field.as_str(), |f| f.label());
            format!("　{label}：{}", a.value)
        }));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use madoguchi_core::demo::CATALOGUE;
    use madoguchi_core::eligibility::Rule;
    use madoguchi_core::import::own;
    use madoguchi_core::program::{ProgramStatus, Title};
    use serde_json::json;
    use time::macros::date;

    fn program() -> Program {
        own::parse(CATALOGUE[2].1).unwrap().programs.remove(0)
    }

    #[test]
    fn a_program_compared_with_itself_has_no_changes() {
        for (_, bytes) in CATALOGUE {
            for p in own::parse(bytes).unwrap().programs {
                assert_eq!(diff_programs(&p, &p, date!(2026 - 06 - 01)), []);
            }
        }
    }

    #[test]
    fn each_changed_field_is_named_in_japanese_with_before_and_after() {
        let old = program();
        let mut new = old.clone();
        new.title = Title::parse("新しい制度名").unwrap();
        new.status = ProgramStatus::ClosedBudget;
        new.documents = ["申請書", "見積書"]
            .map(|name| madoguchi_core::program::RequiredDocument::named(name).unwrap())
            .to_vec();
        new.detail = old.detail.replacen("</p>", "（改訂）</p>", 1);
        new.rule = Some(Box::new(Rule::from_value(json!({"all": [
            {"field": "municipality", "op": "within", "value": ["462161"]},
            {"field": "employees", "op": "le", "value": 20}
        ]}))));
        let changes = diff_programs(&old, &new, date!(2026 - 06 - 01));
        let labels: Vec<&str> = changes.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            ["制度名", "詳細", "受付状況", "必要書類", "対象となる条件"]
        );
        assert_eq!(changes[0].before, old.title.to_string());
        assert_eq!(changes[0].after, "新しい制度名");
        assert_eq!(changes[2].before, "受付中");
        assert_eq!(changes[2].after, "予算上限により受付終了");
        let added: Vec<&str> = changes[3]
            .lines
            .iter()
            .filter(|l| l.tag == "added")
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(added, ["申請書", "見積書"]);
        // Only the changed paragraph of the outline is marked, not the whole text.
        let removed = changes[1]
            .lines
            .iter()
            .filter(|l| l.tag == "removed")
            .count();
        assert_eq!(removed, 1, "{:?}", changes[1].lines);
        assert!(
            changes[4]
                .lines
                .iter()
                .any(|l| l.tag == "added" && l.text.contains("従業員数が20人以下")),
            "{:?}",
            changes[4].lines
        );
    }

    #[test]
    fn a_changed_test_profile_shows_only_its_changed_answer_in_words() {
        let old = CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
            .find(|p| {
                p.test_cases
                    .iter()
                    .any(|c| c.profile.contains_key("employees"))
            })
            .unwrap();
        let mut new = old.clone();
        let case = new
            .test_cases
            .iter_mut()
            .find(|c| c.profile.contains_key("employees"))
            .unwrap();
        case.profile.insert("employees".to_owned(), json!(987));
        let changes = diff_programs(&old, &new, date!(2026 - 06 - 01));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].label, "テスト用の事業者");
        let marked: Vec<(&str, &str)> = changes[0]
            .lines
            .iter()
            .filter(|l| l.tag != "same")
            .map(|l| (l.tag, l.text.as_str()))
            .collect();
        assert_eq!(marked.len(), 2, "{marked:?}");
        assert_eq!(marked[1], ("added", "　常時使用する従業員数：987"));
        assert!(
            marked[0].1.starts_with("　常時使用する従業員数："),
            "{marked:?}"
        );
        assert!(
            changes[0].lines.iter().all(|l| !l.text.contains('{')),
            "no JSON"
        );
    }
}
