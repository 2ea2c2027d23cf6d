//! Readings (かな) of program names, so that a business owner who types 「じぞくか」 or
//! 「もの作り」 finds 「小規模事業者持続化補助金」 or 「ものづくり補助金」.
//!
//! Readings come from morphological analysis with lindera on IPADIC. The dictionary is never
//! downloaded: it is built once from the IPADIC source that Debian's `mecab-ipadic` package
//! installs (`/usr/share/mecab/dic/ipadic`, or `MADOGUCHI_IPADIC_DIR`) into a cache directory
//! (`MADOGUCHI_DICT_CACHE`, default under the system's temporary directory), and loaded from
//! there afterwards. Where neither is present, search works without readings (bigrams only).
//!
//! Readings are folded further than text: hiragana without voicing marks (「づくり」 and
//! 「つくり」 alike), since a reading typed by a person and one from the dictionary disagree
//! most often on rendaku.

#[cfg(feature = "lindera")]
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[cfg(feature = "lindera")]
use lindera::dictionary::{DictionaryBuilder, Metadata, Schema, load_fs_dictionary};
#[cfg(feature = "lindera")]
use lindera::mode::Mode;
#[cfg(feature = "lindera")]
use lindera::segmenter::Segmenter;
use unicode_normalization::UnicodeNormalization;

use madoguchi_core::text::fold::search::fold_str;
use madoguchi_core::text::script::is_kana;

/// Where Debian's `mecab-ipadic` puts the dictionary source (EUC-JP CSV files).
pub const DEBIAN_IPADIC_DIR: &str = "/usr/share/mecab/dic/ipadic";

#[cfg(feature = "lindera")]
/// IPADIC's fields; the reading is the eighth of the features after the surface, ids and cost.
const IPADIC_FIELDS: [&str; 13] = [
    "surface",
    "left_context_id",
    "right_context_id",
    "cost",
    "part_of_speech",
    "part_of_speech_subcategory_1",
    "part_of_speech_subcategory_2",
    "part_of_speech_subcategory_3",
    "conjugation_form",
    "conjugation_type",
    "base_form",
    "reading",
    "pronunciation",
];
#[cfg(feature = "lindera")]
const READING_DETAIL: usize = 7;

/// A morphological analyser that gives the reading of a text.
pub struct Readings {
    #[cfg(feature = "lindera")]
    segmenter: Segmenter,
}

impl std::fmt::Debug for Readings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Readings(lindera, IPADIC)")
    }
}

/// Why readings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ReadingsError {
    #[error(
        "IPADIC の辞書ソースがありません（{0}）。Debian では `apt-get install mecab-ipadic` で入ります。"
    )]
    NoSource(PathBuf),
    #[error("読み仮名の辞書を作れませんでした：{0}")]
    Build(String),
    #[error("読み仮名の辞書を読み込めませんでした：{0}")]
    Load(String),
    #[error("読み仮名の解析（lindera）を含めずにビルドされています。")]
    Disabled,
}

impl Readings {
    /// The analyser for this machine, built at most once per process; `None` (with the reason)
    /// where the IPADIC source is not installed.
    pub fn shared() -> Result<&'static Readings, &'static ReadingsError> {
        static SHARED: OnceLock<Result<Readings, ReadingsError>> = OnceLock::new();
        SHARED
            .get_or_init(|| Readings::load(&source_dir(), &cache_dir()))
            .as_ref()
    }

    /// Loads the dictionary built from `source` in `cache`, building it there first if needed.
    #[cfg(not(feature = "lindera"))]
    pub fn load(_source: &Path, _cache: &Path) -> Result<Self, ReadingsError> {
        Err(ReadingsError::Disabled)
    }

    /// Loads the dictionary built from `source` in `cache`, building it there first if needed.
    #[cfg(feature = "lindera")]
    pub fn load(source: &Path, cache: &Path) -> Result<Self, ReadingsError> {
        if !source.join("matrix.def").is_file() {
            return Err(ReadingsError::NoSource(source.to_owned()));
        }
        if !cache.join("metadata.json").is_file() {
            build(source, cache)?;
        }
        let dictionary =
            load_fs_dictionary(cache).map_err(|e| ReadingsError::Load(e.to_string()))?;
        Ok(Self {
            segmenter: Segmenter::new(Mode::Normal, dictionary, None),
        })
    }

    /// The folded reading of `text` (hiragana, no voicing marks); words the dictionary does
    /// not know keep their folded spelling.
    pub fn reading(&self, text: &str) -> String {
        let folded_kana = fold_str(text);
        if folded_kana
            .chars()
            .all(|c| is_kana(c) || !c.is_alphabetic())
        {
            // Already a reading: analysing kana only risks a worse split.
            return fold_reading(&folded_kana);
        }
        self.analyse(text)
            .unwrap_or_else(|| fold_reading(&folded_kana))
    }

    /// The reading of `text` as the dictionary gives it — katakana, voicing marks and long
    /// vowels kept (「ビヨウイン」) — for reference data that stores readings to be checked by a
    /// person; words the dictionary does not know keep their spelling. `None` when the text
    /// cannot be analysed.
    pub fn kana(&self, text: &str) -> Option<String> {
        Some(self.token_readings(text)?.concat())
    }

    fn analyse(&self, text: &str) -> Option<String> {
        let tokens = self.token_readings(text)?;
        Some(
            tokens
                .iter()
                .map(|reading| fold_reading(&fold_str(reading)))
                .collect(),
        )
    }

    #[cfg(not(feature = "lindera"))]
    fn token_readings(&self, _text: &str) -> Option<Vec<String>> {
        None
    }

    /// Each token's reading, or its surface where the dictionary has none.
    #[cfg(feature = "lindera")]
    fn token_readings(&self, text: &str) -> Option<Vec<String>> {
        let tokens = self.segmenter.segment(Cow::Borrowed(text)).ok()?;
        Some(
            tokens
                .into_iter()
                .map(|mut token| {
                    let surface = token.surface.to_string();
                    token
                        .get_detail(READING_DETAIL)
                        .filter(|r| *r != "*" && !r.is_empty())
                        .map_or(surface, str::to_owned)
                })
                .collect(),
        )
    }
}

/// Hiragana without voicing marks: 「づ」→「つ」, 「ぱ」→「は」.
pub fn fold_reading(folded: &str) -> String {
    folded
        .nfd()
        .filter(|c| !matches!(c, '\u{3099}' | '\u{309A}'))
        .nfc()
        .collect()
}

fn source_dir() -> PathBuf {
    std::env::var_os("MADOGUCHI_IPADIC_DIR")
        .map_or_else(|| PathBuf::from(DEBIAN_IPADIC_DIR), PathBuf::from)
}

fn cache_dir() -> PathBuf {
    std::env::var_os("MADOGUCHI_DICT_CACHE").map_or_else(
        || std::env::temp_dir().join("madoguchi-lindera-ipadic-6.2"),
        PathBuf::from,
    )
}

#[cfg(feature = "lindera")]
/// Builds into a fresh directory beside `cache` and renames it into place, so that processes
/// building at the same time never load a half-written dictionary.
fn build(source: &Path, cache: &Path) -> Result<(), ReadingsError> {
    let fail = |e: &dyn std::fmt::Display| ReadingsError::Build(e.to_string());
    let staging = cache.with_extension(format!("building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let metadata = Metadata::new(
        "ipadic".to_owned(),
        // Debian ships the IPADIC source as it was released, in EUC-JP.
        "EUC-JP".to_owned(),
        -10000,
        0,
        0,
        "*".to_owned(),
        true,
        false,
        true,
        Schema::new(IPADIC_FIELDS.iter().map(|f| (*f).to_owned()).collect()),
        Schema::new(
            ["surface", "part_of_speech", "reading"]
                .iter()
                .map(|f| (*f).to_owned())
                .collect(),
        ),
    );
    DictionaryBuilder::new(metadata)
        .build_dictionary(source, &staging)
        .map_err(|e| fail(&e))?;
    if let Some(parent) = cache.parent() {
        std::fs::create_dir_all(parent).map_err(|e| fail(&e))?;
    }
    match std::fs::rename(&staging, cache) {
        Ok(()) => Ok(()),
        // Another process finished first: its dictionary is as good as ours.
        Err(_) if cache.join("metadata.json").is_file() => {
            let _ = std::fs::remove_dir_all(&staging);
            Ok(())
        }
        Err(e) => Err(fail(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_fold_voicing_away() {
        assert_eq!(fold_reading("ものづくり"), "ものつくり");
        assert_eq!(fold_reading("ぱそこん"), "はそこん");
    }

    #[test]
    #[cfg(feature = "lindera")]
    fn a_missing_source_is_reported_in_japanese() {
        let err = Readings::load(Path::new("/nonexistent/ipadic"), Path::new("/tmp/x"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("mecab-ipadic"), "{err}");
    }
}
