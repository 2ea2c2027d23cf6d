//! The figures of notices as the console shows them: counts with their unit, the click
//! rate as a percentage, and Japanese names for channels, kinds and states.

use madoguchi_store::{NoticeFigures, NoticeSummary};

use crate::console::audit_csv::jst_time;

/// One line of a table of figures.
#[derive(Debug)]
pub struct FigureRow {
    /// What the line is about: a notice's title, a channel's name.
    pub label: String,
    /// Where the label links, if anywhere.
    pub href: Option<String>,
    pub sent: u64,
    pub waiting: u64,
    pub failed: u64,
    pub unsubscribed: u64,
    pub clicks: u64,
    pub unique_clicks: u64,
    /// `12.5%`, or `－` before anything was sent.
    pub rate: String,
}

impl FigureRow {
    pub fn new(label: String, href: Option<String>, f: &NoticeFigures) -> Self {
        Self {
            label,
            href,
            sent: f.sent,
            waiting: f.waiting,
            failed: f.failed,
            unsubscribed: f.unsubscribed,
            clicks: f.clicks,
            unique_clicks: f.unique_clicks,
            rate: rate_label(f),
        }
    }
}

/// A notice in the list, with what the figures table does not hold.
#[derive(Debug)]
pub struct NoticeRow {
    pub figures: FigureRow,
    pub kind: &'static str,
    pub state: &'static str,
    pub created_at: String,
    pub sent_at: String,
}

impl NoticeRow {
    pub fn of(notice: &NoticeSummary) -> Self {
        Self {
            figures: FigureRow::new(
                notice.title.clone(),
                Some(format!("/console/notices/{}", notice.id)),
                &notice.figures,
            ),
            kind: kind_label(&notice.kind),
            state: state_label(&notice.state),
            created_at: jst_time(notice.created_at),
            sent_at: notice.sent_at.map_or_else(|| "－".to_owned(), jst_time),
        }
    }
}

/// Unique clicks per sent message: `33.3%`.
pub fn rate_label(f: &NoticeFigures) -> String {
    f.click_rate_per_mille().map_or_else(
        || "－".to_owned(),
        |per_mille| format!("{}.{}%", per_mille / 10, per_mille % 10),
    )
}

pub fn channel_label(channel: &str) -> &'static str {
    match channel {
        "email" => "メール",
        "line" => "LINE",
        "webhook" => "連携システム（Webhook）",
        _ => "経路不明",
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "program" => "制度の公開・変更",
        "staff" => "職員が作成",
        _ => "その他",
    }
}

fn state_label(state: &str) -> &'static str {
    match state {
        "draft" => "下書き",
        "pending_approval" => "承認待ち",
        "scheduled" => "送信予約",
        "sent" => "送信済み",
        _ => "不明",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_unique_clicks_per_sent_message_to_a_tenth_of_a_percent() {
        let f = |sent, unique_clicks| NoticeFigures {
            sent,
            unique_clicks,
            ..NoticeFigures::default()
        };
        assert_eq!(rate_label(&f(3, 1)), "33.3%");
        assert_eq!(rate_label(&f(8, 8)), "100.0%");
        assert_eq!(rate_label(&f(0, 0)), "－");
    }
}
