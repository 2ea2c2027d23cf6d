//! Problems with a file as a whole: nothing in it can be imported until the file is fixed.

use thiserror::Error;

/// What a file that is not UTF-8 most likely is, so the message can say how to re-save it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuspectedEncoding {
    /// Excel's default 「CSV（コンマ区切り）」 on Japanese Windows.
    ShiftJis,
    /// Excel's 「Unicode テキスト」.
    Utf16,
    Unknown,
}

/// A file that cannot be read at all. The text says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    #[error("ファイルが空です。取り込むデータが入ったファイルを指定してください。")]
    Empty,
    #[error("{}", not_utf8_message(*.0))]
    NotUtf8(SuspectedEncoding),
    #[error(
        "JSONの形式が正しくありません（{line}行目、{column}文字目）：{detail}。ファイルが壊れていないか、途中で切れていないか確認してください。"
    )]
    MalformedJson {
        line: usize,
        column: usize,
        detail: String,
    },
    #[error("ファイルの形が想定と違います：{0}")]
    UnexpectedShape(String),
    #[error("CSVの{line}行目を読み取れません：{detail}")]
    Csv { line: u64, detail: String },
    #[error("CSVの見出し行に問題があります：{0}")]
    CsvHeader(String),
    #[error(
        "{position}件目のレコードが大きすぎます（1件あたり{limit_mib} MBまで）。ファイルが壊れていないか、別のデータが混ざっていないか確認してください。"
    )]
    RecordTooLarge { position: usize, limit_mib: u64 },
    #[error("ファイルを読み込めません：{0}")]
    Unreadable(String),
    #[error("保存が止まったため、ファイルの読み込みを中断しました。")]
    Interrupted,
}

fn not_utf8_message(encoding: SuspectedEncoding) -> &'static str {
    match encoding {
        SuspectedEncoding::ShiftJis => {
            "文字コードがShift_JISのようです。ExcelではCSV UTF-8（コンマ区切り）形式で保存し直してください。"
        }
        SuspectedEncoding::Utf16 => {
            "文字コードがUTF-16のようです。ExcelではCSV UTF-8（コンマ区切り）形式で保存し直してください。"
        }
        SuspectedEncoding::Unknown => {
            "文字コードがUTF-8ではありません。UTF-8で保存し直してください（ExcelではCSV UTF-8（コンマ区切り）形式）。"
        }
    }
}
