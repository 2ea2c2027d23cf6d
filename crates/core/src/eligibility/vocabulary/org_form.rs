//! 組織形態: which legal person a business is, and how the size definitions see each form.
//!
//! Each family of law counts different forms as 中小企業, so the vocabulary names every form a
//! rule may need, the groups a rule may name at once (会社, 組合), and the codes of the first
//! vocabulary that are refused with what replaced them.

use crate::labeled_enum;

labeled_enum! {
    /// 組織形態: which legal person the business is. Each family of law counts different forms
    /// as 中小企業 (see `SizeDefinition`), so the vocabulary names the forms a rule may need.
    pub enum OrgForm: "組織形態", "stock_company・llc・sole_proprietor・enterprise_union・npo・medical_corporation・planning などで指定してください（一覧は docs/profile.md）。" {
        StockCompany = ("stock_company", "株式会社（特例有限会社を含む）"),
        Llc = ("llc", "合同会社"),
        PartnershipCompany = ("partnership_company", "合名会社・合資会社"),
        SoleProprietor = ("sole_proprietor", "個人事業主"),
        EnterpriseUnion = ("enterprise_union", "企業組合"),
        CooperationUnion = ("cooperation_union", "協業組合"),
        BusinessCooperative = ("business_cooperative", "事業協同組合・事業協同小組合・商工組合など"),
        AgriculturalCorporation = ("agricultural_corporation", "農事組合法人"),
        AgriculturalCooperative = ("agricultural_cooperative", "農業協同組合・漁業協同組合・森林組合など"),
        WorkersCooperative = ("workers_cooperative", "労働者協同組合"),
        Npo = ("npo", "特定非営利活動法人（NPO法人）"),
        GeneralAssociation = ("general_association", "一般社団法人・一般財団法人"),
        PublicInterestCorporation = ("public_interest_corporation", "公益社団法人・公益財団法人"),
        MedicalCorporation = ("medical_corporation", "医療法人"),
        SocialWelfareCorporation = ("social_welfare_corporation", "社会福祉法人"),
        SchoolCorporation = ("school_corporation", "学校法人"),
        CommerceAssociation = ("commerce_association", "商工会・商工会議所"),
        Other = ("other", "その他の法人・団体"),
        Planning = ("planning", "創業予定（まだ開業・設立していない）"),
    }
}

/// Codes of the first vocabulary that named several forms at once: a profile must now say
/// which form it is, so these are refused with the codes that replaced them.
pub const RETIRED_ORG_FORMS: [(&str, &str); 2] = [
    (
        "cooperative",
        "企業組合（enterprise_union）・協業組合（cooperation_union）・事業協同組合・商工組合など（business_cooperative）",
    ),
    (
        "other_corporation",
        "医療法人（medical_corporation）・社会福祉法人（social_welfare_corporation）・学校法人（school_corporation）・公益社団法人・公益財団法人（public_interest_corporation）・農事組合法人（agricultural_corporation）・農業協同組合など（agricultural_cooperative）・労働者協同組合（workers_cooperative）・商工会・商工会議所（commerce_association）・その他の法人・団体（other）",
    ),
];

/// Names a rule may use for several forms at once: (code, label, members).
pub const ORG_FORM_GROUPS: [(&str, &str, &[OrgForm]); 2] = [
    (
        "company",
        "会社",
        &[
            OrgForm::StockCompany,
            OrgForm::Llc,
            OrgForm::PartnershipCompany,
        ],
    ),
    (
        "cooperative",
        "企業組合・協業組合・事業協同組合など",
        &[
            OrgForm::EnterpriseUnion,
            OrgForm::CooperationUnion,
            OrgForm::BusinessCooperative,
        ],
    ),
];

labeled_enum! {
    /// How much of the business large enterprises own: the ownership half of みなし大企業.
    pub enum LargeInvestment: "大企業からの出資", "none・minor・single_half・combined_two_thirds のいずれかで指定してください。" {
        Absent = ("none", "大企業からの出資はない"),
        Minor = ("minor", "出資はあるが、下の2つには当たらない"),
        SingleHalf = ("single_half", "1社の大企業が発行済株式（出資）の2分の1以上を持っている"),
        CombinedTwoThirds = ("combined_two_thirds", "複数の大企業の合計で発行済株式（出資）の3分の2以上を持っている"),
    }
}

impl OrgForm {
    /// How the size definitions see this form.
    pub fn legal_kind(self) -> LegalKind {
        match self {
            Self::StockCompany | Self::Llc | Self::PartnershipCompany => LegalKind::Company,
            Self::SoleProprietor => LegalKind::Individual,
            Self::EnterpriseUnion
            | Self::CooperationUnion
            | Self::BusinessCooperative
            | Self::AgriculturalCorporation
            | Self::AgriculturalCooperative
            | Self::WorkersCooperative => LegalKind::Cooperative,
            Self::Npo
            | Self::GeneralAssociation
            | Self::PublicInterestCorporation
            | Self::MedicalCorporation
            | Self::SocialWelfareCorporation
            | Self::SchoolCorporation
            | Self::CommerceAssociation
            | Self::Other => LegalKind::WithoutCapital,
            Self::Planning => LegalKind::NotYetFounded,
        }
    }

    /// The forms a code names: one form, or the members of a group a rule may name.
    pub fn parse_group(raw: &str) -> Option<&'static [OrgForm]> {
        let raw = raw.trim();
        ORG_FORM_GROUPS
            .iter()
            .find(|(code, label, _)| *code == raw || *label == raw)
            .map(|(_, _, members)| *members)
    }

    /// The replacement codes of a retired code, for the message that refuses it.
    pub fn retired(raw: &str) -> Option<&'static str> {
        let raw = raw.trim();
        RETIRED_ORG_FORMS
            .iter()
            .find(|(code, _)| *code == raw)
            .map(|(_, replacements)| *replacements)
    }
}

/// The ways the size definitions treat a legal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalKind {
    /// 会社: capital or employees decide.
    Company,
    /// 個人: employees decide (an individual has no capital).
    Individual,
    /// 組合 and other bodies with 出資.
    Cooperative,
    /// Bodies without capital (NPO法人, 社団・財団, 医療法人, 社会福祉法人 …).
    WithoutCapital,
    /// Not founded yet: no definition counts it.
    NotYetFounded,
}
