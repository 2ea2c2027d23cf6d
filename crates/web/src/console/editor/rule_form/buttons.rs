//! The builder's buttons (add, remove, move a row): each is a submit that re-renders the
//! page with the change made, so the builder works without JavaScript.

use super::{MAX_ROWS, RowKind, RowNode, RuleFormError, RuleRow, RuleRows};

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

impl RuleRows {
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
