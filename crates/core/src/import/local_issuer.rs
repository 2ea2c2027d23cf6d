//! Which prefecture or municipality a published record comes from, read from its name tags.
//!
//! Sources mark local programs in the title: 「【愛知県大府市】…」, 「【三重県　鈴鹿市】…」,
//! 「【福岡県2次】…」, 「【八頭町】…」, or begin it with the name: 「熊谷市中小企業…」,
//! 「令和8年度岸和田市…」. Names are looked up in the reference tables, never guessed: a name
//! shared by several places (府中市) is narrowed by the prefecture the record states, and
//! stays ambiguous otherwise so that the caller can say so.

use crate::program::{GovLevel, Issuer, ModelError};
use crate::reference::{
    LocalGov, LocalGovCode, LocalGovKind, NameLookup, find_local_gov, find_local_gov_in_prefecture,
    local_gov,
};
use crate::text::fold::half_width;

/// The outcome of looking for a place in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    Found(&'static LocalGov),
    /// A name that fits several places, e.g. 「池田町」 without its prefecture.
    Ambiguous(String),
    NotNamed,
}

impl Place {
    /// The first definite answer wins; an ambiguity is kept only while nothing better is found.
    pub(crate) fn or_else(self, next: impl FnOnce() -> Place) -> Place {
        match self {
            Place::Found(_) => self,
            Place::NotNamed => next(),
            Place::Ambiguous(_) => match next() {
                found @ Place::Found(_) => found,
                _ => self,
            },
        }
    }
}

/// Looks for a place in the 【…】 tags of `text`, then at its start.
pub(crate) fn place_in_text(text: &str, prefectures: &[LocalGovCode]) -> Place {
    tags(text)
        .into_iter()
        .fold(Place::NotNamed, |place, tag| {
            place.or_else(|| place_in_tag(tag, prefectures))
        })
        .or_else(|| place_at_start(text, prefectures))
}

/// The place an exact name stands for, narrowed to `prefectures` when it is ambiguous.
pub(crate) fn place_named(name: &str, prefectures: &[LocalGovCode]) -> Place {
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    if name.chars().count() < 2 {
        return Place::NotNamed;
    }
    // 「池田町」 in 岐阜県 is found directly within its prefecture.
    for prefecture in prefectures.iter().filter_map(|code| local_gov(*code)) {
        if let NameLookup::Found(gov) = find_local_gov_in_prefecture(prefecture.name, &name) {
            return Place::Found(gov);
        }
    }
    match find_local_gov(&name) {
        NameLookup::Found(gov) => Place::Found(gov),
        NameLookup::NotFound => Place::NotNamed,
        NameLookup::Ambiguous(candidates) => {
            let inside: Vec<_> = candidates
                .into_iter()
                .filter(|g| prefectures.contains(&g.code.prefecture()))
                .collect();
            match inside.as_slice() {
                [one] => Place::Found(one),
                _ => Place::Ambiguous(name),
            }
        }
    }
}

/// The issuer a place stands for; the institution is kept as the department.
pub(crate) fn local_issuer(
    gov: &LocalGov,
    institution: Option<String>,
) -> Result<Issuer, ModelError> {
    let level = if gov.kind == LocalGovKind::Prefecture {
        GovLevel::Prefectural
    } else {
        GovLevel::Municipal
    };
    Issuer::new(level, Some(gov.code), gov.full_name(), institution)
}

/// The contents of every 【…】 in order.
pub(crate) fn tags(text: &str) -> Vec<&str> {
    text.split('【')
        .skip(1)
        .filter_map(|rest| rest.split_once('】').map(|(tag, _)| tag))
        .collect()
}

/// 「三重県　鈴鹿市」 whole, else its parts: 「愛知県・２次募集」 → 愛知県, 「福岡県2次」 → 福岡県.
fn place_in_tag(tag: &str, prefectures: &[LocalGovCode]) -> Place {
    let whole = place_named(tag, prefectures);
    if let Place::Found(_) = whole {
        return whole;
    }
    tag.split(|c: char| c.is_whitespace() || "・_＿/／,、".contains(c))
        .map(|part| part.split(|c: char| half_width(c).is_ascii_digit()))
        .filter_map(|mut pieces| pieces.next())
        .fold(whole, |place, part| {
            place.or_else(|| place_named(part, prefectures))
        })
}

/// A name the text begins with, after tags and a fiscal-year phrase: the longest that is a place.
fn place_at_start(text: &str, prefectures: &[LocalGovCode]) -> Place {
    let rest = skip_lead_in(text);
    let chars: Vec<char> = rest.chars().take(16).collect();
    (2..=chars.len())
        .rev()
        .filter(|&len| "都道府県市区町村".contains(chars[len - 1]))
        .map(|len| chars[..len].iter().collect::<String>())
        .fold(Place::NotNamed, |place, name| {
            place.or_else(|| match place_named(&name, prefectures) {
                // Short forms (「京都」 for 京都府) are fine in a tag but not inside a word
                // (「京都型グローバル・ニッチ・トップ企業」).
                Place::Found(gov) if gov.name != name && gov.full_name() != name => Place::NotNamed,
                place => place,
            })
        })
}

/// Drops leading 【…】 tags, blanks, separators and 「令和8年度」-like phrases.
fn skip_lead_in(text: &str) -> &str {
    let mut rest = text;
    loop {
        let trimmed =
            rest.trim_start_matches(|c: char| c.is_whitespace() || "_＿・:：".contains(c));
        let next = if let Some(after) = trimmed.strip_prefix('【') {
            after.split_once('】').map_or(trimmed, |(_, r)| r)
        } else if let Some(pos) = trimmed.find("年度") {
            let phrase = &trimmed[..pos];
            let is_year = phrase.chars().count() <= 6
                && phrase
                    .chars()
                    .all(|c| c.is_alphanumeric() && !('ぁ'..='ヿ').contains(&c))
                && phrase
                    .chars()
                    .any(|c| half_width(c).is_ascii_digit() || c == '元');
            if is_year {
                let after = &trimmed[pos + "年度".len()..];
                after.strip_prefix("の").unwrap_or(after)
            } else {
                trimmed
            }
        } else {
            trimmed
        };
        if next.len() == rest.len() {
            return rest;
        }
        rest = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_listed_in_order() {
        assert_eq!(
            tags("【二次公募】令和８年度【カーポート】"),
            vec!["二次公募", "カーポート"]
        );
        assert!(tags("タグなし").is_empty());
    }

    fn found(text: &str, prefectures: &[LocalGovCode]) -> String {
        match place_in_text(text, prefectures) {
            Place::Found(gov) => gov.full_name(),
            other => format!("{other:?}"),
        }
    }

    fn tokyo() -> LocalGovCode {
        LocalGovCode::of_prefecture(13).unwrap()
    }

    #[test]
    fn tags_name_places_whole_or_by_their_first_part() {
        assert_eq!(
            found("【愛知県大府市】2026年度大府市カーボン", &[]),
            "愛知県大府市"
        );
        assert_eq!(
            found("【三重県　鈴鹿市】令和8年度創業促進補助金", &[]),
            "三重県鈴鹿市"
        );
        assert_eq!(found("【福岡県2次】令和8年度_中小企業等", &[]), "福岡県");
        assert_eq!(found("【愛知県・２次募集】令和８年度", &[]), "愛知県");
        assert_eq!(found("【二次公募】令和８年度　二酸化炭素", &[]), "NotNamed");
    }

    #[test]
    fn a_name_inside_a_longer_word_is_no_place() {
        assert_eq!(
            found("休廃止鉱山鉱害防止等工事費補助金【北海道監督部】", &[]),
            "NotNamed"
        );
        assert_eq!(
            found("京都型グローバル・ニッチ・トップ企業育成補助金", &[]),
            "NotNamed"
        );
        assert_eq!(found("京都市企業立地促進制度補助金", &[]), "京都府京都市");
        assert_eq!(
            found("令和8年度岸和田市「市内丸ごとラボ」実証事業", &[]),
            "大阪府岸和田市"
        );
    }

    #[test]
    fn a_shared_name_is_narrowed_by_the_prefecture_or_left_ambiguous() {
        assert_eq!(found("【府中市】補助金", &[]), "Ambiguous(\"府中市\")");
        assert_eq!(found("【府中市】補助金", &[tokyo()]), "東京都府中市");
    }

    #[test]
    fn lead_ins_before_a_name_are_skipped() {
        assert_eq!(
            skip_lead_in("令和8年度岸和田市「市内丸ごとラボ」"),
            "岸和田市「市内丸ごとラボ」"
        );
        assert_eq!(skip_lead_in("【施行】令和8年度愛知県介護"), "愛知県介護");
        assert_eq!(skip_lead_in("2026年度大府市"), "大府市");
        assert_eq!(skip_lead_in("令和８年度　東京都"), "東京都");
        assert_eq!(
            skip_lead_in("令和８年度における都型放課後等デイサービス"),
            "における都型放課後等デイサービス"
        );
        assert_eq!(skip_lead_in("熊谷市中小企業"), "熊谷市中小企業");
    }
}
