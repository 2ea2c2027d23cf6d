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

mod buttons;
mod from_rule;
mod posted;
#[cfg(test)]
mod tests;
mod to_rule;
mod values;

use madoguchi_core::eligibility::{Field, Rule};

pub use buttons::RuleAction;
pub use values::{is_list_op, list_items, typed_value, value_text};

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

/// A posted builder that cannot be read back into rows: only a tampered or truncated form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleFormError {
    #[error("条件の並びを読み取れませんでした。お手数ですが、編集画面を開き直してください。")]
    Unreadable,
    #[error("条件は{MAX_ROWS}行までです。まとめられる条件をまとめてください。")]
    TooManyRows,
}

impl RuleRows {
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
}
