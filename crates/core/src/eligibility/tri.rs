//! Three-valued (Kleene) truth: a condition on an unanswered field is neither met nor failed.
//!
//! `Tri` is the readable form used by derived facts and explanations. The evaluator packs two
//! of them into one byte (`State`) so that a whole catalogue evaluates in a tight loop: one
//! value with manual checks left open and one with them taken as confirmed. With each value
//! stored as "can be true" and "can be false" bits, Kleene `and`/`or`/`not` are plain bit
//! operations.

use serde::Serialize;

/// True, false, or not known from the answers given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub fn from_bool(b: bool) -> Self {
        if b { Self::True } else { Self::False }
    }

    pub fn from_option(b: Option<bool>) -> Self {
        b.map_or(Self::Unknown, Self::from_bool)
    }

    pub fn to_option(self) -> Option<bool> {
        match self {
            Self::True => Some(true),
            Self::False => Some(false),
            Self::Unknown => None,
        }
    }

    /// Kleene conjunction: false absorbs.
    pub fn and(self, other: Self) -> Self {
        match (self, other) {
            (Self::False, _) | (_, Self::False) => Self::False,
            (Self::True, Self::True) => Self::True,
            _ => Self::Unknown,
        }
    }

    /// Kleene disjunction: true absorbs.
    pub fn or(self, other: Self) -> Self {
        match (self, other) {
            (Self::True, _) | (_, Self::True) => Self::True,
            (Self::False, Self::False) => Self::False,
            _ => Self::Unknown,
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        match self {
            Self::True => Self::False,
            Self::False => Self::True,
            Self::Unknown => Self::Unknown,
        }
    }

    /// The common value when every possibility agrees, otherwise unknown: how a fact is
    /// settled when an answer (an industry given only by its major category) leaves several
    /// readings open.
    pub fn agreed(values: impl IntoIterator<Item = Self>) -> Self {
        let mut values = values.into_iter();
        let Some(first) = values.next() else {
            return Self::Unknown;
        };
        if values.all(|v| v == first) {
            first
        } else {
            Self::Unknown
        }
    }
}

/// A node's value packed in four bits: the verdict's own value (manual checks open) and the
/// value with manual checks taken as confirmed, each as (can be true, can be false).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct State(pub(crate) u8);

const CAN_TRUE: u8 = 0b0101;
const CAN_FALSE: u8 = 0b1010;

impl State {
    pub const TRUE: Self = Self(0b0101);
    pub const FALSE: Self = Self(0b1010);
    /// Not known because an answer is missing.
    pub const MISSING: Self = Self(0b1111);
    /// Open until a person confirms it; true once confirmed.
    pub const MANUAL: Self = Self(0b0111);

    pub fn from_tri(t: Tri) -> Self {
        match t {
            Tri::True => Self::TRUE,
            Tri::False => Self::FALSE,
            Tri::Unknown => Self::MISSING,
        }
    }

    /// The identity of `and`: start a conjunction here.
    pub(crate) const ALL_IDENTITY: Self = Self::TRUE;
    /// The identity of `or`: start a disjunction here.
    pub(crate) const ANY_IDENTITY: Self = Self::FALSE;

    #[inline]
    pub(crate) fn and(self, other: Self) -> Self {
        Self(((self.0 & other.0) & CAN_TRUE) | ((self.0 | other.0) & CAN_FALSE))
    }

    #[inline]
    pub(crate) fn or(self, other: Self) -> Self {
        Self(((self.0 | other.0) & CAN_TRUE) | ((self.0 & other.0) & CAN_FALSE))
    }

    #[inline]
    pub(crate) fn negate(self) -> Self {
        Self(((self.0 & CAN_TRUE) << 1) | ((self.0 & CAN_FALSE) >> 1))
    }

    /// The value as the verdict sees it: manual checks still open.
    pub fn open(self) -> Tri {
        Self::tri(self.0 & 0b11)
    }

    /// The value once every manual check is confirmed.
    pub fn confirmed(self) -> Tri {
        Self::tri((self.0 >> 2) & 0b11)
    }

    fn tri(bits: u8) -> Tri {
        match bits {
            0b01 => Tri::True,
            0b10 => Tri::False,
            _ => Tri::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_TRI: [Tri; 3] = [Tri::True, Tri::False, Tri::Unknown];

    #[test]
    fn packed_states_follow_the_kleene_tables() {
        for a in ALL_TRI {
            for b in ALL_TRI {
                let (sa, sb) = (State::from_tri(a), State::from_tri(b));
                assert_eq!(sa.and(sb).open(), a.and(b), "{a:?} and {b:?}");
                assert_eq!(sa.or(sb).open(), a.or(b), "{a:?} or {b:?}");
                assert_eq!(sa.and(sb).confirmed(), a.and(b));
            }
            assert_eq!(State::from_tri(a).negate().open(), a.not());
        }
    }

    #[test]
    fn a_manual_check_is_open_until_confirmed() {
        assert_eq!(State::MANUAL.open(), Tri::Unknown);
        assert_eq!(State::MANUAL.confirmed(), Tri::True);
        let with_false = State::MANUAL.and(State::FALSE);
        assert_eq!(with_false.open(), Tri::False);
        let with_missing = State::MANUAL.and(State::MISSING);
        assert_eq!(with_missing.confirmed(), Tri::Unknown);
    }

    #[test]
    fn agreement_settles_only_when_every_reading_agrees() {
        assert_eq!(Tri::agreed([Tri::True, Tri::True]), Tri::True);
        assert_eq!(Tri::agreed([Tri::True, Tri::False]), Tri::Unknown);
        assert_eq!(Tri::agreed([]), Tri::Unknown);
    }
}
