//! The staff console's program editor: every catalogue field and the eligibility rule as
//! plain form controls, with a preview of what a business will read and the rule's tests.
//!
//! Pure form handling lives here (forms to programs and back, the rule builder's rows, the
//! test profiles' rows); the console's routes, sign-in and roles call it.

#[cfg(test)]
pub(crate) mod browser;
pub mod case_form;
pub mod case_view;
pub mod diff;
pub mod page;
pub mod program_form;
pub mod rule_form;
pub mod rule_view;
