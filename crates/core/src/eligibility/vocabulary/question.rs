//! Each field as a form asks it: the question, help text, input kind, options and cost.
//!
//! The questionnaire is derived from the vocabulary, never written beside it, so a new field
//! cannot be forgotten on the forms. Sensitive or hard questions (sales, tax arrears) cost
//! more, so the desk asks them only when they settle a lot.

use serde::Serialize;

use super::field::Field;
use super::org_form::{LargeInvestment, OrgForm};
use crate::program::Purpose;

/// How a question is answered on a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A 全国地方公共団体コード, chosen by prefecture and municipality.
    Municipality,
    /// A JSIC major or middle category.
    Industry,
    SingleChoice,
    MultipleChoice,
    /// A whole number of people.
    Count,
    /// An amount of yen, typed the Japanese way (「1000万円」).
    Amount,
    /// A date, or 「創業予定」.
    Date,
    YesNo,
}

/// One option of a choice question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AnswerOption {
    pub code: &'static str,
    pub label: &'static str,
}

/// Everything a form needs to ask one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub field: Field,
    pub label: &'static str,
    pub question: &'static str,
    pub help: &'static str,
    pub input: InputKind,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<AnswerOption>,
    pub cost: u32,
}

const YES_NO: [AnswerOption; 2] = [
    AnswerOption {
        code: "yes",
        label: "はい",
    },
    AnswerOption {
        code: "no",
        label: "いいえ",
    },
];

impl Field {
    /// The question as the questionnaire asks it.
    pub fn question(self) -> &'static str {
        match self {
            Self::Municipality => "事業所（本店）はどこにありますか。",
            Self::Industry => "主な業種は何ですか。",
            Self::OrgForm => "事業の形態（組織形態）はどれですか。",
            Self::Employees => "常時使用する従業員は何人ですか。",
            Self::Capital => "資本金（出資の総額）はいくらですか。",
            Self::Founded => "創業（法人の設立）はいつですか。",
            Self::Sales => "直近1年間の売上高はいくらですか。",
            Self::Purposes => "支援を受けて何をしたいですか（いくつでも選べます）。",
            Self::LargeInvestment => "大企業から出資を受けていますか。",
            Self::LargeOfficers => "役員の半数以上が、大企業の役員又は職員を兼ねていますか。",
            Self::TaxArrears => "国税・地方税の滞納はありますか。",
            Self::WageIncreasePlan => "従業員の賃金を引き上げる予定はありますか。",
            Self::MinimumWage => "事業場内で最も低い時間給はいくらですか。",
            Self::EmploymentInsurance => "雇用保険の適用事業所ですか。",
            Self::SupportOrganization => {
                "認定経営革新等支援機関（商工会・商工会議所、金融機関、税理士など）の支援を受けていますか、又は受ける予定ですか。"
            }
            Self::InnovationPlan => "経営革新計画の承認を受けていますか。",
            Self::BlueReturn => "青色申告をしていますか。",
            Self::CertifiedNpo => "認定NPO法人（特例認定を含む）ですか。",
            Self::NonprofitType => "非営利型の一般社団法人・一般財団法人ですか。",
            Self::LargeCorpOwned => {
                "1つの大規模法人に発行済株式（出資）の2分の1以上を、又は複数の大規模法人に合計3分の2以上を所有されていますか。"
            }
            Self::WhollyOwnedByLarge => {
                "資本金5億円以上の法人に、直接又は間接に発行済株式（出資）のすべてを所有されていますか。"
            }
            Self::AverageIncomeOverLimit => {
                "直前3事業年度の所得金額の平均が15億円を超えていますか。"
            }
            Self::WorkersAccidentInsurance => "労災保険の適用事業主ですか。",
        }
    }

    /// A sentence or two that helps a person answer correctly.
    pub fn help(self) -> &'static str {
        match self {
            Self::Municipality => {
                "本店（個人事業主は主な事業所）の市区町村を選んでください。都道府県だけでも診断できますが、市区町村の制度は確定しません。"
            }
            Self::Industry => {
                "売上が最も多い事業の業種を、日本標準産業分類の中分類（例：金属製品製造業、飲食店）で選んでください。大分類だけでは中小企業者かどうかが決まらないことがあります。"
            }
            Self::OrgForm => {
                "法人の種類を選んでください。まだ開業・設立していない場合は「創業予定」を選んでください。"
            }
            Self::Employees => {
                "労働基準法第20条の「予め解雇の予告を必要とする者」の人数です。会社役員、個人事業主本人と家族従業員、臨時の使用人は含みません。パート・アルバイトでも、予め解雇の予告が必要な人は含みます。"
            }
            Self::Capital => {
                "「1000万円」「3億円」のように入力できます。個人事業主の方は答える必要はありません。"
            }
            Self::Founded => {
                "「2019-04-01」のように入力してください。これから創業する場合は「創業予定」と答えてください。"
            }
            Self::Sales => {
                "直近の決算期（個人事業主は確定申告）の売上高です。「8000万円」のように入力できます。答えにくい場合は「わからない」でも診断できます。"
            }
            Self::Purposes => "近いものをすべて選んでください。結果の並び順にも使います。",
            Self::LargeInvestment => {
                "大企業とは、中小企業者に当たらない会社です。発行済株式の総数又は出資価格の総額に占める割合で答えてください。みなし大企業かどうかの判定に使います。"
            }
            Self::LargeOfficers => "みなし大企業かどうかの判定に使います。",
            Self::TaxArrears => {
                "多くの制度は、税を滞納していないことを要件としています。答えにくい場合は「わからない」でも診断できます。"
            }
            Self::WageIncreasePlan => {
                "給与支給総額や事業場内最低賃金の引上げを計画している場合は「はい」と答えてください。"
            }
            Self::MinimumWage => {
                "事業場内で最も低い賃金を時間給に直した金額です。「1100円」のように入力してください。"
            }
            Self::EmploymentInsurance => {
                "雇用保険に加入している従業員がいる事業所は「はい」です。厚生労働省の助成金の多くで必要です。"
            }
            Self::SupportOrganization => "事業計画の作成を支援機関と進める制度で使います。",
            Self::InnovationPlan => "都道府県知事等による承認（中小企業等経営強化法）です。",
            Self::BlueReturn => "税制優遇の多くは青色申告が要件です。",
            Self::CertifiedNpo => {
                "所轄庁から認定（又は特例認定）を受けたNPO法人かどうかです。制度によっては認定NPO法人を対象外としています。"
            }
            Self::NonprofitType => {
                "法人税法上の非営利型法人（剰余金の分配をしない旨を定款に定めているなど）の要件を満たすかどうかです。"
            }
            Self::LargeCorpOwned => {
                "大規模法人とは、資本金1億円を超える法人、資本金のない法人で従業員1,000人を超える法人などです。税制の中小企業者の判定に使います。"
            }
            Self::WhollyOwnedByLarge => {
                "親会社・グループ会社を通じた間接の保有も含めて答えてください。税制や補助金の対象の判定に使います。"
            }
            Self::AverageIncomeOverLimit => {
                "税制や一部の補助金は、所得の大きい法人（適用除外事業者）を対象外としています。答えにくい場合は「わからない」でも診断できます。"
            }
            Self::WorkersAccidentInsurance => {
                "労働者を1人でも雇っている事業は、原則として労災保険の適用事業です。厚生労働省の助成金の一部で必要です。"
            }
        }
    }

    pub fn input_kind(self) -> InputKind {
        match self {
            Self::Municipality => InputKind::Municipality,
            Self::Industry => InputKind::Industry,
            Self::OrgForm | Self::LargeInvestment => InputKind::SingleChoice,
            Self::Purposes => InputKind::MultipleChoice,
            Self::Employees => InputKind::Count,
            Self::Capital | Self::Sales | Self::MinimumWage => InputKind::Amount,
            Self::Founded => InputKind::Date,
            Self::LargeOfficers
            | Self::TaxArrears
            | Self::WageIncreasePlan
            | Self::EmploymentInsurance
            | Self::SupportOrganization
            | Self::InnovationPlan
            | Self::BlueReturn
            | Self::CertifiedNpo
            | Self::NonprofitType
            | Self::LargeCorpOwned
            | Self::WhollyOwnedByLarge
            | Self::AverageIncomeOverLimit
            | Self::WorkersAccidentInsurance => InputKind::YesNo,
        }
    }

    /// The options of a choice or yes/no question (empty for the others).
    pub fn options(self) -> Vec<AnswerOption> {
        let of = |code, label| AnswerOption { code, label };
        match self.input_kind() {
            InputKind::YesNo => YES_NO.to_vec(),
            _ => match self {
                Self::OrgForm => OrgForm::ALL
                    .iter()
                    .map(|v| of(v.code(), v.label()))
                    .collect(),
                Self::LargeInvestment => LargeInvestment::ALL
                    .iter()
                    .map(|v| of(v.code(), v.label()))
                    .collect(),
                Self::Purposes => Purpose::ALL
                    .iter()
                    .map(|v| of(v.code(), v.label()))
                    .collect(),
                _ => Vec::new(),
            },
        }
    }

    /// What asking costs the person: 1 for plain facts, 2 for things to look up or think
    /// about, 3 for sensitive questions.
    pub fn cost(self) -> u32 {
        match self {
            Self::Municipality
            | Self::OrgForm
            | Self::Employees
            | Self::Capital
            | Self::Founded
            | Self::Purposes
            | Self::EmploymentInsurance
            | Self::BlueReturn
            | Self::CertifiedNpo
            | Self::WorkersAccidentInsurance => 1,
            Self::Industry
            | Self::LargeInvestment
            | Self::LargeOfficers
            | Self::WageIncreasePlan
            | Self::MinimumWage
            | Self::SupportOrganization
            | Self::InnovationPlan
            | Self::NonprofitType
            | Self::LargeCorpOwned
            | Self::WhollyOwnedByLarge => 2,
            Self::Sales | Self::TaxArrears | Self::AverageIncomeOverLimit => 3,
        }
    }

    /// The field ready for a form.
    pub fn to_question(self) -> Question {
        Question {
            field: self,
            label: self.label(),
            question: self.question(),
            help: self.help(),
            input: self.input_kind(),
            options: self.options(),
            cost: self.cost(),
        }
    }
}

/// Every question, in the order of the vocabulary.
pub fn questionnaire() -> Vec<Question> {
    Field::ALL.iter().map(|f| f.to_question()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_question_help_and_a_positive_cost() {
        for q in questionnaire() {
            assert!(q.question.ends_with('。'), "{:?}", q.field);
            assert!(!q.help.is_empty(), "{:?}", q.field);
            assert!((1..=3).contains(&q.cost), "{:?}", q.field);
            let has_options = matches!(
                q.input,
                InputKind::SingleChoice | InputKind::MultipleChoice | InputKind::YesNo
            );
            assert_eq!(has_options, !q.options.is_empty(), "{:?}", q.field);
        }
    }

    #[test]
    fn sensitive_questions_cost_more_than_plain_ones() {
        assert!(Field::TaxArrears.cost() > Field::Employees.cost());
        assert!(Field::Sales.cost() > Field::Capital.cost());
    }
}
