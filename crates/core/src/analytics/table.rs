//! The dashboard's tables as rows of text, suppression applied: the page shows them beside
//! the charts (for screen readers and for reading the figures) and the CSV export writes the
//! very same rows, so the two can never disagree or leak a small count.

use super::{Dashboard, ProgramRow, rate_shown, shown};

/// Programs per list on the page; the CSV files hold every one.
const TOP: usize = 10;

/// One of the dashboard's tables, named in its CSV file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Trend,
    Funnel,
    Questions,
    TopViewed,
    TopEligible,
    Programs,
    Words,
    Notices,
}

impl TableKind {
    pub const ALL: [Self; 8] = [
        Self::Trend,
        Self::Funnel,
        Self::Questions,
        Self::TopViewed,
        Self::TopEligible,
        Self::Programs,
        Self::Words,
        Self::Notices,
    ];

    /// The name in URLs and file names.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Trend => "trend",
            Self::Funnel => "funnel",
            Self::Questions => "questions",
            Self::TopViewed => "top-viewed",
            Self::TopEligible => "top-eligible",
            Self::Programs => "programs",
            Self::Words => "zero-results",
            Self::Notices => "notices",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The table's caption.
    pub fn title(self) -> &'static str {
        match self {
            Self::Trend => "日ごとの推移",
            Self::Funnel => "診断から相談まで",
            Self::Questions => "質問ごとの回答と離脱",
            Self::TopViewed => "よく見られた制度",
            Self::TopEligible => "「対象」と判定された回数の多い制度",
            Self::Programs => "制度ごとの表示・判定・公式ページへのリンク",
            Self::Words => "結果が0件だった検索の言葉",
            Self::Notices => "お知らせの送信とクリック",
        }
    }
}

/// A table: its header and its rows, every count already suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub kind: TableKind,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Names for the keys: a program's title from its id, a question from its field code.
pub trait KeyNames {
    fn program(&self, id: &str) -> String;
    fn question(&self, field: &str) -> String;
}

impl Dashboard {
    /// One table. `whole` gives every row (for CSV); otherwise long lists are cut to what
    /// the page shows.
    pub fn table(&self, kind: TableKind, names: &dyn KeyNames, whole: bool) -> Table {
        let cut = |n: usize| if whole { usize::MAX } else { n };
        let (header, rows): (Vec<&'static str>, Vec<Vec<String>>) = match kind {
            TableKind::Trend => (
                vec![
                    "日付",
                    "診断の開始",
                    "診断の完了",
                    "相談の申込み",
                    "制度ページの表示",
                    "結果0件の検索",
                ],
                self.trend
                    .iter()
                    .map(|d| {
                        vec![
                            d.day.map(|d| d.to_string()).unwrap_or_default(),
                            shown(d.started),
                            shown(d.finished),
                            shown(d.consultations),
                            shown(d.views),
                            shown(d.zero_results),
                        ]
                    })
                    .collect(),
            ),
            TableKind::Funnel => {
                let funnel = self.funnel();
                let first = funnel.first().map_or(0, |s| s.n);
                (
                    vec!["段階", "件数", "診断の開始に対する割合"],
                    funnel
                        .iter()
                        .map(|s| vec![s.label.to_owned(), shown(s.n), rate_shown(s.n, first)])
                        .collect(),
                )
            }
            TableKind::Questions => (
                vec!["質問", "表示", "回答", "回答されずに終わった回数"],
                self.questions
                    .iter()
                    .take(cut(usize::MAX))
                    .map(|q| {
                        vec![
                            names.question(&q.field),
                            shown(q.reached),
                            shown(q.answered),
                            shown(q.stopped()),
                        ]
                    })
                    .collect(),
            ),
            TableKind::TopViewed => (
                vec!["制度", "表示"],
                self.top_viewed(cut(TOP))
                    .iter()
                    .map(|p| vec![names.program(&p.program), shown(p.views)])
                    .collect(),
            ),
            TableKind::TopEligible => (
                vec!["制度", "「対象」の回数"],
                self.top_eligible(cut(TOP))
                    .iter()
                    .map(|p| vec![names.program(&p.program), shown(p.verdicts[0])])
                    .collect(),
            ),
            TableKind::Programs => (
                vec![
                    "制度",
                    "制度ID",
                    "表示",
                    "公式ページへのリンク",
                    "対象",
                    "条件付きで対象",
                    "要確認",
                    "対象外",
                ],
                self.programs
                    .iter()
                    .take(cut(TOP))
                    .map(|p| program_row(p, names))
                    .collect(),
            ),
            TableKind::Words => (
                vec!["検索の言葉", "回数"],
                self.words
                    .iter()
                    .take(cut(50))
                    .map(|w| {
                        let words = if w.is_overflow() {
                            "（1日の上限を超えたその他の言葉）".to_owned()
                        } else {
                            w.words.clone()
                        };
                        vec![words, shown(w.n)]
                    })
                    .collect(),
            ),
            TableKind::Notices => (
                vec!["項目", "件数"],
                vec![
                    vec!["送信したお知らせ".to_owned(), shown(self.notices.sent)],
                    vec![
                        "お知らせのリンクのクリック".to_owned(),
                        shown(self.notices.clicks),
                    ],
                ],
            ),
        };
        Table { kind, header, rows }
    }
}

fn program_row(p: &ProgramRow, names: &dyn KeyNames) -> Vec<String> {
    let mut row = vec![
        names.program(&p.program),
        p.program.clone(),
        shown(p.views),
        shown(p.official_clicks),
    ];
    row.extend(p.verdicts.iter().map(|n| shown(*n)));
    row
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::analytics::{KeyTotal, Metric, NoticeTotals, Period};

    struct Ids;

    impl KeyNames for Ids {
        fn program(&self, id: &str) -> String {
            format!("制度{id}")
        }
        fn question(&self, field: &str) -> String {
            format!("質問{field}")
        }
    }

    #[test]
    fn every_table_suppresses_small_counts_and_names_its_keys() {
        let keys = [
            KeyTotal {
                metric: Metric::ProgramView,
                key: "a".to_owned(),
                n: 3,
            },
            KeyTotal {
                metric: Metric::VerdictEligible,
                key: "a".to_owned(),
                n: 1200,
            },
        ];
        let dashboard = Dashboard::build(
            Period::last_days(date!(2026 - 08 - 21), 2),
            &[],
            &keys,
            NoticeTotals { sent: 7, clicks: 1 },
        );
        let programs = dashboard.table(TableKind::Programs, &Ids, true);
        assert_eq!(
            programs.rows,
            [[
                "制度a", "a", "5未満", "5未満", "1,200", "5未満", "5未満", "5未満"
            ]]
        );
        assert_eq!(programs.header.len(), programs.rows[0].len());
        let notices = dashboard.table(TableKind::Notices, &Ids, false);
        assert_eq!(notices.rows[0][1], "7");
        assert_eq!(notices.rows[1][1], "5未満");
        for kind in TableKind::ALL {
            let table = dashboard.table(kind, &Ids, true);
            assert!(table.rows.iter().all(|r| r.len() == table.header.len()));
            assert_eq!(TableKind::parse(kind.slug()), Some(kind));
        }
    }
}
