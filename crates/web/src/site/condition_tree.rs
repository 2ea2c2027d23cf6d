//! A rule's conditions as nested lists: the engine explains them as a tree, and a template
//! (which cannot recurse) writes it from a flat list that says where lists open and close.
//!
//! A template writes, for each line: `<li>` and the line; then `<ul>` when `opens` (the `<li>`
//! stays open for the children that follow), else `</li>`; then `</ul></li>` `closes` times.

use madoguchi_core::eligibility::ConditionView;

/// One condition of the tree, in the rule's order (each before its children).
#[derive(Debug)]
pub struct TreeLine<T> {
    pub line: T,
    /// The condition is a group: its children follow in a list nested inside its `<li>`.
    pub opens: bool,
    /// How many nested lists (each with the `<li>` holding it) end after this line.
    pub closes: usize,
}

/// The tree of `conditions` as lines; `line` gets each condition and its parent, if any.
pub fn tree_lines<T>(
    conditions: &[ConditionView],
    line: impl Fn(&ConditionView, Option<&ConditionView>) -> T,
) -> Vec<TreeLine<T>> {
    fn walk<T>(
        list: &[ConditionView],
        parent: Option<&ConditionView>,
        line: &impl Fn(&ConditionView, Option<&ConditionView>) -> T,
        out: &mut Vec<TreeLine<T>>,
    ) {
        for c in list {
            out.push(TreeLine {
                line: line(c, parent),
                opens: !c.children.is_empty(),
                closes: 0,
            });
            if !c.children.is_empty() {
                walk(&c.children, Some(c), line, out);
                // The last line written is this group's last descendant: its list ends there.
                if let Some(last) = out.last_mut() {
                    last.closes += 1;
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(conditions, None, &line, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use madoguchi_core::eligibility::ConditionStatus;

    fn node(path: &str, children: Vec<ConditionView>) -> ConditionView {
        ConditionView {
            path: path.to_owned(),
            depth: path.matches('.').count(),
            text: path.to_owned(),
            status: ConditionStatus::Met,
            status_label: ConditionStatus::Met.label(),
            answer: None,
            reasons: Vec::new(),
            source: None,
            children,
        }
    }

    /// The HTML a template would write, with each line's text.
    fn html(lines: &[TreeLine<String>]) -> String {
        let mut out = String::from("<ul>");
        for l in lines {
            out += &format!("<li>{}", l.line);
            out += if l.opens { "<ul>" } else { "</li>" };
            out += &"</ul></li>".repeat(l.closes);
        }
        out + "</ul>"
    }

    #[test]
    fn groups_open_a_nested_list_that_closes_after_their_last_descendant() {
        let tree = [
            node("a", vec![]),
            node(
                "b",
                vec![
                    node("b.x", vec![node("b.x.p", vec![])]),
                    node("b.y", vec![]),
                ],
            ),
            node("c", vec![node("c.z", vec![node("c.z.q", vec![])])]),
        ];
        let lines = tree_lines(&tree, |c, parent| {
            format!("{}<{}", c.text, parent.map_or("", |p| p.text.as_str()))
        });
        assert_eq!(
            html(&lines),
            "<ul><li>a<</li><li>b<<ul><li>b.x<b<ul><li>b.x.p<b.x</li></ul></li>\
             <li>b.y<b</li></ul></li><li>c<<ul><li>c.z<c<ul><li>c.z.q<c.z</li></ul></li>\
             </ul></li></ul>"
        );
    }
}
