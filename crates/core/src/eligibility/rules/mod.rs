//! Stage 2, the rules: who may apply to a program, as staff write it and as the engine runs it.
//!
//! A `Rule` is the JSON tree stored with a program; `compile` resolves and parses it into the
//! flat `code` the evaluator walks; a program without a rule gets one `derived` from its
//! structured fields (`program_rule` says which one a program is judged by); `satisfiable` warns of conditions no business can meet; `decisive` finds the condition whose failure alone fails a rule. This stage
//! speaks the vocabulary and may use `tri`; it never evaluates a business.

pub(crate) mod code;
pub(crate) mod compile;
pub(crate) mod decisive;
pub(crate) mod derived;
pub(crate) mod program_rule;
pub(crate) mod reads;
pub(crate) mod rule;
pub(crate) mod rule_error;
pub(crate) mod satisfiable;
