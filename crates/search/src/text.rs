//! Plain text of the sanitised outline HTML, for indexing only (never shown).

/// The text of `html` with tags dropped (block tags become line breaks) and the entities the
/// sanitiser writes decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push('\n');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_and_entities_are_decoded() {
        assert_eq!(
            plain_text("<p>補助率 2/3&amp;上限</p><ul><li>A&lt;B</li></ul>"),
            "\n補助率 2/3&上限\n\n\nA<B\n\n"
        );
    }
}
