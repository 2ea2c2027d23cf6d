//! Reading JSON files and records with errors staff can act on.
//!
//! serde_json reports in English ("missing field `kind`", "EOF while parsing a list"). Whole-
//! file syntax errors become [`ImportError::MalformedJson`] with the line and column; errors in
//! one record are put into Japanese here, keeping the field name so that the record can be found.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;

use super::ImportError;

/// Parses a whole file, refusing broken JSON with its position.
#[cfg(test)]
pub(crate) fn parse_document(text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| malformed(&e))
}

/// A file that is not JSON, with where it stops being JSON.
pub(crate) fn malformed(e: &serde_json::Error) -> ImportError {
    ImportError::MalformedJson {
        line: e.line(),
        column: e.column(),
        detail: match e.classify() {
            Category::Eof => "ファイルが途中で終わっています".to_owned(),
            Category::Syntax => "括弧・引用符・カンマの使い方が正しくありません".to_owned(),
            Category::Data | Category::Io => record_error(e),
        },
    }
}

/// Reads one record into `T`, with a Japanese reason on failure.
pub(crate) fn from_record<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| record_error(&e))
}

/// The top-level array of a file, or a shape error naming what was expected.
#[cfg(test)]
pub(crate) fn expect_array(value: Value, what: &str) -> Result<Vec<Value>, ImportError> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(ImportError::UnexpectedShape(format!(
            "{what}の配列（[ … ]）を想定していましたが、{}でした。",
            kind_of(&other)
        ))),
    }
}

/// 「オブジェクト（{ … }）」, 「文字列」: how a JSON value is called in messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "真偽値",
        Value::Number(_) => "数値",
        Value::String(_) => "文字列",
        Value::Array(_) => "配列（[ … ]）",
        Value::Object(_) => "オブジェクト（{ … }）",
    }
}

/// Translates serde's English messages; our own value errors are already Japanese.
fn record_error(e: &serde_json::Error) -> String {
    let raw = e.to_string();
    // serde appends " at line N column M" for errors found while reading text.
    let message = raw.split(" at line ").next().unwrap_or(&raw);
    if let Some(field) = between(message, "missing field `", "`") {
        return format!("項目「{field}」がありません。");
    }
    if let Some(field) = between(message, "unknown field `", "`") {
        return format!("項目「{field}」は使えません。項目名の綴りを確認してください。");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return format!("値の型が違います（{found} ではなく {expected} が必要です）。");
    }
    if let Some(variant) = between(message, "unknown variant `", "`") {
        return format!("「{variant}」は使えない値です。");
    }
    message.to_owned()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.split_once(start)?.1;
    Some(rest.split_once(end)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::Title;

    #[test]
    fn broken_json_is_reported_with_line_and_column() {
        let err = parse_document("[\n  {\"id\": 1,\n").unwrap_err();
        assert!(
            matches!(err, ImportError::MalformedJson { line: 3, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("途中で終わっています"), "{err}");
        let err = parse_document("[{\"id\" 1}]").unwrap_err().to_string();
        assert!(err.contains("1行目、8文字目"), "{err}");
        assert!(err.contains("括弧・引用符・カンマ"), "{err}");
    }

    #[test]
    fn an_object_where_an_array_belongs_names_both() {
        let err = expect_array(serde_json::json!({"programs": []}), "制度")
            .unwrap_err()
            .to_string();
        assert!(err.contains("制度の配列"), "{err}");
        assert!(err.contains("オブジェクト"), "{err}");
    }

    #[test]
    fn record_errors_are_put_into_japanese() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Rec {
            id: String,
            title: Title,
        }
        let missing = from_record::<Rec>(serde_json::json!({"id": "a"})).unwrap_err();
        assert_eq!(missing, "項目「title」がありません。");
        let unknown =
            from_record::<Rec>(serde_json::json!({"id": "a", "title": "t", "x": 1})).unwrap_err();
        assert!(unknown.contains("項目「x」は使えません"), "{unknown}");
        let ours = from_record::<Rec>(serde_json::json!({"id": "a", "title": " "})).unwrap_err();
        assert_eq!(ours, "制度名が空です。制度名を入力してください。");
        let typed = from_record::<Rec>(serde_json::json!({"id": 5, "title": "t"})).unwrap_err();
        assert!(typed.contains("値の型が違います"), "{typed}");
    }
}
