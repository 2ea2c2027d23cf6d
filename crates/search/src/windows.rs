//! Each program's application window on one day, worked out once for every slot.
//!
//! Status filters, facet counts and the 締切順 order all need a program's window on the day
//! of the search. Working it out per hit means reading the program's rounds from wherever
//! they live in memory: at a million programs, a broad word's 400,000 hits spent half their
//! time there. The windows only change when the day or the program does, so a snapshot keeps
//! them for the last day asked, in one dense vector by slot, and the next snapshot takes them
//! over with only the changed slots worked out again.

use std::sync::{Arc, Mutex, PoisonError};

use time::Date;

use crate::facts::{Facts, window_state};
use crate::query::WindowState;

/// A program's window on the day: its state and the day it closes, where it does.
pub(crate) type DayWindow = (WindowState, Option<Date>);

/// Every slot's window on one day.
#[derive(Debug)]
pub(crate) struct DayWindows {
    as_of: Date,
    slots: Vec<DayWindow>,
}

impl DayWindows {
    fn of(facts: &[Option<Arc<Facts>>], as_of: Date) -> Self {
        Self {
            as_of,
            slots: facts
                .iter()
                .map(|f| window_of(f.as_deref(), as_of))
                .collect(),
        }
    }

    /// The window of the program in `slot` (a withdrawn slot's is never asked for).
    pub fn get(&self, slot: usize) -> DayWindow {
        self.slots
            .get(slot)
            .copied()
            .unwrap_or((WindowState::Unknown, None))
    }
}

fn window_of(facts: Option<&Facts>, as_of: Date) -> DayWindow {
    facts.map_or((WindowState::Unknown, None), |f| {
        let window = f.window(as_of);
        (window_state(window), window.closing_date())
    })
}

/// The windows a snapshot has worked out, for the last day a search asked about.
#[derive(Debug, Default)]
pub(crate) struct KeptWindows(Mutex<Option<Arc<DayWindows>>>);

impl KeptWindows {
    /// The windows of `facts` on `as_of`, worked out on the first search of the day. Searches
    /// that come meanwhile wait rather than work them out again.
    pub fn on(&self, facts: &[Option<Arc<Facts>>], as_of: Date) -> Arc<DayWindows> {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(windows) = kept.as_ref().filter(|w| w.as_of == as_of) {
            return Arc::clone(windows);
        }
        let windows = Arc::new(DayWindows::of(facts, as_of));
        *kept = Some(Arc::clone(&windows));
        windows
    }

    /// What the next snapshot, holding `facts`, starts with: these windows with the `changed`
    /// slots worked out again (nothing, if no search asked yet).
    pub fn changed(&self, facts: &[Option<Arc<Facts>>], changed: &[usize]) -> Self {
        let kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let next = kept.as_ref().map(|old| {
            let mut slots = old.slots.clone();
            slots.resize(facts.len(), (WindowState::Unknown, None));
            for &slot in changed {
                if let Some(place) = slots.get_mut(slot) {
                    *place = window_of(facts.get(slot).and_then(Option::as_deref), old.as_of);
                }
            }
            Arc::new(DayWindows {
                as_of: old.as_of,
                slots,
            })
        });
        Self(Mutex::new(next))
    }
}
