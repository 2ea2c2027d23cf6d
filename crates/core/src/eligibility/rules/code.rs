//! The compact form a compiled rule is stored and evaluated in.
//!
//! A rule is a pre-order array of 4-byte nodes: a group (`all`, `any`, `not`) holds where its
//! subtree ends, a condition holds the number of its instruction in a table of conditions.
//! Lists of places and industries, manual-check texts and `source` texts live in side tables.
//! A whole catalogue's rules are appended to one storage (`RuleCode`) in which equal
//! conditions are stored once, so a diagnosis evaluates each distinct condition once and then
//! walks one small contiguous array of nodes. `RuleView` is one rule inside a storage; `Leaf`
//! and `NodeKind` decode a node back into typed values for explanations.

use std::collections::HashMap;
use std::sync::Arc;

use time::Date;

use super::reads::{Reads, push_subtree_reads};
use crate::eligibility::vocabulary::area::{Industry, Place};
use crate::eligibility::vocabulary::facts::Fact;
use crate::eligibility::vocabulary::field::Field;

/// A comparison of an answer with a rule's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    #[inline]
    pub fn holds<T: Ord>(self, answer: T, value: T) -> bool {
        match self {
            Self::Eq => answer == value,
            Self::Ne => answer != value,
            Self::Lt => answer < value,
            Self::Le => answer <= value,
            Self::Gt => answer > value,
            Self::Ge => answer >= value,
        }
    }

    /// The comparison that holds exactly when this one does not.
    pub fn negated(self) -> Self {
        match self {
            Self::Eq => Self::Ne,
            Self::Ne => Self::Eq,
            Self::Lt => Self::Ge,
            Self::Le => Self::Gt,
            Self::Gt => Self::Le,
            Self::Ge => Self::Lt,
        }
    }
}

/// What a condition tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum OpCode {
    /// Number answer `field` (`a`) compared by `cmp` with `value`.
    Number,
    /// Yes/no answer `field` (`a`) must equal `value != 0`.
    Flag,
    /// 組織形態 bit in the mask `value`.
    OrgForm,
    /// 大企業からの出資 bit in the mask `value`.
    LargeInvestment,
    /// Purposes intersect the mask `value`.
    Purposes,
    /// Place within one of `places[start..start + len]` (`value` = start << 32 | len).
    Within,
    /// Industry within one of `industries[start..start + len]`.
    Industry,
    /// Founding date compared by `cmp` with the Julian day `value`.
    Founded,
    /// Yes/no fact number `a`.
    Fact,
    /// Years since founding compared by `cmp` with `value`.
    Years,
    /// Manual check with text number `value`.
    Manual,
}

/// One condition, 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Instr {
    pub(crate) value: u64,
    pub(crate) op: OpCode,
    pub(crate) a: u8,
    pub(crate) cmp: Cmp,
}

impl Instr {
    /// The answer a condition reads itself: `None` for a derived fact and the years since
    /// founding (worked out from the answers), and for a manual check.
    pub(crate) fn answer(&self) -> Option<Field> {
        match self.op {
            OpCode::Number | OpCode::Flag => Field::ALL.get(usize::from(self.a)).copied(),
            OpCode::OrgForm => Some(Field::OrgForm),
            OpCode::LargeInvestment => Some(Field::LargeInvestment),
            OpCode::Purposes => Some(Field::Purposes),
            OpCode::Within => Some(Field::Municipality),
            OpCode::Industry => Some(Field::Industry),
            OpCode::Founded => Some(Field::Founded),
            OpCode::Fact | OpCode::Years | OpCode::Manual => None,
        }
    }
}

/// A node is `tag << 30 | payload`: a condition's number, or one past a group's subtree
/// (relative to the rule's first node).
pub(crate) const LEAF: u32 = 0;
pub(crate) const ALL: u32 = 1;
pub(crate) const ANY: u32 = 2;
pub(crate) const NOT: u32 = 3;
const TAG_SHIFT: u32 = 30;
pub(crate) const PAYLOAD: u32 = (1 << TAG_SHIFT) - 1;

#[inline]
pub(crate) fn tag(node: u32) -> u32 {
    node >> TAG_SHIFT
}

pub(crate) fn node(tag: u32, payload: usize) -> u32 {
    tag << TAG_SHIFT | (u32::try_from(payload).unwrap_or(PAYLOAD) & PAYLOAD)
}

/// Storage for one or many compiled rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RuleCode {
    pub(crate) nodes: Vec<u32>,
    pub(crate) leaves: Vec<Instr>,
    pub(crate) places: Vec<Place>,
    pub(crate) industries: Vec<Industry>,
    /// Manual-check and `source` texts.
    pub(crate) texts: Vec<Arc<str>>,
    /// Each node's `source` text (parallel to `nodes`): 0 for none, else one more than its
    /// number in `texts`. Few nodes have one, so a number costs 4 bytes a node where an
    /// optional text would cost 16.
    pub(crate) sources: Vec<u32>,
    /// What each node's subtree reads (parallel to `nodes`), kept only in storages rules are
    /// appended to: a catalogue's, where the next question looks it up.
    pub(crate) reads: Vec<Reads>,
}

pub(crate) fn pack_range(start: usize, len: usize) -> u64 {
    ((start as u64) << 32) | (len as u64 & 0xFFFF_FFFF)
}

fn unpack_range(value: u64) -> (usize, usize) {
    ((value >> 32) as usize, (value & 0xFFFF_FFFF) as usize)
}

/// Remembers which conditions (and lists) a storage already holds, so appending many rules
/// stores each distinct condition once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    leaves: HashMap<Instr, usize>,
    places: HashMap<Vec<Place>, u64>,
    industries: HashMap<Vec<Industry>, u64>,
}

impl RuleCode {
    /// Appends another rule's code, sharing conditions already stored; returns the range of
    /// its nodes here.
    pub(crate) fn append(&mut self, other: &RuleCode, interner: &mut Interner) -> (usize, usize) {
        let start = self.nodes.len();
        let other_view = other.view(0, other.nodes.len());
        let ids: Vec<usize> = other
            .leaves
            .iter()
            .map(|ins| {
                let value = match ins.op {
                    OpCode::Within => {
                        let list = other_view.places(ins.value);
                        *interner.places.entry(list.to_vec()).or_insert_with(|| {
                            self.places.extend_from_slice(list);
                            pack_range(self.places.len() - list.len(), list.len())
                        })
                    }
                    OpCode::Industry => {
                        let list = other_view.industries(ins.value);
                        *interner.industries.entry(list.to_vec()).or_insert_with(|| {
                            self.industries.extend_from_slice(list);
                            pack_range(self.industries.len() - list.len(), list.len())
                        })
                    }
                    OpCode::Manual => {
                        let text = other
                            .texts
                            .get(ins.value as usize)
                            .cloned()
                            .unwrap_or_default();
                        self.texts.push(text);
                        (self.texts.len() - 1) as u64
                    }
                    _ => ins.value,
                };
                let ins = Instr { value, ..*ins };
                *interner.leaves.entry(ins).or_insert_with(|| {
                    self.leaves.push(ins);
                    self.leaves.len() - 1
                })
            })
            .collect();
        self.nodes.extend(other.nodes.iter().map(|&n| match tag(n) {
            LEAF => node(LEAF, ids.get((n & PAYLOAD) as usize).copied().unwrap_or(0)),
            _ => n,
        }));
        for &source in &other.sources {
            let text = (source as usize)
                .checked_sub(1)
                .and_then(|i| other.texts.get(i))
                .cloned();
            let number = self.source_number(text);
            self.sources.push(number);
        }
        // The rule's own storage reads as this one: the same conditions, numbered apart.
        push_subtree_reads(&other_view, &mut self.reads);
        (start, other.nodes.len())
    }

    /// Stores a node's `source` text, if it has one, and gives the number `sources` holds.
    pub(crate) fn source_number(&mut self, text: Option<Arc<str>>) -> u32 {
        let Some(text) = text else { return 0 };
        self.texts.push(text);
        u32::try_from(self.texts.len()).unwrap_or(0)
    }

    /// The rule whose nodes are `start..start + len`.
    pub(crate) fn view(&self, start: usize, len: usize) -> RuleView<'_> {
        let range = start..start.saturating_add(len);
        RuleView {
            nodes: self.nodes.get(range.clone()).unwrap_or(&[]),
            sources: self.sources.get(range.clone()).unwrap_or(&[]),
            reads: self.reads.get(range).unwrap_or(&[]),
            leaves: &self.leaves,
            places: &self.places,
            industries: &self.industries,
            texts: &self.texts,
        }
    }
}

/// One compiled rule, borrowed from its storage.
#[derive(Debug, Clone, Copy)]
pub struct RuleView<'a> {
    pub(crate) nodes: &'a [u32],
    pub(crate) leaves: &'a [Instr],
    sources: &'a [u32],
    reads: &'a [Reads],
    places: &'a [Place],
    industries: &'a [Industry],
    texts: &'a [Arc<str>],
}

/// A condition decoded for reading: what it tests and against what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf<'a> {
    /// Employees, capital, sales or minimum wage against a whole number (yen or people).
    Number { field: Field, cmp: Cmp, value: u64 },
    /// A yes/no answer that must be `expect`.
    Flag { field: Field, expect: bool },
    /// 組織形態 within a set (bit `i` is `OrgForm::ALL[i]`).
    OrgForm { allowed: u32 },
    /// 大企業からの出資 within a set (bit `i` is `LargeInvestment::ALL[i]`).
    LargeInvestment { allowed: u32 },
    /// The chosen purposes include any of these (bit `i` is `Purpose::ALL[i]`).
    Purposes { any_of: u32 },
    /// The municipality lies within one of these areas.
    Within { areas: &'a [Place] },
    /// The industry falls in one of these categories.
    Industry { codes: &'a [Industry] },
    /// The founding date compared with a date (a business to be founded comes after all).
    Founded { cmp: Cmp, date: Date },
    /// A yes/no derived fact that must hold.
    Fact(Fact),
    /// Full years since founding compared with a number.
    Years { cmp: Cmp, years: u32 },
    /// A requirement a person must confirm.
    Manual(&'a str),
}

/// What one node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind<'a> {
    All,
    Any,
    Not,
    Leaf(Leaf<'a>),
}

impl<'a> RuleView<'a> {
    /// How many nodes the rule has (its evaluation writes one state per node).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Where the requirement of node `i` is written, if the rule says.
    pub fn source(&self, i: usize) -> Option<&'a str> {
        self.source_text(*self.sources.get(i)?)
    }

    /// The text a `RuleCode::sources` number stands for.
    fn source_text(&self, number: u32) -> Option<&'a str> {
        let index = (number as usize).checked_sub(1)?;
        self.texts.get(index).map(|t| &**t)
    }

    /// What the subtree of node `i` reads: everything when the storage does not say.
    #[inline]
    pub(crate) fn reads(&self, i: usize) -> Reads {
        self.reads.get(i).copied().unwrap_or(Reads::EVERYTHING)
    }

    /// One past the subtree of node `i`.
    #[inline]
    pub fn end(&self, i: usize) -> usize {
        match self.nodes.get(i) {
            Some(&n) if tag(n) != LEAF => (n & PAYLOAD) as usize,
            _ => i + 1,
        }
    }

    /// The direct children of node `i`.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + 'a {
        let view = *self;
        let end = self.end(i).min(self.nodes.len());
        let mut next = i + 1;
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let child = next;
                next = view.end(child).max(child + 1);
                child
            })
        })
    }

    /// The condition instruction of node `i`, when it is a condition.
    pub(crate) fn instr(&self, i: usize) -> Option<&'a Instr> {
        let &n = self.nodes.get(i)?;
        if tag(n) == LEAF {
            self.leaves.get((n & PAYLOAD) as usize)
        } else {
            None
        }
    }

    pub(crate) fn places(&self, value: u64) -> &'a [Place] {
        let (start, len) = unpack_range(value);
        self.places.get(start..start + len).unwrap_or(&[])
    }

    pub(crate) fn industries(&self, value: u64) -> &'a [Industry] {
        let (start, len) = unpack_range(value);
        self.industries.get(start..start + len).unwrap_or(&[])
    }

    /// Node `i` decoded.
    pub fn kind(&self, i: usize) -> Option<NodeKind<'a>> {
        match tag(*self.nodes.get(i)?) {
            ALL => Some(NodeKind::All),
            ANY => Some(NodeKind::Any),
            NOT => Some(NodeKind::Not),
            _ => self.decode(self.instr(i)?).map(NodeKind::Leaf),
        }
    }

    fn decode(&self, ins: &Instr) -> Option<Leaf<'a>> {
        let field = || Field::ALL.get(usize::from(ins.a)).copied();
        let mask = u32::try_from(ins.value).unwrap_or(u32::MAX);
        Some(match ins.op {
            OpCode::Number => Leaf::Number {
                field: field()?,
                cmp: ins.cmp,
                value: ins.value,
            },
            OpCode::Flag => Leaf::Flag {
                field: field()?,
                expect: ins.value != 0,
            },
            OpCode::OrgForm => Leaf::OrgForm { allowed: mask },
            OpCode::LargeInvestment => Leaf::LargeInvestment { allowed: mask },
            OpCode::Purposes => Leaf::Purposes { any_of: mask },
            OpCode::Within => Leaf::Within {
                areas: self.places(ins.value),
            },
            OpCode::Industry => Leaf::Industry {
                codes: self.industries(ins.value),
            },
            OpCode::Founded => Leaf::Founded {
                cmp: ins.cmp,
                date: Date::from_julian_day(i32::try_from(ins.value as i64).ok()?).ok()?,
            },
            OpCode::Fact => Leaf::Fact(*Fact::ALL.get(usize::from(ins.a))?),
            OpCode::Years => Leaf::Years {
                cmp: ins.cmp,
                years: u32::try_from(ins.value).ok()?,
            },
            OpCode::Manual => Leaf::Manual(self.texts.get(ins.value as usize)?),
        })
    }

    /// Node `i` as a condition, when it is one.
    pub fn leaf(&self, i: usize) -> Option<Leaf<'a>> {
        self.decode(self.instr(i)?)
    }

    /// The conditions of the rule that test with `op`, the others left undecoded.
    pub(crate) fn leaves_of(self, op: OpCode) -> impl Iterator<Item = Leaf<'a>> + 'a {
        (0..self.len())
            .filter_map(move |i| self.instr(i))
            .filter(move |ins| ins.op == op)
            .filter_map(move |ins| self.decode(ins))
    }

    /// Every condition of the rule.
    pub fn leaves(&self) -> impl Iterator<Item = Leaf<'a>> + '_ {
        (0..self.len()).filter_map(|i| self.leaf(i))
    }
}
