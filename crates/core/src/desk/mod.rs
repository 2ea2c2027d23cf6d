//! The consultation desk's domain: a case's workflow and service level, who can be asked
//! to help a business (advisors, partner companies, side-job professionals) and which of
//! them a case should go to, with the reasons a public body can show and defend.
//!
//! Matching is a pure function of the case's needs and the registry as the shell read it,
//! together with each expert's standing (how much they took on this month and this fiscal
//! year, how many similar cases they closed): the same inputs always give the same
//! proposals, so a proposal can be explained and audited afterwards.

mod case;
mod expert;
mod figures;
mod intake;
mod matching;
mod project;
mod sample;

pub use case::{
    CaseError, CaseState, CaseStep, DEFAULT_MAX_SESSIONS, first_contact_due, is_overdue,
    next_state, overdue_before,
};
pub use expert::{
    Availability, Category, CategoryError, Expert, ExpertKind, Requester, ServiceArea,
    add_tags as add_tag_keys,
};
pub use figures::{CaseTimes, Figures, figures_by};
pub use intake::{
    FieldError, Intake, IntakeForm, MAX_ATTACHED_CHARS, MAX_MESSAGE_CHARS, Method, email_key,
    phone_key,
};
pub use matching::{
    AreaFit, Candidate, CaseNeed, Exclusion, Matching, Proposal, Standing, propose,
};
pub use project::{
    MAX_HOURS_PER_WEEK, MAX_REVIEW_CHARS, Project, ProjectError, ProjectForm, ProjectState,
    ProjectStep, Reward, WorkStyle, check_reviews, next_project_state, project_steps_from,
};
pub use sample::{DEFAULT_CATEGORIES, SampleExpert, sample_registry};
