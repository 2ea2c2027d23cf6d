//! Stage 1, the vocabulary: what a business can say about itself and what the law derives
//! from it.
//!
//! The closed set of fields (`Field`) with the legal forms (`org_form`) and the questions
//! that ask them (`question`), answers read from what people type (`Answer`), a
//! business's answers so far (`Profile`), and the facts derived from them exactly as each law
//! defines them: 業種区分 (`size_class`), the 中小企業 definitions (`size_definition`, `sme`) and
//! the facts rules may name (`facts`). Rules, evaluation and diagnosis are all spoken in these
//! words; this stage uses only `tri` of the engine, never a later stage.

pub(crate) mod answer;
pub(crate) mod area;
pub(crate) mod facts;
pub(crate) mod field;
pub(crate) mod org_form;
pub(crate) mod profile;
pub(crate) mod question;
pub(crate) mod size_class;
pub(crate) mod size_definition;
pub(crate) mod sme;
