//! Stage 5, review: a rule as staff check it before it is saved, and the checks stored with it.
//!
//! `preview` shows a draft's conditions, its problems and how it judges a business typed in on
//! the spot; `test_case` runs the example businesses stored with a program. Both compile and
//! evaluate exactly as a diagnosis does, so what staff see is what a business will get.

pub(crate) mod preview;
pub(crate) mod test_case;
