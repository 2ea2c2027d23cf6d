//! The 中小企業 definitions themselves: which law, which limits, which legal forms.
//!
//! Each `SizeDefinition` says, for each legal form and industry class, which `Test` applies.
//! `sme.rs` applies the tests to a business's answers; this file is only the law, so that a
//! reader checking a definition against its statute finds it in one place.

use super::org_form::{LegalKind, OrgForm};
use super::size_class::IndustryClass;
use crate::japanese_amount::format_japanese_yen;
use crate::program::Yen;

const OKU: u64 = 100_000_000;

/// Which law's 「中小企業」 a rule means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SizeDefinition {
    /// 中小企業基本法 第2条 as written, without the cabinet orders' special industries.
    BasicLaw,
    /// 第2条 with the cabinet-order special cases of 中小企業等経営強化法・中小企業信用保険法,
    /// and the 組合 those laws count: what 中小企業庁's subsidies use.
    CabinetOrder,
    /// 雇用関係助成金 (厚生労働省) 中小企業事業主.
    Employment,
    /// 中小企業信用保険法 第2条第1項: who a 信用保証協会 may guarantee.
    CreditGuarantee,
    /// 租税特別措置法の中小企業者等.
    Tax,
}

/// How one definition judges one legal form in one industry class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    /// Capital **or** headcount within the limits.
    CapitalOrHeadcount { capital: u64, employees: u32 },
    /// Headcount alone; `income` also excludes a 適用除外事業者 (平均所得15億円超).
    Headcount { employees: u32, income: bool },
    /// 租税特別措置法: capital within the limit, not controlled by a 大規模法人, and not a
    /// 適用除外事業者.
    TaxCapital { capital: u64 },
    /// The law names the form itself, whatever its size.
    Admitted,
    /// The definition does not count the form.
    Excluded,
}

impl SizeDefinition {
    pub const ALL: [Self; 5] = [
        Self::BasicLaw,
        Self::CabinetOrder,
        Self::Employment,
        Self::CreditGuarantee,
        Self::Tax,
    ];

    /// What a business that meets the definition is called.
    pub fn label(self) -> &'static str {
        match self {
            Self::BasicLaw => "中小企業基本法の中小企業者",
            Self::CabinetOrder => "中小企業者（政令の特例を含む）",
            Self::Employment => "雇用関係助成金の中小企業事業主",
            Self::CreditGuarantee => "信用保証の対象となる中小企業者",
            Self::Tax => "租税特別措置法の中小企業者等",
        }
    }

    /// The definition and where it is written: the first line of every explanation.
    pub fn basis(self) -> &'static str {
        match self {
            Self::BasicLaw => {
                "中小企業基本法の中小企業者の基準（同法第2条第1項をそのまま適用。会社は資本金又は従業員数、個人は従業員数で判定し、政令による業種の特例は含みません）"
            }
            Self::CabinetOrder => {
                "中小企業者の基準（中小企業基本法第2条第1項に、中小企業等経営強化法・中小企業信用保険法などの政令による特例（ゴム製品製造業 3億円・900人、ソフトウェア業・情報処理サービス業 3億円・300人、旅館業 5,000万円・200人）を加えたもの。企業組合・協業組合・事業協同組合なども中小企業者です）"
            }
            Self::Employment => {
                "雇用関係助成金の中小企業事業主の基準（厚生労働省。小売業（飲食店を含む）は資本金5,000万円以下又は従業員50人以下、サービス業は5,000万円以下又は100人以下、卸売業は1億円以下又は100人以下、その他の業種は3億円以下又は300人以下。資本金のない法人や個人は従業員数だけで判定）"
            }
            Self::CreditGuarantee => {
                "信用保証の中小企業者の基準（中小企業信用保険法第2条第1項。会社・個人は政令の特例を含む中小企業者の基準、企業組合・協業組合・事業協同組合など、医業を主たる事業とする法人は従業員300人以下、NPO法人は従業員300人（卸売業・サービス業は100人、小売業は50人）以下）"
            }
            Self::Tax => {
                "租税特別措置法の中小企業者等の基準（資本金1億円以下の法人で大規模法人に支配されていないもの、資本金のない法人と個人は従業員1,000人以下、事業協同組合・農業協同組合などの協同組合等。前3事業年度の所得の平均が15億円を超える適用除外事業者を除きます）"
            }
        }
    }

    /// The industry class whose limits apply: the cabinet-order classes fold back into the
    /// four classes of the law where the definition has no special cases.
    pub(crate) fn class(self, class: IndustryClass) -> IndustryClass {
        use IndustryClass::*;
        match (self, class) {
            (Self::BasicLaw | Self::Employment, RubberProducts) => ManufacturingAndOther,
            (
                Self::BasicLaw | Self::Employment,
                SoftwareAndInformationProcessing | Inns | Entertainment,
            ) => Services,
            (_, class) => class,
        }
    }

    /// True where the explanation should carry the cabinet-order class notes.
    pub(crate) fn uses_cabinet_order_classes(self) -> bool {
        matches!(self, Self::CabinetOrder | Self::CreditGuarantee)
    }

    pub(crate) fn test(self, form: OrgForm, class: IndustryClass) -> Test {
        use OrgForm::*;
        let limits = self.class(class).limits();
        let capital_or_headcount = Test::CapitalOrHeadcount {
            capital: limits.capital,
            employees: limits.employees,
        };
        let headcount = |employees| Test::Headcount {
            employees,
            income: false,
        };
        let kind = form.legal_kind();
        match self {
            Self::BasicLaw => match kind {
                LegalKind::Company => capital_or_headcount,
                LegalKind::Individual => headcount(limits.employees),
                _ => Test::Excluded,
            },
            Self::CabinetOrder => match (kind, form) {
                (LegalKind::Company, _) => capital_or_headcount,
                (LegalKind::Individual, _) => headcount(limits.employees),
                (_, EnterpriseUnion | CooperationUnion | BusinessCooperative) => Test::Admitted,
                _ => Test::Excluded,
            },
            Self::Employment => match kind {
                LegalKind::Company | LegalKind::Cooperative => capital_or_headcount,
                LegalKind::Individual | LegalKind::WithoutCapital => headcount(limits.employees),
                LegalKind::NotYetFounded => Test::Excluded,
            },
            Self::CreditGuarantee => match (kind, form) {
                (LegalKind::Company, _) => capital_or_headcount,
                (LegalKind::Individual, _) => headcount(limits.employees),
                (_, EnterpriseUnion | CooperationUnion | BusinessCooperative) => Test::Admitted,
                (_, MedicalCorporation) => headcount(300),
                // NPO法人 (since 2015-10-01): 300人, 卸売業・サービス業 100人, 小売業 50人.
                (_, Npo) => headcount(Self::Employment.class(class).limits().employees),
                _ => Test::Excluded,
            },
            Self::Tax => match (kind, form) {
                (LegalKind::Company, _)
                | (
                    LegalKind::Cooperative,
                    EnterpriseUnion
                    | CooperationUnion
                    | AgriculturalCorporation
                    | WorkersCooperative,
                ) => Test::TaxCapital { capital: OKU },
                (LegalKind::Cooperative, _) => Test::Admitted,
                (LegalKind::Individual, _) => headcount(1000),
                (LegalKind::WithoutCapital, _) => Test::Headcount {
                    employees: 1000,
                    income: true,
                },
                (LegalKind::NotYetFounded, _) => Test::Excluded,
            },
        }
    }
}

impl Test {
    /// The requirement in words: 「資本金5,000万円以下又は常時使用する従業員50人以下」.
    pub(crate) fn text(self) -> String {
        match self {
            Self::CapitalOrHeadcount { capital, employees } => format!(
                "資本金{}以下又は常時使用する従業員{employees}人以下",
                format_japanese_yen(Yen::from_u64(capital))
            ),
            Self::Headcount { employees, income } => format!(
                "常時使用する従業員{employees}人以下{}",
                if income {
                    "（前3事業年度の平均所得が15億円を超える法人を除く）"
                } else {
                    ""
                }
            ),
            Self::TaxCapital { capital } => format!(
                "資本金{}以下で、大規模法人に株式の2分の1以上（複数で3分の2以上）を所有されておらず、資本金5億円以上の法人の100%子会社でもなく、前3事業年度の平均所得が15億円以下",
                format_japanese_yen(Yen::from_u64(capital))
            ),
            Self::Admitted => "組織形態により、規模を問わず当たります".to_owned(),
            Self::Excluded => "この基準の対象となる組織形態ではありません".to_owned(),
        }
    }
}
