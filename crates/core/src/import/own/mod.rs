//! Own format.
