//! "Today" for the commands that need one: the JST date, unless the user fixes it.

use madoguchi_core::calendar::{DayEdge, JST, JstDateTime};
use time::{Date, OffsetDateTime};

/// The date given as `YYYY-MM-DD`, or today's date in Japan.
pub fn as_of(given: Option<&str>) -> anyhow::Result<Date> {
    match given {
        Some(raw) => Ok(JstDateTime::parse(raw, DayEdge::Start)
            .map_err(|err| anyhow::anyhow!("--as-of：{err}"))?
            .date()),
        None => Ok(OffsetDateTime::now_utc().to_offset(JST).date()),
    }
}
