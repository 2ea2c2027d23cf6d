//! The kinds of support a program gives, and the level of government that issues it.

use crate::labeled_enum;

labeled_enum! {
    /// What a program gives a business.
    pub enum ProgramKind: "制度の種類", "補助金・助成金・融資・保証・税制・専門家派遣・相談・その他のいずれかを指定してください。" {
        Subsidy = ("subsidy", "補助金"),
        Grant = ("grant", "助成金"),
        Loan = ("loan", "融資・保証"),
        Tax = ("tax", "税制"),
        Advice = ("advice", "専門家派遣・相談"),
        Other = ("other", "その他"),
    }
}

labeled_enum! {
    /// Which level of government issues a program.
    pub enum GovLevel: "発行元の区分", "国・都道府県・市区町村のいずれかを指定してください。" {
        National = ("national", "国"),
        Prefectural = ("prefectural", "都道府県"),
        Municipal = ("municipal", "市区町村"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_parses_from_its_code_or_its_japanese_label() {
        assert_eq!(ProgramKind::parse("loan").unwrap(), ProgramKind::Loan);
        assert_eq!(
            ProgramKind::parse(" 融資・保証 ").unwrap(),
            ProgramKind::Loan
        );
        let err = ProgramKind::parse("寄付").unwrap_err().to_string();
        assert!(
            err.contains("「寄付」は制度の種類として使えません"),
            "{err}"
        );
    }

    #[test]
    fn a_level_serialises_as_its_code() {
        let json = serde_json::to_string(&GovLevel::Municipal).unwrap();
        assert_eq!(json, "\"municipal\"");
        let back: GovLevel = serde_json::from_str("\"都道府県\"").unwrap();
        assert_eq!(back, GovLevel::Prefectural);
    }
}
