//! "Today" for the commands that need one: the JST date, unless the user fixes it.

use anyhow::Context;
use madoguchi_core::calendar::JST;
use time::{Date, OffsetDateTime};

/// The date given as `YYYY-MM-DD`, or today's date in Japan.
pub fn as_of(given: Option<&str>) -> anyhow::Result<Date> {
    match given {
        Some(raw) => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(raw.trim(), format).with_context(|| {
                format!("日付「{raw}」を読み取れません。2026-04-01 のように YYYY-MM-DD の形で指定してください。")
            })
        }
        None => Ok(OffsetDateTime::now_utc().to_offset(JST).date()),
    }
}
