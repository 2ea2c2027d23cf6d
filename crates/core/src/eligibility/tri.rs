//! Three-valued (Kleene) truth: a condition on an unanswered field is neither met nor failed.
//!
//! `Tri` is the readable form used by derived facts and explanations. The evaluator packs two
//! of them into one byte (`State`) so that a whole catalogue evaluates in a tight loop: one
//! value with manual checks left open and one with them taken as confirmed. With each value
//! stored as "can be true" and "can be false" bits, Kleene `and`/`or`/`not` are plain bit
//! operations. The same operations on `Lanes` judge up to 64 variants of one business at once
//! (each bit of a state spread over a word, one bit per variant): how the next question tries
//! many possible answers against a rule in one pass.

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

    /// Whether the value once every manual check is confirmed is known (`confirmed()` is
    /// true or false), by bits: the walks over every 要確認 program ask it of every node.
    #[inline]
    pub(crate) fn settled_once_confirmed(self) -> bool {
        // The confirmed bits (the upper two) are 01 or 10: 0b0100 to 0b1011.
        self.0.wrapping_sub(0b0100) < 0b1000
    }

    fn tri(bits: u8) -> Tri {
        match bits {
            0b01 => Tri::True,
            0b10 => Tri::False,
            _ => Tri::Unknown,
        }
    }
}

/// What the evaluator's backward pass folds: one business's `State`, or `Lanes` of many.
pub(crate) trait Kleene: Copy {
    /// Not known because an answer is missing.
    const MISSING: Self;
    /// The identity of `and`.
    const ALL_IDENTITY: Self;
    /// The identity of `or`.
    const ANY_IDENTITY: Self;
    fn and(self, other: Self) -> Self;
    fn or(self, other: Self) -> Self;
    fn negate(self) -> Self;
}

impl Kleene for State {
    const MISSING: Self = Self::MISSING;
    const ALL_IDENTITY: Self = Self::ALL_IDENTITY;
    const ANY_IDENTITY: Self = Self::ANY_IDENTITY;

    #[inline]
    fn and(self, other: Self) -> Self {
        State::and(self, other)
    }

    #[inline]
    fn or(self, other: Self) -> Self {
        State::or(self, other)
    }

    #[inline]
    fn negate(self) -> Self {
        State::negate(self)
    }
}

/// Up to 64 states side by side: word `b` holds bit `b` of every lane's `State`, lane `k` in
/// bit `k`. `State`'s operations are bitwise on its four bits, so here they are the same
/// operations on whole words, and one pass over a rule judges every lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lanes([u64; 4]);

impl Lanes {
    /// How many lanes one value holds.
    pub(crate) const WIDTH: usize = 64;

    /// The same state in every lane.
    #[inline]
    pub(crate) fn splat(state: State) -> Self {
        Self(std::array::from_fn(|b| {
            if state.0 >> b & 1 == 1 { u64::MAX } else { 0 }
        }))
    }

    /// Sets lane `k` (below `WIDTH`) to `state`.
    #[inline]
    pub(crate) fn set(&mut self, k: usize, state: State) {
        for (b, word) in self.0.iter_mut().enumerate() {
            *word = (*word & !(1 << k)) | (u64::from(state.0 >> b & 1) << k);
        }
    }

    /// The state of lane `k` (below `WIDTH`).
    #[cfg(test)]
    pub(crate) fn lane(self, k: usize) -> State {
        State(
            self.0
                .iter()
                .enumerate()
                .fold(0, |s, (b, word)| s | (((word >> k & 1) as u8) << b)),
        )
    }

    /// These states with every lane of `lanes` (a bit per lane) missing.
    #[inline]
    pub(crate) fn missing_where(self, lanes: u64) -> Self {
        Self(self.0.map(|word| word | lanes))
    }

    /// The lanes whose verdict is settled (`Verdict::of(..).is_settled()` for each): open
    /// value true or false, or true once manual checks are confirmed.
    #[inline]
    pub(crate) fn settled(self) -> u64 {
        let [open_true, open_false, confirmed_true, confirmed_false] = self.0;
        (open_true ^ open_false) | (confirmed_true & !confirmed_false)
    }
}

impl Kleene for Lanes {
    const MISSING: Self = Self([u64::MAX; 4]);
    const ALL_IDENTITY: Self = Self([u64::MAX, 0, u64::MAX, 0]);
    const ANY_IDENTITY: Self = Self([0, u64::MAX, 0, u64::MAX]);

    // Bits 0 and 2 are "can be true", 1 and 3 "can be false", as in `State`.
    #[inline]
    fn and(self, o: Self) -> Self {
        let (a, b) = (self.0, o.0);
        Self([a[0] & b[0], a[1] | b[1], a[2] & b[2], a[3] | b[3]])
    }

    #[inline]
    fn or(self, o: Self) -> Self {
        let (a, b) = (self.0, o.0);
        Self([a[0] | b[0], a[1] & b[1], a[2] | b[2], a[3] & b[3]])
    }

    #[inline]
    fn negate(self) -> Self {
        let a = self.0;
        Self([a[1], a[0], a[3], a[2]])
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

    /// Every bit pattern a `State` can hold, meaningful or not: lanes must agree on all.
    fn every_bit_pattern() -> impl Iterator<Item = State> {
        (0..16).map(State)
    }

    #[test]
    fn lanes_compute_what_each_state_computes_lane_by_lane() {
        use crate::eligibility::evaluate::verdict::Verdict;
        let patterns: Vec<State> = every_bit_pattern().collect();
        // Lane k of `a` and `b` holds the k-th pair of patterns, so every pair is tried.
        let pairs: Vec<(State, State)> = patterns
            .iter()
            .flat_map(|&x| patterns.iter().map(move |&y| (x, y)))
            .collect();
        for chunk in pairs.chunks(Lanes::WIDTH) {
            let (mut a, mut b) = (Lanes::splat(State::FALSE), Lanes::splat(State::TRUE));
            for (k, &(x, y)) in chunk.iter().enumerate() {
                a.set(k, x);
                b.set(k, y);
            }
            for (k, &(x, y)) in chunk.iter().enumerate() {
                assert_eq!(a.lane(k), x);
                assert_eq!(Kleene::and(a, b).lane(k), x.and(y), "{x:?} and {y:?}");
                assert_eq!(Kleene::or(a, b).lane(k), x.or(y), "{x:?} or {y:?}");
                assert_eq!(Kleene::negate(a).lane(k), x.negate());
                let settled = a.settled() >> k & 1 == 1;
                assert_eq!(x.settled_once_confirmed(), x.confirmed() != Tri::Unknown);
                assert_eq!(settled, Verdict::of(x).is_settled(), "{x:?}");
            }
        }
        for s in every_bit_pattern() {
            assert_eq!(Lanes::splat(s).lane(63), s);
        }
        for (lanes, state) in [
            (<Lanes as Kleene>::MISSING, State::MISSING),
            (<Lanes as Kleene>::ALL_IDENTITY, State::ALL_IDENTITY),
            (<Lanes as Kleene>::ANY_IDENTITY, State::ANY_IDENTITY),
        ] {
            assert_eq!(lanes, Lanes::splat(state));
        }
    }
}
