//! Which size limits of 中小企業基本法 apply to an industry: the JSIC → 業種区分 table.
//!
//! 中小企業基本法 第2条第1項 sets the 中小企業者 limits by four industry classes (製造業その他・
//! 卸売業・サービス業・小売業), and 第5項 the 小規模企業者 limit (20人; 商業又はサービス業 5人).
//! The cabinet orders of the individual SME laws (e.g. 中小企業信用保険法施行令 第1条,
//! 中小企業等経営強化法施行令 第1条) widen three industries — ゴム製品製造業, ソフトウェア業・
//! 情報処理サービス業, 旅館業 — and let 宿泊業・娯楽業 count as 小規模企業者 up to 20人.
//! Programs of 中小企業庁 apply those orders, so madoguchi does too.
//!
//! Which JSIC categories fall in which class follows 中小企業庁's published correspondence table
//! (「中小企業基本法上の類型」と日本標準産業分類の対応, also printed in the JEED 助成金 guides).
//! A JSIC middle category usually falls in one class; where the table splits a middle category
//! by its small categories (41, 69, 79), the middle category keeps every class it may be in, and
//! a fact is decided only when all of them agree. A major category keeps every class of its
//! middle categories.

use std::fmt;

use crate::reference::JsicCode;

/// A line of the size definition: the limits that apply to a business's main industry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IndustryClass {
    /// 製造業、建設業、運輸業その他 (第2条第1項第1号): 3億円 / 300人 / 小規模 20人.
    ManufacturingAndOther,
    /// 卸売業 (第1項第2号): 1億円 / 100人 / 小規模 5人 (商業).
    Wholesale,
    /// サービス業 (第1項第3号): 5,000万円 / 100人 / 小規模 5人.
    Services,
    /// 小売業 (第1項第4号): 5,000万円 / 50人 / 小規模 5人 (商業).
    Retail,
    /// ゴム製品製造業 (政令): 3億円 / 900人 / 小規模 20人 (製造業).
    RubberProducts,
    /// ソフトウェア業・情報処理サービス業 (政令): 3億円 / 300人 / 小規模 5人 (サービス業).
    SoftwareAndInformationProcessing,
    /// 旅館業 (政令): 5,000万円 / 200人 / 小規模 20人 (宿泊業, 政令).
    Inns,
    /// 娯楽業: サービス業の 5,000万円 / 100人, 小規模 20人 (政令).
    Entertainment,
}

/// The three limits of one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimits {
    /// 資本金の額又は出資の総額の上限 (yen, inclusive).
    pub capital: u64,
    /// 常時使用する従業員の数の上限 (inclusive).
    pub employees: u32,
    /// 小規模企業者の従業員数の上限 (inclusive).
    pub small_employees: u32,
}

const OKU: u64 = 100_000_000;
const MAN: u64 = 10_000;

impl IndustryClass {
    pub const ALL: [Self; 8] = [
        Self::ManufacturingAndOther,
        Self::Wholesale,
        Self::Services,
        Self::Retail,
        Self::RubberProducts,
        Self::SoftwareAndInformationProcessing,
        Self::Inns,
        Self::Entertainment,
    ];

    pub fn limits(self) -> SizeLimits {
        let (capital, employees, small_employees) = match self {
            Self::ManufacturingAndOther => (3 * OKU, 300, 20),
            Self::Wholesale => (OKU, 100, 5),
            Self::Services => (5_000 * MAN, 100, 5),
            Self::Retail => (5_000 * MAN, 50, 5),
            Self::RubberProducts => (3 * OKU, 900, 20),
            Self::SoftwareAndInformationProcessing => (3 * OKU, 300, 5),
            Self::Inns => (5_000 * MAN, 200, 20),
            Self::Entertainment => (5_000 * MAN, 100, 20),
        };
        SizeLimits {
            capital,
            employees,
            small_employees,
        }
    }

    /// The class as the law and 中小企業庁 name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::ManufacturingAndOther => "製造業その他",
            Self::Wholesale => "卸売業",
            Self::Services => "サービス業",
            Self::Retail => "小売業",
            Self::RubberProducts => "ゴム製品製造業",
            Self::SoftwareAndInformationProcessing => "ソフトウェア業・情報処理サービス業",
            Self::Inns => "旅館業",
            Self::Entertainment => "娯楽業",
        }
    }

    /// Where the limits come from, for the explanation.
    pub fn legal_basis(self) -> &'static str {
        match self {
            Self::ManufacturingAndOther => "中小企業基本法第2条第1項第1号・第5項",
            Self::Wholesale => "中小企業基本法第2条第1項第2号・第5項",
            Self::Services => "中小企業基本法第2条第1項第3号・第5項",
            Self::Retail => "中小企業基本法第2条第1項第4号・第5項",
            Self::RubberProducts | Self::SoftwareAndInformationProcessing | Self::Inns => {
                "中小企業関係法律の政令による特例（例：中小企業信用保険法施行令第1条）"
            }
            Self::Entertainment => {
                "中小企業基本法第2条第1項第3号、小規模企業者は政令による特例（例：中小企業信用保険法施行令第1条）"
            }
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for IndustryClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The classes an industry answer may fall in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClassSet(u8);

impl ClassSet {
    /// Every class: what an unanswered industry leaves open.
    pub const ANY: Self = Self(u8::MAX);

    const fn of(classes: &[IndustryClass]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < classes.len() {
            bits |= 1 << classes[i] as u8;
            i += 1;
        }
        Self(bits)
    }

    pub fn contains(self, class: IndustryClass) -> bool {
        self.0 & class.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = IndustryClass> {
        IndustryClass::ALL
            .into_iter()
            .filter(move |&c| self.contains(c))
    }

    /// The only class, when the answer decides it.
    pub fn single(self) -> Option<IndustryClass> {
        let mut it = self.iter();
        match (it.next(), it.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

use IndustryClass::{
    Entertainment as ENT, Inns as INN, ManufacturingAndOther as OTHER, Retail as RETAIL,
    RubberProducts as RUBBER, Services as SERVICES, SoftwareAndInformationProcessing as SOFTWARE,
    Wholesale as WHOLESALE,
};

/// One row of the correspondence: JSIC middle categories `first..=last` of `major`.
struct Row {
    first: u8,
    last: u8,
    major: char,
    classes: ClassSet,
    /// Why the row is not a plain reading of the table, shown with the verdict.
    note: Option<&'static str>,
}

const fn row(first: u8, last: u8, major: char, classes: &[IndustryClass]) -> Row {
    Row {
        first,
        last,
        major,
        classes: ClassSet::of(classes),
        note: None,
    }
}

const fn noted(
    first: u8,
    last: u8,
    major: char,
    classes: &[IndustryClass],
    note: &'static str,
) -> Row {
    Row {
        first,
        last,
        major,
        classes: ClassSet::of(classes),
        note: Some(note),
    }
}

/// JSIC (第14回改定) middle categories 01–99 and their classes.
const ROWS: &[Row] = &[
    // A 農業，林業 / B 漁業 / C 鉱業 / D 建設業: 製造業その他 (第1号 「建設業…その他の業種」).
    row(1, 2, 'A', &[OTHER]),
    row(3, 4, 'B', &[OTHER]),
    row(5, 5, 'C', &[OTHER]),
    row(6, 8, 'D', &[OTHER]),
    // E 製造業: 製造業その他, except ゴム製品製造業 (政令).
    row(9, 18, 'E', &[OTHER]),
    noted(
        19,
        19,
        'E',
        &[RUBBER],
        "ゴム製品製造業（中分類19）は政令の特例（3億円・900人）で判定しました。ただし自動車・航空機用タイヤ・チューブ製造業と工業用ベルト製造業は特例の対象外で、製造業その他（3億円・300人）の基準になります。",
    ),
    row(20, 32, 'E', &[OTHER]),
    // F 電気・ガス・熱供給・水道業.
    row(33, 36, 'F', &[OTHER]),
    // G 情報通信業: 37 通信業 and 40 インターネット附随サービス業 are not in the サービス業 list.
    row(37, 37, 'G', &[OTHER]),
    row(38, 38, 'G', &[SERVICES]),
    noted(
        39,
        39,
        'G',
        &[SOFTWARE],
        "情報サービス業（中分類39）はソフトウェア業・情報処理サービス業の特例（3億円・300人）で判定しました。情報提供サービス業・市場調査業などは一般のサービス業（5,000万円・100人）の基準になります。",
    ),
    row(40, 40, 'G', &[OTHER]),
    // 41: 411 映像情報制作・配給業, 412 音声情報制作業, 415 広告制作業, 416 附帯サービス業 are
    // サービス業; 413 新聞業 and 414 出版業 are 製造業その他.
    noted(
        41,
        41,
        'G',
        &[SERVICES, OTHER],
        "映像・音声・文字情報制作業（中分類41）は、新聞業・出版業なら製造業その他、それ以外ならサービス業の基準です。",
    ),
    // H 運輸業，郵便業.
    row(42, 49, 'H', &[OTHER]),
    // I 卸売業，小売業: 50–55 卸売業 (第2号), 56–61 小売業 (第4号).
    row(50, 55, 'I', &[WHOLESALE]),
    row(56, 61, 'I', &[RETAIL]),
    // J 金融業，保険業.
    row(62, 67, 'J', &[OTHER]),
    // K 不動産業，物品賃貸業: only 693 駐車場業 and 70 物品賃貸業 are サービス業.
    row(68, 68, 'K', &[OTHER]),
    noted(
        69,
        69,
        'K',
        &[OTHER, SERVICES],
        "不動産賃貸業・管理業（中分類69）は、駐車場業ならサービス業、それ以外なら製造業その他の基準です。",
    ),
    row(70, 70, 'K', &[SERVICES]),
    // L 学術研究，専門・技術サービス業.
    row(71, 74, 'L', &[SERVICES]),
    // M: 75 宿泊業 (旅館業 by 政令), 76 飲食店 and 77 持ち帰り・配達飲食サービス業 are 小売業.
    noted(
        75,
        75,
        'M',
        &[INN],
        "宿泊業（中分類75）は旅館業の特例（5,000万円・200人）で判定しました。会社・団体の宿泊所など旅館業に当たらない宿泊業は、一般のサービス業（5,000万円・100人）の基準になります。",
    ),
    row(76, 77, 'M', &[RETAIL]),
    // N 生活関連サービス業，娯楽業: サービス業, except 791 旅行業 (製造業その他); 80 娯楽業.
    row(78, 78, 'N', &[SERVICES]),
    noted(
        79,
        79,
        'N',
        &[SERVICES, OTHER],
        "その他の生活関連サービス業（中分類79）は、旅行業なら製造業その他、それ以外ならサービス業の基準です。",
    ),
    row(80, 80, 'N', &[ENT]),
    // O 教育，学習支援業 / P 医療，福祉 / Q 複合サービス事業 / R サービス業（他に分類されないもの）.
    row(81, 82, 'O', &[SERVICES]),
    row(83, 85, 'P', &[SERVICES]),
    row(86, 87, 'Q', &[SERVICES]),
    row(88, 96, 'R', &[SERVICES]),
    // S 公務 / T 分類不能の産業: not in any list, so 製造業その他.
    row(97, 98, 'S', &[OTHER]),
    row(99, 99, 'T', &[OTHER]),
];

fn row_of(middle: u8) -> Option<&'static Row> {
    ROWS.iter().find(|r| (r.first..=r.last).contains(&middle))
}

/// The classes an industry answer may fall in (every class for a code the table lacks).
pub fn classes_of(industry: JsicCode) -> ClassSet {
    match industry {
        JsicCode::Middle(n) => row_of(n).map_or(ClassSet::ANY, |r| r.classes),
        JsicCode::Major(letter) => ROWS
            .iter()
            .filter(|r| r.major == letter)
            .fold(ClassSet(0), |set, r| set.union(r.classes)),
    }
}

/// The note that goes with a middle category whose class is a reading of the law.
pub fn class_note(industry: JsicCode) -> Option<&'static str> {
    match industry {
        JsicCode::Middle(n) => row_of(n).and_then(|r| r.note),
        JsicCode::Major(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::jsic;

    fn only(code: JsicCode) -> IndustryClass {
        classes_of(code).single().unwrap()
    }

    #[test]
    fn every_middle_category_from_01_to_99_has_a_row() {
        for n in 1..=99 {
            assert!(row_of(n).is_some(), "{n:02}");
        }
        assert!(row_of(0).is_none());
        assert!(row_of(100).is_none());
    }

    #[test]
    fn the_rows_agree_with_the_reference_table_on_major_categories() {
        assert_eq!(jsic::middles().len(), 99);
        for m in jsic::middles() {
            assert_eq!(
                row_of(m.code).map(|r| r.major),
                Some(m.major),
                "{:02}",
                m.code
            );
        }
    }

    #[test]
    fn the_four_classes_of_the_law_map_from_their_industries() {
        assert_eq!(only(JsicCode::Middle(24)), OTHER); // 金属製品製造業
        assert_eq!(only(JsicCode::Middle(6)), OTHER); // 総合工事業
        assert_eq!(only(JsicCode::Middle(44)), OTHER); // 道路貨物運送業
        assert_eq!(only(JsicCode::Middle(52)), WHOLESALE); // 飲食料品卸売業
        assert_eq!(only(JsicCode::Middle(58)), RETAIL); // 飲食料品小売業
        assert_eq!(only(JsicCode::Middle(76)), RETAIL); // 飲食店
        assert_eq!(only(JsicCode::Middle(83)), SERVICES); // 医療業
        assert_eq!(only(JsicCode::Middle(70)), SERVICES); // 物品賃貸業
        assert_eq!(only(JsicCode::Middle(37)), OTHER); // 通信業
    }

    #[test]
    fn the_cabinet_order_industries_have_their_own_limits() {
        assert_eq!(only(JsicCode::Middle(19)).limits().employees, 900);
        assert_eq!(only(JsicCode::Middle(39)).limits().capital, 3 * OKU);
        assert_eq!(only(JsicCode::Middle(75)).limits().employees, 200);
        assert_eq!(only(JsicCode::Middle(75)).limits().small_employees, 20);
        assert_eq!(only(JsicCode::Middle(80)).limits().small_employees, 20);
        assert_eq!(only(JsicCode::Middle(39)).limits().small_employees, 5);
        assert!(class_note(JsicCode::Middle(19)).unwrap().contains("タイヤ"));
    }

    #[test]
    fn a_middle_category_split_by_the_table_keeps_both_classes() {
        for n in [41, 69, 79] {
            let set = classes_of(JsicCode::Middle(n));
            assert!(set.contains(OTHER) && set.contains(SERVICES), "{n}");
            assert!(set.single().is_none());
        }
    }

    #[test]
    fn a_major_category_keeps_every_class_of_its_middles() {
        let e = classes_of(JsicCode::Major('E'));
        assert!(e.contains(OTHER) && e.contains(RUBBER) && !e.contains(RETAIL));
        assert_eq!(only(JsicCode::Major('D')), OTHER);
        let i = classes_of(JsicCode::Major('I'));
        assert!(i.contains(WHOLESALE) && i.contains(RETAIL));
        assert_eq!(only(JsicCode::Major('P')), SERVICES);
    }
}
