//! Why a business would use a program: the 15 `use_purpose` values of jGrants.
//!
//! madoguchi uses jGrants' own list so that an imported record maps one to one and a
//! business choosing 「設備整備・IT導入をしたい」 sees national and local programs alike.

use crate::labeled_enum;

labeled_enum! {
    /// One of the 15 jGrants purposes (利用目的).
    pub enum Purpose: "利用目的", "jGrantsの利用目的（例：「設備整備・IT導入をしたい」）から選んでください。" {
        NewBusiness = ("new_business", "新たな事業を行いたい"),
        SalesExpansion = ("sales_expansion", "販路拡大・海外展開をしたい"),
        EventSupport = ("event_support", "イベント・事業運営支援がほしい"),
        Succession = ("succession", "事業を引き継ぎたい"),
        ResearchDevelopment = ("research_development", "研究開発・実証事業を行いたい"),
        HumanResources = ("human_resources", "人材育成を行いたい"),
        CashFlow = ("cash_flow", "資金繰りを改善したい"),
        EquipmentIt = ("equipment_it", "設備整備・IT導入をしたい"),
        Employment = ("employment", "雇用・職場環境を改善したい"),
        EcoSdgs = ("eco_sdgs", "エコ・SDGs活動支援がほしい"),
        Disaster = ("disaster", "災害（自然災害、感染症等）支援がほしい"),
        EducationChildcare = ("education_childcare", "教育・子育て・少子化支援がほしい"),
        SportsCulture = ("sports_culture", "スポーツ・文化支援がほしい"),
        SafetyDisasterPrevention = ("safety_disaster_prevention", "安全・防災対策支援がほしい"),
        Community = ("community", "まちづくり・地域振興支援がほしい"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_exactly_the_fifteen_jgrants_purposes() {
        assert_eq!(Purpose::ALL.len(), 15);
        assert_eq!(
            Purpose::parse("設備整備・IT導入をしたい").unwrap(),
            Purpose::EquipmentIt
        );
    }
}
