//! The closed vocabulary of what a business can tell the desk about itself.
//!
//! Rules may only speak of these fields, and the questionnaire is derived from them (see
//! `question`); a set of fields is a bit mask, cheap enough to build on every diagnosis.

use crate::labeled_enum;

labeled_enum! {
    /// One thing a business can answer. The declaration order is the order of a paper form.
    pub enum Field: "診断の項目", "municipality・industry・employees などの項目名で指定してください。" {
        Municipality = ("municipality", "所在地"),
        Industry = ("industry", "業種"),
        OrgForm = ("org_form", "組織形態"),
        Employees = ("employees", "常時使用する従業員数"),
        Capital = ("capital", "資本金又は出資の総額"),
        Founded = ("founded", "創業・設立年月日"),
        Sales = ("sales", "売上高"),
        Purposes = ("purposes", "利用目的"),
        LargeInvestment = ("large_investment", "大企業からの出資"),
        LargeOfficers = ("large_officers", "大企業の役員兼任"),
        TaxArrears = ("tax_arrears", "税の滞納"),
        WageIncreasePlan = ("wage_increase_plan", "賃金引上げの予定"),
        MinimumWage = ("minimum_wage", "事業場内最低賃金"),
        EmploymentInsurance = ("employment_insurance", "雇用保険の適用事業所"),
        SupportOrganization = ("support_organization", "認定支援機関の関与"),
        InnovationPlan = ("innovation_plan", "経営革新計画の承認"),
        BlueReturn = ("blue_return", "青色申告"),
        CertifiedNpo = ("certified_npo", "認定NPO法人"),
        NonprofitType = ("nonprofit_type", "非営利型法人"),
        LargeCorpOwned = ("large_corp_owned", "大規模法人による所有"),
        WhollyOwnedByLarge = ("wholly_owned_by_large", "大法人の100%子会社"),
        AverageIncomeOverLimit = ("average_income_over_limit", "平均所得15億円超"),
        WorkersAccidentInsurance = ("workers_accident_insurance", "労災保険の適用事業主"),
    }
}

impl Field {
    /// How many fields the vocabulary has.
    pub const COUNT: usize = Self::ALL.len();

    /// The position in declaration order, for bit sets and tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// 「もしかして「employees」（常時使用する従業員数）ですか。」, or the list of field names.
    pub(crate) fn did_you_mean(suggestion: Option<Self>) -> String {
        match suggestion {
            Some(f) => format!("もしかして「{}」（{}）ですか。", f.code(), f.label()),
            None => format!(
                "使える項目は {} です。",
                Self::ALL
                    .iter()
                    .map(|f| f.code())
                    .collect::<Vec<_>>()
                    .join("・")
            ),
        }
    }

    /// The closest field name to a misspelt one, for 「もしかして」 in error messages.
    pub fn closest(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .map(|f| (edit_distance(&name, f.code()), f))
            .filter(|&(d, f)| d <= 2.max(f.code().len() / 4))
            .min_by_key(|&(d, _)| d)
            .map(|(_, f)| f)
    }
}

/// Levenshtein distance over characters; names are short, so the quadratic table is fine.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

// A `FieldSet` is one `u32`: the vocabulary must stay within 32 fields.
const _: () = assert!(Field::COUNT <= 32);

/// A set of fields as a bit mask: cheap to build for every program on every diagnosis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FieldSet(u32);

impl FieldSet {
    pub const EMPTY: Self = Self(0);

    pub fn of(fields: &[Field]) -> Self {
        fields.iter().fold(Self::EMPTY, |set, &f| set.with(f))
    }

    pub fn with(self, field: Field) -> Self {
        Self(self.0 | 1 << field.index())
    }

    pub fn insert(&mut self, field: Field) {
        *self = self.with(field);
    }

    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    pub fn contains(self, field: Field) -> bool {
        self.0 & 1 << field.index() != 0
    }

    /// This set when `keep`, otherwise the empty set, without a branch: for walks over
    /// thousands of rules where `keep` follows no pattern.
    #[inline]
    pub(crate) fn kept_if(self, keep: bool) -> Self {
        Self(self.0 & u32::from(keep).wrapping_neg())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields in vocabulary order.
    pub fn iter(self) -> impl Iterator<Item = Field> {
        // Bit by bit, lowest first: a field's bit is its place in the vocabulary.
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let lowest = bits.trailing_zeros() as usize;
            bits &= bits.wrapping_sub(1);
            Field::ALL.get(lowest).copied()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_name_finds_the_field_meant() {
        assert_eq!(Field::closest("emploees"), Some(Field::Employees));
        assert_eq!(Field::closest("captial"), Some(Field::Capital));
        assert_eq!(Field::closest("zzz"), None);
    }

    #[test]
    fn a_field_set_lists_its_fields_in_vocabulary_order() {
        let set = FieldSet::of(&[Field::Capital, Field::Municipality]);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Field::Municipality, Field::Capital]
        );
        assert!(!set.contains(Field::Employees));
    }
}
