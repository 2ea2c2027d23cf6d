//! Finds the parts of a rule that no business can ever satisfy, so staff are warned before
//! they publish a program that is 対象外 for everyone (「従業員5人以下」 and 「従業員10人以上」).
//!
//! What it checks, and what it does not. Each field a rule speaks of is a variable with a
//! small set of answers that stands for every possible answer: for numbers and dates, the
//! thresholds the rule names and the values just beside them; for places and industries, one
//! real municipality or JSIC middle category per distinct way of lying inside or outside the
//! areas the rule names (from the reference tables); for choices and yes/no, every option.
//! A search over those answers is exact for conditions on the fields themselves.
//! Derived facts (中小企業者, 小規模企業者, みなし大企業) and 創業からの年数 are taken as free
//! yes/no and number answers, independent of the fields they are worked out from: a
//! contradiction that only the law's definitions reveal (「中小企業者」 and 「製造業で従業員
//! 1,000人以上」) is not found. Taking them as free only ever adds possibilities, so every
//! contradiction reported is real. Manual checks are taken as confirmable. The search has a
//! budget; a rule too large to search within it is reported as not fully checked.

use std::collections::HashSet;
use std::fmt;

use super::code::{Leaf, NodeKind, RuleView};
use super::compile::CompiledRule;
use crate::eligibility::tri::Tri;
use crate::eligibility::vocabulary::area::{Industry, Place};
use crate::eligibility::vocabulary::facts::Fact;
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::org_form::{LargeInvestment, OrgForm};
use crate::program::Purpose;
use crate::reference::{JsicCode, jsic, municipalities};

/// How many partial answers the search may try over a whole rule before it gives up.
const SEARCH_BUDGET: usize = 200_000;

/// One part of a rule that can never hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    /// The node that can never hold (`all[2]`; empty for the whole rule).
    pub path: String,
    /// The fewest of its direct conditions found that cannot hold together (paths); the node
    /// itself when it cannot hold on its own (a `not` of something always true, a list
    /// that excludes every option).
    pub conflicting: Vec<String>,
}

impl fmt::Display for Contradiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.path.is_empty() {
            "条件（最上位）".to_owned()
        } else {
            format!("条件 {}", self.path)
        };
        if self.conflicting.len() > 1 {
            write!(
                f,
                "{place}：{} を同時に満たす事業者はいません。どれかの値を見直してください。",
                self.conflicting.join("・")
            )
        } else {
            write!(
                f,
                "{place}：この条件を満たす事業者はいません。値や「当てはまらないこと」の指定を見直してください。"
            )
        }
    }
}

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SatisfiabilityReport {
    /// The innermost parts that can never hold; empty when none was found.
    pub contradictions: Vec<Contradiction>,
    /// True when no business can satisfy the whole rule: the program is 対象外 for everyone.
    pub never_holds: bool,
    /// False when the search ran out of budget somewhere, so a contradiction may be missed.
    pub complete: bool,
}

/// Checks a compiled rule; see the module documentation for what is and is not detected.
pub fn check_satisfiable(rule: &CompiledRule) -> SatisfiabilityReport {
    let view = rule.view();
    if view.is_empty() {
        return SatisfiabilityReport {
            contradictions: Vec::new(),
            never_holds: false,
            complete: true,
        };
    }
    let model = Model::of(view);
    let mut search = Search {
        model: &model,
        budget: SEARCH_BUDGET,
        exhausted: false,
    };
    let mut unsatisfiable = vec![false; model.nodes.len()];
    // Children come after their parent in pre-order: deciding from the last node backwards
    // knows every child's answer before its parent's.
    for i in (0..model.nodes.len()).rev() {
        unsatisfiable[i] = search.never_holds(i, &HashSet::new()) == Some(true);
    }
    let mut contradictions = Vec::new();
    for i in 0..model.nodes.len() {
        let child_explains = model.children(i).iter().any(|&c| unsatisfiable[c]);
        if unsatisfiable[i] && !child_explains {
            let conflicting = search
                .fewest_conflicting(i)
                .into_iter()
                .map(|c| model.paths[c].clone())
                .collect();
            contradictions.push(Contradiction {
                path: model.paths[i].clone(),
                conflicting,
            });
        }
    }
    SatisfiabilityReport {
        contradictions,
        never_holds: unsatisfiable[0],
        complete: !search.exhausted,
    }
}

/// A variable: one thing a business answers, as the check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Var {
    Number(Field),
    Flag(Field),
    OrgForm,
    LargeInvestment,
    Purposes,
    Place,
    Industry,
    Founded,
    Fact(Fact),
    Years,
}

#[derive(Debug)]
enum Node {
    All(Vec<usize>),
    Any(Vec<usize>),
    Not(usize),
    /// A condition: its truth for each candidate answer of its variable.
    Leaf {
        var: usize,
        truth: Vec<bool>,
    },
    /// A manual check: a person can always confirm it.
    Confirmable,
}

/// The rule as a tree over variables with finite candidate answers.
#[derive(Debug)]
struct Model {
    nodes: Vec<Node>,
    paths: Vec<String>,
    /// How many candidate answers each variable has.
    sizes: Vec<usize>,
}

impl Model {
    fn of(view: RuleView<'_>) -> Self {
        let leaves: Vec<Option<Leaf<'_>>> = (0..view.len()).map(|i| view.leaf(i)).collect();
        let mut vars: Vec<Var> = Vec::new();
        for leaf in leaves.iter().flatten() {
            if let Some(var) = var_of(leaf)
                && !vars.contains(&var)
            {
                vars.push(var);
            }
        }
        let candidates: Vec<Candidates> = vars
            .iter()
            .map(|&var| Candidates::for_var(var, leaves.iter().flatten()))
            .collect();
        let nodes = (0..view.len())
            .map(|i| match view.kind(i) {
                Some(NodeKind::All) => Node::All(view.children(i).collect()),
                Some(NodeKind::Any) => Node::Any(view.children(i).collect()),
                Some(NodeKind::Not) => Node::Not(i + 1),
                Some(NodeKind::Leaf(leaf)) => match var_of(&leaf) {
                    Some(var) => {
                        let index = vars.iter().position(|v| *v == var).unwrap_or(0);
                        Node::Leaf {
                            var: index,
                            truth: candidates[index].truth(&leaf),
                        }
                    }
                    None => Node::Confirmable,
                },
                None => Node::Confirmable,
            })
            .collect();
        Self {
            nodes,
            paths: paths_of(view),
            sizes: candidates.iter().map(Candidates::len).collect(),
        }
    }

    fn children(&self, i: usize) -> &[usize] {
        match &self.nodes[i] {
            Node::All(c) | Node::Any(c) => c,
            Node::Not(c) => std::slice::from_ref(c),
            _ => &[],
        }
    }

    /// The variables the subtree of `i` reads, without repeats.
    fn vars_under(&self, i: usize, out: &mut Vec<usize>) {
        if let Node::Leaf { var, .. } = &self.nodes[i] {
            if !out.contains(var) {
                out.push(*var);
            }
            return;
        }
        for &c in self.children(i) {
            self.vars_under(c, out);
        }
    }

    /// Node `i` under a partial assignment (`None`: not chosen yet), with the children of
    /// node `focus` in `dropped` left out of it.
    fn value(
        &self,
        i: usize,
        assignment: &[Option<usize>],
        focus: (usize, &HashSet<usize>),
    ) -> Tri {
        let kept = |c: &&usize| !(i == focus.0 && focus.1.contains(*c));
        match &self.nodes[i] {
            Node::All(children) => children.iter().filter(kept).fold(Tri::True, |acc, &c| {
                acc.and(self.value(c, assignment, focus))
            }),
            Node::Any(children) => children.iter().filter(kept).fold(Tri::False, |acc, &c| {
                acc.or(self.value(c, assignment, focus))
            }),
            Node::Not(c) => self.value(*c, assignment, focus).not(),
            Node::Leaf { var, truth } => match assignment[*var] {
                Some(k) => Tri::from_bool(truth.get(k).copied().unwrap_or(false)),
                None => Tri::Unknown,
            },
            Node::Confirmable => Tri::True,
        }
    }
}

/// The paths of every node, in the notation of validation messages (「all[2].not」).
pub(crate) fn paths_of(view: RuleView<'_>) -> Vec<String> {
    let mut paths = vec![String::new(); view.len()];
    for i in 0..view.len() {
        let name = match view.kind(i) {
            Some(NodeKind::All) => "all",
            Some(NodeKind::Any) => "any",
            Some(NodeKind::Not) => "not",
            _ => continue,
        };
        let parent = paths[i].clone();
        for (n, c) in view.children(i).enumerate() {
            let step = if name == "not" {
                "not".to_owned()
            } else {
                format!("{name}[{n}]")
            };
            if let Some(p) = paths.get_mut(c) {
                *p = if parent.is_empty() {
                    step
                } else {
                    format!("{parent}.{step}")
                };
            }
        }
    }
    paths
}

fn var_of(leaf: &Leaf<'_>) -> Option<Var> {
    Some(match leaf {
        Leaf::Number { field, .. } => Var::Number(*field),
        Leaf::Flag { field, .. } => Var::Flag(*field),
        Leaf::OrgForm { .. } => Var::OrgForm,
        Leaf::LargeInvestment { .. } => Var::LargeInvestment,
        Leaf::Purposes { .. } => Var::Purposes,
        Leaf::Within { .. } => Var::Place,
        Leaf::Industry { .. } => Var::Industry,
        Leaf::Founded { .. } => Var::Founded,
        Leaf::Fact(fact) => Var::Fact(*fact),
        Leaf::Years { .. } => Var::Years,
        Leaf::Manual(_) => return None,
    })
}

/// The answers that stand for every possible answer of one variable.
#[derive(Debug)]
enum Candidates {
    Numbers(Vec<u64>),
    Flags,
    Bits(usize),
    Purposes(Vec<u32>),
    Places(Vec<Place>),
    Industries(Vec<Industry>),
    /// Julian days; `i64::MAX` is 創業予定, later than any date.
    Days(Vec<i64>),
}

impl Candidates {
    fn for_var<'a>(var: Var, leaves: impl Iterator<Item = &'a Leaf<'a>> + Clone) -> Self {
        match var {
            Var::Number(field) => Self::Numbers(thresholds(leaves.filter_map(|l| match l {
                Leaf::Number {
                    field: f, value, ..
                } if *f == field => Some(*value),
                _ => None,
            }))),
            Var::Years => Self::Numbers(thresholds(leaves.filter_map(|l| match l {
                Leaf::Years { years, .. } => Some(u64::from(*years)),
                _ => None,
            }))),
            Var::Flag(_) | Var::Fact(_) => Self::Flags,
            Var::OrgForm => Self::Bits(OrgForm::ALL.len()),
            Var::LargeInvestment => Self::Bits(LargeInvestment::ALL.len()),
            Var::Purposes => {
                let masks: Vec<u32> = leaves
                    .filter_map(|l| match l {
                        Leaf::Purposes { any_of } => Some(*any_of),
                        _ => None,
                    })
                    .collect();
                let every_set = 0..=u32::try_from((1u64 << Purpose::ALL.len()) - 1).unwrap_or(0);
                Self::Purposes(distinct_by(every_set, |set| {
                    masks.iter().map(|m| set & m != 0).collect()
                }))
            }
            Var::Place => {
                let areas: Vec<&[Place]> = leaves
                    .filter_map(|l| match l {
                        Leaf::Within { areas } => Some(*areas),
                        _ => None,
                    })
                    .collect();
                // Answers a business gives precisely: municipalities and wards, not the
                // designated cities that have wards.
                let places = municipalities()
                    .filter(|g| !g.is_designated_city())
                    .map(|g| Place::of(g.code));
                Self::Places(distinct_by(places, |p| {
                    areas.iter().map(|list| within_any(p, list)).collect()
                }))
            }
            Var::Industry => {
                let targets: Vec<&[Industry]> = leaves
                    .filter_map(|l| match l {
                        Leaf::Industry { codes } => Some(*codes),
                        _ => None,
                    })
                    .collect();
                let middles = jsic::middles()
                    .iter()
                    .map(|m| Industry::of(JsicCode::Middle(m.code)));
                Self::Industries(distinct_by(middles, |answer| {
                    targets
                        .iter()
                        .map(|list| list.iter().any(|t| answer.within(t) == Tri::True))
                        .collect()
                }))
            }
            Var::Founded => {
                let mut days: Vec<i64> = leaves
                    .filter_map(|l| match l {
                        Leaf::Founded { date, .. } => Some(i64::from(date.to_julian_day())),
                        _ => None,
                    })
                    .flat_map(|d| [d - 1, d, d + 1])
                    .collect();
                days.push(i64::MAX);
                days.sort_unstable();
                days.dedup();
                Self::Days(days)
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Numbers(v) => v.len(),
            Self::Flags => 2,
            Self::Bits(n) => *n,
            Self::Purposes(v) => v.len(),
            Self::Places(v) => v.len(),
            Self::Industries(v) => v.len(),
            Self::Days(v) => v.len(),
        }
    }

    /// Whether `leaf` holds for each candidate.
    fn truth(&self, leaf: &Leaf<'_>) -> Vec<bool> {
        match (self, leaf) {
            (Self::Numbers(values), Leaf::Number { cmp, value, .. }) => {
                values.iter().map(|&v| cmp.holds(v, *value)).collect()
            }
            (Self::Numbers(values), Leaf::Years { cmp, years }) => values
                .iter()
                .map(|&v| cmp.holds(v, u64::from(*years)))
                .collect(),
            (Self::Flags, Leaf::Flag { expect, .. }) => vec![!*expect, *expect],
            (Self::Flags, Leaf::Fact(_)) => vec![false, true],
            (Self::Bits(n), Leaf::OrgForm { allowed } | Leaf::LargeInvestment { allowed }) => {
                (0..*n).map(|i| allowed & (1 << i) != 0).collect()
            }
            (Self::Purposes(sets), Leaf::Purposes { any_of }) => {
                sets.iter().map(|s| s & any_of != 0).collect()
            }
            (Self::Places(places), Leaf::Within { areas }) => {
                places.iter().map(|p| within_any(p, areas)).collect()
            }
            (Self::Industries(answers), Leaf::Industry { codes }) => answers
                .iter()
                .map(|a| codes.iter().any(|t| a.within(t) == Tri::True))
                .collect(),
            (Self::Days(days), Leaf::Founded { cmp, date }) => {
                let day = i64::from(date.to_julian_day());
                days.iter().map(|&d| cmp.holds(d, day)).collect()
            }
            _ => vec![false; self.len()],
        }
    }
}

fn within_any(place: &Place, areas: &[Place]) -> bool {
    areas.iter().any(|a| place.within(a) == Tri::True)
}

/// Zero, each threshold and the number just above it: every stretch between thresholds has
/// one representative, so comparisons with the thresholds see every case.
fn thresholds(values: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut out = vec![0];
    for v in values {
        out.push(v);
        out.push(v.saturating_add(1));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// One item for each distinct signature.
fn distinct_by<T>(items: impl Iterator<Item = T>, signature: impl Fn(&T) -> Vec<bool>) -> Vec<T> {
    let mut seen: HashSet<Vec<bool>> = HashSet::new();
    items.filter(|item| seen.insert(signature(item))).collect()
}

struct Search<'m> {
    model: &'m Model,
    budget: usize,
    exhausted: bool,
}

impl Search<'_> {
    /// `Some(true)` when node `i` (without the children `dropped`) holds for no answers,
    /// `Some(false)` when some answers make it hold, `None` when the budget ran out.
    fn never_holds(&mut self, i: usize, dropped: &HashSet<usize>) -> Option<bool> {
        let mut vars = Vec::new();
        self.model.vars_under(i, &mut vars);
        let mut assignment = vec![None; self.model.sizes.len()];
        let found = self.find(i, dropped, &vars, &mut assignment)?;
        Some(!found)
    }

    /// Depth-first over the variables, pruning as soon as the node is false.
    fn find(
        &mut self,
        i: usize,
        dropped: &HashSet<usize>,
        vars: &[usize],
        assignment: &mut Vec<Option<usize>>,
    ) -> Option<bool> {
        if self.budget == 0 {
            self.exhausted = true;
            return None;
        }
        self.budget -= 1;
        match self.model.value(i, assignment, (i, dropped)) {
            Tri::True => return Some(true),
            Tri::False => return Some(false),
            Tri::Unknown => {}
        }
        let Some((&var, rest)) = vars.split_first() else {
            return Some(false);
        };
        for k in 0..self.model.sizes[var] {
            assignment[var] = Some(k);
            if self.find(i, dropped, rest, assignment)? {
                assignment[var] = None;
                return Some(true);
            }
        }
        assignment[var] = None;
        Some(false)
    }

    /// For an `all` that never holds, the fewest of its children found that already cannot
    /// hold together (dropping each child in turn while the rest still never hold).
    fn fewest_conflicting(&mut self, i: usize) -> Vec<usize> {
        let Node::All(children) = &self.model.nodes[i] else {
            return vec![i];
        };
        let mut dropped = HashSet::new();
        for &c in children {
            dropped.insert(c);
            if self.never_holds(i, &dropped) != Some(true) {
                dropped.remove(&c);
            }
        }
        children
            .iter()
            .copied()
            .filter(|c| !dropped.contains(c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::Rule;
    use serde_json::{Value, json};

    fn report(rule: Value) -> SatisfiabilityReport {
        let compiled = CompiledRule::compile(&Rule::from_value(rule.clone()))
            .unwrap_or_else(|e| panic!("{rule}: {e:?}"));
        check_satisfiable(&compiled)
    }

    fn paths(rule: Value) -> Vec<(String, Vec<String>)> {
        let r = report(rule);
        assert!(r.complete);
        r.contradictions
            .into_iter()
            .map(|c| (c.path, c.conflicting))
            .collect()
    }

    #[test]
    fn a_number_that_must_be_small_and_large_at_once_is_found_with_both_conditions() {
        let found = paths(json!({"all": [
            {"field": "municipality", "op": "within", "value": ["460001"]},
            {"field": "employees", "op": "le", "value": 5},
            {"fact": "sme"},
            {"field": "employees", "op": "ge", "value": 10}
        ]}));
        assert_eq!(
            found,
            [(
                String::new(),
                vec!["all[1]".to_owned(), "all[3]".to_owned()]
            )]
        );
    }

    #[test]
    fn rules_that_some_business_satisfies_get_no_warning() {
        for rule in [
            json!({"all": [
                {"field": "employees", "op": "ge", "value": 5},
                {"field": "employees", "op": "le", "value": 5}
            ]}),
            json!({"all": [
                {"field": "municipality", "op": "within", "value": ["460001"]},
                {"not": {"field": "municipality", "op": "within", "value": ["462012"]}}
            ]}),
            json!({"all": [
                {"field": "industry", "op": "industry_in", "value": ["E"]},
                {"not": {"field": "industry", "op": "industry_in", "value": ["24"]}}
            ]}),
            json!({"any": [
                {"field": "org_form", "op": "eq", "value": "llc"},
                {"fact": "sme"}
            ]}),
            json!({"all": [
                {"field": "purposes", "op": "contains", "value": "equipment_it"},
                {"field": "purposes", "op": "contains", "value": "employment"}
            ]}),
            json!({"manual": "市税を完納していること"}),
        ] {
            assert_eq!(paths(rule.clone()), [], "{rule}");
        }
    }

    #[test]
    fn contradictory_equalities_and_places_are_found() {
        let org = paths(json!({"all": [
            {"field": "org_form", "op": "eq", "value": "llc"},
            {"field": "org_form", "op": "eq", "value": "npo"}
        ]}));
        assert_eq!(org[0].1.len(), 2);
        // 鹿児島市 lies in 鹿児島県: a business cannot be in the city and outside the prefecture.
        let place = paths(json!({"all": [
            {"field": "municipality", "op": "within", "value": ["462012"]},
            {"not": {"field": "municipality", "op": "within", "value": ["460001"]}}
        ]}));
        assert_eq!(place.len(), 1, "{place:?}");
        let flags = paths(json!({"all": [
            {"field": "tax_arrears", "op": "eq", "value": true},
            {"field": "tax_arrears", "op": "eq", "value": false}
        ]}));
        assert_eq!(flags.len(), 1);
        let dates = paths(json!({"all": [
            {"field": "founded", "op": "lt", "value": "2020-04-01"},
            {"field": "founded", "op": "ge", "value": "2021-04-01"}
        ]}));
        assert_eq!(dates.len(), 1);
    }

    #[test]
    fn a_dead_branch_inside_an_any_is_named_though_the_whole_rule_can_hold() {
        let found = paths(json!({"any": [
            {"fact": "sme"},
            {"all": [
                {"fact": "years_since_founding", "op": "lt", "value": 3},
                {"fact": "years_since_founding", "op": "gt", "value": 5}
            ]}
        ]}));
        assert_eq!(
            found,
            [(
                "any[1]".to_owned(),
                vec!["any[1].all[0]".to_owned(), "any[1].all[1]".to_owned()]
            )]
        );
    }

    #[test]
    fn a_negation_of_something_always_true_is_named_at_the_not() {
        let found = paths(json!({"all": [
            {"fact": "sme"},
            {"not": {"field": "employees", "op": "ge", "value": 0}}
        ]}));
        assert_eq!(found, [("all[1]".to_owned(), vec!["all[1]".to_owned()])]);
        let text = report(json!({"not": {"field": "employees", "op": "ge", "value": 0}}))
            .contradictions[0]
            .to_string();
        assert!(text.contains("この条件を満たす事業者はいません"), "{text}");
    }

    #[test]
    fn facts_are_free_so_only_direct_contradictions_of_a_fact_are_found() {
        assert_eq!(
            paths(json!({"all": [{"fact": "sme"}, {"not": {"fact": "sme"}}]})).len(),
            1
        );
        // Honest limit: 中小企業者 with 1,000 employees in manufacturing is impossible by law,
        // but the check takes the fact as free and does not report it.
        assert!(
            paths(json!({"all": [
                {"fact": "sme"},
                {"field": "industry", "op": "industry_in", "value": ["E"]},
                {"field": "employees", "op": "ge", "value": 1000},
                {"field": "capital", "op": "ge", "value": "10億円"}
            ]}))
            .is_empty()
        );
    }

    #[test]
    fn the_message_names_the_conditions_that_conflict() {
        let r = report(json!({"all": [
            {"field": "employees", "op": "le", "value": 5},
            {"field": "employees", "op": "ge", "value": 10}
        ]}));
        assert!(r.never_holds);
        assert_eq!(
            r.contradictions[0].to_string(),
            "条件（最上位）：all[0]・all[1] を同時に満たす事業者はいません。どれかの値を見直してください。"
        );
    }

    #[test]
    fn every_demo_rule_can_be_satisfied() {
        for (_, bytes) in crate::demo::CATALOGUE {
            for program in crate::import::own::parse(bytes).unwrap().programs {
                let Some(rule) = &program.rule else { continue };
                let r = check_satisfiable(&CompiledRule::compile(rule).unwrap());
                assert!(r.complete, "{}", program.id);
                assert!(
                    r.contradictions.is_empty(),
                    "{}: {:?}",
                    program.id,
                    r.contradictions
                );
            }
        }
    }
}
