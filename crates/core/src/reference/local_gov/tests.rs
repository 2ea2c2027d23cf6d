use super::table::{data_lines, parse_row};
use super::*;

fn code(raw: &str) -> LocalGovCode {
    LocalGovCode::parse(raw).unwrap()
}

fn found(name: &str) -> &'static LocalGov {
    match find_local_gov(name) {
        NameLookup::Found(gov) => gov,
        other => panic!("{name}: {other:?}"),
    }
}

fn ambiguous_codes(lookup: NameLookup) -> Vec<String> {
    match lookup {
        NameLookup::Ambiguous(govs) => govs.iter().map(|g| g.code.to_string()).collect(),
        other => panic!("expected several candidates, got {other:?}"),
    }
}

fn count(kind: LocalGovKind) -> usize {
    municipalities().filter(|g| g.kind == kind).count()
}

#[test]
fn every_bundled_line_parses_and_its_code_round_trips_with_its_check_digit() {
    let mut lines = 0;
    for line in data_lines() {
        lines += 1;
        let row = parse_row(line).unwrap_or_else(|| panic!("bad line: {line}"));
        let raw = line.split('\t').next().unwrap();
        assert_eq!(row.gov.code.to_string(), raw, "{line}");
        assert_eq!(LocalGovCode::parse(raw).unwrap(), row.gov.code);
    }
    assert_eq!(lines, prefectures().count() + municipalities().count());
}

#[test]
fn the_table_has_47_prefectures_and_1741_municipalities() {
    assert_eq!(prefectures().count(), 47);
    assert_eq!(count(LocalGovKind::City), 792);
    assert_eq!(count(LocalGovKind::Town), 743);
    assert_eq!(count(LocalGovKind::Village), 183);
    assert_eq!(count(LocalGovKind::SpecialWard), 23);
    let not_wards = municipalities()
        .filter(|g| g.kind != LocalGovKind::Ward)
        .count();
    assert_eq!(not_wards, 1741);
}

#[test]
fn the_20_designated_cities_have_171_wards_since_hamamatsu_merged_its_wards() {
    let designated: Vec<_> = municipalities()
        .filter(|g| g.is_designated_city())
        .collect();
    assert_eq!(designated.len(), 20);
    assert!(designated.iter().all(|g| g.kind == LocalGovKind::City));
    assert_eq!(count(LocalGovKind::Ward), 171);
    let hamamatsu: Vec<_> = found("浜松市").wards().map(|w| w.short_name()).collect();
    assert_eq!(hamamatsu, ["中央区", "浜名区", "天竜区"]);
    assert_eq!(find_local_gov("浜松市中区"), NameLookup::NotFound);
}

#[test]
fn every_ward_belongs_to_the_nearest_designated_city_below_its_code() {
    let designated: Vec<_> = municipalities()
        .filter(|g| g.is_designated_city())
        .collect();
    for ward in municipalities().filter(|g| g.kind == LocalGovKind::Ward) {
        let city = ward.parent_city().unwrap();
        assert!(city.is_designated_city(), "{}", ward.name);
        assert!(ward.name.starts_with(city.name), "{}", ward.name);
        assert_eq!(city.prefecture_name, ward.prefecture_name);
        let nearest = designated.iter().rfind(|g| g.code < ward.code).unwrap();
        assert_eq!(nearest.code, city.code, "{}", ward.name);
    }
}

#[test]
fn only_wards_have_a_parent_city() {
    let with_parent = municipalities()
        .filter(|g| g.parent_city().is_some())
        .count();
    assert_eq!(with_parent, count(LocalGovKind::Ward));
    assert!(found("大田区").parent_city().is_none());
}

#[test]
fn every_name_reads_in_hiragana() {
    for gov in prefectures().chain(municipalities()) {
        assert!(!gov.kana.is_empty(), "{}", gov.name);
        assert!(
            gov.kana.chars().all(|c| matches!(c, 'ぁ'..='ゖ' | 'ー')),
            "{} {}",
            gov.name,
            gov.kana
        );
    }
    assert_eq!(found("八頭町").kana, "やずちょう");
    assert_eq!(found("総社市").kana, "そうじゃし");
    assert_eq!(found("横浜市中区").kana, "よこはましなかく");
}

#[test]
fn every_local_government_is_found_by_its_full_name_alone() {
    for gov in prefectures().chain(municipalities()) {
        assert_eq!(find_local_gov(&gov.full_name()), NameLookup::Found(gov));
    }
}

#[test]
fn yazu_is_found_by_name_with_or_without_prefecture_or_county() {
    let yazu = found("八頭町");
    assert_eq!(yazu.code, code("313297"));
    // 314021 is 日野町 of the same prefecture, not 八頭町.
    assert_eq!(local_gov(code("314021")).unwrap().name, "日野町");
    assert_eq!(yazu.kind, LocalGovKind::Town);
    assert_eq!(yazu.full_name(), "鳥取県八頭町");
    for name in [
        "鳥取県八頭町",
        "八頭郡八頭町",
        "鳥取県八頭郡八頭町",
        "　鳥取県 八頭町 ",
    ] {
        assert_eq!(find_local_gov(name), NameLookup::Found(yazu), "{name}");
    }
}

#[test]
fn fuchu_city_is_ambiguous_between_tokyo_and_hiroshima() {
    assert_eq!(
        ambiguous_codes(find_local_gov("府中市")),
        ["132063", "342084"]
    );
    assert_eq!(found("東京都府中市").code, code("132063"));
    assert_eq!(found("広島県府中市").code, code("342084"));
    assert_eq!(found("府中町").prefecture_name, "広島県");
}

#[test]
fn well_known_names_resolve_to_their_codes_and_kinds() {
    let cases = [
        ("日置市", "462161", LocalGovKind::City),
        ("枕崎市", "462047", LocalGovKind::City),
        ("大田区", "131113", LocalGovKind::SpecialWard),
        ("墨田区", "131075", LocalGovKind::SpecialWard),
        ("飛騨市", "212172", LocalGovKind::City),
        ("金沢市", "172014", LocalGovKind::City),
        ("横須賀市", "142018", LocalGovKind::City),
        ("三重県", "240001", LocalGovKind::Prefecture),
        ("秋田県", "050008", LocalGovKind::Prefecture),
        ("横浜市", "141003", LocalGovKind::City),
        ("横浜市中区", "141046", LocalGovKind::Ward),
        ("檜原村", "133078", LocalGovKind::Village),
    ];
    for (name, expected, kind) in cases {
        let gov = found(name);
        assert_eq!(gov.code, code(expected), "{name}");
        assert_eq!(gov.kind, kind, "{name}");
        assert_eq!(local_gov(gov.code), Some(gov));
    }
}

#[test]
fn a_ward_name_alone_is_ambiguous_between_designated_cities() {
    let naka = ambiguous_codes(find_local_gov("中区"));
    let cities: Vec<_> = naka
        .iter()
        .map(|c| local_gov(code(c)).unwrap().parent_city().unwrap().name)
        .collect();
    assert_eq!(cities, ["横浜市", "名古屋市", "堺市", "岡山市", "広島市"]);
    assert_eq!(found("神奈川県中区").name, "横浜市中区");
    assert_eq!(found("横浜市中区").short_name(), "中区");
}

#[test]
fn tokyo_kita_ward_is_one_of_many_kita_wards() {
    assert!(ambiguous_codes(find_local_gov("北区")).contains(&"131172".to_owned()));
    let kita = find_local_gov_in_prefecture("東京都", "北区");
    assert_eq!(kita, NameLookup::Found(local_gov(code("131172")).unwrap()));
    // Both 大阪市 and 堺市 have a 北区.
    assert_eq!(
        ambiguous_codes(find_local_gov_in_prefecture("大阪府", "北区")),
        ["271276", "271462"]
    );
}

#[test]
fn a_prefecture_given_apart_settles_the_municipality() {
    assert_eq!(
        find_local_gov_in_prefecture("鳥取県", "八頭町"),
        NameLookup::Found(found("八頭町"))
    );
    assert_eq!(
        find_local_gov_in_prefecture("広島", "府中市"),
        NameLookup::Found(found("広島県府中市"))
    );
    assert_eq!(
        find_local_gov_in_prefecture("東京都", "八頭町"),
        NameLookup::NotFound
    );
    assert_eq!(
        find_local_gov_in_prefecture("存在しない県", "八頭町"),
        NameLookup::NotFound
    );
}

#[test]
fn prefectures_are_found_with_or_without_their_suffix() {
    let tokyo = prefecture_by_name("東京").unwrap();
    assert_eq!(tokyo.code, code("130001"));
    assert_eq!(prefecture_by_name("東京都"), Some(tokyo));
    assert_eq!(prefecture_by_name(" 東京都　"), Some(tokyo));
    assert_eq!(prefecture_by_name("北海道").unwrap().code, code("010006"));
    assert_eq!(prefecture_by_name("大阪").unwrap().name, "大阪府");
    assert_eq!(prefecture_by_name("京都").unwrap().name, "京都府");
    assert_eq!(prefecture_by_name("京都市"), None);
    assert_eq!(found("東京"), tokyo);
}

#[test]
fn width_and_the_small_ke_do_not_matter() {
    assert_eq!(found("ﾆｾｺ町").name, "ニセコ町");
    assert_eq!(found("鰺ケ沢町").name, "鰺ヶ沢町");
    assert_eq!(found("鎌ヶ谷市").name, "鎌ケ谷市");
}

#[test]
fn the_spellings_japan_post_uses_are_accepted() {
    assert_eq!(found("檮原町").name, "梼原町");
    assert_eq!(found("糟屋郡須惠町").name, "須恵町");
}

#[test]
fn unknown_names_are_not_found() {
    assert_eq!(find_local_gov("存在しない町"), NameLookup::NotFound);
    assert_eq!(find_local_gov(""), NameLookup::NotFound);
    assert_eq!(find_local_gov("   "), NameLookup::NotFound);
}

#[test]
fn a_program_of_a_city_covers_its_wards_and_a_prefecture_covers_its_places() {
    let yokohama = found("横浜市");
    let naka = found("横浜市中区");
    let kawasaki_ward = found("川崎市川崎区");
    let kanagawa = found("神奈川県");
    assert!(yokohama.covers(naka));
    assert!(yokohama.covers(yokohama));
    assert!(kanagawa.covers(naka));
    assert!(kanagawa.covers(yokohama));
    assert!(!yokohama.covers(kawasaki_ward));
    assert!(!naka.covers(yokohama));
    assert!(!found("東京都").covers(naka));
    assert_eq!(naka.prefecture(), Some(kanagawa));
    assert_eq!(kanagawa.prefecture(), Some(kanagawa));
}
