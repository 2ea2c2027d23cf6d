//! The one place the site reads the clock, so that every page agrees on "today" (in JST).

use madoguchi_core::calendar::JST;
use time::{Date, OffsetDateTime};

/// Now, in UTC (stored times are UTC; pages show them in JST).
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Today's calendar date in Japan: deadlines and 受付中 are decided on JST days.
pub fn today() -> Date {
    now().to_offset(JST).date()
}
