use super::*;
use madoguchi_core::demo::CATALOGUE;
use madoguchi_core::import::own;

fn demo_programs() -> Vec<Program> {
    CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .collect()
}

#[test]
fn every_demo_program_comes_back_from_its_form_unchanged() {
    let programs = demo_programs();
    assert!(programs.len() > 70);
    for program in programs {
        let form = ProgramForm::of(&program);
        let back = form
            .apply(&program)
            .unwrap_or_else(|e| panic!("{}: {e:?}", program.id));
        assert_eq!(back, program, "{}", program.id);
    }
}

#[test]
fn a_new_program_takes_its_id_from_the_form_and_an_existing_one_keeps_its_own() {
    let program = demo_programs().remove(0);
    let mut form = ProgramForm::of(&program);
    form.id = "other-id".to_owned();
    assert_eq!(form.apply(&program).unwrap().id, program.id);
    assert_eq!(form.apply_as_new(&program).unwrap().id.as_str(), "other-id");
    form.id = "ものづくり 補助金".to_owned();
    let errors = form.apply_as_new(&program).unwrap_err();
    assert!(
        errors.get("id").unwrap().contains("半角英数字"),
        "{errors:?}"
    );
}

#[test]
fn each_mistake_is_explained_in_japanese_beside_its_field() {
    let program = demo_programs().remove(0);
    let mut form = ProgramForm::of(&program);
    form.title = " ".into();
    form.amount_max = "100万円".into();
    form.amount_min = "たくさん".into();
    form.rate = "3/2".into();
    form.official_url = "javascript:alert(1)".into();
    form.fiscal_year = "1900".into();
    form.areas_scope = "local".into();
    form.areas = "999999".into();
    form.issuer_level = "municipal".into();
    form.issuer_code = String::new();
    form.last_verified = "きのう".into();
    form.verified_against =
        "公募要領 https://example.go.jp/a.pdf\nhttps://example.go.jp/b.pdf".into();
    form.rounds = vec![RoundRow {
        label: "第1回".into(),
        opens: "2026-05-01".into(),
        closes: "2026-04-01".into(),
    }];
    form.kind = "寄付".into();
    let errors = form.apply(&program).unwrap_err();
    let expect = [
        ("title", "制度名が空です"),
        ("amount-min", "金額"),
        ("amount-rate", "補助率「3/2」"),
        ("official-url", "「https://」"),
        ("fiscal-year", "1989年度から2100年度"),
        ("areas", "全国地方公共団体コード「999999」"),
        (
            "issuer-code",
            "市区町村の制度には全国地方公共団体コードが必要です",
        ),
        ("last-verified", "日時「きのう」"),
        ("verified-against", "資料の名前を書いてください"),
        ("round-0-closes", "受付終了日時"),
        ("kind", "「寄付」は制度の種類として使えません"),
    ];
    errors.assert_each(&expect);
}

#[test]
fn the_documents_checked_against_are_edited_one_per_line() {
    let program = demo_programs().remove(0);
    let mut form = ProgramForm::of(&program);
    form.verified_against =
        "公募要領（第18回） https://example.go.jp/koubo.pdf\n\n市の交付要綱\n".into();
    let saved = form.apply(&program).unwrap();
    let titles: Vec<&str> = saved
        .verified_against
        .iter()
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(titles, ["公募要領（第18回）", "市の交付要綱"]);
    assert_eq!(
        saved.verified_against[0].url.as_ref().map(|u| u.as_str()),
        Some("https://example.go.jp/koubo.pdf")
    );
    assert!(saved.verified_against[1].url.is_none());
    assert_eq!(
        ProgramForm::of(&saved).verified_against,
        "公募要領（第18回） https://example.go.jp/koubo.pdf\n市の交付要綱"
    );
}

#[test]
fn a_maximum_below_the_minimum_is_refused_at_the_maximum() {
    let program = demo_programs().remove(0);
    let mut form = ProgramForm::of(&program);
    form.amount_max = "100万円".into();
    form.amount_min = "200万円".into();
    let errors = form.apply(&program).unwrap_err();
    assert!(errors.get("amount-max").unwrap().contains("下限額"));
}

#[test]
fn places_may_be_typed_by_name_and_blank_rounds_are_dropped() {
    let program = demo_programs().remove(0);
    let mut form = ProgramForm::of(&program);
    form.areas_scope = "local".into();
    form.areas = "鹿児島市、460001".into();
    form.rounds.push(RoundRow::default());
    form.apply_round_action(RoundAction::Add);
    let back = form.apply(&program).unwrap();
    let TargetAreas::Local(codes) = &back.areas else {
        panic!("{:?}", back.areas)
    };
    let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
    assert_eq!(codes, ["460001", "462012"]);
    assert_eq!(back.rounds.len(), program.rounds.len());
    assert_eq!(form.area_names(), "鹿児島県鹿児島市、鹿児島県");
}

#[test]
fn detail_html_is_cleaned_before_it_is_kept() {
    let program = demo_programs().remove(0);
    let mut form = ProgramForm::of(&program);
    form.detail = r#"<p onclick="x()">本文</p><script>alert(1)</script>"#.into();
    assert_eq!(form.apply(&program).unwrap().detail, "<p>本文</p>");
}

#[test]
fn round_buttons_add_and_remove_rows() {
    let mut form = ProgramForm::default();
    form.apply_round_action(RoundAction::Add);
    form.apply_round_action(RoundAction::Add);
    form.apply_round_action(RoundAction::Remove(0));
    form.apply_round_action(RoundAction::Remove(9));
    assert_eq!(form.rounds.len(), 1);
    assert_eq!(
        RoundAction::parse("round-remove:3"),
        Some(RoundAction::Remove(3))
    );
    assert_eq!(RoundAction::parse("round-remove:x"), None);
}
