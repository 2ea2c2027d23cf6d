//! The dashboard's figures for one period, built from two small sums the store returns:
//! per day and metric (for the trends), and per metric and key (for the lists). The store
//! adds up stored aggregates; nothing here ever sees an individual visit.

use std::collections::HashMap;

use time::Date;

use super::{MIN_WORD_SEARCHES, Metric, OVERFLOW_WORDS, Period};

/// The metrics drawn over time, summed over their keys.
pub const TREND_METRICS: [Metric; 5] = [
    Metric::DiagnosisStarted,
    Metric::DiagnosisFinished,
    Metric::ConsultationFiled,
    Metric::ProgramView,
    Metric::ZeroResultSearch,
];

/// A metric's sum over every key on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTotal {
    pub day: Date,
    pub metric: Metric,
    pub n: u64,
}

/// A metric's sum for one key over the whole period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTotal {
    pub metric: Metric,
    pub key: String,
    pub n: u64,
}

/// One day of the trends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrendDay {
    pub day: Option<Date>,
    pub started: u64,
    pub finished: u64,
    pub consultations: u64,
    pub views: u64,
    pub zero_results: u64,
}

impl TrendDay {
    fn add(&mut self, metric: Metric, n: u64) {
        match metric {
            Metric::DiagnosisStarted => self.started += n,
            Metric::DiagnosisFinished => self.finished += n,
            Metric::ConsultationFiled => self.consultations += n,
            Metric::ProgramView => self.views += n,
            Metric::ZeroResultSearch => self.zero_results += n,
            _ => {}
        }
    }
}

/// One step of the funnel from a diagnosis to a consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelStep {
    pub label: &'static str,
    pub n: u64,
}

/// How far people got with one question. Answers are counted once per diagnosis and a
/// question is reached each time it is shown as the next new one, so `reached - answered`
/// is how many times people left at it (or reloaded it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRow {
    /// The field code.
    pub field: String,
    pub reached: u64,
    pub answered: u64,
}

impl QuestionRow {
    /// Times the question was shown and not answered.
    pub fn stopped(&self) -> u64 {
        self.reached.saturating_sub(self.answered)
    }
}

/// One program's figures over the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramRow {
    pub program: String,
    pub views: u64,
    pub official_clicks: u64,
    /// 対象, 条件付きで対象, 要確認, 対象外 (as [`Metric::VERDICTS`]).
    pub verdicts: [u64; 4],
}

/// Searches that found nothing, by their words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordRow {
    /// The normalised words; [`OVERFLOW_WORDS`] for the words past a day's cap.
    pub words: String,
    pub n: u64,
}

impl WordRow {
    /// Whether this row stands for many words counted together.
    pub fn is_overflow(&self) -> bool {
        self.words == OVERFLOW_WORDS
    }
}

/// Notices over the period, from the notice tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeTotals {
    pub sent: u64,
    pub clicks: u64,
}

/// Everything the dashboard shows for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub period: Period,
    /// Every day of the period, oldest first, days without counts as zeros.
    pub trend: Vec<TrendDay>,
    /// Most stopped at first.
    pub questions: Vec<QuestionRow>,
    /// Most viewed first.
    pub programs: Vec<ProgramRow>,
    /// Most searched first; the overflow row last. Only words searched at least
    /// [`MIN_WORD_SEARCHES`] times; the overflow row (many words together) always.
    pub words: Vec<WordRow>,
    /// How many distinct words were searched too rarely to be listed.
    pub rare_words: usize,
    pub notices: NoticeTotals,
}

impl Dashboard {
    /// The dashboard from the store's sums.
    pub fn build(
        period: Period,
        days: &[DayTotal],
        keys: &[KeyTotal],
        notices: NoticeTotals,
    ) -> Self {
        let mut by_day: HashMap<Date, TrendDay> = HashMap::new();
        for total in days.iter().filter(|t| TREND_METRICS.contains(&t.metric)) {
            by_day
                .entry(total.day)
                .or_default()
                .add(total.metric, total.n);
        }
        let trend = period
            .days()
            .map(|day| TrendDay {
                day: Some(day),
                ..by_day.get(&day).copied().unwrap_or_default()
            })
            .collect();

        let mut questions: HashMap<&str, QuestionRow> = HashMap::new();
        let mut programs: HashMap<&str, ProgramRow> = HashMap::new();
        let mut words = Vec::new();
        for total in keys {
            let key = total.key.as_str();
            let question = || QuestionRow {
                field: key.to_owned(),
                reached: 0,
                answered: 0,
            };
            let program = || ProgramRow {
                program: key.to_owned(),
                ..ProgramRow::default()
            };
            match total.metric {
                Metric::QuestionReached => {
                    questions.entry(key).or_insert_with(question).reached += total.n;
                }
                Metric::QuestionAnswered => {
                    questions.entry(key).or_insert_with(question).answered += total.n;
                }
                Metric::ProgramView => programs.entry(key).or_insert_with(program).views += total.n,
                Metric::OfficialLinkClick => {
                    programs.entry(key).or_insert_with(program).official_clicks += total.n;
                }
                Metric::ZeroResultSearch => words.push(WordRow {
                    words: key.to_owned(),
                    n: total.n,
                }),
                verdict => {
                    if let Some(i) = Metric::VERDICTS.iter().position(|v| *v == verdict) {
                        programs.entry(key).or_insert_with(program).verdicts[i] += total.n;
                    }
                }
            }
        }
        let mut questions: Vec<QuestionRow> = questions.into_values().collect();
        questions.sort_by(|a, b| {
            (b.stopped(), b.reached, &a.field).cmp(&(a.stopped(), a.reached, &b.field))
        });
        let mut programs: Vec<ProgramRow> = programs.into_values().collect();
        programs.sort_by(|a, b| (b.views, &a.program).cmp(&(a.views, &b.program)));
        let listed = words.len();
        words.retain(|w| w.is_overflow() || w.n >= MIN_WORD_SEARCHES);
        let rare_words = listed - words.len();
        words.sort_by(|a, b| {
            (a.is_overflow(), b.n, &a.words).cmp(&(b.is_overflow(), a.n, &b.words))
        });
        Self {
            period,
            trend,
            questions,
            programs,
            words,
            rare_words,
            notices,
        }
    }

    /// The period's sums.
    pub fn totals(&self) -> TrendDay {
        let mut sum = TrendDay::default();
        for day in &self.trend {
            sum.started += day.started;
            sum.finished += day.finished;
            sum.consultations += day.consultations;
            sum.views += day.views;
            sum.zero_results += day.zero_results;
        }
        sum
    }

    /// Nothing at all was counted in the period.
    pub fn is_empty(&self) -> bool {
        self.totals() == TrendDay::default()
            && self.questions.is_empty()
            && self.programs.is_empty()
            && self.notices == NoticeTotals::default()
    }

    /// From a diagnosis started to a consultation filed.
    pub fn funnel(&self) -> Vec<FunnelStep> {
        let totals = self.totals();
        vec![
            FunnelStep {
                label: "診断の開始",
                n: totals.started,
            },
            FunnelStep {
                label: "診断の完了（結果の表示）",
                n: totals.finished,
            },
            FunnelStep {
                label: "相談の申込み",
                n: totals.consultations,
            },
        ]
    }

    /// The `n` most viewed programs (with at least one view).
    pub fn top_viewed(&self, n: usize) -> Vec<&ProgramRow> {
        self.programs
            .iter()
            .filter(|p| p.views > 0)
            .take(n)
            .collect()
    }

    /// The `n` programs most often shown as 対象.
    pub fn top_eligible(&self, n: usize) -> Vec<&ProgramRow> {
        let mut found: Vec<&ProgramRow> =
            self.programs.iter().filter(|p| p.verdicts[0] > 0).collect();
        found.sort_by(|a, b| (b.verdicts[0], &a.program).cmp(&(a.verdicts[0], &b.program)));
        found.truncate(n);
        found
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn key(metric: Metric, key: &str, n: u64) -> KeyTotal {
        KeyTotal {
            metric,
            key: key.to_owned(),
            n,
        }
    }

    fn period() -> Period {
        Period::last_days(date!(2026 - 08 - 21), 3)
    }

    #[test]
    fn every_day_of_the_period_has_a_row_even_without_counts() {
        let days = [
            DayTotal {
                day: date!(2026 - 08 - 20),
                metric: Metric::DiagnosisStarted,
                n: 12,
            },
            DayTotal {
                day: date!(2026 - 08 - 20),
                metric: Metric::DiagnosisFinished,
                n: 9,
            },
            DayTotal {
                day: date!(2026 - 08 - 21),
                metric: Metric::ConsultationFiled,
                n: 2,
            },
        ];
        let dashboard = Dashboard::build(period(), &days, &[], NoticeTotals::default());
        assert_eq!(dashboard.trend.len(), 3);
        assert_eq!(dashboard.trend[0].started, 0);
        assert_eq!(dashboard.trend[1].started, 12);
        let funnel: Vec<u64> = dashboard.funnel().iter().map(|s| s.n).collect();
        assert_eq!(funnel, [12, 9, 2]);
        assert!(!dashboard.is_empty());
    }

    #[test]
    fn a_period_without_counts_is_empty() {
        let dashboard = Dashboard::build(period(), &[], &[], NoticeTotals::default());
        assert!(dashboard.is_empty());
        assert_eq!(dashboard.trend.len(), 3);
    }

    #[test]
    fn people_stop_where_a_question_was_reached_more_often_than_answered() {
        let keys = [
            key(Metric::QuestionReached, "employees", 40),
            key(Metric::QuestionAnswered, "employees", 38),
            key(Metric::QuestionReached, "capital", 30),
            key(Metric::QuestionAnswered, "capital", 18),
        ];
        let dashboard = Dashboard::build(period(), &[], &keys, NoticeTotals::default());
        let stopped: Vec<(&str, u64)> = dashboard
            .questions
            .iter()
            .map(|q| (q.field.as_str(), q.stopped()))
            .collect();
        assert_eq!(stopped, [("capital", 12), ("employees", 2)]);
    }

    #[test]
    fn programs_are_ranked_by_views_and_by_eligible_verdicts() {
        let keys = [
            key(Metric::ProgramView, "a", 10),
            key(Metric::ProgramView, "b", 30),
            key(Metric::VerdictEligible, "a", 50),
            key(Metric::VerdictIneligible, "b", 70),
            key(Metric::OfficialLinkClick, "b", 6),
            key(Metric::ZeroResultSearch, "", 9),
            key(Metric::ZeroResultSearch, "ドローン", 5),
            key(Metric::ZeroResultSearch, "農業 dx", 8),
        ];
        let dashboard = Dashboard::build(period(), &[], &keys, NoticeTotals::default());
        let viewed: Vec<&str> = dashboard
            .top_viewed(10)
            .iter()
            .map(|p| p.program.as_str())
            .collect();
        assert_eq!(viewed, ["b", "a"]);
        let eligible: Vec<&str> = dashboard
            .top_eligible(10)
            .iter()
            .map(|p| p.program.as_str())
            .collect();
        assert_eq!(eligible, ["a"]);
        assert_eq!(dashboard.programs[0].official_clicks, 6);
        assert_eq!(dashboard.programs[0].verdicts, [0, 0, 0, 70]);
        let words: Vec<&str> = dashboard.words.iter().map(|w| w.words.as_str()).collect();
        assert_eq!(words, ["農業 dx", "ドローン", ""]);
        assert_eq!(dashboard.rare_words, 0);
    }

    #[test]
    fn words_searched_fewer_than_five_times_are_only_counted_not_listed() {
        let keys = [
            key(Metric::ZeroResultSearch, "山田太郎", 1),
            key(Metric::ZeroResultSearch, "鈴木商店", 4),
            key(Metric::ZeroResultSearch, "ドローン", 5),
            // The words past a day's cap are many words together, listed however few.
            key(Metric::ZeroResultSearch, OVERFLOW_WORDS, 2),
        ];
        let dashboard = Dashboard::build(period(), &[], &keys, NoticeTotals::default());
        let words: Vec<&str> = dashboard.words.iter().map(|w| w.words.as_str()).collect();
        assert_eq!(words, ["ドローン", OVERFLOW_WORDS]);
        assert_eq!(dashboard.rare_words, 2);
    }
}
