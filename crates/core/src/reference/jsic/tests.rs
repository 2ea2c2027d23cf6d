use super::table::{Line, data_lines, parse_line};
use super::*;

#[test]
fn every_bundled_line_parses() {
    let mut lines = 0;
    for line in data_lines() {
        lines += 1;
        assert!(parse_line(line).is_some(), "bad line: {line}");
    }
    assert_eq!(lines, majors().len() + middles().len());
    assert!(
        data_lines().all(|l| !matches!(parse_line(l), Some(Line::Major(m)) if m.name.is_empty()))
    );
}

#[test]
fn there_are_20_majors_from_a_to_t_in_order() {
    let letters: String = majors().iter().map(|m| m.letter).collect();
    assert_eq!(letters, "ABCDEFGHIJKLMNOPQRST");
}

#[test]
fn there_are_99_middles_numbered_1_to_99_in_order() {
    let codes: Vec<u8> = middles().iter().map(|m| m.code).collect();
    assert_eq!(codes, (1..=99).collect::<Vec<u8>>());
    for n in 1..=99 {
        assert_eq!(middle(n).map(|m| m.code), Some(n));
    }
    assert_eq!(middle(0), None);
    assert_eq!(middle(100), None);
}

#[test]
fn every_middle_has_an_existing_major_and_majors_own_contiguous_middles() {
    for m in middles() {
        assert!(major(m.major).is_some(), "{:02} {}", m.code, m.name);
    }
    let order: Vec<char> = middles().iter().map(|m| m.major).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert!(
        majors()
            .iter()
            .all(|m| middles_of(m.letter).next().is_some())
    );
}

#[test]
fn the_official_names_of_the_14th_revision_are_bundled() {
    let expected = [
        ('A', "農業、林業"),
        ('C', "鉱業、採石業、砂利採取業"),
        ('E', "製造業"),
        ('F', "電気・ガス・熱供給・水道業"),
        ('G', "情報通信業"),
        ('I', "卸売業、小売業"),
        ('L', "学術研究、専門・技術サービス業"),
        ('M', "宿泊業、飲食サービス業"),
        ('R', "サービス業（他に分類されないもの）"),
        ('S', "公務（他に分類されるものを除く）"),
        ('T', "分類不能の産業"),
    ];
    for (letter, name) in expected {
        assert_eq!(major(letter).map(|m| m.name), Some(name));
    }
    let middles_expected = [
        (1, 'A', "農業"),
        (9, 'E', "食料品製造業"),
        (32, 'E', "その他の製造業"),
        (39, 'G', "情報サービス業"),
        (40, 'G', "インターネット附随サービス業"),
        (53, 'I', "建築材料、鉱物・金属材料等卸売業"),
        (61, 'I', "無店舗小売業"),
        (76, 'M', "飲食店"),
        (82, 'O', "その他の教育、学習支援業"),
        (96, 'R', "外国公務"),
        (99, 'T', "分類不能の産業"),
    ];
    for (code, letter, name) in middles_expected {
        let m = middle(code).unwrap();
        assert_eq!((m.major, m.name), (letter, name), "{code:02}");
    }
    assert_eq!(middles_of('E').count(), 24);
    assert_eq!(middles_of('I').count(), 12);
}

#[test]
fn majors_are_found_by_name_with_either_comma_and_any_width() {
    let a = major('A');
    assert_eq!(major_by_name("農業、林業"), a);
    assert_eq!(major_by_name("農業，林業"), a);
    assert_eq!(major_by_name("農業,林業"), a);
    assert_eq!(major_by_name(" 農業､林業 "), a);
    assert_eq!(
        major_by_name("サービス業(他に分類されないもの)"),
        major('R')
    );
    assert_eq!(major_by_name("農業"), None);
    assert_eq!(major_by_name(""), None);
}

#[test]
fn codes_parse_and_name_their_category() {
    assert_eq!(JsicCode::parse("E").unwrap().name(), "製造業");
    assert_eq!(JsicCode::parse("9").unwrap(), JsicCode::Middle(9));
    assert_eq!(JsicCode::parse("09").unwrap().major_letter(), 'E');
    assert_eq!(JsicCode::Middle(61).to_string(), "61");
    assert!(JsicCode::parse("U").is_err());
    assert!(JsicCode::parse("00").is_err());
    assert!(JsicCode::parse("100").is_err());
}
