//! Who a notice written by staff goes to: a segment of the confirmed subscriptions.
//!
//! A segment is chosen one of two ways, optionally narrowed to one channel:
//!
//! - **by profile conditions**, a rule written with the console's rule builder: every
//!   subscription made from a diagnosis has its saved answers judged by that rule with the
//!   same evaluator a diagnosis uses (`eligibility::fanout::reach`), and those judged
//!   対象 or 条件付きで対象 are in the segment. 要確認 is not, whatever the subscriber chose for
//!   program notices: a business whose answers do not settle staff's conditions has not said
//!   it is one of those the notice is for;
//! - **by search words**: every subscription made from a search whose saved words contain
//!   each of the words given (after the search fold, so 「ＩＴ」 finds 「it」 and 「ﾓﾉﾂﾞｸﾘ」
//!   finds 「ものづくり」). 「補助金」 reaches 「ものづくり 補助金」 and 「補助金申請」; a subscription
//!   of the other kind is never in a segment of this one.
//!
//! The segment is evaluated twice: for the preview while staff write, and again when the
//! notice is sent, against the subscriptions confirmed by then.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::eligibility::{Audience, CompiledRule, Profile, Rule, reach};
use crate::notices::Criteria;
use crate::text::fold::search::fold_str;

/// How a segment picks its subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentBy {
    /// Profile subscriptions whose saved answers the rule judges 対象 or 条件付きで対象.
    Profile(Rule),
    /// Search subscriptions whose saved words contain every one of these words.
    Search(String),
}

/// A channel a segment may be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentChannel {
    Email,
    Line,
}

impl SegmentChannel {
    pub const ALL: [Self; 2] = [Self::Email, Self::Line];

    /// `email` or `line`, as addresses name their channel.
    pub fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Line => "line",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "メールで登録した人だけ",
            Self::Line => "LINEで登録した人だけ",
        }
    }
}

/// The subscriptions a staff notice goes to, as stored with the notice (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub by: SegmentBy,
    /// Only subscriptions on this channel; none for every channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<SegmentChannel>,
}

/// Why a segment cannot be evaluated: only a rule that does not compile (a stored segment
/// written by an older vocabulary, or a tampered form; the console checks rules first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error("送る相手の条件に誤りがあります。条件を見直してください。")]
    BadRule,
    #[error("送る相手を選ぶ検索語が空です。検索語を入力してください。")]
    NoWords,
}

/// Who a segment reaches among the subscriptions given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegmentReach {
    /// Positions in the subscriptions given, in their order.
    pub reached: Vec<usize>,
    /// Profile subscriptions whose saved answers no longer read (a change of the
    /// vocabulary): skipped, as program notices skip them.
    pub unreadable: usize,
}

/// One subscription as a segment looks at it: its channel (`email`, `line`) and what it
/// was made from.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub channel: &'a str,
    pub criteria: &'a Criteria,
}

impl Segment {
    /// The segment as stored (JSON), or `None` when it no longer reads.
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// The segment as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Whether a subscription on `channel` may be in the segment.
    pub fn takes_channel(&self, channel: &str) -> bool {
        self.channel.is_none_or(|c| c.code() == channel)
    }

    /// The subscriptions the segment reaches, judged as of `today` (JST).
    pub fn reach<'a>(
        &self,
        candidates: impl IntoIterator<Item = Candidate<'a>>,
        today: Date,
    ) -> Result<SegmentReach, SegmentError> {
        let mut out = SegmentReach::default();
        match &self.by {
            SegmentBy::Profile(rule) => {
                let compiled = CompiledRule::compile(rule).map_err(|_| SegmentError::BadRule)?;
                let mut profiles: Vec<(usize, Profile)> = Vec::new();
                for (position, candidate) in candidates.into_iter().enumerate() {
                    if !self.takes_channel(candidate.channel) {
                        continue;
                    }
                    if let Criteria::Profile(answers) = candidate.criteria {
                        match Profile::from_value(answers) {
                            Ok(profile) => profiles.push((position, profile)),
                            Err(_) => out.unreadable += 1,
                        }
                    }
                }
                // 要確認 is never in a staff segment (see the module).
                let audience = Audience {
                    include_needs_info: false,
                };
                out.reached = reach(
                    compiled.view(),
                    profiles.iter().map(|(_, profile)| (profile, audience)),
                    today,
                )
                .into_iter()
                .map(|reached| profiles[reached.index].0)
                .collect();
            }
            SegmentBy::Search(words) => {
                let wanted = search_terms(words);
                if wanted.is_empty() {
                    return Err(SegmentError::NoWords);
                }
                for (position, candidate) in candidates.into_iter().enumerate() {
                    if !self.takes_channel(candidate.channel) {
                        continue;
                    }
                    if let Some(saved) = candidate.criteria.search_words() {
                        let saved = fold_str(saved);
                        if wanted.iter().all(|term| saved.contains(term.as_str())) {
                            out.reached.push(position);
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The words of a search segment, each folded as the search index folds text: split at
/// spaces (half- or full-width), empty ones dropped.
pub fn search_terms(words: &str) -> Vec<String> {
    words
        .split(|c: char| c.is_whitespace())
        .map(fold_str)
        .filter(|term| !term.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 06 - 01);

    fn profile(answers: serde_json::Value) -> Criteria {
        Criteria::Profile(answers)
    }

    fn search(words: &str) -> Criteria {
        Criteria::Search(words.to_owned())
    }

    fn reached(segment: &Segment, all: &[(&str, Criteria)]) -> Vec<usize> {
        let candidates = all
            .iter()
            .map(|(channel, criteria)| Candidate { channel, criteria });
        segment.reach(candidates, TODAY).unwrap().reached
    }

    fn in_mie() -> Segment {
        Segment {
            by: SegmentBy::Profile(Rule::from_value(json!({"all": [
                {"field": "municipality", "op": "within", "value": ["240001"]},
                {"manual": "市税を完納していること"}
            ]}))),
            channel: None,
        }
    }

    #[test]
    fn a_profile_segment_reaches_the_eligible_and_the_conditional_never_the_unsettled() {
        let all = [
            // 条件付き: in 三重県, with a check left for a person.
            ("email", profile(json!({"municipality": "242012"}))),
            // 対象外: in 秋田県.
            ("email", profile(json!({"municipality": "052019"}))),
            // 要確認: no place given.
            ("line", profile(json!({"employees": 5}))),
            // A search subscription is not judged by a rule.
            ("email", search("三重")),
            // No longer reads: counted, skipped.
            ("email", profile(json!({"favourite_colour": "red"}))),
            ("line", profile(json!({"municipality": "242071"}))),
        ];
        let candidates = all
            .iter()
            .map(|(channel, criteria)| Candidate { channel, criteria });
        let reach = in_mie().reach(candidates, TODAY).unwrap();
        assert_eq!(reach.reached, [0, 5]);
        assert_eq!(reach.unreadable, 1);
        let line_only = Segment {
            channel: Some(SegmentChannel::Line),
            ..in_mie()
        };
        assert_eq!(reached(&line_only, &all), [5]);
    }

    #[test]
    fn a_search_segment_reaches_saved_searches_holding_every_word_however_typed() {
        let all = [
            ("email", search("ものづくり 補助金")),
            ("email", search("補助金申請")),
            ("line", search("ＩＴ導入 補助金")),
            ("email", search("融資")),
            ("email", profile(json!({"municipality": "242012"}))),
            // A search with filters is reached by its words.
            (
                "email",
                Criteria::SearchWithFilters {
                    words: "省エネ 補助金".to_owned(),
                    params: "q=%E7%9C%81&area=050008".to_owned(),
                },
            ),
        ];
        let segment = |words: &str| Segment {
            by: SegmentBy::Search(words.to_owned()),
            channel: None,
        };
        assert_eq!(reached(&segment("補助金"), &all), [0, 1, 2, 5]);
        assert_eq!(reached(&segment("it　補助金"), &all), [2]);
        assert_eq!(reached(&segment("ﾓﾉﾂﾞｸﾘ"), &all), [0]);
        assert_eq!(reached(&segment("補助金 融資"), &all), Vec::<usize>::new());
        let err = segment("  　")
            .reach(std::iter::empty(), TODAY)
            .unwrap_err();
        assert_eq!(err, SegmentError::NoWords);
    }

    #[test]
    fn a_rule_that_does_not_compile_is_refused_not_read_as_everyone() {
        let broken = Segment {
            by: SegmentBy::Profile(Rule::from_value(
                json!({"field": "emploees", "op": "le", "value": 5}),
            )),
            channel: None,
        };
        let criteria = profile(json!({"employees": 3}));
        let one = [Candidate {
            channel: "email",
            criteria: &criteria,
        }];
        assert_eq!(broken.reach(one, TODAY).unwrap_err(), SegmentError::BadRule);
    }

    #[test]
    fn a_segment_reads_back_as_stored() {
        let segment = Segment {
            channel: Some(SegmentChannel::Email),
            ..in_mie()
        };
        let back = Segment::from_json(&segment.to_json()).unwrap();
        assert_eq!(back, segment);
        let words = Segment {
            by: SegmentBy::Search("補助金".to_owned()),
            channel: None,
        };
        assert_eq!(words.to_json(), r#"{"by":{"search":"補助金"}}"#);
        assert_eq!(Segment::from_json("{}"), None);
    }
}
