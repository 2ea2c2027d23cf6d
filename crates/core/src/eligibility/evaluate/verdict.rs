//! The four verdicts a business can get for a program, and how one is read off a rule's value.

use crate::eligibility::tri::{State, Tri};
use crate::labeled_enum;

labeled_enum! {
    /// What the desk says about one program for one business, best first.
    pub enum Verdict: "判定", "eligible・conditional・needs_info・ineligible のいずれかで指定してください。" {
        /// Every condition is met.
        Eligible = ("eligible", "対象"),
        /// Only conditions a person must confirm remain.
        Conditional = ("conditional", "条件付きで対象"),
        /// Answers are missing that could decide it.
        NeedsInfo = ("needs_info", "要確認"),
        /// A condition is not met.
        Ineligible = ("ineligible", "対象外"),
    }
}

impl Verdict {
    /// Reads the verdict off the value of a rule's root node.
    ///
    /// Manual checks are open in the verdict's own value and taken as confirmed in the other:
    /// a root that is true once they are confirmed is 条件付きで対象; one that is still open
    /// needs answers. Rules never put a manual check under `not`, so confirming one can only
    /// move a rule towards true.
    pub fn of(root: State) -> Self {
        match (root.open(), root.confirmed()) {
            (Tri::True, _) => Self::Eligible,
            (Tri::False, _) => Self::Ineligible,
            (Tri::Unknown, Tri::True) => Self::Conditional,
            (Tri::Unknown, _) => Self::NeedsInfo,
        }
    }

    /// True for the verdicts no further answer can change.
    pub fn is_settled(self) -> bool {
        !matches!(self, Self::NeedsInfo)
    }

    /// Position in the ranking: 対象, 条件付きで対象, 要確認, 対象外.
    pub fn rank(self) -> u8 {
        match self {
            Self::Eligible => 0,
            Self::Conditional => 1,
            Self::NeedsInfo => 2,
            Self::Ineligible => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_follows_the_root_value() {
        assert_eq!(Verdict::of(State::TRUE), Verdict::Eligible);
        assert_eq!(Verdict::of(State::FALSE), Verdict::Ineligible);
        assert_eq!(Verdict::of(State::MANUAL), Verdict::Conditional);
        assert_eq!(Verdict::of(State::MISSING), Verdict::NeedsInfo);
        assert_eq!(
            Verdict::of(State::MANUAL.and(State::MISSING)),
            Verdict::NeedsInfo
        );
        assert_eq!(
            Verdict::of(State::MANUAL.or(State::MISSING)),
            Verdict::Conditional
        );
    }

    #[test]
    fn verdicts_serialise_as_their_codes_and_show_in_japanese() {
        assert_eq!(
            serde_json::to_string(&Verdict::NeedsInfo).unwrap(),
            "\"needs_info\""
        );
        assert_eq!(Verdict::Conditional.to_string(), "条件付きで対象");
    }
}
