//! What a browser would post for a rendered form, so tests prove that the page's controls
//! and the server's reader agree on every name (HTML's rules for successful controls).
//! Shared by the unit tests and, through `#[path]`, the console's integration tests.

use scraper::{ElementRef, Html, Selector};

/// The pairs a browser sends when the editor's form (`form.editor`) of `html` is submitted
/// with `button`.
pub fn submit(html: &str, button: Option<(&str, &str)>) -> Vec<(String, String)> {
    let doc = Html::parse_document(html);
    let editor = Selector::parse("form.editor").unwrap_or_else(|_| unreachable!("constant"));
    let controls =
        Selector::parse("input, select, textarea").unwrap_or_else(|_| unreachable!("constant"));
    let Some(form) = doc.select(&editor).next() else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    for control in form.select(&controls) {
        let element = control.value();
        let Some(name) = element.attr("name") else {
            continue;
        };
        if element.attr("disabled").is_some() {
            continue;
        }
        match element.name() {
            "input" => {
                let kind = element.attr("type").unwrap_or("text");
                let value = element.attr("value").unwrap_or_default();
                match kind {
                    "checkbox" | "radio" => {
                        if element.attr("checked").is_some() {
                            let value = if value.is_empty() { "on" } else { value };
                            pairs.push((name.to_owned(), value.to_owned()));
                        }
                    }
                    "submit" | "button" | "image" | "reset" | "file" => {}
                    _ => pairs.push((name.to_owned(), value.to_owned())),
                }
            }
            "select" => pairs.extend(selected(control).map(|v| (name.to_owned(), v))),
            _ => pairs.push((name.to_owned(), control.text().collect())),
        }
    }
    if let Some((name, value)) = button {
        pairs.push((name.to_owned(), value.to_owned()));
    }
    pairs
}

/// A single select's chosen option: the one marked `selected`, else the first.
fn selected(select: ElementRef<'_>) -> Option<String> {
    let options = Selector::parse("option").unwrap_or_else(|_| unreachable!("constant"));
    let mut first = None;
    for option in select.select(&options) {
        let value = option
            .value()
            .attr("value")
            .map(str::to_owned)
            .unwrap_or_else(|| option.text().collect());
        if option.value().attr("selected").is_some() {
            return Some(value);
        }
        first.get_or_insert(value);
    }
    first
}
