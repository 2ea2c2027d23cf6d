//! The rows a form posted, read back strictly: a tampered form is refused in Japanese, never
//! built into a huge or cyclic tree.

use super::{MAX_ROWS, RowKind, RowNode, RuleFormError, RuleRow, RuleRows};
use crate::http::form::FormData;

impl RuleRows {
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
