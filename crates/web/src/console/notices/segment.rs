//! The part of the compose form that says who a notice goes to, and the preview of who that
//! is now.
//!
//! A segment is chosen by profile conditions, written with the program editor's rule builder
//! (its rows, buttons, parser and checks: `editor::rule_form`, `editor::rule_view`), or by
//! search words; optionally narrowed to one channel. What the segment means, and the
//! evaluation itself, is `madoguchi_core::notices::Segment`'s; here it is only read from the
//! form, written back into it, and previewed against the subscriptions confirmed now.

use madoguchi_core::eligibility::{CompiledRule, ConditionView, conditions_before_answers};
use madoguchi_core::notices::{Candidate, Segment, SegmentBy, SegmentChannel, search_terms};
use madoguchi_store::Store;
use time::Date;

use crate::AppError;
use crate::console::editor::rule_form::{RuleAction, RuleFormError, RuleRows};
use crate::console::editor::rule_view::RuleRowsView;
use crate::http::form::FormData;

/// The most characters of search words.
pub const MAX_WORDS_CHARS: usize = 100;

/// How many recipients the preview names (masked).
pub const SAMPLE_SIZE: usize = 5;

/// `profile` or `search`, as the form's radios post them.
pub const BY_PROFILE: &str = "profile";
pub const BY_SEARCH: &str = "search";

/// The segment as the form holds it: everything as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentForm {
    /// [`BY_PROFILE`] or [`BY_SEARCH`] (anything else is refused on save).
    pub by: String,
    pub rows: RuleRows,
    pub words: String,
    /// `""` for every channel, `email` or `line`.
    pub channel: String,
}

impl Default for SegmentForm {
    fn default() -> Self {
        Self {
            by: BY_PROFILE.to_owned(),
            rows: RuleRows::default(),
            words: String::new(),
            channel: String::new(),
        }
    }
}

/// What is wrong with the segment as typed, by the control it belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegmentProblems {
    /// About the choice of kind, or the conditions as a whole.
    pub by: Option<String>,
    pub words: Option<String>,
    pub channel: Option<String>,
}

impl SegmentProblems {
    pub fn is_empty(&self) -> bool {
        self.by.is_none() && self.words.is_none() && self.channel.is_none()
    }
}

impl SegmentForm {
    /// The form of a stored segment.
    pub fn of(segment: &Segment) -> Self {
        let (by, rows, words) = match &segment.by {
            SegmentBy::Profile(rule) => (BY_PROFILE, RuleRows::from_rule(Some(rule)), ""),
            SegmentBy::Search(words) => (BY_SEARCH, RuleRows::default(), words.as_str()),
        };
        Self {
            by: by.to_owned(),
            rows,
            words: words.to_owned(),
            channel: segment
                .channel
                .map(|c| c.code().to_owned())
                .unwrap_or_default(),
        }
    }

    /// The segment part of a posted compose form (`segment-by`, the builder's `row-…`
    /// fields, `segment-words`, `segment-channel`).
    pub fn read(form: &FormData) -> Result<Self, RuleFormError> {
        let text = |name: &str| form.get(name).unwrap_or_default().trim().to_owned();
        Ok(Self {
            by: text("segment-by"),
            rows: RuleRows::read(form)?,
            words: text("segment-words"),
            channel: text("segment-channel"),
        })
    }

    /// Carries out one of the rule builder's buttons; choosing to set conditions also
    /// chooses the profile kind.
    pub fn apply(&mut self, action: RuleAction) -> Result<(), RuleFormError> {
        if action == RuleAction::Start {
            self.by = BY_PROFILE.to_owned();
        }
        self.rows.apply(action)
    }

    /// The builder's rows with their problems, as the page shows them.
    pub fn rows_view(&self) -> RuleRowsView {
        RuleRowsView::standalone(&self.rows, &self.rows.to_rule())
    }

    /// The segment the form makes, or what to correct.
    pub fn to_segment(&self) -> Result<Segment, SegmentProblems> {
        let mut problems = SegmentProblems::default();
        let channel = match self.channel.as_str() {
            "" => None,
            code => {
                let parsed = SegmentChannel::parse(code);
                if parsed.is_none() {
                    problems.channel = Some("送る経路を選び直してください。".to_owned());
                }
                parsed
            }
        };
        let by = match self.by.as_str() {
            BY_PROFILE => {
                let built = self.rows.to_rule();
                match built.rule {
                    None => {
                        problems.by = Some(
                            "送る相手の条件を設定してください（「条件を設定する」を押して、1つ以上の条件を入力します）。"
                                .to_owned(),
                        );
                        None
                    }
                    Some(rule)
                        if !built.incomplete.is_empty()
                            || CompiledRule::compile(&rule).is_err() =>
                    {
                        problems.by = Some(
                            "送る相手の条件に、入力の足りない行か誤りがあります。各行の表示を確かめてください。"
                                .to_owned(),
                        );
                        None
                    }
                    Some(rule) => Some(SegmentBy::Profile(rule)),
                }
            }
            BY_SEARCH => {
                let count = self.words.chars().count();
                if search_terms(&self.words).is_empty() {
                    problems.words = Some(
                        "検索語を入力してください（例：「補助金」。空白で区切ると、すべてを含む検索条件の人に送ります）。"
                            .to_owned(),
                    );
                    None
                } else if count > MAX_WORDS_CHARS {
                    problems.words = Some(format!(
                        "検索語は{MAX_WORDS_CHARS}文字以内にしてください（いま{count}文字）。"
                    ));
                    None
                } else {
                    Some(SegmentBy::Search(self.words.clone()))
                }
            }
            _ => {
                problems.by =
                    Some("送る相手の選び方（登録者の条件・検索条件）を選んでください。".to_owned());
                None
            }
        };
        match by {
            Some(by) if problems.is_empty() => Ok(Segment { by, channel }),
            _ => Err(problems),
        }
    }
}

/// Who a segment reaches now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub total: usize,
    pub email: usize,
    pub line: usize,
    /// Up to [`SAMPLE_SIZE`] recipients, masked as the settings page masks them.
    pub sample: Vec<String>,
    /// Profile subscriptions skipped because their saved answers no longer read.
    pub unreadable: usize,
}

/// The confirmed subscriptions `segment` reaches as of `today`.
pub async fn preview(store: &Store, segment: &Segment, today: Date) -> Result<Preview, AppError> {
    let active = store.active_subscriptions().await?;
    let candidates = active.subscriptions.iter().map(|s| Candidate {
        channel: s.address.channel(),
        criteria: &s.criteria,
    });
    let reach = segment
        .reach(candidates, today)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let reached: Vec<_> = reach
        .reached
        .iter()
        .map(|&position| &active.subscriptions[position])
        .collect();
    Ok(Preview {
        total: reached.len(),
        email: reached
            .iter()
            .filter(|s| s.address.channel() == "email")
            .count(),
        line: reached
            .iter()
            .filter(|s| s.address.channel() == "line")
            .count(),
        sample: reached
            .iter()
            .take(SAMPLE_SIZE)
            .map(|s| s.address.masked())
            .collect(),
        unreadable: reach.unreadable + active.unreadable,
    })
}

/// The segment in words, for the notice's page: the conditions as a business reads them,
/// or the search words, and the channel.
pub fn describe(segment: &Segment, today: Date) -> (Vec<(usize, String)>, &'static str) {
    let lines = match &segment.by {
        SegmentBy::Profile(rule) => match CompiledRule::compile(rule) {
            Ok(compiled) => {
                let conditions = conditions_before_answers(compiled.view(), today, None);
                let mut lines = vec![(
                    0,
                    "登録者の条件（診断の回答）が次に当てはまる人（対象・条件付きで対象）"
                        .to_owned(),
                )];
                lines.extend(
                    ConditionView::flatten(&conditions)
                        .into_iter()
                        .map(|c| (c.depth + 1, c.text.clone())),
                );
                lines
            }
            Err(_) => vec![(
                0,
                "登録者の条件（条件に誤りがあるため、このままでは送信できません）".to_owned(),
            )],
        },
        SegmentBy::Search(words) => vec![(
            0,
            format!("検索語「{words}」をすべて含む検索条件で登録した人"),
        )],
    };
    let channel = match segment.channel {
        None => "メール・LINEのどちらで登録した人にも",
        Some(channel) => channel.label(),
    };
    (lines, channel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> SegmentForm {
        SegmentForm::read(&FormData::of_strs(pairs)).unwrap()
    }

    #[test]
    fn a_search_segment_needs_words_and_a_known_channel() {
        let ok = posted(&[
            ("segment-by", "search"),
            ("segment-words", " 補助金 "),
            ("segment-channel", "line"),
        ]);
        let segment = ok.to_segment().unwrap();
        assert_eq!(segment.by, SegmentBy::Search("補助金".to_owned()));
        assert_eq!(segment.channel, Some(SegmentChannel::Line));
        assert_eq!(SegmentForm::of(&segment), ok);
        let blank = posted(&[("segment-by", "search"), ("segment-words", "　")]);
        assert!(blank.to_segment().unwrap_err().words.is_some());
        let tampered = posted(&[
            ("segment-by", "search"),
            ("segment-words", "補助金"),
            ("segment-channel", "fax"),
        ]);
        assert!(tampered.to_segment().unwrap_err().channel.is_some());
        let unknown = posted(&[("segment-by", "everyone")]);
        assert!(unknown.to_segment().unwrap_err().by.is_some());
    }

    #[test]
    fn a_profile_segment_is_the_rule_builders_rows_and_must_be_complete() {
        let mut form = posted(&[("segment-by", "search")]);
        assert!(form.to_segment().is_err());
        form.apply(RuleAction::Start).unwrap();
        assert_eq!(form.by, BY_PROFILE);
        let problems = form.to_segment().unwrap_err();
        assert!(
            problems.by.as_deref().unwrap().contains("入力の足りない行"),
            "{problems:?}"
        );
        let filled = posted(&[
            ("segment-by", "profile"),
            ("row-0-kind", "all"),
            ("row-1-kind", "condition"),
            ("row-1-parent", "0"),
            ("row-1-field", "employees"),
            ("row-1-op", "le"),
            ("row-1-value", "20"),
        ]);
        let segment = filled.to_segment().unwrap();
        let SegmentBy::Profile(rule) = &segment.by else {
            panic!("{segment:?}");
        };
        assert!(CompiledRule::compile(rule).is_ok());
        // Read back, the rows make the same rule.
        let again = SegmentForm::of(&segment).to_segment().unwrap();
        assert_eq!(again, segment);
        let (lines, channel) = describe(&segment, time::macros::date!(2026 - 06 - 01));
        assert!(
            lines.iter().any(|(_, t)| t.contains("20人以下")),
            "{lines:?}"
        );
        assert_eq!(channel, "メール・LINEのどちらで登録した人にも");
    }
}
