//! Published HTML reduced to structure: the outline pages show it as HTML, so nothing in it
//! may run, restyle the page or point anywhere but a web address.
//!
//! jGrants `detail` is editor output full of inline styles, spans and `target` links. Only
//! paragraphs, line breaks, lists, emphasis, small headings and tables survive, links keep an
//! absolute `http(s)` `href` and nothing else, and table cells keep their spans so that merged
//! cells still read right. The text inside removed tags is kept; `script` and `style` go whole.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

static POLICY: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p", "br", "ul", "ol", "li", "strong", "em", "b", "h3", "h4", "h5", "table", "thead",
        "tbody", "tr", "td", "th", "a",
    ]
    .into_iter()
    .collect();
    let cell_spans: HashSet<&str> = ["colspan", "rowspan"].into_iter().collect();
    let attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href"].into_iter().collect()),
        ("td", cell_spans.clone()),
        ("th", cell_spans),
    ]
    .into_iter()
    .collect();
    let mut builder = Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(attributes)
        .url_schemes(["http", "https"].into_iter().collect())
        .url_relative(UrlRelative::Deny)
        .link_rel(None)
        .clean_content_tags(["script", "style"].into_iter().collect())
        .strip_comments(true);
    builder
});

/// The HTML with only the allowed structure left; safe to embed in a page as is.
pub fn sanitize_detail(html: &str) -> String {
    drop_empty_links(&POLICY.clean(html).to_string())
}

/// Removes links with nothing to read (「<a href=…>\u{FEFF}</a>」 in editor output): a screen
/// reader would announce a link without a name (WCAG 2.4.4). The input is ammonia's output, so
/// every `<a` opens a link, attributes are quoted, and links do not nest.
fn drop_empty_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<a") {
        let (before, link) = rest.split_at(start);
        out.push_str(before);
        let Some(end) = link.find("</a>").map(|i| i + "</a>".len()) else {
            break;
        };
        let (whole, after) = link.split_at(end);
        let inner = whole
            .find('>')
            .map_or("", |open| &whole[open + 1..whole.len() - "</a>".len()]);
        if has_visible_text(inner) {
            out.push_str(whole);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Whether markup holds a character a person can see (tags, spaces and zero-width characters
/// do not count).
fn has_visible_text(markup: &str) -> bool {
    let mut in_tag = false;
    markup.chars().any(|c| match c {
        '<' => {
            in_tag = true;
            false
        }
        '>' => {
            in_tag = false;
            false
        }
        _ => {
            !in_tag
                && !c.is_whitespace()
                && !matches!(
                    c,
                    '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}'
                )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_spans_and_link_targets_are_dropped_but_text_stays() {
        let html = r#"<p style="color:red"><span style="font-size:9px">補助率</span>は<strong style="x">1/2</strong></p><p><a href="https://example.jp/a" target="_blank" rel="noopener">公募要領</a></p>"#;
        assert_eq!(
            sanitize_detail(html),
            r#"<p>補助率は<strong>1/2</strong></p><p><a href="https://example.jp/a">公募要領</a></p>"#
        );
    }

    #[test]
    fn scripts_handlers_and_other_schemes_never_survive() {
        let html = r#"<h2>概要</h2><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a><a href="mailto:a@example.jp">メール</a><a href="/relative">相対</a>"#;
        assert_eq!(
            sanitize_detail(html),
            "概要<a>x</a><a>メール</a><a>相対</a>"
        );
    }

    #[test]
    fn links_with_nothing_to_read_are_dropped_and_others_kept() {
        let html = "<p>要領<a href=\"https://example.jp/a\">\u{FEFF}</a>と<a href=\"https://example.jp/b\"> <strong>\u{200B}</strong> </a><a href=\"https://example.jp/c\"><strong>様式</strong></a></p>";
        assert_eq!(
            sanitize_detail(html),
            "<p>要領と<a href=\"https://example.jp/c\"><strong>様式</strong></a></p>"
        );
    }

    #[test]
    fn tables_keep_their_merged_cells() {
        let html = r#"<table border="1" style="w"><tbody><tr style="h"><td rowspan="2" width="9" style="s">区分</td><td>1/2</td></tr></tbody></table>"#;
        assert_eq!(
            sanitize_detail(html),
            r#"<table><tbody><tr><td rowspan="2">区分</td><td>1/2</td></tr></tbody></table>"#
        );
    }

    #[test]
    fn sanitising_twice_changes_nothing() {
        let html = r#"<p>a&amp;b <u>c</u>&nbsp;<br></p><ul><li>d</li></ul>"#;
        let once = sanitize_detail(html);
        assert_eq!(sanitize_detail(&once), once);
    }
}
