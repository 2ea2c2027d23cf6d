//! Programs as an Atom feed (RFC 4287), written by hand: the format is small and fixed, and
//! every piece of text goes through one escaper.

use std::fmt::Write;

use madoguchi_core::calendar::JST;
use madoguchi_core::program::Program;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::site::view::issuer_label;

/// Who publishes the feed, as the site calls itself.
const SITE_NAME: &str = "支援制度の窓口";

/// The feed document for `entries` (program, updated, published), in the order given.
///
/// `query` is the filter as URL parameters (without `?`, may be empty): the feed's id and
/// `self` link are the feed URL with it, its `alternate` link the program list with it.
/// `now` stands for the feed's `updated` only when there are no entries.
pub fn programs_feed(
    title: &str,
    base: &str,
    query: &str,
    entries: &[(&Program, OffsetDateTime, OffsetDateTime)],
    now: OffsetDateTime,
) -> String {
    let with_query = |path: &str| match query {
        "" => format!("{base}{path}"),
        q => format!("{base}{path}?{q}"),
    };
    let self_url = with_query("/feeds/programs.atom");
    let updated = entries.iter().map(|e| e.1).max().unwrap_or(now);
    let mut xml = String::with_capacity(1024 + entries.len() * 1024);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
    element(&mut xml, "id", &self_url);
    element(&mut xml, "title", title);
    element(&mut xml, "updated", &timestamp(updated));
    link(&mut xml, "self", "application/atom+xml", &self_url);
    link(&mut xml, "alternate", "text/html", &with_query("/programs"));
    xml.push_str("<author>");
    element(&mut xml, "name", SITE_NAME);
    xml.push_str("</author>\n");
    element(&mut xml, "generator", "madoguchi");
    for &(program, updated, published) in entries {
        write_entry(&mut xml, base, program, updated, published);
    }
    xml.push_str("</feed>\n");
    xml
}

fn write_entry(
    xml: &mut String,
    base: &str,
    p: &Program,
    updated: OffsetDateTime,
    published: OffsetDateTime,
) {
    xml.push_str("<entry>\n");
    // A new version is a new entry, so readers show an updated program again.
    element(
        xml,
        "id",
        &format!("urn:madoguchi:program:{}:v{}", p.id, p.version),
    );
    element(xml, "title", p.title.as_str());
    element(xml, "updated", &timestamp(updated));
    element(xml, "published", &timestamp(published));
    link(
        xml,
        "alternate",
        "text/html",
        &format!("{base}/programs/{}", p.id),
    );
    xml.push_str("<author>");
    element(xml, "name", &issuer_label(p));
    xml.push_str("</author>\n");
    let summary = match p.summary.trim() {
        "" => format!("{}（{}）", p.kind.label(), p.issuer.name()),
        text => text.to_owned(),
    };
    let _ = writeln!(xml, "<summary type=\"text\">{}</summary>", escape(&summary));
    for purpose in &p.purposes {
        let _ = writeln!(
            xml,
            "<category term=\"{}\" label=\"{}\"/>",
            escape(purpose.code()),
            escape(purpose.label())
        );
    }
    xml.push_str("</entry>\n");
}

fn element(xml: &mut String, name: &str, text: &str) {
    let _ = writeln!(xml, "<{name}>{}</{name}>", escape(text));
}

fn link(xml: &mut String, rel: &str, media_type: &str, href: &str) {
    let _ = writeln!(
        xml,
        "<link rel=\"{rel}\" type=\"{media_type}\" href=\"{}\"/>",
        escape(href)
    );
}

/// RFC 3339 at +09:00.
fn timestamp(at: OffsetDateTime) -> String {
    // Formatting a valid date as RFC 3339 fails only for years outside 0..=9999.
    at.to_offset(JST).format(&Rfc3339).unwrap_or_default()
}

/// Text and attribute values for XML 1.0: the five markup characters as entities, and the
/// characters XML cannot carry at all (most control characters) dropped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' => out.push(c),
            c if c >= '\u{10000}' => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_characters_xml_cannot_carry_are_dropped() {
        assert_eq!(
            escape("<b>A&B</b> \"x\" 'y'\u{0}\u{1b}\u{FFFE}🍵"),
            "&lt;b&gt;A&amp;B&lt;/b&gt; &quot;x&quot; &apos;y&apos;🍵"
        );
    }
}
