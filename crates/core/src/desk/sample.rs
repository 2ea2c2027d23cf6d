//! The desk a new installation starts with: five categories shaped after みえDXセンター's
//! (which sorts its work into five; the labels here are the desk's own), and an example
//! registry of 20 advisors, 11 partner companies and a few side-job professionals. Every
//! name is invented and marked 「（例）」, so that nobody mistakes a demo entry for a real
//! person or company.

use time::macros::date;

use super::expert::{Availability, Category, Expert, ExpertKind, Requester, ServiceArea};
use crate::reference::LocalGovCode;

/// The categories a desk offers unless it configures its own: `(code, label)`.
pub const DEFAULT_CATEGORIES: [(&str, &str); 5] = [
    ("strategy", "DX戦略・組織づくり"),
    ("skills", "人材育成・デジタル活用の基礎"),
    ("workstyle", "働き方・業務の見直し"),
    ("data", "データ活用・新しい技術"),
    ("security", "情報セキュリティ・IT基盤"),
];

/// One example expert with what only staff see and the public profile.
#[derive(Debug, Clone)]
pub struct SampleExpert {
    pub expert: Expert,
    pub contact: String,
    pub profile: String,
}

/// 三重県 and some of its cities, where the example experts work.
const MIE: &str = "240001";
const CITIES: [&str; 6] = ["242012", "242021", "242039", "242047", "242071", "242161"];

const SURNAMES: [&str; 20] = [
    "伊勢", "鈴鹿", "松阪", "桑名", "志摩", "熊野", "名張", "尾鷲", "亀山", "鳥羽", "伊賀", "員弁",
    "多気", "度会", "紀北", "御浜", "朝日", "川越", "菰野", "大台",
];
const GIVEN: [&str; 4] = ["一郎", "花子", "次郎", "陽子"];
const SKILLS: [&[&str]; 10] = [
    &["DX戦略", "経営計画"],
    &["生成AI", "業務効率化"],
    &["EC", "SNS"],
    &["クラウド会計", "インボイス"],
    &["セキュリティ", "情報管理"],
    &["データ分析", "BI"],
    &["スマホ教室", "高齢者"],
    &["テレワーク", "勤怠管理"],
    &["RPA", "業務効率化"],
    &["IoT", "製造業"],
];
const PARTNERS: [(&str, &[&str]); 11] = [
    ("（例）いせソフト株式会社", &["EC", "SNS"]),
    ("（例）すずかデータ株式会社", &["データ分析", "BI"]),
    (
        "（例）株式会社みえクラウド",
        &["クラウド会計", "テレワーク"],
    ),
    (
        "（例）つ情報システム株式会社",
        &["セキュリティ", "ネットワーク"],
    ),
    ("（例）よっかいちIoT合同会社", &["IoT", "製造業"]),
    ("（例）くまのデザイン株式会社", &["Webサイト", "SNS"]),
    ("（例）株式会社いがラボ", &["生成AI", "RPA"]),
    (
        "（例）松阪ビジネスサポート株式会社",
        &["経営計画", "補助金申請"],
    ),
    ("（例）株式会社なばりネット", &["スマホ教室", "高齢者"]),
    ("（例）志摩観光デジタル株式会社", &["観光", "予約システム"]),
    ("（例）桑名ものづくりDX株式会社", &["製造業", "生産管理"]),
];

fn code(raw: &str) -> LocalGovCode {
    LocalGovCode::parse(raw).unwrap_or_else(|err| panic!("sample code {raw}: {err}"))
}

fn category(index: usize) -> Category {
    let (code, _) = DEFAULT_CATEGORIES[index % DEFAULT_CATEGORIES.len()];
    Category::parse(code).unwrap_or_else(|err| panic!("sample category {code}: {err}"))
}

/// The example registry, the same on every run.
pub fn sample_registry() -> Vec<SampleExpert> {
    let mut registry = Vec::new();
    for (i, surname) in SURNAMES.iter().enumerate() {
        let name = format!("（例）{surname} {}", GIVEN[i % GIVEN.len()]);
        let mut expert = Expert::new(format!("adv-{:02}", i + 1), ExpertKind::Advisor, name)
            .with_tags(SKILLS[i % SKILLS.len()].iter().copied());
        expert.categories = vec![category(i), category(i + 2)];
        expert.area = ServiceArea {
            areas: vec![code(CITIES[i % CITIES.len()])],
            // Two in three also advise online, anywhere.
            remote: i % 3 != 2,
        };
        expert.takes = match i % 4 {
            0 => Requester::ALL.to_vec(),
            1 => vec![Requester::Business],
            2 => vec![Requester::Business, Requester::Municipality],
            _ => vec![Requester::Resident, Requester::Business],
        };
        expert.monthly_capacity = 3 + (i % 3) as u32;
        expert.availability = Availability {
            // One advisor is paused and one away over the new year, to show both.
            paused: i == 19,
            away: if i == 7 {
                vec![(date!(2026 - 12 - 28), date!(2027 - 01 - 11))]
            } else {
                Vec::new()
            },
        };
        registry.push(SampleExpert {
            contact: format!("advisor{:02}@example.jp", i + 1),
            profile: format!(
                "{}を得意とするアドバイザーです（例として登録した架空の人物です）。",
                SKILLS[i % SKILLS.len()].join("・")
            ),
            expert,
        });
    }
    for (i, (name, tags)) in PARTNERS.iter().enumerate() {
        let mut expert = Expert::new(format!("ptn-{:02}", i + 1), ExpertKind::Partner, *name)
            .with_tags(tags.iter().copied())
            // Each example company declares one client it will not be proposed against.
            .with_conflicts([format!("（例）取引先{:02}株式会社", i + 1).as_str()]);
        expert.categories = vec![category(i), category(i + 1), category(i + 3)];
        expert.area = ServiceArea {
            areas: vec![code(MIE)],
            remote: true,
        };
        expert.takes = vec![Requester::Business, Requester::Municipality];
        expert.monthly_capacity = 4;
        registry.push(SampleExpert {
            contact: format!("partner{:02}@example.jp", i + 1),
            profile: format!(
                "{}の支援を行う企業です（例として登録した架空の企業です）。",
                tags.join("・")
            ),
            expert,
        });
    }
    for (i, tags) in [
        &["Webマーケティング", "EC"][..],
        &["生産管理", "Excel"],
        &["経理", "クラウド会計"],
    ]
    .iter()
    .enumerate()
    {
        let name = format!("（例）副業人材 {}", ["青山", "佐藤", "中村"][i]);
        let mut expert = Expert::new(format!("tal-{:02}", i + 1), ExpertKind::Talent, name)
            .with_tags(tags.iter().copied());
        expert.categories = vec![category(i + 2), category(i + 3)];
        expert.area = ServiceArea {
            areas: Vec::new(),
            remote: true,
        };
        expert.takes = vec![Requester::Business];
        expert.monthly_capacity = 1;
        registry.push(SampleExpert {
            contact: format!("talent{:02}@example.jp", i + 1),
            profile: String::new(),
            expert,
        });
    }
    registry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_registry_has_mies_numbers_every_name_marked_as_an_example() {
        let registry = sample_registry();
        let count = |kind| registry.iter().filter(|s| s.expert.kind == kind).count();
        assert_eq!(count(ExpertKind::Advisor), 20);
        assert_eq!(count(ExpertKind::Partner), 11);
        assert!(registry.iter().all(|s| s.expert.name.starts_with("（例）")));
        let mut ids: Vec<_> = registry.iter().map(|s| s.expert.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), registry.len());
        // Every category has someone to propose.
        for (code, _) in DEFAULT_CATEGORIES {
            assert!(
                registry
                    .iter()
                    .any(|s| s.expert.categories.iter().any(|c| c.as_str() == code)),
                "{code}"
            );
        }
    }
}
