//! The one shape of time every table compares: UTC, to the whole second.
//!
//! SQLite compares the stored RFC 3339 text, and a fraction would break text order within
//! a second ("…05Z" sorts after "…05.5Z"); whole seconds in UTC make both backends agree on
//! what has expired, what is locked and which audit entries fall in a range.

use time::{OffsetDateTime, UtcOffset};

/// `at` in UTC with the fraction of a second dropped.
pub(crate) fn whole_second_utc(at: OffsetDateTime) -> OffsetDateTime {
    let utc = at.checked_to_offset(UtcOffset::UTC).unwrap_or(at);
    utc.replace_nanosecond(0).unwrap_or(utc)
}

/// Now, as [`whole_second_utc`] keeps it.
pub(crate) fn now_whole_second() -> OffsetDateTime {
    whole_second_utc(OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn times_are_utc_whole_seconds() {
        let jst = datetime!(2026-08-21 21:00:05.999 +09:00);
        assert_eq!(whole_second_utc(jst), datetime!(2026-08-21 12:00:05 UTC));
        assert_eq!(whole_second_utc(jst).offset(), UtcOffset::UTC);
    }
}
