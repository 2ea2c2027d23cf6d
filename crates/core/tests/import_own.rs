//! madoguchi's own format: export and import give back the same programs, and bad files and
//! rows are refused with their line, ID and problem.

mod support;

use madoguchi_core::import::own::{self, csv::COLUMNS};
use madoguchi_core::import::{ImportError, SuspectedEncoding, jgrants, jnet21};
use madoguchi_core::program::{Program, SourceKind, TargetAreas, TargetIndustries};
use support::{JGRANTS_RECORDS, JNET21_ITEMS, program, reason_for};

/// Every program of both real samples.
fn real_programs() -> Vec<Program> {
    let mut programs = jgrants::parse(JGRANTS_RECORDS)
        .expect("the jGrants sample")
        .programs;
    programs.extend(
        jnet21::parse(JNET21_ITEMS)
            .expect("the J-Net21 sample")
            .programs,
    );
    assert_eq!(programs.len(), 35);
    programs
}

#[test]
fn real_programs_come_back_equal_through_csv() {
    let programs = real_programs();
    let back = own::parse_csv(&own::to_csv(&programs)).unwrap();
    assert!(back.invalid.is_empty(), "{:#?}", back.invalid);
    assert!(back.warnings.is_empty(), "{:#?}", back.warnings);
    assert_eq!(back.programs, programs);
}

#[test]
fn real_programs_come_back_equal_through_json() {
    let programs = real_programs();
    let back = own::parse_json(own::to_json(&programs).as_bytes()).unwrap();
    assert!(back.invalid.is_empty(), "{:#?}", back.invalid);
    assert!(back.warnings.is_empty(), "{:#?}", back.warnings);
    assert_eq!(back.programs, programs);
}

#[test]
fn the_csv_is_written_for_excel() {
    let csv = own::to_csv(&real_programs());
    let text = std::str::from_utf8(&csv).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
    let header = text.split("\r\n").next().unwrap();
    assert_eq!(header, COLUMNS.join(","));
    assert!(text.ends_with("\r\n"));
    // Codes keep their names beside them, so Excel reads the cell as text, not a number.
    assert!(text.contains(",313297 鳥取県八頭町,"), "{text}");
}

#[test]
fn either_format_is_recognised_by_its_content() {
    let programs = real_programs();
    assert_eq!(
        own::parse(&own::to_csv(&programs)).unwrap().programs,
        programs
    );
    assert_eq!(
        own::parse(own::to_json(&programs).as_bytes())
            .unwrap()
            .programs,
        programs
    );
}

/// A CSV typed by hand: only the required columns, no BOM, LF line ends.
const HAND_TYPED: &str = "ID,制度名,種類,発行元区分,発行元コード,発行元名,対象業種,対象地域,受付状況,受付期間,上限額\n\
demo-1,日置市 小規模事業者支援補助金,補助金,市区町村,462161,鹿児島県日置市,全業種,462161,受付中,2026-04-01 〜 2026-05-22,\"1,000,000円\"\n";

#[test]
fn a_hand_typed_csv_with_only_the_required_columns_is_read() {
    let batch = own::parse(HAND_TYPED.as_bytes()).unwrap();
    assert!(batch.invalid.is_empty(), "{:#?}", batch.invalid);
    let p = program(&batch, "demo-1");
    assert_eq!(p.industries, TargetIndustries::All);
    assert!(matches!(&p.areas, TargetAreas::Local(c) if c.len() == 1));
    assert_eq!(p.source.kind, SourceKind::Csv);
    assert_eq!(p.amount.max.unwrap().get(), 1_000_000);
    assert_eq!(
        p.rounds[0].closes().unwrap().to_rfc3339(),
        "2026-05-22T23:59:59+09:00"
    );
}

#[test]
fn a_shift_jis_csv_is_refused_with_how_to_save_it_again() {
    // 「ID,制度名」 and a row, as Excel saves 「CSV（コンマ区切り）」 on Japanese Windows.
    let sjis = b"ID,\x90\xa7\x93x\x96\xbc\r\nx,\x95\xe2\x8f\x95\x8b\xe0\r\n";
    let err = own::parse(sjis).unwrap_err();
    assert_eq!(err, ImportError::NotUtf8(SuspectedEncoding::ShiftJis));
    assert_eq!(
        err.to_string(),
        "文字コードがShift_JISのようです。ExcelではCSV UTF-8（コンマ区切り）形式で保存し直してください。"
    );
}

/// The hand-typed CSV with its data row replaced.
fn with_row(row: &str) -> Vec<u8> {
    let header = HAND_TYPED.lines().next().expect("a header line");
    format!("{header}\n{HAND_TYPED_ROW}\n{row}\n").into_bytes()
}

const HAND_TYPED_ROW: &str = "demo-1,日置市 小規模事業者支援補助金,補助金,市区町村,462161,鹿児島県日置市,全業種,462161,受付中,,";

#[test]
fn each_bad_row_is_named_by_line_and_id_with_the_models_own_words() {
    let cases = [
        (
            "demo-2,名称,補助金,国,,国,全業種,全国,受付中,2026-05-01 〜 2026-04-01,",
            "3行目（ID: demo-2）：受付期間：受付終了日時（2026-04-01T23:59:59+09:00）が受付開始日時",
        ),
        (
            "demo-2,名称,補助金,国,,国,全業種,全国,受付中,,-100",
            "3行目（ID: demo-2）：上限額：金額に負の値（-100円）は指定できません。",
        ),
        (
            "demo-2,名称,補助金,市区町村,139998,東京都架空市,全業種,全国,受付中,,",
            "3行目（ID: demo-2）：発行元コード「139998」の自治体がありません。",
        ),
        (
            "demo-2,名称,補助金,国,,国,全業種,462048,受付中,,",
            "3行目（ID: demo-2）：対象地域：全国地方公共団体コード「462048」は正しくありません。",
        ),
        (
            "demo-2,名称,補助金,市区町村,,鹿児島県日置市,全業種,全国,受付中,,",
            "3行目（ID: demo-2）：市区町村の制度には全国地方公共団体コードが必要です。",
        ),
        (
            "demo-2,名称,,国,,国,全業種,全国,受付中,,",
            "3行目（ID: demo-2）：「種類」が空です。",
        ),
        (
            "demo-2,名称,寄付,国,,国,全業種,全国,受付中,,",
            "3行目（ID: demo-2）：「寄付」は制度の種類として使えません。",
        ),
        (
            "demo-2,名称,補助金,国,,国,,全国,受付中,,",
            "3行目（ID: demo-2）：対象業種：空です。",
        ),
        (
            "demo-2,名称,補助金,国,,国,全業種,全国,受付中",
            "3行目（ID: demo-2）：列の数（9）が見出し行（11）と合いません。",
        ),
        (
            "demo-1,二重,補助金,国,,国,全業種,全国,受付中,,",
            "3行目（ID: demo-1）：ID「demo-1」は2行目（ID: demo-1）と重複しています。",
        ),
        (
            "ものづくり 補助金,名称,補助金,国,,国,全業種,全国,受付中,,",
            "3行目（ID: ものづくり 補助金）：制度ID「ものづくり 補助金」に使えない文字があります。",
        ),
    ];
    for (row, expected) in cases {
        let batch = own::parse(&with_row(row)).unwrap();
        assert_eq!(batch.programs.len(), 1, "the good row still imports: {row}");
        assert_eq!(batch.invalid.len(), 1, "{row}: {:#?}", batch.invalid);
        let issue = batch.invalid[0].to_string();
        assert!(
            issue.starts_with(expected),
            "{issue}\n  expected to start with\n{expected}"
        );
    }
}

#[test]
fn an_excel_number_that_lost_its_leading_zero_is_not_taken_for_another_place() {
    // 「010006」 (北海道) shown by Excel as 10006 and saved so.
    let batch = own::parse(&with_row(
        "demo-2,名称,補助金,都道府県,10006,北海道,全業種,全国,受付中,,",
    ))
    .unwrap();
    assert!(
        reason_for(&batch.invalid, "demo-2").contains("の自治体がありません"),
        "{:#?}",
        batch.invalid
    );
}

#[test]
fn blank_rows_are_ignored_and_excel_dates_are_read() {
    let bytes = with_row(
        ",,,,,,,,,,\ndemo-3,名称,補助金,国,,国,全業種,全国,受付中,2026/4/1 〜 2026/5/22 17:00,",
    );
    let batch = own::parse(&bytes).unwrap();
    assert!(batch.invalid.is_empty(), "{:#?}", batch.invalid);
    let p = program(&batch, "demo-3");
    assert_eq!(
        p.rounds[0].closes().unwrap().to_rfc3339(),
        "2026-05-22T17:00:00+09:00"
    );
}

#[test]
fn a_header_with_an_unknown_repeated_or_missing_column_is_refused() {
    let unknown = own::parse("ID,制度名,メモ\n".as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        unknown.contains("「メモ」という列は使えません"),
        "{unknown}"
    );
    let twice = own::parse("ID,ID\n".as_bytes()).unwrap_err().to_string();
    assert!(twice.contains("「ID」の列が2つあります"), "{twice}");
    let missing = own::parse("ID,制度名\n".as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("必要な列「種類」「発行元区分」「発行元名」「対象業種」「対象地域」「受付状況」がありません"),
        "{missing}"
    );
}

#[test]
fn cells_excel_would_run_as_formulas_are_written_inert_and_read_back_unchanged() {
    let mut programs = real_programs();
    programs.truncate(1);
    programs[0].summary = "=HYPERLINK(\"http://example.invalid\")".to_owned();
    programs[0].note = Some("-注意".to_owned());
    let csv = own::to_csv(&programs);
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(text.contains(",'-注意,"), "{text}");
    assert_eq!(own::parse(&csv).unwrap().programs, programs);
}

#[test]
fn json_must_be_an_array_and_bad_records_are_named() {
    let wrapped = own::parse(b"{\"programs\": []}").unwrap_err();
    assert!(
        matches!(wrapped, ImportError::UnexpectedShape(_)),
        "{wrapped:?}"
    );
    assert!(wrapped.to_string().contains("制度の配列"), "{wrapped}");

    let valid = serde_json::json!({
        "id": "test-valid", "title": "日置市 小規模事業者支援補助金", "kind": "subsidy",
        "issuer": {"level": "municipal", "code": "462161", "name": "鹿児島県日置市"},
        "industries": {"scope": "all"}, "areas": {"scope": "local", "codes": ["462161"]},
        "status": "open", "source": {"kind": "manual"},
        "detail": "<p onclick=\"x()\">概要</p><script>alert(1)</script>"
    });
    let mut no_kind = valid.clone();
    no_kind["id"] = "test-no-kind".into();
    no_kind.as_object_mut().unwrap().remove("kind");
    let mut unknown_code = valid.clone();
    unknown_code["id"] = "test-unknown-code".into();
    unknown_code["issuer"]["code"] = "139998".into();
    let mut bad_check_digit = valid.clone();
    bad_check_digit["id"] = "test-check-digit".into();
    bad_check_digit["areas"]["codes"] = serde_json::json!(["462048"]);
    let file = serde_json::json!([valid, no_kind, unknown_code, bad_check_digit]);
    let batch = own::parse(&serde_json::to_vec(&file).unwrap()).unwrap();

    let p = program(&batch, "test-valid");
    assert_eq!(p.detail, "<p>概要</p>");
    assert!(reason_for(&batch.warnings, "test-valid").contains("取り除きました"));
    assert_eq!(
        reason_for(&batch.invalid, "2件目（ID: test-no-kind）"),
        "項目「kind」がありません。"
    );
    assert!(reason_for(&batch.invalid, "3件目（ID: test-unknown-code）").contains("139998"));
    assert!(reason_for(&batch.invalid, "4件目（ID: test-check-digit）").contains("462048"));
}

#[test]
fn rules_and_their_test_cases_travel_with_the_program() {
    let mut programs = real_programs();
    programs.truncate(2);
    let with_rule: serde_json::Value = serde_json::json!({
        "rule": {"all": [
            {"field": "municipality", "op": "within", "value": ["310000"]},
            {"fact": "sme"},
            {"manual": "市税を完納していること", "source": "募集要項 3.(2)"}
        ]},
        "test_cases": [{
            "name": "八頭町の製造業",
            "profile": {"municipality": "313297", "industry": "E", "employees": 12},
            "as_of": "2026-04-01",
            "expect": "conditional"
        }]
    });
    let extra: Program = serde_json::from_value({
        let mut p = serde_json::to_value(&programs[0]).unwrap();
        p["id"] = "demo-rule".into();
        p["rule"] = with_rule["rule"].clone();
        p["test_cases"] = with_rule["test_cases"].clone();
        p
    })
    .unwrap();
    programs.push(extra);
    let from_csv = own::parse(&own::to_csv(&programs)).unwrap();
    assert!(from_csv.warnings.is_empty(), "{:#?}", from_csv.warnings);
    assert_eq!(from_csv.programs, programs);
    assert_eq!(
        own::parse(own::to_json(&programs).as_bytes())
            .unwrap()
            .programs,
        programs
    );
}

#[test]
fn a_broken_rule_cell_is_named_and_a_rule_that_does_not_check_out_is_warned_about() {
    let header = "ID,制度名,種類,発行元区分,発行元名,対象業種,対象地域,受付状況,対象条件（JSON）";
    let csv = format!(
        "{header}\n\
         demo-1,名称,補助金,国,国,全業種,全国,受付中,\"{{\"\"all\"\": [\"\n\
         demo-2,名称,補助金,国,国,全業種,全国,受付中,\"{{\"\"field\"\": \"\"no_such_field\"\", \"\"op\"\": \"\"eq\"\", \"\"value\"\": 1}}\"\n"
    );
    let batch = own::parse(csv.as_bytes()).unwrap();
    let broken = reason_for(&batch.invalid, "demo-1");
    assert!(
        broken.starts_with("対象条件（JSON）：JSONとして読み取れません"),
        "{broken}"
    );
    assert!(program(&batch, "demo-2").rule.is_some());
    assert!(
        reason_for(&batch.warnings, "demo-2").starts_with("対象条件に問題があります"),
        "{:#?}",
        batch.warnings
    );
}
