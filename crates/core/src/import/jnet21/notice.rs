//! A J-Net21 headline taken apart: who issued it, what kind of notice it is, its name and text.
//!
//! Titles read 「【八頭町】補助金・助成金：「令和の米増産緊急支援事業費補助金のご案内」」;
//! summaries begin with the issuer again and its prefecture, 「【八頭町】（鳥取県）…」, or name a
//! body the title leaves out: 「【公益財団法人佐賀県産業振興機構 …】（佐賀県）」,
//! 「【観光庁】（全国）」. The summary ends with a fixed pointer to the article, which is dropped.

/// The parts of a headline; absent parts are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Notice<'a> {
    /// 「八頭町」 from the title's 【】.
    pub title_tag: Option<&'a str>,
    /// 「補助金・助成金」, 「セミナー・イベント」.
    pub category: Option<&'a str>,
    /// The program's name, without the quotes around it.
    pub name: &'a str,
    /// 「八頭町」, 「公益財団法人佐賀県産業振興機構 佐賀県産業イノベーションセンター」.
    pub body: Option<&'a str>,
    /// 「鳥取県」 or 「全国」.
    pub region: Option<&'a str>,
    /// The summary without the issuer prefix and the pointer to the article.
    pub text: String,
}

/// Categories are short labels; a longer run before 「：」 is part of the name.
const MAX_CATEGORY_CHARS: usize = 15;

impl<'a> Notice<'a> {
    pub fn read(title: &'a str, summary: &'a str) -> Self {
        let title = title.trim();
        let (title_tag, rest) = leading_tag(title);
        let (category, name) = match rest.split_once('：') {
            Some((category, name)) if category.trim().chars().count() <= MAX_CATEGORY_CHARS => {
                (Some(category.trim()).filter(|c| !c.is_empty()), name.trim())
            }
            _ => (None, rest.trim()),
        };
        let summary = summary.trim();
        let (body, after_body) = leading_tag(summary);
        let (region, text) = match after_body
            .strip_prefix('（')
            .and_then(|r| r.split_once('）'))
        {
            Some((region, text)) if body.is_some() => (Some(region.trim()), text),
            _ => (None, after_body),
        };
        Self {
            title_tag,
            category,
            name: unquote(name),
            body,
            region,
            text: without_pointer(text),
        }
    }
}

/// 「【八頭町】rest」 → (Some("八頭町"), "rest").
fn leading_tag(text: &str) -> (Option<&str>, &str) {
    text.trim_start()
        .strip_prefix('【')
        .and_then(|r| r.split_once('】'))
        .map_or((None, text), |(tag, rest)| {
            (
                Some(tag.trim()).filter(|t| !t.is_empty()),
                rest.trim_start(),
            )
        })
}

/// 「「名称」」 → 「名称」, but 「「事業」の公募について」 stays whole.
fn unquote(name: &str) -> &str {
    match name.strip_prefix('「').and_then(|n| n.strip_suffix('」')) {
        Some(inner) if balanced(inner) => inner.trim(),
        _ => name,
    }
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '「' => depth += 1,
            '」' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// Drops the closing 「申込方法ほか詳細情報は、「詳細情報を見る」からご確認下さい。」 paragraph.
fn without_pointer(text: &str) -> String {
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| !line.contains("「詳細情報を見る」"))
        .collect();
    kept.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_municipal_headline_is_taken_apart() {
        let notice = Notice::read(
            "【八頭町】補助金・助成金：「令和の米増産緊急支援事業費補助金のご案内」",
            "【八頭町】（鳥取県）機械導入を緊急的に支援します。\n\n申請期限：令和8年3月24日（火曜日）\n\n申込方法ほか詳細情報は、「詳細情報を見る」からご確認下さい。",
        );
        assert_eq!(notice.title_tag, Some("八頭町"));
        assert_eq!(notice.category, Some("補助金・助成金"));
        assert_eq!(notice.name, "令和の米増産緊急支援事業費補助金のご案内");
        assert_eq!(notice.body, Some("八頭町"));
        assert_eq!(notice.region, Some("鳥取県"));
        assert_eq!(
            notice.text,
            "機械導入を緊急的に支援します。\n\n申請期限：令和8年3月24日（火曜日）"
        );
    }

    #[test]
    fn a_headline_without_a_tag_takes_its_issuer_from_the_summary() {
        let notice = Notice::read(
            "補助金・助成金 ：「ウラノス・エコシステムの実現のためのデータ連携システム構築・実証事業」の公募について",
            "【国立研究開発法人 新エネルギー・産業技術総合開発機構】（全国）国立研究開発法人…",
        );
        assert_eq!(notice.title_tag, None);
        assert_eq!(notice.category, Some("補助金・助成金"));
        assert_eq!(
            notice.name,
            "「ウラノス・エコシステムの実現のためのデータ連携システム構築・実証事業」の公募について"
        );
        assert_eq!(
            notice.body,
            Some("国立研究開発法人 新エネルギー・産業技術総合開発機構")
        );
        assert_eq!(notice.region, Some("全国"));
    }

    #[test]
    fn a_title_without_a_category_keeps_its_whole_text_as_the_name() {
        let notice = Notice::read("お知らせ", "現在「すべて」が選択されているため、…");
        assert_eq!(notice.category, None);
        assert_eq!(notice.name, "お知らせ");
        assert_eq!(notice.body, None);
        assert_eq!(notice.region, None);
    }
}
