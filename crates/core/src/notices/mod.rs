//! Notices to businesses: what a subscription asks for (which programs, on which events, how
//! often, on which channel) and the choices a subscriber may change at any time.
//!
//! A subscription holds the least that delivering it needs: one address (an e-mail address or
//! a LINE user id) and the conditions it was made from — the answers of a diagnosis or the
//! words of a search — never a name. Matching programs against it is the eligibility
//! engine's (`eligibility::fanout`); delivering is the outbox's.

mod digest;
mod matching;
mod segment;
mod subscription;

pub use digest::DigestRound;
pub use matching::{
    DEFAULT_DAILY_CAP, EventKey, NotableChange, Route, catalogue_event, daily_cap, deadline_event,
    route,
};
pub use segment::{
    Candidate, Segment, SegmentBy, SegmentChannel, SegmentError, SegmentReach, search_terms,
};
pub use subscription::{
    Address, Cadence, Criteria, Event, EventSet, SubscriptionChoices, SubscriptionError, mask_email,
};
