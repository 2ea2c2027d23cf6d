//! The input generator: takes a seed from the real data and breaks it the way uploads and
//! hand edits break, keeping enough structure that the parser gets past its first check.
//!
//! JSON inputs are mutated as a tree (values swapped between records, keys added and
//! removed, nodes nested deeply, numbers made huge, strings made Japanese) and then, now and
//! then, as bytes. CSV inputs are mutated by line and by cell. Text inputs (amounts, dates)
//! are mutated by character with a dictionary of the tokens those parsers read. Every input
//! may also get byte-level damage: invalid UTF-8, a BOM, Shift_JIS bytes, truncation.

use serde_json::{Map, Number, Value};

use crate::rng::Rng;

/// Inputs longer than this are cut: the parsers are linear, long inputs only slow the run.
pub const MAX_LEN: usize = 64 * 1024;

/// How a target's inputs are structured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Json,
    Csv,
    Text,
}

/// Tokens the parsers look for, and characters that trip text handling.
const TOKENS: &[&str] = &[
    // amounts
    "兆",
    "億",
    "万",
    "千",
    "百",
    "十",
    "円",
    "¥",
    "￥",
    ",",
    "，",
    ".",
    "．",
    "〇",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "零",
    "壱",
    "弐",
    "拾",
    "１",
    "０",
    "９",
    "５",
    "−",
    "-",
    "+",
    "〜",
    "～",
    "から",
    "まで",
    "約",
    "以上",
    "以下",
    "未満",
    "超",
    "%",
    "％",
    "/",
    "分の",
    "1/2",
    "2/3",
    "定額",
    "上限",
    // dates
    "令和",
    "平成",
    "昭和",
    "大正",
    "明治",
    "元年",
    "年",
    "月",
    "日",
    "年度",
    "時",
    "分",
    "T",
    "Z",
    "+09:00",
    "-00:00",
    "+14:00",
    ":",
    " ",
    "（火曜日）",
    "2026",
    "02",
    "29",
    "30",
    "31",
    "13",
    "00",
    "9999",
    "10000",
    "-0001",
    "0000",
    "R8",
    "H31",
    "令和８年３月２４日",
    "9999-12-31T23:59:59-12:00",
    "0000-01-01T00:00:00+14:00",
    "2026-02-29",
    "24:00",
    // vocabularies and text
    "わからない",
    "不明",
    "なし",
    "株式会社",
    "個人事業主",
    "全国",
    "東京都",
    "131113",
    "462012",
    "99",
    "E",
    "受付中",
    "募集終了",
    "補助金",
    "助成金",
    "融資",
    "\u{3000}",
    "\u{FEFF}",
    "\u{200B}",
    "\u{0301}",
    "\u{FF10}",
    "𠮷",
    "🙂",
    "\u{202E}",
    "\0",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "<script>",
    "<p>",
    "</p>",
    "&amp;",
    "&#0;",
    "<a href=\"javascript:alert(1)\">",
    "<!--",
    "]]>",
    "⾦",
    "ｶﾞ",
    "ヴ",
    // JSON and CSV structure
    "{",
    "}",
    "[",
    "]",
    ":",
    "null",
    "true",
    "false",
    "\"\"",
    "[]",
    "{}",
    ",,",
    "\"\"\"",
];

/// Numbers around the edges of every integer and float type the model uses.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "255",
    "256",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "99999999999999999999999999999",
    "0.5",
    "1.5",
    "1e3",
    "1e308",
    "1e309",
    "-1e309",
    "1E-400",
    "0.0000001",
    "1.0",
    "１８４４６７４４０７３７０９５５１６１６",
    "2147483648",
    "1989",
    "2100",
    "2101",
    "1988",
];

/// Byte sequences that are not UTF-8, or are another encoding.
const BYTES: &[&[u8]] = &[
    &[0xEF, 0xBB, 0xBF],                   // UTF-8 BOM
    &[0xFF, 0xFE],                         // UTF-16LE BOM
    &[0xFE, 0xFF],                         // UTF-16BE BOM
    &[0xFF],                               // never UTF-8
    &[0xC0, 0x80],                         // overlong NUL
    &[0xED, 0xA0, 0x80],                   // surrogate
    &[0xE3, 0x81],                         // truncated 3-byte sequence
    &[0xF4, 0x90, 0x80, 0x80],             // above U+10FFFF
    &[0x95, 0xE2, 0x8F, 0x95, 0x8B, 0xE0], // 「補助金」 in Shift_JIS
    &[0x82, 0xA0, 0x82, 0xA2],             // 「あい」 in Shift_JIS
    &[0x8E, 0xA6],                         // half-width katakana in EUC-JP
    &[0x00],
    &[0x1B, 0x24, 0x42], // ISO-2022-JP escape
];

/// Material collected from the seeds: keys, strings and sub-values to swap in.
#[derive(Debug, Default)]
pub struct Corpus {
    pub seeds: Vec<Vec<u8>>,
    json: Vec<Value>,
    keys: Vec<String>,
    strings: Vec<String>,
    values: Vec<Value>,
}

impl Corpus {
    pub fn new(seeds: Vec<Vec<u8>>) -> Self {
        let mut corpus = Corpus {
            json: seeds
                .iter()
                .filter_map(|s| serde_json::from_slice(s).ok())
                .collect(),
            seeds,
            ..Corpus::default()
        };
        let mut rng = Rng::new(0x5eed);
        let json = std::mem::take(&mut corpus.json);
        for value in &json {
            corpus.collect(value, &mut rng);
        }
        corpus.json = json;
        corpus.keys.sort();
        corpus.keys.dedup();
        corpus
    }

    fn collect(&mut self, value: &Value, rng: &mut Rng) {
        const CAP: usize = 4000;
        let keep = |pool_len: usize, rng: &mut Rng| pool_len < CAP || rng.chance(1, 8);
        match value {
            Value::String(s) if s.chars().count() <= 120 && keep(self.strings.len(), rng) => {
                push_capped(&mut self.strings, s.clone(), CAP, rng);
            }
            Value::Array(items) => items.iter().for_each(|v| self.collect(v, rng)),
            Value::Object(map) => {
                for (key, item) in map {
                    self.keys.push(key.clone());
                    self.collect(item, rng);
                }
            }
            _ => {}
        }
        let small = !matches!(value, Value::Array(a) if a.len() > 8)
            && !matches!(value, Value::Object(m) if m.len() > 12);
        if small && keep(self.values.len(), rng) {
            push_capped(&mut self.values, value.clone(), CAP, rng);
        }
    }

    /// A new input for a target of this shape.
    pub fn generate(&self, rng: &mut Rng, shape: Shape) -> Vec<u8> {
        let mut out = match shape {
            Shape::Json if !self.json.is_empty() && rng.chance(7, 8) => {
                let mut value = self.json[rng.below(self.json.len())].clone();
                for _ in 0..1 + rng.below(4) {
                    self.mutate_tree(&mut value, rng);
                }
                let bytes = if rng.chance(1, 8) {
                    serde_json::to_vec_pretty(&value)
                } else {
                    serde_json::to_vec(&value)
                };
                bytes.unwrap_or_default()
            }
            Shape::Csv => {
                let mut text = self.seed_text(rng);
                for _ in 0..1 + rng.below(3) {
                    self.mutate_csv(&mut text, rng);
                }
                text.into_bytes()
            }
            Shape::Text => {
                let mut text = self.seed_text(rng);
                for _ in 0..1 + rng.below(4) {
                    self.mutate_text(&mut text, rng);
                }
                text.into_bytes()
            }
            Shape::Json => self.seed(rng).to_vec(),
        };
        let byte_rounds = match shape {
            Shape::Text => usize::from(rng.chance(1, 4)),
            _ if rng.chance(1, 4) => 1 + rng.below(3),
            _ => 0,
        };
        for _ in 0..byte_rounds {
            self.mutate_bytes(&mut out, rng);
        }
        out.truncate(MAX_LEN);
        out
    }

    fn seed(&self, rng: &mut Rng) -> &[u8] {
        self.seeds
            .get(rng.below(self.seeds.len()))
            .map_or(&[][..], Vec::as_slice)
    }

    fn seed_text(&self, rng: &mut Rng) -> String {
        String::from_utf8_lossy(self.seed(rng)).into_owned()
    }

    fn token(&self, rng: &mut Rng) -> String {
        match rng.below(6) {
            0 => pick_str(NUMBERS, rng).to_owned(),
            1 => rng
                .pick(&self.strings)
                .cloned()
                .unwrap_or_else(|| pick_str(TOKENS, rng).to_owned()),
            2 => rng
                .pick(&self.keys)
                .cloned()
                .unwrap_or_else(|| pick_str(TOKENS, rng).to_owned()),
            _ => pick_str(TOKENS, rng).to_owned(),
        }
    }

    /// A scalar chosen to sit on an edge.
    fn interesting_value(&self, rng: &mut Rng) -> Value {
        match rng.below(10) {
            0 => Value::Null,
            1 => Value::Bool(rng.chance(1, 2)),
            2 => Value::Number(Number::from(rng.next_u64() >> rng.below(64))),
            3 => Value::Number(Number::from(
                -((rng.next_u64() >> (1 + rng.below(63))) as i64),
            )),
            4 => [u64::MAX, 0, 1, u64::from(u32::MAX), 1 << 53, 10_u64.pow(16)]
                .get(rng.below(6))
                .map_or(Value::Null, |n| Value::Number(Number::from(*n))),
            5 => Number::from_f64([0.5, -0.0, 1e308, -1e-308, 2.5e15, 1.0][rng.below(6)])
                .map_or(Value::Null, Value::Number),
            6 => Value::String(self.token(rng).repeat(1 + rng.below(3))),
            7 => Value::String(pick_str(NUMBERS, rng).to_owned()),
            8 => Value::String("あ".repeat(rng.below(5000))),
            _ => Value::String(String::new()),
        }
    }

    fn mutate_tree(&self, root: &mut Value, rng: &mut Rng) {
        let n = count_nodes(root);
        let mut k = rng.below(n);
        let Some(node) = nth_node(root, &mut k) else {
            return;
        };
        match rng.below(10) {
            0 | 1 => *node = self.interesting_value(rng),
            2 | 3 => {
                if let Some(v) = rng.pick(&self.values) {
                    *node = v.clone();
                }
            }
            4 => {
                // Deep nesting, past MAX_DEPTH and sometimes past serde_json's limit.
                let depth = if rng.chance(1, 8) {
                    100 + rng.below(200)
                } else {
                    1 + rng.below(24)
                };
                let mut v = std::mem::take(node);
                for _ in 0..depth {
                    v = match rng.below(4) {
                        0 => Value::Array(vec![v]),
                        1 => single("all", Value::Array(vec![v])),
                        2 => single("not", v),
                        _ => single(&self.token(rng), v),
                    };
                }
                *node = v;
            }
            _ => match node {
                Value::Object(map) => self.mutate_object(map, rng),
                Value::Array(items) => self.mutate_array(items, rng),
                Value::String(s) => {
                    if rng.chance(1, 3) {
                        if let Some(other) = rng.pick(&self.strings) {
                            *s = other.clone();
                        }
                    } else {
                        self.mutate_text(s, rng);
                    }
                }
                Value::Number(_) => {
                    *node = if rng.chance(1, 2) {
                        Value::String(self.token(rng))
                    } else {
                        self.interesting_value(rng)
                    };
                }
                other => *other = self.interesting_value(rng),
            },
        }
    }

    fn mutate_object(&self, map: &mut Map<String, Value>, rng: &mut Rng) {
        match rng.below(4) {
            0 if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            1 => {
                let value = rng
                    .pick(&self.values)
                    .cloned()
                    .unwrap_or_else(|| self.interesting_value(rng));
                map.insert(self.token(rng), value);
            }
            2 if !map.is_empty() => {
                // Rename a key to a near miss.
                let key = map.keys().nth(rng.below(map.len())).cloned();
                if let Some(key) = key
                    && let Some(v) = map.remove(&key)
                {
                    let mut renamed = key;
                    self.mutate_text(&mut renamed, rng);
                    map.insert(renamed, v);
                }
            }
            _ => {
                let key = self.token(rng);
                let value = self.interesting_value(rng);
                map.insert(key, value);
            }
        }
    }

    fn mutate_array(&self, items: &mut Vec<Value>, rng: &mut Rng) {
        let len = items.len();
        match rng.below(5) {
            0 if len > 0 => {
                items.remove(rng.below(len));
            }
            1 if len > 0 => {
                let copy = items[rng.below(len)].clone();
                let times = if rng.chance(1, 8) { 50 } else { 1 };
                for _ in 0..times {
                    items.insert(rng.below(items.len() + 1), copy.clone());
                }
            }
            2 if len > 1 => items.swap(rng.below(len), rng.below(len)),
            3 => items.clear(),
            _ => {
                let value = rng
                    .pick(&self.values)
                    .cloned()
                    .unwrap_or_else(|| self.interesting_value(rng));
                items.insert(rng.below(len + 1), value);
            }
        }
    }

    /// Character-level edits: they keep the text UTF-8.
    pub fn mutate_text(&self, text: &mut String, rng: &mut Rng) {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let at = bounds[rng.below(bounds.len())];
        let end = bounds[(bounds.iter().position(|&b| b == at).unwrap_or(0) + rng.below(8))
            .min(bounds.len() - 1)];
        match rng.below(8) {
            0 | 1 => text.insert_str(at, &self.token(rng)),
            2 => text.replace_range(at..end, &self.token(rng)),
            3 => text.replace_range(at..end, ""),
            4 => {
                let piece = text[at..end].to_owned();
                text.insert_str(at, &piece.repeat(1 + rng.below(20)));
            }
            5 => {
                // Swap a run of digits for an edge number.
                let digits = text[at..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(text.len(), |n| at + n);
                text.replace_range(at..digits, pick_str(NUMBERS, rng));
            }
            6 => {
                let other = self.seed_text(rng);
                let cut = floor_boundary(&other, rng.below(other.len() + 1));
                text.truncate(at);
                text.push_str(&other[cut..]);
            }
            _ => text.insert_str(at, &pick_str(TOKENS, rng).repeat(1 + rng.below(60))),
        }
    }

    fn mutate_csv(&self, text: &mut String, rng: &mut Rng) {
        let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        let len = lines.len();
        match rng.below(6) {
            0 if len > 1 => lines.swap(rng.below(len), rng.below(len)),
            1 if len > 0 => {
                let line = lines[rng.below(len)].clone();
                lines.insert(rng.below(len + 1), line);
            }
            2 if len > 1 => {
                lines.remove(1 + rng.below(len - 1));
            }
            _ if len > 0 => {
                let i = rng.below(len);
                let mut cells: Vec<String> = lines[i].split(',').map(str::to_owned).collect();
                let c = rng.below(cells.len());
                cells[c] = match rng.below(5) {
                    0 => String::new(),
                    1 => format!("\"{}\"", self.token(rng).replace('"', "\"\"")),
                    2 => "\"a\"\"b\nc\r\n,d\"".to_owned(),
                    3 => {
                        let mut cell = std::mem::take(&mut cells[c]);
                        self.mutate_text(&mut cell, rng);
                        cell
                    }
                    _ => self.token(rng),
                };
                if rng.chance(1, 10) {
                    cells.push(self.token(rng));
                } else if rng.chance(1, 10) && cells.len() > 1 {
                    cells.pop();
                }
                lines[i] = cells.join(",");
            }
            _ => self.mutate_text(text, rng),
        }
        if len > 0 {
            *text = lines.join("\n");
        }
    }

    /// Byte-level damage, which may leave UTF-8.
    pub fn mutate_bytes(&self, data: &mut Vec<u8>, rng: &mut Rng) {
        let len = data.len();
        let at = rng.below(len + 1);
        let end = (at + 1 + rng.below(16)).min(len);
        match rng.below(9) {
            0 if len > 0 => data[at.min(len - 1)] ^= 1 << rng.below(8),
            1 if len > 0 => data[at.min(len - 1)] = rng.byte(),
            2 => {
                if at < end {
                    data.drain(at..end);
                }
            }
            3 => {
                let bytes = BYTES[rng.below(BYTES.len())];
                data.splice(at..at, bytes.iter().copied());
            }
            4 => data.truncate(at),
            5 => {
                let other = self.seed(rng);
                let cut = rng.below(other.len() + 1);
                data.truncate(at);
                data.extend_from_slice(&other[cut..]);
            }
            6 => {
                if at < end {
                    let piece = data[at..end].to_vec();
                    data.splice(at..at, piece);
                }
            }
            7 => {
                let bom = BYTES[0];
                if !data.starts_with(bom) {
                    data.splice(0..0, bom.iter().copied());
                }
            }
            _ => {
                let token = self.token(rng);
                data.splice(at..at, token.bytes());
            }
        }
    }
}

fn push_capped<T>(pool: &mut Vec<T>, item: T, cap: usize, rng: &mut Rng) {
    if pool.len() < cap {
        pool.push(item);
    } else {
        let i = rng.below(cap);
        pool[i] = item;
    }
}

fn pick_str(items: &[&'static str], rng: &mut Rng) -> &'static str {
    rng.pick(items).copied().unwrap_or_default()
}

fn single(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The `k`-th node in pre-order.
fn nth_node<'a>(value: &'a mut Value, k: &mut usize) -> Option<&'a mut Value> {
    if *k == 0 {
        return Some(value);
    }
    *k -= 1;
    match value {
        Value::Array(items) => items.iter_mut().find_map(|item| nth_node(item, k)),
        Value::Object(map) => map.values_mut().find_map(|item| nth_node(item, k)),
        _ => None,
    }
}
