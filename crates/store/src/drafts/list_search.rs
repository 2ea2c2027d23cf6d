//! The console list's search among every program, through the trigram index of titles and
//! ids (migration 0019). A plain `LIKE '%…%'` reads every title: half a second at a million
//! programs. The index is FTS5's trigram tokenizer on SQLite and a GIN index of trigrams on
//! PostgreSQL (no extension needed); each is asked in its own query language, put together
//! here from what was typed and always bound as a parameter. The list still applies its
//! `LIKE` to what the index finds, so both backends list exactly the programs the plain
//! search lists (`tests/conformance_program_search.rs`).

use crate::StoreError;
use crate::db::{Db, Dialect, query};

/// A 1- or 2-character text is looked up as every trigram that begins with it; past this
/// many, one lookup would cost more than reading the titles in order, which a text that
/// common soon fills a page from.
const MOST_TERMS: i64 = 500;

/// How the index is asked for a searched text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Lookup {
    /// No program's title or id holds the text: no trigram begins with it.
    Nothing,
    /// Too many trigrams begin with the text to look them all up (`MOST_TERMS`).
    TooCommon,
    /// The index's query, to bind: FTS5's on SQLite, a `tsquery` on PostgreSQL.
    Query(String),
}

/// How the index is asked for `text` (trimmed, not empty), lowercased as the list's search
/// lowercases it.
pub(super) async fn lookup(db: Db<'_>, dialect: Dialect, text: &str) -> Result<Lookup, StoreError> {
    let text = text.to_ascii_lowercase();
    let long = text.chars().nth(2).is_some();
    Ok(match (dialect, long) {
        // A phrase: its trigrams, in order.
        (Dialect::Sqlite, true) => Lookup::Query(fts5_string(&text)),
        (Dialect::Sqlite, false) => {
            let terms = terms_beginning(db, &text).await?;
            if terms.is_empty() {
                Lookup::Nothing
            } else if terms.len() as i64 > MOST_TERMS {
                Lookup::TooCommon
            } else {
                let quoted: Vec<String> = terms.iter().map(|t| fts5_string(t)).collect();
                Lookup::Query(quoted.join(" OR "))
            }
        }
        // The text's rarer trigrams, anywhere: the list's `LIKE` then checks the rest.
        (Dialect::Postgres, true) => {
            let chars: Vec<char> = text.chars().collect();
            let mut trigrams: Vec<String> = chars.windows(3).map(String::from_iter).collect();
            trigrams.sort();
            trigrams.dedup();
            let shares = trigram_shares(db, &text).await?;
            let lexemes: Vec<String> = rarest(trigrams, &shares)
                .iter()
                .map(|t| tsquery_lexeme(t))
                .collect();
            Lookup::Query(lexemes.join(" & "))
        }
        (Dialect::Postgres, false) => Lookup::Query(format!("{}:*", tsquery_lexeme(&text))),
    })
}

/// `SELECT p.id FROM …` for the programs that the index finds for `$2` (the
/// [`Lookup::Query`]) and whose title or id matches `$1` (the `LIKE` pattern), each once.
pub(super) fn found_ids(dialect: Dialect) -> &'static str {
    match dialect {
        // `CROSS JOIN` keeps the index first: SQLite has no statistics to know it is the
        // smaller side. `DISTINCT`: a program has two indexed titles while an import that
        // retitles it is staged (migration 0020), and both may hold the text.
        Dialect::Sqlite => {
            "SELECT DISTINCT p.id \
             FROM program_search CROSS JOIN program_search_rows r CROSS JOIN programs p \
             WHERE program_search MATCH $2 AND r.key = program_search.rowid \
             AND p.id = r.program_id \
             AND (LOWER(p.title) LIKE $1 ESCAPE '\\' OR LOWER(p.id) LIKE $1 ESCAPE '\\')"
        }
        Dialect::Postgres => {
            "SELECT p.id FROM programs p \
             WHERE program_search_trigrams(p.title, p.id) @@ CAST($2 AS tsquery) \
             AND (LOWER(p.title) LIKE $1 ESCAPE '\\' OR LOWER(p.id) LIKE $1 ESCAPE '\\')"
        }
    }
}

/// The indexed trigrams that begin with `prefix` (one or two characters), by one range of
/// the index's term list, `MOST_TERMS + 1` at most.
async fn terms_beginning(db: Db<'_>, prefix: &str) -> Result<Vec<String>, StoreError> {
    // Terms sort by their UTF-8 bytes: every term that begins with `prefix` sorts before
    // `prefix` followed by the highest character.
    let end = format!("{prefix}{}", char::MAX);
    query(
        "SELECT term FROM program_search_terms WHERE term >= $1 AND term < $2 \
         ORDER BY term LIMIT $3",
    )
    .bind(prefix)
    .bind(end.as_str())
    .bind(MOST_TERMS + 1)
    .fetch_all_scalars(db)
    .await
}

/// A trigram in more than this share of the programs is left out of a PostgreSQL lookup
/// when rarer ones are there: GIN reads every posting of every trigram asked for (a trigram
/// in every id, `syn` of `synthetic-…`, costs tens of milliseconds at a million programs),
/// and the rarer trigrams alone leave few programs for the `LIKE`.
const COMMON_SHARE: f32 = 0.05;

/// The trigrams to look up: those in fewer than [`COMMON_SHARE`] of the programs by the
/// statistics, or, when every one is more common, the two rarest.
fn rarest(trigrams: Vec<String>, shares: &[(String, f32)]) -> Vec<String> {
    let share = |t: &String| {
        shares
            .iter()
            .find(|(lexeme, _)| lexeme == t)
            .map_or(0.0, |(_, share)| *share)
    };
    let (rare, mut common): (Vec<String>, Vec<String>) =
        trigrams.into_iter().partition(|t| share(t) < COMMON_SHARE);
    if !rare.is_empty() {
        return rare;
    }
    common.sort_by(|a, b| share(a).total_cmp(&share(b)));
    common.truncate(2);
    common
}

/// How common each of `text`'s trigrams is among the programs, by the statistics PostgreSQL
/// keeps of the index (`ANALYZE`, run by autovacuum): the share of programs for the most
/// common ones; a trigram not listed is rarer than all of them. Nothing before the first
/// statistics, and every trigram is then looked up.
async fn trigram_shares(db: Db<'_>, text: &str) -> Result<Vec<(String, f32)>, StoreError> {
    let shares: Vec<(String, f32)> = query(
        "SELECT common.lexeme, common.share
         FROM pg_stats s,
              unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
                  AS common (lexeme, share)
         WHERE s.schemaname = current_schema() AND s.tablename = 'programs_by_trigram'
           AND common.lexeme IN (SELECT substr($1, i, 3)
                                 FROM generate_series(1, length($1) - 2) AS i)",
    )
    .bind(text)
    .fetch_all(db)
    .await?;
    Ok(shares)
}

/// `text` as one FTS5 string: a phrase of its tokens, nothing in it read as syntax.
fn fts5_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `text` as one quoted `tsquery` lexeme, nothing in it read as syntax.
fn tsquery_lexeme(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_leaves_out_common_trigrams_while_rarer_ones_remain() {
        let trigrams = |t: &[&str]| t.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let shares = vec![
            ("syn".to_owned(), 1.0),
            ("ynt".to_owned(), 0.9),
            ("004".to_owned(), 0.015),
        ];
        assert_eq!(
            rarest(trigrams(&["004", "042", "syn"]), &shares),
            ["004", "042"]
        );
        assert_eq!(rarest(trigrams(&["syn", "ynt", "nth"]), &shares), ["nth"]);
        let all_common = vec![
            ("a".to_owned(), 0.5),
            ("b".to_owned(), 0.2),
            ("c".to_owned(), 0.9),
        ];
        assert_eq!(rarest(trigrams(&["a", "b", "c"]), &all_common), ["b", "a"]);
    }

    #[test]
    fn searched_texts_are_quoted_so_that_nothing_in_them_is_syntax() {
        assert_eq!(fts5_string("a \"b\" OR c"), "\"a \"\"b\"\" OR c\"");
        assert_eq!(tsquery_lexeme("a'b\\c & d:*"), "'a''b\\\\c & d:*'");
    }
}
