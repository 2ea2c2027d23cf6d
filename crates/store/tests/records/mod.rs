//! Real programs, copied by hand from the published records in /work/shared/data, so that
//! the store is tested with what municipalities actually publish.
//!
//! Attribution: the jGrants records are 「Jグランツ（jGrants）からの出典」 (collected
//! 2026-08-21); the J-Net21 item is 「J-Net21 支援情報ヘッドライン（中小企業基盤整備機構）からの
//! 出典」 (collected 2026-03-07). Industries are left as 「すべて」 until the JSIC table is
//! bundled in core (its stub cannot read a JSIC code back yet).

// Fixtures: a record that no longer parses is a failing test, which is what we want.
#![allow(clippy::unwrap_used)]

use madoguchi_core::calendar::{DayEdge, FiscalYear, JstDateTime};
use madoguchi_core::program::{
    Amount, ApplicationRound, CodeSet, EmployeeBand, GovLevel, Issuer, OfficialUrl, Program,
    ProgramId, ProgramKind, ProgramStatus, Purpose, Source, SourceKind, SubsidyRate, TargetAreas,
    TargetIndustries, Title, Yen,
};
use madoguchi_core::reference::LocalGovCode;
use madoguchi_store::testing::blank_program;

fn at(raw: &str, edge: DayEdge) -> JstDateTime {
    JstDateTime::parse(raw, edge).unwrap()
}

fn round(label: Option<&str>, opens: &str, closes: &str) -> ApplicationRound {
    ApplicationRound::new(
        label.map(str::to_owned),
        Some(at(opens, DayEdge::Start)),
        Some(at(closes, DayEdge::End)),
    )
    .unwrap()
}

/// jgrants-a0WJ200000CDNujMAH: a national subsidy with a 1.28 billion yen ceiling.
pub fn information_hub_subsidy() -> Program {
    Program {
        id: ProgramId::parse("jgrants-a0WJ200000CDNujMAH").unwrap(),
        title: Title::parse("情報通信拠点機能強化支援事業費補助金").unwrap(),
        summary: "携帯電話事業者及び固定通信事業者が応急復旧機材を購入する費用の一部を補助し、災害時の防災拠点の通信確保を図ります。"
            .to_owned(),
        detail: "<p><strong>１　事業の概要</strong></p><p>情報通信拠点機能強化支援事業は、携帯電話事業者及び固定通信事業者が事業所等に配備する移動電源車や可搬型基地局等の応急復旧機材を購入する場合に、その費用の一部を補助することにより、応急復旧機材の整備を加速化し、災害時における市町村役場や災害拠点病院といった防災拠点の通信確保を目的とするものです。</p>"
            .to_owned(),
        kind: ProgramKind::Subsidy,
        issuer: Issuer::national("国", None),
        purposes: CodeSet::from([Purpose::SafetyDisasterPrevention, Purpose::EquipmentIt]),
        industries: TargetIndustries::All,
        areas: TargetAreas::Nationwide,
        employees: Some(EmployeeBand::Unrestricted),
        amount: Amount {
            max: Some(Yen::from_u64(1_280_000_000)),
            min: None,
            rate: Some(SubsidyRate::new(1, 3).unwrap()),
            rate_text: Some("事業費の３分の１".to_owned()),
            text: Some("最大1,280,000,000円".to_owned()),
        },
        rounds: vec![round(None, "2025-05-09", "2026-03-31")],
        fiscal_year: None,
        status: ProgramStatus::Closed,
        official_url: Some(
            OfficialUrl::parse("https://www.jgrants-portal.go.jp/subsidy/a0WJ200000CDNujMAH")
                .unwrap(),
        ),
        contact: None,
        documents: vec![],
        source: Source {
            kind: SourceKind::Jgrants,
            external_id: Some("a0WJ200000CDNujMAH".to_owned()),
            fetched_at: Some(at("2026-08-21T06:00:00+09:00", DayEdge::Start)),
        },
        ..blank_program()
    }
}

/// jgrants-a0WJ200000CDaTDMA1: a Tokyo incentive with a full-width space in its title.
pub fn women_workplace_incentive() -> Program {
    let tokyo = LocalGovCode::of_prefecture(13).unwrap();
    Program {
        id: ProgramId::parse("jgrants-a0WJ200000CDaTDMA1").unwrap(),
        title: Title::parse("女性の活躍推進に向けた職場環境改善奨励金　支給申請").unwrap(),
        summary: "女性が活躍できる職場づくりを全力でサポート".to_owned(),
        detail: "<p>■事業の概要</p><p>女性の活躍推進に向けた職場環境改善プロジェクト（以下「本事業」といいます。）は、女性活躍推進法に基づく一般事業主行動計画の策定や働く女性が活躍できる職場づくりに取り組む中小企業等を支援します。</p><p>■実施主体</p><p>公益財団法人　東京しごと財団</p>"
            .to_owned(),
        kind: ProgramKind::Grant,
        issuer: Issuer::new(
            GovLevel::Prefectural,
            Some(tokyo),
            "東京都",
            Some("公益財団法人　東京しごと財団".to_owned()),
        )
        .unwrap(),
        purposes: CodeSet::from([Purpose::Employment, Purpose::HumanResources]),
        industries: TargetIndustries::All,
        areas: TargetAreas::Local(CodeSet::from([tokyo])),
        employees: Some(EmployeeBand::UpTo300),
        amount: Amount {
            max: Some(Yen::from_u64(1_800_000)),
            min: None,
            rate: None,
            rate_text: Some(
                "※【取組１】A・B・C・D の取組：各 30 万円（加算要件 E の取組：10 万円、F の取組：1 人あたり 10 万円（最大 5 人まで））"
                    .to_owned(),
            ),
            text: Some("最大1,800,000円".to_owned()),
        },
        rounds: vec![round(Some("1回目"), "2026-06-15", "2026-06-30")],
        fiscal_year: Some(FiscalYear::new(2026).unwrap()),
        status: ProgramStatus::Closed,
        official_url: Some(
            OfficialUrl::parse("https://www.jgrants-portal.go.jp/subsidy/a0WJ200000CDaTDMA1")
                .unwrap(),
        ),
        contact: None,
        documents: vec![],
        source: Source {
            kind: SourceKind::Jgrants,
            external_id: Some("a0WJ200000CDaTDMA1".to_owned()),
            fetched_at: Some(at("2026-08-21T06:00:00+09:00", DayEdge::Start)),
        },
        ..blank_program()
    }
}

/// jnet21-c087d694bf08c293: a town's rice machinery subsidy, deadline 令和8年3月24日.
pub fn yazu_rice_subsidy() -> Program {
    let yazu = LocalGovCode::parse("31329").unwrap();
    Program {
        id: ProgramId::parse("jnet21-c087d694bf08c293").unwrap(),
        title: Title::parse("令和の米増産緊急支援事業費補助金のご案内").unwrap(),
        summary: "国内における米不足および米価上昇の影響の中、今後主食用米の生産拡大を志向する多様な農業経営体の省力化、低コスト化に必要な機械導入を緊急的に支援します。"
            .to_owned(),
        detail: String::new(),
        kind: ProgramKind::Subsidy,
        issuer: Issuer::new(GovLevel::Municipal, Some(yazu), "鳥取県八頭町", None).unwrap(),
        purposes: CodeSet::from([Purpose::EquipmentIt]),
        industries: TargetIndustries::All,
        areas: TargetAreas::Local(CodeSet::from([yazu])),
        employees: None,
        amount: Amount::default(),
        rounds: vec![
            ApplicationRound::new(None, None, Some(at("2026-03-24", DayEdge::End))).unwrap(),
        ],
        fiscal_year: Some(FiscalYear::new(2025).unwrap()),
        status: ProgramStatus::Open,
        official_url: Some(
            OfficialUrl::parse("https://j-net21.smrj.go.jp/snavi/articles/177511").unwrap(),
        ),
        contact: None,
        documents: vec![],
        source: Source {
            kind: SourceKind::Jnet21,
            external_id: Some("c087d694bf08c293".to_owned()),
            fetched_at: Some(at("2026-03-07T09:39:15+09:00", DayEdge::Start)),
        },
        note: Some("申請期限：令和8年3月24日（火曜日）".to_owned()),
        ..blank_program()
    }
}

/// The three records above, in id order.
pub fn all() -> Vec<Program> {
    vec![
        information_hub_subsidy(),
        women_workplace_incentive(),
        yazu_rice_subsidy(),
    ]
}
