//! Why a value was refused, in words a member of staff can act on.
//!
//! Every parsed newtype in the program model, and the calendar and reference values it is
//! built from, fails with one of these variants; it lives below all of them so that
//! `calendar` and `reference` need not reach up into `program` for it. The
//! `Display` text is Japanese, names what was wrong and says what to do about it; the
//! web and CLI shells show it as is.

use thiserror::Error;

/// A value that does not fit the program model.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    #[error(
        "祝日の一覧の{line}行目「{text}」を読み取れません。「2027-05-03: 憲法記念日」の形で書いてください。"
    )]
    InvalidHolidayLine { line: usize, text: String },
    #[error("制度IDが空です。半角英数字・ハイフン・アンダースコア・ピリオドで指定してください。")]
    EmptyId,
    #[error(
        "制度ID「{0}」に使えない文字があります。半角英数字・ハイフン・アンダースコア・ピリオドのみ、100文字以内で指定してください。"
    )]
    InvalidId(String),
    #[error("制度名が空です。制度名を入力してください。")]
    EmptyTitle,
    #[error("制度名が長すぎます（{0}文字）。300文字以内にしてください。")]
    TitleTooLong(usize),
    #[error("金額に負の値（{0}円）は指定できません。0円以上の金額を入力してください。")]
    NegativeAmount(i64),
    #[error(
        "補助上限額（{max}円）が下限額（{min}円）より小さくなっています。上限と下限を確認してください。"
    )]
    AmountMaxBelowMin { min: u64, max: u64 },
    #[error(
        "補助率「{0}」を読み取れません。「1/2」のように分子/分母で入力し、分子は分母以下にしてください。"
    )]
    InvalidRate(String),
    #[error(
        "受付終了日時（{closes}）が受付開始日時（{opens}）より前になっています。日付を確認してください。"
    )]
    ClosesBeforeOpens { opens: String, closes: String },
    #[error(
        "日時「{0}」を読み取れません。「2026-03-31」または「2026-03-31T17:00:00+09:00」の形で入力してください。"
    )]
    InvalidDateTime(String),
    #[error("年度「{0}」は範囲外です。1989年度から2100年度までの西暦で入力してください。")]
    InvalidFiscalYear(i64),
    #[error(
        "URL「{0}」は使えません。「https://」または「http://」で始まる公式ページのアドレスを入力してください。"
    )]
    InvalidUrl(String),
    #[error("「{0}」の前に資料の名前を書いてください（例：「公募要領（第18回） {0}」）。")]
    UntitledSource(String),
    #[error("「{value}」は{what}として使えません。{hint}")]
    UnknownValue {
        what: &'static str,
        value: String,
        hint: &'static str,
    },
    #[error("全国地方公共団体コード「{0}」は正しくありません。{1}")]
    InvalidLocalGovCode(String, &'static str),
    #[error(
        "市区町村の制度には全国地方公共団体コードが必要です。発行元「{0}」のコードを入力してください。"
    )]
    MissingIssuerCode(String),
    #[error("書類名を入力してください（例：履歴事項全部証明書）。")]
    EmptyDocumentName,
    #[error("書類名が長すぎます（{0}文字）。200文字以内にしてください。")]
    DocumentNameTooLong(usize),
    #[error("取得にかかる日数（{0}日）は0日（即日）から366日までで入力してください。")]
    DocumentLeadDays(u32),
    #[error(
        "有効期間（{0}か月）は1か月から24か月までで入力してください（例：発行後3か月以内なら 3）。"
    )]
    DocumentValidMonths(u32),
}
