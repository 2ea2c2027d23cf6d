//! A program's eligibility rule as rows of a plain HTML form, so that staff build rules with
//! selects and text boxes and nobody types JSON.
//!
//! Each row is one node: a group (「すべて満たす」 `all` / 「いずれかを満たす」 `any`), a condition
//! on an answer (field, comparison, value), a derived fact (中小企業者, 創業からの年数 …), or a
//! manual check written as text. Any row may be negated (「当てはまらないこと」), which is how
//! `not` is written. Rows post as `row-3-kind`, `row-3-parent`, `row-3-field`, `row-3-op`,
//! `row-3-value`, `row-3-negate`, `row-3-source`; every add, remove and move is a submit
//! button that re-renders the page, so the builder works without JavaScript.
//!
//! `from_rule` and `to_rule` are inverse up to meaning: a value typed the Japanese way or as a
//! label (「はい」, 「個人事業主」) comes back as its code, a single value of a list comparison as
//! a list of one, a condition at the top as a group of one, and a `not` keeps one `source`
//! (its own, else its child's; when both have one, the child is kept inside a group).

use madoguchi_core::eligibility::{
    Condition, Fact, FactCheck, Field, InputKind, LargeInvestment, ManualCheck, Op, OrgForm, Rule,
};
use madoguchi_core::program::Purpose;
use madoguchi_core::reference::{LocalGovCode, NameLookup, find_local_gov};
use serde_json::Value;

use crate::http::form::FormData;

/// The most rows one rule may have: far more than any real rule, few enough that a tampered
/// form cannot make the server build a huge tree.
pub const MAX_ROWS: usize = 200;

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    All,
    Any,
    Condition,
    Fact,
    Manual,
    /// A node that is not a rule (kept from a broken import) shown as its JSON, to be removed.
    Raw,
}

impl RowKind {
    const ALL: [RowKind; 6] = [
        Self::All,
        Self::Any,
        Self::Condition,
        Self::Fact,
        Self::Manual,
        Self::Raw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Any => "any",
            Self::Condition => "condition",
            Self::Fact => "fact",
            Self::Manual => "manual",
            Self::Raw => "raw",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn is_group(self) -> bool {
        matches!(self, Self::All | Self::Any)
    }
}

/// One row as the form holds it: text, exactly as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    pub kind: RowKind,
    /// 「当てはまらないこと」: the row is wrapped in `not`.
    pub negate: bool,
    /// The field code of a condition, the fact code of a fact.
    pub subject: String,
    pub op: String,
    /// The value: a list comma-separated; a manual check's text; a raw node's JSON.
    pub value: String,
    /// Where the requirement is written (「公募要領 2.(1)」).
    pub source: String,
}

impl RuleRow {
    fn new(kind: RowKind) -> Self {
        Self {
            kind,
            negate: false,
            subject: String::new(),
            op: String::new(),
            value: String::new(),
            source: String::new(),
        }
    }

    /// The field of a condition row, when it names one.
    pub fn field(&self) -> Option<Field> {
        match self.kind {
            RowKind::Condition => Field::parse(&self.subject).ok(),
            _ => None,
        }
    }
}

/// A row with the rows inside it (for groups).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNode {
    pub row: RuleRow,
    pub children: Vec<RowNode>,
}

impl RowNode {
    fn leaf(row: RuleRow) -> Self {
        Self {
            row,
            children: Vec::new(),
        }
    }

    /// A new group with one empty condition in it, ready to fill in.
    fn new_group(kind: RowKind) -> Self {
        Self {
            row: RuleRow::new(kind),
            children: vec![Self::leaf(RuleRow::new(RowKind::Condition))],
        }
    }

    fn count(&self) -> usize {
        1 + self.children.iter().map(Self::count).sum::<usize>()
    }
}

/// The whole rule as rows; no root means the program has no rule of its own and is judged
/// by the rule derived from its record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleRows {
    pub root: Option<RowNode>,
}

/// A row in page order, with where it sits.
#[derive(Debug, Clone, Copy)]
pub struct PlacedRow<'a> {
    /// The row's number in page order (the `3` of `row-3-field`).
    pub number: usize,
    pub parent: Option<usize>,
    pub depth: usize,
    pub node: &'a RowNode,
    /// Position among its siblings and how many there are.
    pub position: usize,
    pub siblings: usize,
}

/// The rule the rows make, with where each row's node sits in it.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltRule {
    pub rule: Option<Rule>,
    /// Node paths (as validation reports them) and the row each belongs to.
    pub paths: Vec<(String, usize)>,
    /// Rows left incomplete, with what to fill in; validation of those rows says no more.
    pub incomplete: Vec<(usize, String)>,
}

impl BuiltRule {
    /// The row a validation path points at.
    pub fn row_of(&self, path: &str) -> Option<usize> {
        self.paths.iter().find(|(p, _)| p == path).map(|&(_, n)| n)
    }
}

/// A change asked for by one of the builder's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleAction {
    /// 「条件を設定する」: a first group with one empty condition.
    Start,
    Add {
        parent: usize,
        kind: RowKind,
    },
    Remove(usize),
    Up(usize),
    Down(usize),
}

impl RuleAction {
    /// Reads a button's value: `rule-start`, `rule-add:3:condition`, `rule-remove:5`,
    /// `rule-up:5`, `rule-down:5`.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw == "rule-start" {
            return Some(Self::Start);
        }
        let (verb, rest) = raw.split_once(':')?;
        match verb {
            "rule-add" => {
                let (parent, kind) = rest.split_once(':')?;
                let kind = RowKind::parse(kind).filter(|k| *k != RowKind::Raw)?;
                Some(Self::Add {
                    parent: parent.parse().ok()?,
                    kind,
                })
            }
            "rule-remove" => rest.parse().ok().map(Self::Remove),
            "rule-up" => rest.parse().ok().map(Self::Up),
            "rule-down" => rest.parse().ok().map(Self::Down),
            _ => None,
        }
    }
}

/// A posted builder that cannot be read back into rows: only a tampered or truncated form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleFormError {
    #[error("条件の並びを読み取れませんでした。お手数ですが、編集画面を開き直してください。")]
    Unreadable,
    #[error("条件は{MAX_ROWS}行までです。まとめられる条件をまとめてください。")]
    TooManyRows,
}

impl RuleRows {
    /// The rows of a rule (none for a program judged by its derived rule).
    pub fn from_rule(rule: Option<&Rule>) -> Self {
        let Some(rule) = rule else {
            return Self::default();
        };
        let node = node_of(rule, None);
        let root = if node.row.kind.is_group() {
            node
        } else {
            RowNode {
                row: RuleRow::new(RowKind::All),
                children: vec![node],
            }
        };
        Self { root: Some(root) }
    }

    /// Every row in page order.
    pub fn placed(&self) -> Vec<PlacedRow<'_>> {
        fn visit<'a>(
            node: &'a RowNode,
            parent: Option<usize>,
            depth: usize,
            (position, siblings): (usize, usize),
            out: &mut Vec<PlacedRow<'a>>,
        ) {
            let number = out.len();
            out.push(PlacedRow {
                number,
                parent,
                depth,
                node,
                position,
                siblings,
            });
            let n = node.children.len();
            for (i, child) in node.children.iter().enumerate() {
                visit(child, Some(number), depth + 1, (i, n), out);
            }
        }
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            visit(root, None, 0, (0, 1), &mut out);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.root.as_ref().map_or(0, RowNode::count)
    }

    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }

    /// The rule the rows make, with each node's path mapped to its row.
    pub fn to_rule(&self) -> BuiltRule {
        let mut built = BuiltRule {
            rule: None,
            paths: Vec::new(),
            incomplete: Vec::new(),
        };
        if let Some(root) = &self.root {
            let mut next = 0;
            built.rule = Some(rule_of(root, String::new(), &mut next, &mut built));
        }
        built
    }

    /// Reads the rows a form posted. Rows come in page order; a row's parent must be a
    /// group row posted before it.
    pub fn read(form: &FormData) -> Result<Self, RuleFormError> {
        let mut numbers: Vec<usize> = Vec::new();
        let mut flat: Vec<(Option<usize>, RuleRow)> = Vec::new();
        for (key, kind) in form.pairs() {
            let Some(number) = key
                .strip_prefix("row-")
                .and_then(|rest| rest.strip_suffix("-kind"))
            else {
                continue;
            };
            let number: usize = number.parse().map_err(|_| RuleFormError::Unreadable)?;
            if numbers.contains(&number) {
                return Err(RuleFormError::Unreadable);
            }
            if flat.len() >= MAX_ROWS {
                return Err(RuleFormError::TooManyRows);
            }
            let kind = RowKind::parse(kind).ok_or(RuleFormError::Unreadable)?;
            let text = |name: &str| {
                form.get(&format!("row-{number}-{name}"))
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            let parent = match text("parent").as_str() {
                "" => None,
                raw => {
                    let posted: usize = raw.parse().map_err(|_| RuleFormError::Unreadable)?;
                    let index = numbers
                        .iter()
                        .position(|&n| n == posted)
                        .ok_or(RuleFormError::Unreadable)?;
                    if !flat[index].1.kind.is_group() {
                        return Err(RuleFormError::Unreadable);
                    }
                    Some(index)
                }
            };
            let values: Vec<String> = form
                .all(&format!("row-{number}-value"))
                .into_iter()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect();
            let separator = if kind == RowKind::Condition {
                ", "
            } else {
                "\n"
            };
            flat.push((
                parent,
                RuleRow {
                    kind,
                    negate: form.get(&format!("row-{number}-negate")).is_some(),
                    subject: text("field"),
                    op: text("op"),
                    value: values.join(separator),
                    source: text("source"),
                },
            ));
            numbers.push(number);
        }
        if flat.iter().filter(|(parent, _)| parent.is_none()).count() > 1 {
            return Err(RuleFormError::Unreadable);
        }
        Ok(Self {
            root: assemble(&flat, None).into_iter().next(),
        })
    }

    /// Carries out a button's change; `Err` says in Japanese why it was not made.
    pub fn apply(&mut self, action: RuleAction) -> Result<(), RuleFormError> {
        let grows = matches!(action, RuleAction::Add { .. } | RuleAction::Start);
        if grows && self.len() + 2 > MAX_ROWS {
            return Err(RuleFormError::TooManyRows);
        }
        match action {
            RuleAction::Start => {
                if self.root.is_none() {
                    self.root = Some(RowNode::new_group(RowKind::All));
                }
            }
            RuleAction::Add { parent, kind } => {
                if let Some(group) = self.node_mut(parent).filter(|n| n.row.kind.is_group()) {
                    group.children.push(if kind.is_group() {
                        RowNode::new_group(kind)
                    } else {
                        RowNode::leaf(RuleRow::new(kind))
                    });
                }
            }
            RuleAction::Remove(0) => self.root = None,
            RuleAction::Remove(n) => {
                if let Some((parent, i)) = self.parent_of(n) {
                    parent.children.remove(i);
                }
            }
            RuleAction::Up(n) => {
                if let Some((parent, i)) = self.parent_of(n).filter(|&(_, i)| i > 0) {
                    parent.children.swap(i - 1, i);
                }
            }
            RuleAction::Down(n) => {
                if let Some((parent, i)) = self.parent_of(n)
                    && i + 1 < parent.children.len()
                {
                    parent.children.swap(i, i + 1);
                }
            }
        }
        Ok(())
    }

    /// The row numbered `n` in page order.
    fn node_mut(&mut self, n: usize) -> Option<&mut RowNode> {
        let root = self.root.as_mut()?;
        let path = index_path(root, n)?;
        let mut node = root;
        for i in path {
            node = node.children.get_mut(i)?;
        }
        Some(node)
    }

    /// The group holding row `n` and `n`'s position in it.
    fn parent_of(&mut self, n: usize) -> Option<(&mut RowNode, usize)> {
        let root = self.root.as_mut()?;
        let mut path = index_path(root, n)?;
        let last = path.pop()?;
        let mut node = root;
        for i in path {
            node = node.children.get_mut(i)?;
        }
        Some((node, last))
    }
}

/// The child indices leading from `root` to the row numbered `n` in page order.
fn index_path(root: &RowNode, n: usize) -> Option<Vec<usize>> {
    fn walk(node: &RowNode, n: usize, next: &mut usize, path: &mut Vec<usize>) -> bool {
        if *next == n {
            return true;
        }
        *next += 1;
        for (i, child) in node.children.iter().enumerate() {
            path.push(i);
            if walk(child, n, next, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::new();
    let mut next = 0;
    walk(root, n, &mut next, &mut path).then_some(path)
}

/// The tree under `parent` from rows listed with their parent's index.
fn assemble(flat: &[(Option<usize>, RuleRow)], parent: Option<usize>) -> Vec<RowNode> {
    flat.iter()
        .enumerate()
        .filter(|(_, (p, _))| *p == parent)
        .map(|(i, (_, row))| RowNode {
            row: row.clone(),
            children: assemble(flat, Some(i)),
        })
        .collect()
}

fn own_source(rule: &Rule) -> Option<&String> {
    match rule {
        Rule::All { source, .. } | Rule::Any { source, .. } | Rule::Not { source, .. } => {
            source.as_ref()
        }
        Rule::Condition(c) => c.source.as_ref(),
        Rule::Fact(f) => f.source.as_ref(),
        Rule::Manual(m) => m.source.as_ref(),
        Rule::Malformed(_) => None,
    }
}

/// The rows of one node; `negated` carries the `source` of a `not` around it.
fn node_of(rule: &Rule, negated: Option<Option<String>>) -> RowNode {
    let wrap = |source: Option<String>, child: RowNode| RowNode {
        row: RuleRow {
            negate: true,
            source: source.unwrap_or_default(),
            ..RuleRow::new(RowKind::All)
        },
        children: vec![child],
    };
    match (rule, negated) {
        (
            Rule::Not {
                rule: inner,
                source,
            },
            None,
        ) => node_of(inner, Some(source.clone())),
        (Rule::Not { .. }, Some(outer)) => wrap(outer, node_of(rule, None)),
        (_, Some(Some(outer))) if own_source(rule).is_some() => {
            wrap(Some(outer), node_of(rule, None))
        }
        (_, negated) => {
            let mut node = plain_node(rule);
            if let Some(source) = negated {
                node.row.negate = true;
                if let Some(source) = source {
                    node.row.source = source;
                }
            }
            node
        }
    }
}

fn plain_node(rule: &Rule) -> RowNode {
    let source = own_source(rule).cloned().unwrap_or_default();
    let row = |kind, subject: &str, op: &str, value: String| RuleRow {
        kind,
        negate: false,
        subject: subject.to_owned(),
        op: op.to_owned(),
        value,
        source: source.clone(),
    };
    match rule {
        Rule::All { rules, .. } | Rule::Any { rules, .. } => {
            let kind = if matches!(rule, Rule::All { .. }) {
                RowKind::All
            } else {
                RowKind::Any
            };
            RowNode {
                row: row(kind, "", "", String::new()),
                children: rules.iter().map(|r| node_of(r, None)).collect(),
            }
        }
        Rule::Condition(c) => RowNode::leaf(row(
            RowKind::Condition,
            &c.field,
            &c.op,
            value_text(Field::parse(&c.field).ok(), &c.value),
        )),
        Rule::Fact(f) => RowNode::leaf(row(
            RowKind::Fact,
            &f.fact,
            f.op.as_deref().unwrap_or_default(),
            f.value
                .as_ref()
                .map(|v| value_text(None, v))
                .unwrap_or_default(),
        )),
        Rule::Manual(m) => RowNode::leaf(row(RowKind::Manual, "", "", m.text.clone())),
        Rule::Malformed(v) => RowNode::leaf(RuleRow {
            source: String::new(),
            ..row(RowKind::Raw, "", "", v.to_string())
        }),
        // A `not` is always read through `node_of`.
        Rule::Not { rule, .. } => node_of(rule, Some(None)),
    }
}

/// Builds row `node` (numbered `*next` in page order) at `path`.
fn rule_of(node: &RowNode, path: String, next: &mut usize, built: &mut BuiltRule) -> Rule {
    let number = *next;
    *next += 1;
    let row = &node.row;
    built.paths.push((path.clone(), number));
    let inner_path = if row.negate {
        let inner = join(&path, "not");
        built.paths.push((inner.clone(), number));
        inner
    } else {
        path
    };
    let source = (!row.source.is_empty()).then(|| row.source.clone());
    // A negated row's source sits on its `not`, where explanations read it.
    let (own, not_source) = if row.negate {
        (None, source)
    } else {
        (source, None)
    };
    if let Some(missing) = incomplete(row) {
        built.incomplete.push((number, missing.to_owned()));
    }
    let node_rule = match row.kind {
        RowKind::All | RowKind::Any => {
            let name = if row.kind == RowKind::All {
                "all"
            } else {
                "any"
            };
            let rules = node
                .children
                .iter()
                .enumerate()
                .map(|(i, c)| rule_of(c, join(&inner_path, &format!("{name}[{i}]")), next, built))
                .collect();
            if row.kind == RowKind::All {
                Rule::All { rules, source: own }
            } else {
                Rule::Any { rules, source: own }
            }
        }
        RowKind::Condition => Rule::Condition(Condition {
            field: row.subject.clone(),
            op: row.op.clone(),
            value: value_json(row.field(), &row.op, &row.value),
            source: own,
        }),
        RowKind::Fact => {
            let compared = Fact::parse(&row.subject).is_ok_and(|f| !f.is_boolean());
            let text = |s: &str| (compared && !s.is_empty()).then(|| s.to_owned());
            Rule::Fact(FactCheck {
                fact: row.subject.clone(),
                op: text(&row.op),
                value: text(&row.value).map(|v| number_or_text(&v)),
                source: own,
            })
        }
        RowKind::Manual => Rule::Manual(ManualCheck {
            text: row.value.clone(),
            source: own,
        }),
        RowKind::Raw => Rule::from_value(
            serde_json::from_str(&row.value).unwrap_or(Value::String(row.value.clone())),
        ),
    };
    if row.negate {
        Rule::Not {
            rule: Box::new(node_rule),
            source: not_source,
        }
    } else {
        node_rule
    }
}

fn join(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.to_owned()
    } else {
        format!("{path}.{step}")
    }
}

/// What a row still lacks before it can be checked, in the words of the form.
fn incomplete(row: &RuleRow) -> Option<&'static str> {
    match row.kind {
        RowKind::Condition if row.subject.is_empty() => Some("項目を選んでください。"),
        RowKind::Condition if row.op.is_empty() => Some("比べ方を選んでください。"),
        RowKind::Condition if row.value.is_empty() => Some("値を入力してください。"),
        RowKind::Fact if row.subject.is_empty() => Some("判定項目を選んでください。"),
        RowKind::Fact
            if Fact::parse(&row.subject).is_ok_and(|f| !f.is_boolean())
                && (row.op.is_empty() || row.value.is_empty()) =>
        {
            Some("比べ方と年数を入力してください。")
        }
        _ => None,
    }
}

/// Whether a comparison takes a list of values.
pub fn is_list_op(op: &str) -> bool {
    matches!(
        Op::parse(op),
        Ok(Op::In | Op::NotIn | Op::Within | Op::IndustryIn | Op::Contains)
    )
}

/// The items of a typed list: separated by commas, 「、」, spaces or lines.
pub fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '、', '，', ' ', '\u{3000}', '\n', '\r', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A typed value as the JSON a rule keeps.
fn value_json(field: Option<Field>, op: &str, text: &str) -> Value {
    typed_value(field, is_list_op(op), text)
}

/// A value typed for `field` the Japanese way (「5,000万円」, 「はい」, a municipality by
/// name) as JSON the engine reads: a list when `list`. Shared by conditions and the answers
/// of test profiles, so both are typed the same way.
pub fn typed_value(field: Option<Field>, list: bool, text: &str) -> Value {
    if list {
        Value::Array(list_items(text).map(|s| item_json(field, s)).collect())
    } else {
        item_json(field, text.trim())
    }
}

fn item_json(field: Option<Field>, text: &str) -> Value {
    match field.map(Field::input_kind) {
        Some(InputKind::Count | InputKind::Amount) => number_or_text(text),
        Some(InputKind::YesNo) => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_owned()),
        },
        // A municipality may be typed by name (「鹿児島市」): the code is kept.
        Some(InputKind::Municipality) if LocalGovCode::parse(text).is_err() => {
            match find_local_gov(text) {
                NameLookup::Found(gov) => Value::String(gov.code.to_string()),
                _ => Value::String(text.to_owned()),
            }
        }
        _ => Value::String(text.to_owned()),
    }
}

/// Plain digits as a number (so 20 stays 20), anything else as typed (「1000万円」).
fn number_or_text(text: &str) -> Value {
    match text.parse::<u64>() {
        Ok(n) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => Value::from(n),
        _ => Value::String(text.to_owned()),
    }
}

/// A rule's value (or a test profile's answer) as the form shows it, labels and yes/no
/// turned into the codes the form's controls use.
pub fn value_text(field: Option<Field>, value: &Value) -> String {
    match value {
        Value::Array(items) => items
            .iter()
            .flat_map(|v| list_item_texts(field, v))
            .collect::<Vec<_>>()
            .join(", "),
        single => item_text(field, single),
    }
}

/// One item of a list as the form's checkboxes show it: a group of legal forms (`company`,
/// `cooperative`) is one checkbox per member, since the boxes list forms only.
fn list_item_texts(field: Option<Field>, value: &Value) -> Vec<String> {
    let group = match (field, value) {
        (Some(Field::OrgForm), Value::String(s)) => OrgForm::parse_group(s),
        _ => None,
    };
    match group {
        Some(members) => members.iter().map(|m| m.code().to_owned()).collect(),
        None => vec![item_text(field, value)],
    }
}

fn item_text(field: Option<Field>, value: &Value) -> String {
    let raw = match value {
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    };
    let code = |parsed: Option<&'static str>| parsed.map_or_else(|| raw.clone(), str::to_owned);
    match field {
        Some(Field::OrgForm) => code(OrgForm::parse(&raw).ok().map(OrgForm::code)),
        Some(Field::LargeInvestment) => {
            code(LargeInvestment::parse(&raw).ok().map(LargeInvestment::code))
        }
        Some(Field::Purposes) => code(Purpose::parse(&raw).ok().map(Purpose::code)),
        Some(f) if f.input_kind() == InputKind::YesNo => match raw.as_str() {
            "true" | "はい" | "yes" => "true".to_owned(),
            "false" | "いいえ" | "no" => "false".to_owned(),
            _ => raw,
        },
        _ => raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use madoguchi_core::demo::CATALOGUE;
    use madoguchi_core::eligibility::CompiledRule;
    use madoguchi_core::import::own;
    use serde_json::json;

    fn demo_rules() -> Vec<(String, Rule)> {
        CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
            .filter_map(|p| p.rule.map(|r| (p.id.to_string(), r)))
            .collect()
    }

    fn round_trip(rule: &Rule) -> Rule {
        RuleRows::from_rule(Some(rule)).to_rule().rule.unwrap()
    }

    #[test]
    fn every_demo_rule_comes_back_from_its_rows_unchanged_in_meaning() {
        let rules = demo_rules();
        assert!(rules.len() > 40);
        for (id, rule) in rules {
            let back = round_trip(&rule);
            assert_eq!(
                CompiledRule::compile(&back).unwrap(),
                CompiledRule::compile(&rule).unwrap(),
                "{id}: {}",
                back.to_value()
            );
        }
    }

    #[test]
    fn groups_negation_facts_and_manual_checks_become_rows_in_page_order() {
        let rule = Rule::from_value(json!({"all": [
            {"field": "municipality", "op": "within", "value": ["460001", "462012"]},
            {"not": {"fact": "deemed_large"}},
            {"any": [
                {"field": "org_form", "op": "in", "value": ["個人事業主", "llc"]},
                {"fact": "years_since_founding", "op": "lt", "value": 5}
            ], "source": "要領 2"},
            {"field": "tax_arrears", "op": "eq", "value": "いいえ"},
            {"manual": "市税を完納していること"}
        ]}));
        let rows = RuleRows::from_rule(Some(&rule));
        let placed = rows.placed();
        type Line<'a> = (
            usize,
            Option<usize>,
            &'a str,
            bool,
            &'a str,
            &'a str,
            &'a str,
        );
        let summary: Vec<Line<'_>> = placed
            .iter()
            .map(|p| {
                let r = &p.node.row;
                (
                    p.number,
                    p.parent,
                    r.kind.code(),
                    r.negate,
                    r.subject.as_str(),
                    r.op.as_str(),
                    r.value.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (0, None, "all", false, "", "", ""),
                (
                    1,
                    Some(0),
                    "condition",
                    false,
                    "municipality",
                    "within",
                    "460001, 462012"
                ),
                (2, Some(0), "fact", true, "deemed_large", "", ""),
                (3, Some(0), "any", false, "", "", ""),
                (
                    4,
                    Some(3),
                    "condition",
                    false,
                    "org_form",
                    "in",
                    "sole_proprietor, llc"
                ),
                (5, Some(3), "fact", false, "years_since_founding", "lt", "5"),
                (6, Some(0), "condition", false, "tax_arrears", "eq", "false"),
                (
                    7,
                    Some(0),
                    "manual",
                    false,
                    "",
                    "",
                    "市税を完納していること"
                ),
            ]
        );
        assert_eq!(placed[3].node.row.source, "要領 2");
        let built = rows.to_rule();
        assert_eq!(built.row_of("all[1]"), Some(2));
        assert_eq!(built.row_of("all[1].not"), Some(2));
        assert_eq!(built.row_of("all[2].any[1]"), Some(5));
        assert_eq!(
            CompiledRule::compile(built.rule.as_ref().unwrap()).unwrap(),
            CompiledRule::compile(&rule).unwrap()
        );
    }

    #[test]
    fn a_double_negation_or_two_sources_keep_their_meaning_inside_a_group() {
        for json in [
            json!({"not": {"not": {"fact": "sme"}}}),
            json!({"all": [{"not": {"fact": "sme", "source": "a"}, "source": "b"}]}),
            json!({"fact": "sme"}),
        ] {
            let rule = Rule::from_value(json.clone());
            let back = round_trip(&rule);
            let as_of = time::macros::date!(2026 - 04 - 01);
            for profile in [
                json!({"industry": "24", "org_form": "stock_company", "capital": "1000万円"}),
                json!({"industry": "24", "org_form": "stock_company", "capital": "100億円", "employees": 5000}),
                json!({}),
            ] {
                let profile = madoguchi_core::eligibility::Profile::from_value(&profile).unwrap();
                let ctx = madoguchi_core::eligibility::Context::new(&profile, as_of);
                assert_eq!(
                    CompiledRule::compile(&back).unwrap().evaluate(&ctx).verdict,
                    CompiledRule::compile(&rule).unwrap().evaluate(&ctx).verdict,
                    "{json} → {}",
                    back.to_value()
                );
            }
        }
    }

    #[test]
    fn values_typed_the_japanese_way_keep_their_form_and_names_become_codes() {
        let rows = RuleRows {
            root: Some(RowNode {
                row: RuleRow::new(RowKind::All),
                children: vec![
                    RowNode::leaf(RuleRow {
                        subject: "capital".into(),
                        op: "le".into(),
                        value: "5,000万円".into(),
                        ..RuleRow::new(RowKind::Condition)
                    }),
                    RowNode::leaf(RuleRow {
                        subject: "employees".into(),
                        op: "le".into(),
                        value: "20".into(),
                        ..RuleRow::new(RowKind::Condition)
                    }),
                    RowNode::leaf(RuleRow {
                        subject: "municipality".into(),
                        op: "within".into(),
                        value: "鹿児島県、462012".into(),
                        ..RuleRow::new(RowKind::Condition)
                    }),
                ],
            }),
        };
        let rule = rows.to_rule().rule.unwrap();
        assert_eq!(
            rule.to_value(),
            json!({"all": [
                {"field": "capital", "op": "le", "value": "5,000万円"},
                {"field": "employees", "op": "le", "value": 20},
                {"field": "municipality", "op": "within", "value": ["460001", "462012"]}
            ]})
        );
    }

    #[test]
    fn an_empty_row_says_what_to_fill_in_instead_of_a_json_message() {
        let mut rows = RuleRows::default();
        rows.apply(RuleAction::Start).unwrap();
        let built = rows.to_rule();
        assert_eq!(built.incomplete, [(1, "項目を選んでください。".to_owned())]);
    }

    #[test]
    fn buttons_add_remove_and_move_rows() {
        let mut rows = RuleRows::default();
        rows.apply(RuleAction::Start).unwrap();
        rows.apply(RuleAction::Add {
            parent: 0,
            kind: RowKind::Manual,
        })
        .unwrap();
        rows.apply(RuleAction::Add {
            parent: 0,
            kind: RowKind::Any,
        })
        .unwrap();
        let kinds = |rows: &RuleRows| -> Vec<&'static str> {
            rows.placed()
                .iter()
                .map(|p| p.node.row.kind.code())
                .collect()
        };
        assert_eq!(
            kinds(&rows),
            ["all", "condition", "manual", "any", "condition"]
        );
        rows.apply(RuleAction::Up(2)).unwrap();
        assert_eq!(
            kinds(&rows),
            ["all", "manual", "condition", "any", "condition"]
        );
        rows.apply(RuleAction::Down(3)).unwrap();
        assert_eq!(
            kinds(&rows),
            ["all", "manual", "condition", "any", "condition"],
            "the last row cannot move down"
        );
        // Adding under a condition row is ignored: only groups hold rows.
        rows.apply(RuleAction::Add {
            parent: 1,
            kind: RowKind::Condition,
        })
        .unwrap();
        assert_eq!(rows.len(), 5);
        rows.apply(RuleAction::Remove(3)).unwrap();
        assert_eq!(kinds(&rows), ["all", "manual", "condition"]);
        rows.apply(RuleAction::Remove(0)).unwrap();
        assert!(rows.is_empty());
        assert_eq!(rows.to_rule().rule, None);
    }

    #[test]
    fn button_values_are_read_strictly() {
        assert_eq!(
            RuleAction::parse("rule-add:3:any"),
            Some(RuleAction::Add {
                parent: 3,
                kind: RowKind::Any
            })
        );
        assert_eq!(
            RuleAction::parse("rule-remove:7"),
            Some(RuleAction::Remove(7))
        );
        for bad in [
            "rule-add:3:raw",
            "rule-add:x:all",
            "rule-up:",
            "save",
            "rule-remove:-1",
        ] {
            assert_eq!(RuleAction::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_posted_form_reads_back_into_rows_and_checkboxes_join_into_one_value() {
        let posted = FormData::of_strs(&[
            ("row-0-kind", "all"),
            ("row-0-parent", ""),
            ("row-1-kind", "condition"),
            ("row-1-parent", "0"),
            ("row-1-field", "org_form"),
            ("row-1-op", "in"),
            ("row-1-value", "llc"),
            ("row-1-value", "npo"),
            ("row-2-kind", "fact"),
            ("row-2-parent", "0"),
            ("row-2-field", "sme"),
            ("row-2-negate", "1"),
            ("row-2-source", " 要領 "),
        ]);
        let rows = RuleRows::read(&posted).unwrap();
        let placed = rows.placed();
        assert_eq!(placed.len(), 3);
        assert_eq!(placed[1].node.row.value, "llc, npo");
        assert!(placed[2].node.row.negate);
        assert_eq!(placed[2].node.row.source, "要領");
        assert_eq!(
            rows.to_rule().rule.unwrap().to_value(),
            json!({"all": [
                {"field": "org_form", "op": "in", "value": ["llc", "npo"]},
                {"not": {"fact": "sme"}, "source": "要領"}
            ]})
        );
    }

    #[test]
    fn a_tampered_form_is_refused_in_japanese_not_with_a_panic() {
        for pairs in [
            vec![
                ("row-0-kind", "condition"),
                ("row-1-kind", "condition"),
                ("row-1-parent", "0"),
            ],
            vec![("row-0-kind", "all"), ("row-1-kind", "all")],
            vec![
                ("row-0-kind", "all"),
                ("row-1-kind", "fact"),
                ("row-1-parent", "9"),
            ],
            vec![("row-0-kind", "sometimes")],
            vec![("row-x-kind", "all")],
            vec![("row-0-kind", "all"), ("row-0-kind", "all")],
        ] {
            let err = RuleRows::read(&FormData::of_strs(&pairs)).unwrap_err();
            assert!(
                err.to_string().contains("読み取れませんでした"),
                "{pairs:?}"
            );
        }
        let many: Vec<(String, String)> = (0..=MAX_ROWS)
            .flat_map(|n| {
                [
                    (
                        format!("row-{n}-kind"),
                        if n == 0 { "all" } else { "manual" }.to_owned(),
                    ),
                    (
                        format!("row-{n}-parent"),
                        if n == 0 {
                            String::new()
                        } else {
                            "0".to_owned()
                        },
                    ),
                ]
            })
            .collect();
        let err = RuleRows::read(&FormData::from_pairs(many)).unwrap_err();
        assert_eq!(err, RuleFormError::TooManyRows);
    }
}
