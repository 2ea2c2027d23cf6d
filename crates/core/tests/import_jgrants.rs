//! The jGrants importer on real records (fixtures/import, Jグランツ（jGrants）からの出典).

mod support;

use madoguchi_core::import::{ImportError, SuspectedEncoding, jgrants};
use madoguchi_core::program::{
    CodeSet, EmployeeBand, GovLevel, ProgramKind, ProgramStatus, Purpose, SourceKind, TargetAreas,
    TargetIndustries, Yen,
};
use madoguchi_core::reference::JsicCode;
use support::{JGRANTS_API_RESPONSE, JGRANTS_RECORDS, at, code, program, reason_for, window};

#[test]
fn the_sample_gives_seventeen_programs_and_skips_the_four_administrative_intakes() {
    let batch = jgrants::parse(JGRANTS_RECORDS).unwrap();
    assert_eq!(batch.programs.len(), 17, "{:#?}", batch.invalid);
    assert!(batch.invalid.is_empty(), "{:#?}", batch.invalid);
    assert!(batch.warnings.is_empty(), "{:#?}", batch.warnings);
    let skipped: Vec<&str> = batch.skipped.iter().map(|s| s.record.as_str()).collect();
    assert_eq!(
        skipped,
        [
            "3件目（ID: jgrants-a0WJ200000CDPbMMAX）",
            "4件目（ID: jgrants-a0WJ200000CDXoBMAX）",
            "5件目（ID: jgrants-a0WJ200000CDaMVMA1）",
            "6件目（ID: jgrants-a0WJ200000CDd5SMAT）",
        ]
    );
    assert!(reason_for(&batch.skipped, "PbMMAX").contains("交付申請など"));
    assert!(reason_for(&batch.skipped, "XoBMAX").contains("事業完了後"));
    assert!(reason_for(&batch.skipped, "aMVMA1").contains("着手"));
    for issue in &batch.skipped {
        assert!(
            issue.reason.contains("取り込みません（制度名に「"),
            "{issue}"
        );
    }
}

#[test]
fn a_national_record_keeps_what_jgrants_publishes() {
    let batch = jgrants::parse(JGRANTS_RECORDS).unwrap();
    let p = program(&batch, "jgrants-a0WJ200000CDNujMAH");
    assert_eq!(p.title.as_str(), "情報通信拠点機能強化支援事業費補助金");
    assert_eq!(p.kind, ProgramKind::Subsidy);
    assert_eq!(p.issuer.level(), GovLevel::National);
    assert_eq!(p.issuer.name(), "国");
    assert_eq!(p.issuer.institution(), Some("情報通信拠点機能強化支援事業"));
    assert_eq!(p.areas, TargetAreas::Nationwide);
    assert_eq!(
        p.industries,
        TargetIndustries::Only(CodeSet::from([JsicCode::Major('G')]))
    );
    assert_eq!(p.employees, Some(EmployeeBand::Unrestricted));
    assert_eq!(p.amount.max, Some(Yen::from_u64(1_280_000_000)));
    assert_eq!(
        p.amount.text, None,
        "「最大1,280,000,000円」 only restates the maximum"
    );
    assert_eq!(p.amount.rate.unwrap().to_string(), "1/3");
    assert_eq!(p.amount.rate_text.as_deref(), Some("事業費の３分の１"));
    assert_eq!(
        window(p),
        (
            Some("2025-05-09T00:00:00+09:00".to_owned()),
            Some("2026-03-31T23:59:59+09:00".to_owned())
        )
    );
    assert_eq!(p.status, ProgramStatus::Closed);
    assert_eq!(p.fiscal_year.unwrap().year(), 2025);
    assert_eq!(
        p.official_url.as_ref().unwrap().as_str(),
        "https://www.jgrants-portal.go.jp/subsidy/a0WJ200000CDNujMAH"
    );
    assert_eq!(p.source.kind, SourceKind::Jgrants);
    assert_eq!(p.source.external_id.as_deref(), Some("a0WJ200000CDNujMAH"));
    assert_eq!(p.source.fetched_at, Some(at("2026-07-31")));
    assert!(
        p.detail
            .starts_with("<p><strong>１\u{3000}事業の概要</strong></p>")
    );
    assert!(!p.detail.contains("style="));
    assert!(p.documents.is_empty());
    assert_eq!(p.last_verified, None);
}

#[test]
fn a_record_without_detail_or_maximum_imports_with_those_left_empty() {
    let batch = jgrants::parse(JGRANTS_RECORDS).unwrap();
    let p = program(&batch, "jgrants-a0WJ200000CDa47MAD");
    assert_eq!(p.detail, "");
    assert_eq!(p.employees, None);
    assert_eq!(p.amount.max, None);
    assert_eq!(p.amount.text.as_deref(), Some("不明"));
}

#[test]
fn a_municipal_tag_gives_the_issuer_and_narrows_the_prefecture_to_the_municipality() {
    let batch = jgrants::parse(JGRANTS_RECORDS).unwrap();
    let obu = program(&batch, "jgrants-a0WJ200000CDZz1MAH");
    assert_eq!(obu.issuer.level(), GovLevel::Municipal);
    assert_eq!(obu.issuer.name(), "愛知県大府市");
    assert_eq!(obu.issuer.code(), Some(code("232238")));
    assert_eq!(
        obu.areas,
        TargetAreas::Local(CodeSet::from([code("232238")]))
    );
    let suzuka = program(&batch, "jgrants-a0WJ200000CDYsSMAX");
    assert_eq!(suzuka.issuer.name(), "三重県鈴鹿市");
    let fukuoka = program(&batch, "jgrants-a0WJ200000CDdRCMA1");
    assert_eq!(fukuoka.issuer.level(), GovLevel::Prefectural);
    assert_eq!(fukuoka.issuer.name(), "福岡県");
    assert_eq!(
        fukuoka.areas,
        TargetAreas::Local(CodeSet::from([code("400009")]))
    );
}

#[test]
fn a_place_is_only_taken_from_a_whole_name_never_from_part_of_a_word() {
    let batch = jgrants::parse(JGRANTS_RECORDS).unwrap();
    let bureau = program(&batch, "jgrants-a0WJ200000CDY7tMAH");
    assert!(bureau.title.as_str().contains("【北海道監督部】"));
    assert_eq!(bureau.issuer.level(), GovLevel::National);
    let kyoto = program(&batch, "jgrants-a0WJ200000CDXFgMAP");
    assert!(kyoto.title.as_str().starts_with("京都型"));
    assert_eq!(
        kyoto.issuer.name(),
        "京都府京都市",
        "the organisation 「京都市企業立地促進制度」 names the city, the title names no place"
    );
    assert_eq!(
        kyoto.areas,
        TargetAreas::Nationwide,
        "a location incentive open to firms from anywhere keeps its published area"
    );
    let hokkaido = program(&batch, "jgrants-a0WJ200000CDYirMAH");
    assert_eq!(hokkaido.issuer.name(), "北海道");
    let tokyo = program(&batch, "jgrants-a0WJ200000CDcO8MAL");
    assert_eq!(tokyo.issuer.name(), "東京都");
    assert_eq!(tokyo.issuer.code(), Some(code("130001")));
}

#[test]
fn a_list_of_every_industry_a_business_can_have_means_all_industries() {
    let batch = jgrants::parse(JGRANTS_RECORDS).unwrap();
    // 30 labels: every major from 農業、林業 to サービス業, split on 「、」.
    let tokyo = program(&batch, "jgrants-a0WJ200000CDcO8MAL");
    assert_eq!(tokyo.industries, TargetIndustries::All);
    // 32 labels: the same plus 公務 and 分類不能の産業.
    let zeb = program(&batch, "jgrants-a0WJ200000CDaSjMAL");
    assert_eq!(zeb.industries, TargetIndustries::All);
    // Without 農業、林業 and 漁業 the list is a restriction.
    let succession = program(&batch, "jgrants-a0WJ200000CDaplMAD");
    let TargetIndustries::Only(codes) = &succession.industries else {
        panic!("{:?}", succession.industries);
    };
    assert!(!codes.contains(&JsicCode::Major('A')));
    assert!(!codes.contains(&JsicCode::Major('B')));
    assert!(codes.contains(&JsicCode::Major('E')));
}

#[test]
fn areas_that_include_all_of_japan_are_nationwide_and_lists_are_prefectures() {
    let batch = jgrants::parse(JGRANTS_RECORDS).unwrap();
    assert_eq!(
        program(&batch, "jgrants-a0WJ200000CDapWMAT").areas,
        TargetAreas::Nationwide
    );
    assert_eq!(
        program(&batch, "jgrants-a0WJ200000CDcQsMAL").areas,
        TargetAreas::Nationwide,
        "「全国/宮崎県」"
    );
    assert_eq!(
        program(&batch, "jgrants-a0WJ200000CDcFAMA1").areas,
        TargetAreas::Nationwide,
        "「北海道 / 青森県/岩手県/…/沖縄県」: all 47, some separators with blanks"
    );
    let TargetAreas::Local(codes) = &program(&batch, "jgrants-a0WJ200000CDY2TMAX").areas else {
        panic!("expected prefectures");
    };
    assert_eq!(codes.len(), 15);
    assert!(codes.contains(&code("010006")));
    assert!(codes.iter().all(|c| c.is_prefecture()));
}

#[test]
fn kinds_rates_years_and_radicals_follow_the_published_text() {
    let batch = jgrants::parse(JGRANTS_RECORDS).unwrap();
    assert_eq!(
        program(&batch, "jgrants-a0WJ200000CDK7KMAX").kind,
        ProgramKind::Loan
    );
    let grant = program(&batch, "jgrants-a0WJ200000CDcO8MAL");
    assert_eq!(grant.kind, ProgramKind::Grant);
    assert_eq!(grant.amount.rate.unwrap().to_string(), "1/1", "「100%」");
    let fixed = program(&batch, "jgrants-a0WJ200000CDY2TMAX");
    assert_eq!(fixed.amount.rate, None, "「定額」 is no rate");
    assert_eq!(fixed.amount.rate_text.as_deref(), Some("定額"));
    let either = program(&batch, "jgrants-a0WJ200000CDaplMAD");
    assert_eq!(either.amount.rate.unwrap().to_string(), "2/3");
    assert_eq!(
        either.amount.rate_text.as_deref(),
        Some("2/3 以内 又は 1/2 以内")
    );
    let zeb = program(&batch, "jgrants-a0WJ200000CDaSjMAL");
    assert_eq!(
        zeb.amount.rate.unwrap().to_string(),
        "11/20",
        "「21％～55％」"
    );
    assert_eq!(
        zeb.fiscal_year.unwrap().year(),
        2026,
        "two years named: the opening date decides"
    );
    let radicals = program(&batch, "jgrants-a0WJ200000CDWp3MAH");
    assert!(
        radicals
            .title
            .as_str()
            .starts_with("小規模事業者持続化補助金＜一般型"),
        "{}",
        radicals.title
    );
}

#[test]
fn a_raw_api_response_gives_the_same_programs_as_the_collectors_records() {
    let read_at = at("2026-07-15T12:00");
    let raw = jgrants::parse_read_at(JGRANTS_API_RESPONSE, read_at).unwrap();
    let collected = jgrants::parse(JGRANTS_RECORDS).unwrap();
    assert_eq!(raw.programs.len(), 4);
    assert_eq!(raw.skipped.len(), 1, "the 交付申請等 intake");
    assert!(raw.invalid.is_empty(), "{:#?}", raw.invalid);
    for p in &raw.programs {
        let c = program(&collected, p.id.as_str());
        assert_eq!(p.title, c.title);
        assert_eq!(p.issuer, c.issuer);
        assert_eq!(p.areas, c.areas);
        assert_eq!(p.industries, c.industries, "{}", p.id);
        assert_eq!(p.employees, c.employees);
        assert_eq!(p.amount.max, c.amount.max);
        assert_eq!(p.amount.rate, c.amount.rate);
        assert_eq!(p.detail, c.detail);
        assert_eq!(p.source.fetched_at, Some(read_at));
    }
    let obu = program(&raw, "jgrants-a0WJ200000CDZz1MAH");
    assert_eq!(
        window(obu),
        (
            Some("2026-05-01T00:00:00+09:00".to_owned()),
            Some("2026-07-31T17:00:00+09:00".to_owned())
        ),
        "UTC instants are carried at JST"
    );
    assert_eq!(obu.status, ProgramStatus::Open);
    assert_eq!(
        program(&raw, "jgrants-a0WJ200000CDcFAMA1").status,
        ProgramStatus::Upcoming
    );
    assert_eq!(
        program(&raw, "jgrants-a0WJ200000CDNujMAH").status,
        ProgramStatus::Closed
    );
}

#[test]
fn a_raw_response_without_a_reading_date_is_refused_record_by_record() {
    let batch = jgrants::parse(JGRANTS_API_RESPONSE).unwrap();
    assert!(batch.programs.is_empty());
    assert_eq!(batch.invalid.len(), 4);
    assert!(
        batch.invalid[0].reason.contains("取得日時がない"),
        "{}",
        batch.invalid[0]
    );
}

#[test]
fn whole_file_problems_are_named_in_japanese() {
    assert_eq!(jgrants::parse(b"").unwrap_err(), ImportError::Empty);
    let broken = jgrants::parse(b"[{\"id\": \"a\",\n \"title\": }]").unwrap_err();
    assert!(
        matches!(broken, ImportError::MalformedJson { line: 2, .. }),
        "{broken:?}"
    );
    assert!(broken.to_string().contains("2行目"), "{broken}");
    let shape = jgrants::parse(b"{\"metadata\": {}}")
        .unwrap_err()
        .to_string();
    assert!(shape.contains("「result」がない"), "{shape}");
    let shape = jgrants::parse(b"{\"result\": \"none\"}")
        .unwrap_err()
        .to_string();
    assert!(shape.contains("文字列"), "{shape}");
    assert_eq!(
        jgrants::parse(b"[{\"title\": \"\x95\xe2\x8f\x95\x8b\xe0\"}]").unwrap_err(),
        ImportError::NotUtf8(SuspectedEncoding::ShiftJis)
    );
}

#[test]
fn each_bad_record_is_named_with_its_problem_and_the_others_still_import() {
    let file = serde_json::json!([
        {"id": "jgrants-ok", "title": "良い補助金", "target_area": "全国", "status": "open"},
        42,
        {"id": "jgrants-ok", "title": "同じID", "target_area": "全国", "status": "open"},
        {"id": "jgrants-late", "title": "日付が逆", "target_area": "全国", "status": "open",
         "start_date": "2026-05-01", "deadline": "2026-04-01"},
        {"id": "jgrants-area", "title": "地域が不明", "target_area": "海外", "status": "open"},
        {"id": "jgrants-date", "title": "日付が不明", "target_area": "全国", "deadline": "来月末"},
        {"id": "jgrants-industry", "title": "業種が不明", "target_area": "全国", "status": "open",
         "target_industries": ["観光業"]},
        {"id": "jgrants-blank", "title": " ", "target_area": "全国", "status": "open"},
        {"id": "jgrants-minus", "title": "負の上限", "target_area": "全国", "status": "open",
         "amount_max": -5}
    ]);
    let batch = jgrants::parse(&serde_json::to_vec(&file).unwrap()).unwrap();
    assert_eq!(batch.programs.len(), 1);
    let reasons: Vec<String> = batch.invalid.iter().map(ToString::to_string).collect();
    let expected = [
        "2件目：レコードがオブジェクト（{ … }）ではなく数値です。",
        "3件目（ID: jgrants-ok）：ID「jgrants-ok」は1件目（ID: jgrants-ok）と重複しています。",
        "4件目（ID: jgrants-late）：受付終了日時（2026-04-01T23:59:59+09:00）が受付開始日時",
        "5件目（ID: jgrants-area）：対象地域「海外」を都道府県名として読み取れません。",
        "6件目（ID: jgrants-date）：受付終了日：日時「来月末」を読み取れません。",
        "7件目（ID: jgrants-industry）：対象業種「観光業」を日本標準産業分類の大分類として読み取れません。",
        "8件目（ID: jgrants-blank）：制度名が空です。",
        "9件目（ID: jgrants-minus）：金額に負の値（-5円）は指定できません。",
    ];
    assert_eq!(reasons.len(), expected.len(), "{reasons:#?}");
    for (reason, expected) in reasons.iter().zip(expected) {
        assert!(
            reason.starts_with(expected),
            "{reason}\n  expected to start with\n{expected}"
        );
    }
}

#[test]
fn raw_purposes_are_read_and_unknown_labels_are_dropped_with_a_warning() {
    let answer = serde_json::json!({
        "metadata": {"type": "application/json", "resultset": {"count": 1}},
        "result": [{
            "id": "a0W000000000001",
            "title": "設備導入補助金",
            "target_area_search": "鳥取県",
            "use_purpose": "新たな事業を行いたい / 設備整備・IT導入をしたい / 宇宙に行きたい",
            "target_number_of_employees": "25名以下",
            "acceptance_end_datetime": "2026-03-31T08:00:00.000Z"
        }]
    });
    let batch =
        jgrants::parse_read_at(&serde_json::to_vec(&answer).unwrap(), at("2026-03-01")).unwrap();
    let p = program(&batch, "jgrants-a0W000000000001");
    assert_eq!(
        p.purposes,
        CodeSet::from([Purpose::NewBusiness, Purpose::EquipmentIt])
    );
    assert_eq!(p.employees, None);
    assert_eq!(p.status, ProgramStatus::Open);
    assert_eq!(
        p.official_url.as_ref().unwrap().as_str(),
        "https://www.jgrants-portal.go.jp/subsidy/a0W000000000001",
        "every jGrants subsidy has this page"
    );
    let warnings: Vec<&str> = batch.warnings.iter().map(|w| w.reason.as_str()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(warnings[0].contains("宇宙に行きたい"), "{}", warnings[0]);
    assert!(warnings[1].contains("25名以下"), "{}", warnings[1]);
}
