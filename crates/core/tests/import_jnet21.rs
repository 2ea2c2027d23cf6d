//! The J-Net21 importer on real items (fixtures/import, J-Net21（中小企業基盤整備機構）からの出典).

mod support;

use madoguchi_core::import::{ImportError, jnet21};
use madoguchi_core::program::{
    CodeSet, GovLevel, ProgramKind, ProgramStatus, SourceKind, TargetAreas, TargetIndustries,
};
use serde_json::json;
use support::{JNET21_ITEMS, at, code, program, reason_for, window};

#[test]
fn the_sample_imports_every_notice_and_refuses_the_two_rows_scraped_from_search_pages() {
    let batch = jnet21::parse(JNET21_ITEMS).unwrap();
    assert_eq!(batch.programs.len(), 18, "{:#?}", batch.invalid);
    assert!(batch.skipped.is_empty(), "{:#?}", batch.skipped);
    assert!(batch.warnings.is_empty(), "{:#?}", batch.warnings);
    let invalid: Vec<&str> = batch.invalid.iter().map(|i| i.record.as_str()).collect();
    assert_eq!(
        invalid,
        [
            "6件目（ID: b90c621eaabee4a5）",
            "7件目（ID: 1a390d3bf4690a18）"
        ]
    );
    for issue in &batch.invalid {
        assert!(
            issue.reason.starts_with("概要が検索画面の案内文"),
            "{issue}"
        );
    }
}

#[test]
fn a_municipal_notice_becomes_a_program_of_that_municipality() {
    let batch = jnet21::parse(JNET21_ITEMS).unwrap();
    let p = program(&batch, "jnet21-c087d694bf08c293");
    assert_eq!(p.title.as_str(), "令和の米増産緊急支援事業費補助金のご案内");
    assert_eq!(p.kind, ProgramKind::Subsidy);
    assert_eq!(p.issuer.level(), GovLevel::Municipal);
    assert_eq!(p.issuer.name(), "鳥取県八頭町");
    assert_eq!(p.issuer.code(), Some(code("313297")));
    assert_eq!(p.areas, TargetAreas::Local(CodeSet::from([code("313297")])));
    assert_eq!(p.industries, TargetIndustries::All);
    assert_eq!(
        window(p),
        (None, Some("2026-03-24T23:59:59+09:00".to_owned()))
    );
    assert_eq!(p.status, ProgramStatus::Open, "read on 2026-03-07");
    assert!(p.summary.starts_with("国内における米不足"), "{}", p.summary);
    assert!(
        p.summary.ends_with("申請期限：令和8年3月24日（火曜日）"),
        "{}",
        p.summary
    );
    assert_eq!(
        p.official_url.as_ref().unwrap().as_str(),
        "https://j-net21.smrj.go.jp/snavi/articles/177511"
    );
    assert_eq!(p.source.kind, SourceKind::Jnet21);
    assert_eq!(p.source.external_id.as_deref(), Some("c087d694bf08c293"));
    assert_eq!(p.source.fetched_at, Some(at("2026-03-07T09:39:15")));
}

#[test]
fn a_name_shared_by_several_towns_is_settled_by_the_prefecture_in_the_summary() {
    let batch = jnet21::parse(JNET21_ITEMS).unwrap();
    // 【池田町】（岐阜県）: there are 池田町 in 北海道, 福井県, 岐阜県, 長野県 and 徳島県.
    let ikeda = program(&batch, "jnet21-2341ec5beab35dd4");
    assert_eq!(ikeda.issuer.name(), "岐阜県池田町");
    // 【穴水町、石川県】（石川県） in the summary, 【穴水町】 in the title.
    assert_eq!(
        program(&batch, "jnet21-19c800785c9fdc5d").issuer.name(),
        "石川県穴水町"
    );
}

#[test]
fn a_title_without_a_tag_takes_its_issuer_from_the_summary() {
    let batch = jnet21::parse(JNET21_ITEMS).unwrap();
    let ishikawa = program(&batch, "jnet21-f67e101d11fa476e");
    assert_eq!(ishikawa.issuer.level(), GovLevel::Prefectural);
    assert_eq!(ishikawa.issuer.name(), "石川県");
    assert_eq!(ishikawa.issuer.institution(), None);

    let nedo = program(&batch, "jnet21-e6b31d418f8579b6");
    assert_eq!(nedo.issuer.level(), GovLevel::National);
    assert_eq!(
        nedo.issuer.institution(),
        Some("国立研究開発法人 新エネルギー・産業技術総合開発機構")
    );
    assert_eq!(nedo.areas, TargetAreas::Nationwide);

    let saga = program(&batch, "jnet21-9b7d87b580a67565");
    assert_eq!(saga.issuer.name(), "佐賀県");
    assert_eq!(
        saga.issuer.institution(),
        Some("公益財団法人佐賀県産業振興機構 佐賀県産業イノベーションセンター")
    );
    let sendai = program(&batch, "jnet21-53c2dc93ae14655b");
    assert_eq!(sendai.issuer.name(), "宮城県仙台市");
    assert_eq!(sendai.issuer.level(), GovLevel::Municipal);

    let tourism = program(&batch, "jnet21-d98a31602e6881b9");
    assert_eq!(tourism.issuer.level(), GovLevel::National);
    assert_eq!(tourism.issuer.institution(), Some("観光庁"));
}

#[test]
fn the_window_is_read_from_the_labelled_lines_of_the_summary() {
    let batch = jnet21::parse(JNET21_ITEMS).unwrap();
    let w = |id: &str| window(program(&batch, id));
    let s = |t: &str| Some(t.to_owned());
    // 「申込期間：令和8年4月1日（水曜日）～令和8年5月22日（金曜日）」, read on 7 March: not yet open.
    assert_eq!(
        w("jnet21-569d4d5e42141016"),
        (
            s("2026-04-01T00:00:00+09:00"),
            s("2026-05-22T23:59:59+09:00")
        )
    );
    assert_eq!(
        program(&batch, "jnet21-569d4d5e42141016").status,
        ProgramStatus::Upcoming
    );
    // 「申請受付期間：」 with one range per line below it.
    assert_eq!(
        w("jnet21-70bbef8100eddf7c"),
        (
            s("2026-03-23T00:00:00+09:00"),
            s("2026-06-10T23:59:59+09:00")
        )
    );
    // 西暦, and a briefing session (「開催日時」, 「申込期限」) after the real window.
    assert_eq!(
        w("jnet21-e6b31d418f8579b6"),
        (None, s("2026-04-02T23:59:59+09:00"))
    );
    // 「受付開始：…から」 then 「申請期限：窓口は…、郵送は…」: the later of the two deadlines.
    assert_eq!(
        w("jnet21-50fea637edde48ca"),
        (
            s("2026-04-01T00:00:00+09:00"),
            s("2026-05-31T23:59:59+09:00")
        )
    );
    // 「事前相談の予約申込受付期間」 is not the window; 「申請期限」 is.
    assert_eq!(
        w("jnet21-53c2dc93ae14655b"),
        (None, s("2026-05-22T23:59:59+09:00"))
    );
    // 随時: no window, and a listed notice counts as open.
    let anytime = program(&batch, "jnet21-938b7324426990bc");
    assert!(anytime.rounds.is_empty());
    assert_eq!(anytime.status, ProgramStatus::Open);
    // Dates on lines without a label (venues of a briefing) are not a window.
    assert!(program(&batch, "jnet21-cef5fa18a37941a0").rounds.is_empty());
}

#[test]
fn the_category_in_the_title_gives_the_kind() {
    let batch = jnet21::parse(JNET21_ITEMS).unwrap();
    let kind = |id: &str| program(&batch, id).kind;
    assert_eq!(kind("jnet21-a9226be2646159a9"), ProgramKind::Loan);
    assert_eq!(kind("jnet21-530703f25aab6e53"), ProgramKind::Tax);
    assert_eq!(kind("jnet21-71ed5c4ab78da0d4"), ProgramKind::Tax);
    assert_eq!(kind("jnet21-6284e88d24c46a42"), ProgramKind::Other);
    let tariff = program(&batch, "jnet21-71ed5c4ab78da0d4");
    assert_eq!(tariff.issuer.institution(), Some("経済産業省"));
    assert_eq!(
        window(tariff),
        (
            Some("2026-03-09T00:00:00+09:00".to_owned()),
            Some("2026-03-26T23:59:59+09:00".to_owned())
        )
    );
}

/// A real item (八頭町, 2026-03-07) with some fields replaced.
fn item(changes: serde_json::Value) -> serde_json::Value {
    let mut item = json!({
        "id": "c087d694bf08c293",
        "title": "【八頭町】補助金・助成金：「令和の米増産緊急支援事業費補助金のご案内」",
        "link": "https://j-net21.smrj.go.jp/snavi/articles/177511",
        "summary": "【八頭町】（鳥取県）機械導入を緊急的に支援します。\n\n申請期限：令和8年3月24日（火曜日）",
        "published": "",
        "source": "jnet21",
        "fetched_at": "2026-03-07T09:39:15.394541"
    });
    for (key, value) in changes.as_object().expect("changes as an object") {
        item[key] = value.clone();
    }
    item
}

#[test]
fn junk_items_are_refused_each_with_its_own_reason() {
    let items = json!([
        item(json!({})),
        item(json!({"id": "a1", "title": "  "})),
        item(json!({"id": "a2", "link": "javascript:void(0)"})),
        item(
            json!({"id": "c087d694bf08c293", "link": "https://j-net21.smrj.go.jp/snavi/articles/1"})
        ),
        item(json!({"id": "a3", "link": "https://jnet21-snavi.smrj.go.jp/snavi2/articles/177511"})),
        item(json!({"id": "a4", "title": "令和の米増産緊急支援事業費補助金のご案内"})),
        item(json!({"id": "a5", "title": "補助金・助成金：「名称」", "summary": "説明だけです。"})),
        item(
            json!({"id": "a6", "title": "【池田町】補助金・助成金：「名称」", "summary": "説明だけです。"})
        ),
        item(json!({"id": "a7", "fetched_at": ""})),
        item(
            json!({"id": "a8", "summary": "【八頭町】（鳥取県）現在「すべて」が選択されているため、すべての種類が検索対象となります。"})
        ),
        "not an item",
    ]);
    let batch = jnet21::parse(&serde_json::to_vec(&items).unwrap()).unwrap();
    assert_eq!(batch.programs.len(), 1);
    let expected = [
        ("2件目（ID: a1）", "題名（title）が空です。"),
        (
            "3件目（ID: a2）",
            "記事へのリンク：URL「javascript:void(0)」は使えません。",
        ),
        (
            "4件目（ID: c087d694bf08c293）",
            "ID「jnet21-c087d694bf08c293」は1件目",
        ),
        ("5件目（ID: a3）", "同じ記事（articles/177511）を1件目"),
        (
            "6件目（ID: a4）",
            "題名に「補助金・助成金：」のような種類の表示がありません。",
        ),
        ("7件目（ID: a5）", "発行元が題名にも概要にもありません。"),
        (
            "8件目（ID: a6）",
            "発行元「池田町」に当てはまる自治体が複数あり",
        ),
        ("9件目（ID: a7）", "取得日時（fetched_at）がありません。"),
        ("10件目（ID: a8）", "概要が検索画面の案内文"),
        ("11件目", "記事がオブジェクト（{ … }）ではなく文字列です。"),
    ];
    assert_eq!(batch.invalid.len(), expected.len(), "{:#?}", batch.invalid);
    for (issue, (record, reason)) in batch.invalid.iter().zip(expected) {
        assert_eq!(issue.record, record);
        assert!(
            issue.reason.starts_with(reason),
            "{issue}\n  expected {reason}"
        );
    }
}

#[test]
fn notices_that_are_not_support_programs_are_skipped_with_the_reason() {
    let items = json!([
        item(json!({"id": "s1", "title": "【八頭町】セミナー・イベント：「補助金活用セミナー」"})),
        item(json!({"id": "s2", "title": "【八頭町】事業者募集：「広報紙の有料広告掲載」"})),
        item(json!({"id": "s3", "title": "【八頭町】専門家向け公募：「相談員の募集」"})),
        item(json!({"id": "s4", "title": "【八頭町】相談会：「経営相談会」"})),
    ]);
    let batch = jnet21::parse(&serde_json::to_vec(&items).unwrap()).unwrap();
    assert!(reason_for(&batch.skipped, "s1").starts_with("セミナー・イベントの告知で"));
    assert!(reason_for(&batch.skipped, "s2").contains("事業者の募集"));
    assert!(reason_for(&batch.skipped, "s3").contains("専門家の募集"));
    assert_eq!(program(&batch, "jnet21-s4").kind, ProgramKind::Advice);
}

#[test]
fn an_unknown_place_in_the_title_is_imported_as_national_with_a_warning() {
    let items = json!([item(
        json!({"title": "【八頭まち】補助金・助成金：「名称」"})
    )]);
    let batch = jnet21::parse(&serde_json::to_vec(&items).unwrap()).unwrap();
    let p = program(&batch, "jnet21-c087d694bf08c293");
    assert_eq!(p.issuer.level(), GovLevel::National);
    assert_eq!(p.areas, TargetAreas::Local(CodeSet::from([code("310000")])));
    assert!(
        reason_for(&batch.warnings, "c087d694bf08c293").contains("八頭まち"),
        "{:#?}",
        batch.warnings
    );
}

#[test]
fn a_file_that_is_not_a_list_of_items_is_refused_as_a_whole() {
    let err = jnet21::parse(b"{\"items\": []}").unwrap_err();
    assert!(matches!(err, ImportError::UnexpectedShape(_)), "{err:?}");
    assert!(err.to_string().contains("J-Net21の記事の配列"), "{err}");
    assert_eq!(jnet21::parse(b" \n").unwrap_err(), ImportError::Empty);
}
