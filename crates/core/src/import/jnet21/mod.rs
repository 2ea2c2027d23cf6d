//! Importer for J-Net21 支援情報ヘッドライン, the SME agency's digest of prefectural and
//! municipal support notices, as the collector stores it: a JSON array of
//! `{id, title, link, summary, published, source, fetched_at}`.
//!
//! The collector also scraped search pages, whose rows repeat articles with navigation text
//! for a summary; those and other junk are reported as invalid, and notices that are not
//! programs (seminars, exhibitions) as skipped. See `program.rs` for the mapping. Displays of
//! the data must carry the J-Net21 attribution ([`crate::program::Source::attribution`]).

mod notice;
mod program;
mod window;

use std::collections::HashMap;
use std::io::Read;
use std::ops::ControlFlow;

use super::batch::{Outcome, import_objects};
use super::json::from_record;
use super::stream::Shape;
use super::text::open;
use super::{ImportBatch, ImportError, ImportReport};
use crate::program::Program;

/// Reads a J-Net21 file. Every item carries the time it was read, so no date is passed in.
pub fn parse(bytes: &[u8]) -> Result<ImportBatch, ImportError> {
    ImportBatch::collect(|sink| read(bytes, sink))
}

/// Reads a J-Net21 file item by item, handing each program to `sink` as it is built.
pub fn read(
    reader: impl Read,
    sink: &mut dyn FnMut(Program) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    let opened = open(reader)?;
    // The same article reached through two pages is one notice.
    let mut articles: HashMap<String, String> = HashMap::new();
    let shape = Shape::Array("J-Net21の記事");
    import_objects(opened.reader, shape, "記事", sink, |value, label| {
        from_record::<program::Item>(value)
            .and_then(|item| {
                let article = article_key(item.link.as_deref().unwrap_or_default());
                let outcome = program::to_program(item)?;
                if let Outcome::Imported { .. } = outcome {
                    if let Some(first) = articles.get(&article) {
                        return Err(format!(
                            "同じ記事（{article}）を{first}で取り込み済みです。"
                        ));
                    }
                    articles.insert(article, label.to_owned());
                }
                Ok(outcome)
            })
            .into()
    })
}

/// 「articles/177461」 for any host or path that ends in an article number, else the link.
fn article_key(link: &str) -> String {
    let link = link.trim().trim_end_matches('/');
    match link.rsplit_once("/articles/") {
        Some((_, number)) if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
            format!("articles/{number}")
        }
        _ => link.to_owned(),
    }
}
