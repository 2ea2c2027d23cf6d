//! Time as Japanese public administration counts it.
//!
//! madoguchi stores instants and shows them in JST (UTC+9, no daylight saving), writes
//! dates as 西暦 with 和暦 beside, counts fiscal years (年度) from April to March, and
//! business days without weekends, 国民の祝日 and 年末年始.
//! No function here reads the clock: "now" is always passed in.

mod business;
mod fiscal_year;
pub mod iso_date;
mod jst;
pub mod wareki;

pub use business::BusinessCalendar;
pub use fiscal_year::FiscalYear;
pub use jst::{DayEdge, JST, JstDateTime};
