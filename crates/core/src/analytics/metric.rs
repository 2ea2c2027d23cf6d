//! What is counted. Each metric is stored under its code; some are counted per key.

use crate::eligibility::Verdict;
use crate::labeled_enum;

labeled_enum! {
    /// One thing the desk counts per day.
    pub enum Metric: "集計の項目", "diagnosis_started・program_view などの項目名で指定してください。" {
        /// The first answer of a diagnosis was kept.
        DiagnosisStarted = ("diagnosis_started", "診断の開始"),
        /// A results page was shown for a diagnosis with at least one answer.
        DiagnosisFinished = ("diagnosis_finished", "診断の完了（結果の表示）"),
        /// A question was shown as the next new step; key: the field code.
        QuestionReached = ("question_reached", "質問の表示"),
        /// A question was answered (or 「わからない」) for the first time in a diagnosis;
        /// key: the field code.
        QuestionAnswered = ("question_answered", "質問への回答"),
        /// A results page showed the program as 対象; key: the program id.
        VerdictEligible = ("verdict_eligible", "対象"),
        /// … as 条件付きで対象.
        VerdictConditional = ("verdict_conditional", "条件付きで対象"),
        /// … as 要確認.
        VerdictNeedsInfo = ("verdict_needs_info", "要確認"),
        /// … as 対象外.
        VerdictIneligible = ("verdict_ineligible", "対象外"),
        /// A search with words found nothing; key: the normalised words.
        ZeroResultSearch = ("zero_result_search", "結果0件の検索"),
        /// A program page was shown; key: the program id.
        ProgramView = ("program_view", "制度ページの表示"),
        /// The link to a program's official page was followed; key: the program id.
        OfficialLinkClick = ("official_link_click", "公式ページへのリンク"),
        /// A consultation was filed through the public form.
        ConsultationFiled = ("consultation_filed", "相談の申込み"),
    }
}

impl Metric {
    /// The metric a results page counts for a program with `verdict`.
    pub fn of_verdict(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Eligible => Self::VerdictEligible,
            Verdict::Conditional => Self::VerdictConditional,
            Verdict::NeedsInfo => Self::VerdictNeedsInfo,
            Verdict::Ineligible => Self::VerdictIneligible,
        }
    }

    /// The four verdict metrics, best first.
    pub const VERDICTS: [Self; 4] = [
        Self::VerdictEligible,
        Self::VerdictConditional,
        Self::VerdictNeedsInfo,
        Self::VerdictIneligible,
    ];

    /// How many distinct keys one day may hold before new ones are counted together under
    /// [`crate::analytics::OVERFLOW_WORDS`]. Only search words need a cap: every other key
    /// is a program or a question, which the catalogue and the vocabulary already bound,
    /// while anyone can type any words.
    pub fn key_cap(self) -> Option<usize> {
        (self == Self::ZeroResultSearch).then_some(crate::analytics::MAX_WORDS_PER_DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_reads_back_from_its_code() {
        for metric in Metric::ALL {
            assert_eq!(Metric::parse(metric.code()).unwrap(), *metric);
        }
        assert!(Metric::parse("sessions").is_err());
    }

    #[test]
    fn each_verdict_has_its_own_metric() {
        let metrics: Vec<Metric> = Verdict::ALL
            .iter()
            .map(|v| Metric::of_verdict(*v))
            .collect();
        assert_eq!(metrics, Metric::VERDICTS);
    }
}
