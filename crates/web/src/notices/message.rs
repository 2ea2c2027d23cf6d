//! The words of a notice: what a subscriber reads about one program, or about a week's
//! programs in a digest, by e-mail (plain text beside HTML) or by LINE (text only, shorter).
//!
//! Every value is formatted the way the site's pages format it (`site::view`, 和暦 beside
//! 西暦 through the program's window label); the HTML comes from the escaping templates in
//! `templates/notice_mail/`. Every message ends with the links to the subscription's
//! settings and to stop the notices, and carries the one-click unsubscribe link for the
//! e-mail's `List-Unsubscribe` header.

use askama::Template;
use madoguchi_core::notices::Event;
use madoguchi_core::program::{Program, Window, application_window};
use madoguchi_store::MessageBody;
use time::Date;

use super::NoticeLinks;
use crate::site::view::{amount_label, days_left_label};

/// Every subject starts with the desk's name, so that a subscriber knows the sender.
const SUBJECT_PREFIX: &str = "【支援制度の窓口】";

/// One program as a notice shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeItem {
    pub title: String,
    /// What happened, in a sentence: 「新しく公開されました」.
    pub event: String,
    /// Why it fits the subscriber, in one line.
    pub reason: String,
    /// 「1,000万円」, where the program states an upper limit.
    pub amount: Option<String>,
    /// 「受付中（2026年3月31日（令和8年）まで）」.
    pub window: String,
    /// The program page, through the tracked redirect.
    pub link: String,
}

impl NoticeItem {
    /// `program` as of `today` (JST), for `event`, with the reason and the tracked link.
    pub fn of(program: &Program, event: Event, reason: String, link: String, today: Date) -> Self {
        let window = application_window(program, today);
        Self {
            title: program.title.to_string(),
            event: event_sentence(event, window, today),
            reason,
            amount: amount_label(program),
            window: window.label(),
            link,
        }
    }
}

/// The short name of an event for a subject line.
pub fn event_subject(event: Event) -> &'static str {
    match event {
        Event::New => "新しく公開",
        Event::Changed => "変更",
        Event::Deadline14 => "締切まで14日",
        Event::Deadline7 => "締切まで7日",
    }
}

/// What happened, said with the days actually left before a deadline.
fn event_sentence(event: Event, window: Window, today: Date) -> String {
    match event {
        Event::New => "新しく公開されました。".to_owned(),
        Event::Changed => "受付期間・金額・要件のいずれかが変更されました。".to_owned(),
        Event::Deadline14 | Event::Deadline7 => window
            .closing_date()
            .and_then(|closes| days_left_label(closes, today))
            .map_or_else(
                || "受付の締切が近づいています。".to_owned(),
                |left| format!("受付の締切が近づいています（{left}）。"),
            ),
    }
}

/// The links at the foot of every message of one subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foot {
    pub manage: String,
    pub unsubscribe: String,
}

impl Foot {
    pub fn of(links: &NoticeLinks, subscription_id: &str) -> Self {
        Self {
            manage: links.manage(subscription_id),
            unsubscribe: links.unsubscribe(subscription_id),
        }
    }
}

#[derive(Template)]
#[template(path = "notice_mail/program.html")]
struct ProgramMail<'a> {
    subject: &'a str,
    lead: &'a str,
    item: &'a NoticeItem,
    foot: &'a Foot,
}

#[derive(Template)]
#[template(path = "notice_mail/digest.html")]
struct DigestMail<'a> {
    subject: &'a str,
    lead: &'a str,
    items: &'a [NoticeItem],
    more: usize,
    more_link: &'a str,
    foot: &'a Foot,
}

/// The message about one program for one subscriber on `channel` (`email` or `line`).
pub fn program_message(
    channel: &str,
    event: Event,
    item: &NoticeItem,
    foot: &Foot,
) -> Result<MessageBody, askama::Error> {
    let subject = format!("{SUBJECT_PREFIX}{}：{}", event_subject(event), item.title);
    let lead = "お知らせの条件に合う支援制度についてお知らせします。";
    if channel == "line" {
        let text = format!(
            "{}\n{}\nお知らせの設定：{}\n配信の停止：{}",
            item.title,
            item_text(item),
            foot.manage,
            foot.unsubscribe
        );
        return Ok(line_body(subject, text));
    }
    let text = format!(
        "支援制度の窓口です。\n{lead}\n\n■ {}\n{}\n{}",
        item.title,
        item_text(item),
        foot_text(foot)
    );
    let html = ProgramMail {
        subject: &subject,
        lead,
        item,
        foot,
    }
    .render()?;
    Ok(email_body(subject, text, html, foot))
}

/// The most programs a digest lists; the rest are counted and linked to the new-programs
/// page.
pub const DIGEST_MAX_ITEMS: usize = 20;

/// LINE digests list fewer, so that the text stays well under LINE's 5,000 characters.
pub const LINE_DIGEST_MAX_ITEMS: usize = 8;

/// The weekly digest of `items` for one subscriber on `channel`; `more_link` lists what
/// does not fit.
pub fn digest_message(
    channel: &str,
    items: &[NoticeItem],
    more_link: &str,
    foot: &Foot,
) -> Result<MessageBody, askama::Error> {
    let subject = format!("{SUBJECT_PREFIX}今週のお知らせ（{}件）", items.len());
    let lead = "この1週間に、お知らせの条件に合う支援制度について次のお知らせがありました。";
    let limit = if channel == "line" {
        LINE_DIGEST_MAX_ITEMS
    } else {
        DIGEST_MAX_ITEMS
    };
    let shown = &items[..items.len().min(limit)];
    let more = items.len() - shown.len();
    let listed: String = shown
        .iter()
        .map(|item| format!("■ {}\n{}\n", item.title, item_text(item)))
        .collect();
    let more_text = if more > 0 {
        format!("ほかに{more}件あります。新着の制度の一覧からご覧ください。\n{more_link}\n\n")
    } else {
        String::new()
    };
    if channel == "line" {
        let text = format!(
            "{lead}\n\n{listed}{more_text}お知らせの設定：{}\n配信の停止：{}",
            foot.manage, foot.unsubscribe
        );
        return Ok(line_body(subject, text));
    }
    let text = format!(
        "支援制度の窓口です。\n{lead}\n\n{listed}{more_text}{}",
        foot_text(foot)
    );
    let html = DigestMail {
        subject: &subject,
        lead,
        items: shown,
        more,
        more_link,
        foot,
    }
    .render()?;
    Ok(email_body(subject, text, html, foot))
}

/// The JSON another municipal system receives about one notice (in the webhook's `text`).
pub fn webhook_message(program: &Program, event: Event, url: &str) -> MessageBody {
    let data = serde_json::json!({
        "program_id": program.id.as_str(),
        "title": program.title.as_str(),
        "event": event.code(),
        "url": url,
    });
    MessageBody {
        subject: format!(
            "{SUBJECT_PREFIX}{}：{}",
            event_subject(event),
            program.title
        ),
        text: data.to_string(),
        html: None,
        unsubscribe: None,
    }
}

/// The body of a notice staff wrote, read once: its lines, with the web addresses in them
/// found so that each can become a tracked link of its own for every recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffBody {
    lines: Vec<Vec<Piece>>,
    urls: Vec<String>,
}

/// A run of a line: plain text, or the web address numbered in [`StaffBody::urls`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Url(usize),
}

/// A run of a line as the e-mail's HTML shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlPiece {
    pub text: String,
    /// The tracked link, for a web address (shown as written).
    pub href: Option<String>,
}

impl StaffBody {
    /// `body` as staff typed it (line ends `\n` or `\r\n`). A web address is `http://` or
    /// `https://` and what follows up to a space, a character outside ASCII or one of
    /// `<>"'`, less a full stop, comma or closing bracket at its end.
    pub fn parse(body: &str) -> Self {
        let mut urls: Vec<String> = Vec::new();
        let lines = body
            .lines()
            .map(|line| {
                let mut pieces = Vec::new();
                let mut rest = line;
                while let Some(start) = find_url(rest) {
                    if start > 0 {
                        pieces.push(Piece::Text(rest[..start].to_owned()));
                    }
                    let url = url_at(&rest[start..]);
                    let n = urls.iter().position(|u| u == url).unwrap_or_else(|| {
                        urls.push(url.to_owned());
                        urls.len() - 1
                    });
                    pieces.push(Piece::Url(n));
                    rest = &rest[start + url.len()..];
                }
                if !rest.is_empty() {
                    pieces.push(Piece::Text(rest.to_owned()));
                }
                pieces
            })
            .collect();
        Self { lines, urls }
    }

    /// The distinct web addresses in the body, in the order they first appear.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// The body as text, each web address replaced by `links[n]` (its tracked link).
    pub fn text(&self, links: &[String]) -> String {
        self.lines
            .iter()
            .map(|line| {
                line.iter()
                    .map(|piece| match piece {
                        Piece::Text(text) => text.as_str(),
                        Piece::Url(n) => links.get(*n).map_or("", String::as_str),
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The lines as the e-mail's HTML shows them: each web address as written, linked to
    /// its tracked link.
    fn html_lines(&self, links: &[String]) -> Vec<Vec<HtmlPiece>> {
        self.lines
            .iter()
            .map(|line| {
                line.iter()
                    .map(|piece| match piece {
                        Piece::Text(text) => HtmlPiece {
                            text: text.clone(),
                            href: None,
                        },
                        Piece::Url(n) => HtmlPiece {
                            text: self.urls[*n].clone(),
                            href: links.get(*n).cloned(),
                        },
                    })
                    .collect()
            })
            .collect()
    }
}

/// Where the next web address in `text` starts.
fn find_url(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The web address `text` starts with (see [`StaffBody::parse`]).
fn url_at(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|&(_, c)| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '\''))
        .map_or(text.len(), |(i, _)| i);
    let mut url = &text[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let trimmed = if trimmed.ends_with(')') && !trimmed.contains('(') {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            return url;
        }
        url = trimmed;
    }
}

#[derive(Template)]
#[template(path = "notice_mail/staff.html")]
struct StaffMail<'a> {
    subject: &'a str,
    title: &'a str,
    lines: Vec<Vec<HtmlPiece>>,
    foot: &'a Foot,
}

/// A notice staff wrote, for one subscriber on `channel` (`email` or `line`): the title,
/// the body with each web address replaced by `links` (the tracked link of each of
/// [`StaffBody::urls`], in order), and the foot every notice has.
pub fn staff_message(
    channel: &str,
    title: &str,
    body: &StaffBody,
    links: &[String],
    foot: &Foot,
) -> Result<MessageBody, askama::Error> {
    let subject = format!("{SUBJECT_PREFIX}{title}");
    let text = body.text(links);
    if channel == "line" {
        let text = format!(
            "{title}\n\n{text}\n\nお知らせの設定：{}\n配信の停止：{}",
            foot.manage, foot.unsubscribe
        );
        return Ok(line_body(subject, text));
    }
    let text = format!(
        "支援制度の窓口です。\n\n■ {title}\n{text}\n\n{}",
        foot_text(foot)
    );
    let html = StaffMail {
        subject: &subject,
        title,
        lines: body.html_lines(links),
        foot,
    }
    .render()?;
    Ok(email_body(subject, text, html, foot))
}

/// An e-mail: text beside HTML, and the one-click unsubscribe link for its header.
fn email_body(subject: String, text: String, html: String, foot: &Foot) -> MessageBody {
    MessageBody {
        subject,
        text,
        html: Some(html),
        unsubscribe: Some(foot.unsubscribe.clone()),
    }
}

/// A LINE text: no HTML, and no e-mail header to carry an unsubscribe link (the text does).
fn line_body(subject: String, text: String) -> MessageBody {
    MessageBody {
        subject,
        text,
        html: None,
        unsubscribe: None,
    }
}

/// One program's lines below its title.
fn item_text(item: &NoticeItem) -> String {
    let amount = item
        .amount
        .as_ref()
        .map(|amount| format!("上限額：{amount}\n"))
        .unwrap_or_default();
    format!(
        "{}\n{}\n{amount}受付期間：{}\n詳しく見る：{}\n",
        item.event, item.reason, item.window, item.link
    )
}

fn foot_text(foot: &Foot) -> String {
    format!(
        "――\nこのメールは、お知らせの受け取りを登録された方にお送りしています。\nお知らせの設定の確認・変更：{}\n配信の停止：{}\n",
        foot.manage, foot.unsubscribe
    )
}

#[cfg(test)]
mod tests {
    use madoguchi_core::demo::CATALOGUE;
    use time::macros::date;

    use super::*;
    use crate::notices::NoticeKeys;

    fn program(id: &str) -> Program {
        CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| madoguchi_core::import::own::parse(bytes).unwrap().programs)
            .find(|p| p.id.as_str() == id)
            .unwrap()
    }

    fn foot() -> Foot {
        let links = NoticeLinks::new(NoticeKeys::from_secret(b"k"), "https://city.example.jp");
        Foot::of(&links, "sub1")
    }

    #[test]
    fn an_email_names_the_program_the_event_the_reason_and_every_link() {
        let mut p = program("demo-mie-dx-center");
        p.title = madoguchi_core::program::Title::parse("<b>DX</b> & 相談").unwrap();
        let item = NoticeItem::of(
            &p,
            Event::New,
            "対象：「所在地が三重県の区域内」を満たしています".to_owned(),
            "https://city.example.jp/r/l1/t1".to_owned(),
            date!(2026 - 06 - 01),
        );
        let foot = foot();
        let body = program_message("email", Event::New, &item, &foot).unwrap();
        assert_eq!(
            body.subject,
            "【支援制度の窓口】新しく公開：<b>DX</b> & 相談"
        );
        assert!(
            body.text.contains("新しく公開されました。"),
            "{}",
            body.text
        );
        assert!(
            body.text
                .contains("対象：「所在地が三重県の区域内」を満たしています")
        );
        assert!(
            body.text
                .contains("詳しく見る：https://city.example.jp/r/l1/t1")
        );
        assert!(body.text.contains(&foot.manage));
        assert_eq!(body.unsubscribe.as_deref(), Some(foot.unsubscribe.as_str()));
        let html = body.html.unwrap();
        assert!(
            html.contains("&#60;b&#62;DX&#60;/b&#62; &#38; 相談"),
            "{html}"
        );
        assert!(!html.contains("<b>DX"), "{html}");
        assert!(
            html.contains(r#"href="https://city.example.jp/r/l1/t1""#),
            "{html}"
        );
        assert!(html.contains(&foot.unsubscribe), "{html}");
    }

    #[test]
    fn a_line_message_is_text_only_with_its_links_in_the_text() {
        let item = NoticeItem::of(
            &program("demo-suzuka-sogyo"),
            Event::Deadline7,
            "条件付きで対象：確認が必要です".to_owned(),
            "https://city.example.jp/r/l2/t2".to_owned(),
            date!(2026 - 06 - 01),
        );
        let foot = foot();
        let body = program_message("line", Event::Deadline7, &item, &foot).unwrap();
        assert_eq!(body.html, None);
        assert_eq!(body.unsubscribe, None);
        assert!(body.subject.contains("締切まで7日"), "{}", body.subject);
        assert!(body.text.contains(&foot.unsubscribe), "{}", body.text);
        assert!(body.text.contains("https://city.example.jp/r/l2/t2"));
        assert!(!body.text.contains("\n\n\n"), "{}", body.text);
    }

    #[test]
    fn a_digest_lists_its_items_and_counts_what_does_not_fit() {
        let p = program("demo-mie-dx-center");
        let items: Vec<NoticeItem> = (0..LINE_DIGEST_MAX_ITEMS + 2)
            .map(|n| {
                NoticeItem::of(
                    &p,
                    Event::Changed,
                    format!("理由{n}"),
                    format!("https://city.example.jp/r/l{n}/t"),
                    date!(2026 - 06 - 01),
                )
            })
            .collect();
        let email = digest_message("email", &items, "https://x/new", &foot()).unwrap();
        assert!(email.subject.contains(&format!("{}件", items.len())));
        assert!(email.text.contains("理由9"), "{}", email.text);
        assert!(!email.text.contains("ほかに"), "{}", email.text);
        let line = digest_message("line", &items, "https://x/new", &foot()).unwrap();
        assert!(line.text.contains("ほかに2件あります"), "{}", line.text);
        assert!(!line.text.contains("理由9"), "{}", line.text);
    }

    #[test]
    fn a_staff_body_finds_each_web_address_once_and_leaves_the_words_around_it() {
        let body = StaffBody::parse(
            "説明会の詳細はhttps://city.example.jp/events/1。\r\n申込（https://city.example.jp/form?a=1&b=2）はこちら\n再掲：https://city.example.jp/events/1.",
        );
        assert_eq!(
            body.urls(),
            [
                "https://city.example.jp/events/1",
                "https://city.example.jp/form?a=1&b=2"
            ]
        );
        let text = body.text(&["[1]".to_owned(), "[2]".to_owned()]);
        assert_eq!(text, "説明会の詳細は[1]。\n申込（[2]）はこちら\n再掲：[1].");
        assert_eq!(StaffBody::parse("リンクなし").urls().len(), 0);
        assert_eq!(
            StaffBody::parse("(see http://x.example/a)").urls(),
            ["http://x.example/a"]
        );
    }

    #[test]
    fn a_staff_notice_links_through_its_tracked_links_and_escapes_what_staff_typed() {
        let body = StaffBody::parse("<b>説明会</b> & 相談会\nhttps://city.example.jp/e?x=1&y=2");
        let links = ["https://city.example.jp/r/l1/t1".to_owned()];
        let foot = foot();
        let email = staff_message("email", "説明会のご案内", &body, &links, &foot).unwrap();
        assert_eq!(email.subject, "【支援制度の窓口】説明会のご案内");
        assert!(
            email.text.contains(
                "■ 説明会のご案内\n<b>説明会</b> & 相談会\nhttps://city.example.jp/r/l1/t1"
            ),
            "{}",
            email.text
        );
        assert!(email.text.contains(&foot.manage));
        assert_eq!(
            email.unsubscribe.as_deref(),
            Some(foot.unsubscribe.as_str())
        );
        let html = email.html.unwrap();
        assert!(
            html.contains("&#60;b&#62;説明会&#60;/b&#62; &#38; 相談会"),
            "{html}"
        );
        assert!(
            html.contains(r#"<a href="https://city.example.jp/r/l1/t1">https://city.example.jp/e?x=1&#38;y=2</a>"#),
            "{html}"
        );
        assert!(html.contains(&foot.unsubscribe), "{html}");
        let line = staff_message("line", "説明会のご案内", &body, &links, &foot).unwrap();
        assert_eq!((line.html, line.unsubscribe), (None, None));
        assert!(
            line.text.starts_with("説明会のご案内\n\n<b>説明会</b>"),
            "{}",
            line.text
        );
        assert!(line.text.contains(&foot.unsubscribe));
    }

    #[test]
    fn a_webhook_carries_the_program_event_and_url_as_json() {
        let p = program("demo-mie-dx-center");
        let body = webhook_message(&p, Event::Changed, "https://city.example.jp/programs/x");
        let json: serde_json::Value = serde_json::from_str(&body.text).unwrap();
        assert_eq!(json["program_id"], "demo-mie-dx-center");
        assert_eq!(json["event"], "changed");
        assert_eq!(json["url"], "https://city.example.jp/programs/x");
    }
}
