//! The diagnosis as a path of steps: which question a step shows, and where an answer leads.
//!
//! Step 1 to `asked.len()` are the questions already asked, in order, so 「戻る」 and a
//! returning visitor find their answers where they left them; the step after them is the
//! engine's next best question. Only step numbers and field codes travel in URLs, never answers.

use madoguchi_core::catalog::Catalog;
use madoguchi_core::eligibility::{Context, Field, Profile, next_question};
use time::Date;

use crate::http::session::VisitorData;

/// The answers so far and the order they were asked in.
#[derive(Debug, Clone, Default)]
pub struct Wizard {
    pub profile: Profile,
    pub asked: Vec<Field>,
}

/// What a step request resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// 1-based.
    pub step: usize,
    /// `None` once no question is left to ask.
    pub field: Option<Field>,
    /// The request named a step that does not exist and was shown the next one instead.
    pub out_of_range: bool,
}

impl Wizard {
    /// Reads the session's data; entries that no longer read (a renamed field) are dropped.
    pub fn from_data(data: &VisitorData) -> Self {
        let profile = match &data.profile {
            serde_json::Value::Object(_) => Profile::from_value(&data.profile).unwrap_or_default(),
            _ => Profile::default(),
        };
        let mut asked = Vec::new();
        for field in data.asked.iter().filter_map(|c| Field::parse(c).ok()) {
            if !asked.contains(&field) {
                asked.push(field);
            }
        }
        Self { profile, asked }
    }

    pub fn to_data(&self) -> VisitorData {
        VisitorData {
            profile: self.profile.to_value(),
            asked: self.asked.iter().map(|f| f.code().to_owned()).collect(),
            receipt: None,
        }
    }

    /// The engine's next best question for the answers so far.
    pub fn next_field(&self, catalog: &Catalog, as_of: Date) -> Option<Field> {
        let ctx = Context::new(&self.profile, as_of);
        let evaluation = catalog.rules().evaluate(&ctx);
        next_question(&evaluation, &ctx)
    }

    /// The step a request asks for: by field (from a 「この質問に答える」 link), by number, or
    /// the next new question. `next` is the engine's choice, worked out by the caller.
    pub fn locate(
        &self,
        step: Option<usize>,
        field: Option<Field>,
        next: impl FnOnce() -> Option<Field>,
    ) -> Located {
        let new_step = self.asked.len() + 1;
        if let Some(field) = field {
            let step = self
                .asked
                .iter()
                .position(|&f| f == field)
                .map_or(new_step, |i| i + 1);
            return Located {
                step,
                field: Some(field),
                out_of_range: false,
            };
        }
        match step {
            Some(n) if (1..new_step).contains(&n) => Located {
                step: n,
                field: self.asked.get(n - 1).copied(),
                out_of_range: false,
            },
            other => Located {
                step: new_step,
                field: next(),
                out_of_range: other.is_some_and(|n| n != new_step),
            },
        }
    }

    /// Records that `field` was answered; returns the step to show next (`None`: the next
    /// new question).
    pub fn record(&mut self, field: Field) -> Option<usize> {
        let index = match self.asked.iter().position(|&f| f == field) {
            Some(i) => i,
            None => {
                self.asked.push(field);
                self.asked.len() - 1
            }
        };
        let following = index + 2;
        (following <= self.asked.len()).then_some(following)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wizard(asked: &[Field]) -> Wizard {
        Wizard {
            profile: Profile::default(),
            asked: asked.to_vec(),
        }
    }

    #[test]
    fn asked_steps_are_revisited_and_the_step_after_them_asks_the_engine() {
        let w = wizard(&[Field::Municipality, Field::Employees]);
        let at = w.locate(Some(1), None, || None);
        assert_eq!((at.step, at.field), (1, Some(Field::Municipality)));
        let at = w.locate(Some(3), None, || Some(Field::Capital));
        assert_eq!((at.step, at.field), (3, Some(Field::Capital)));
        assert!(!at.out_of_range);
        let at = w.locate(None, None, || None);
        assert_eq!((at.step, at.field), (3, None));
    }

    #[test]
    fn an_out_of_range_step_shows_the_next_question_and_says_so() {
        let w = wizard(&[Field::Municipality]);
        for n in [0, 3, 99] {
            let at = w.locate(Some(n), None, || Some(Field::Industry));
            assert_eq!(at.step, 2);
            assert_eq!(at.field, Some(Field::Industry));
            assert!(at.out_of_range, "step {n}");
        }
    }

    #[test]
    fn a_field_link_opens_its_step_or_a_new_one() {
        let w = wizard(&[Field::Municipality, Field::Employees]);
        assert_eq!(w.locate(None, Some(Field::Employees), || None).step, 2);
        let at = w.locate(None, Some(Field::Sales), || None);
        assert_eq!((at.step, at.field), (3, Some(Field::Sales)));
    }

    #[test]
    fn answering_an_earlier_step_moves_to_the_one_after_it() {
        let mut w = wizard(&[Field::Municipality, Field::Employees]);
        assert_eq!(w.record(Field::Municipality), Some(2));
        assert_eq!(w.record(Field::Employees), None);
        assert_eq!(w.record(Field::Capital), None);
        assert_eq!(w.asked.len(), 3);
    }

    #[test]
    fn data_round_trips_and_unknown_fields_are_dropped() {
        let mut w = wizard(&[Field::Municipality]);
        w.profile.set_text(Field::Employees, "12人").unwrap();
        let mut data = w.to_data();
        data.asked.push("no_such_field".to_owned());
        let back = Wizard::from_data(&data);
        assert_eq!(back.asked, vec![Field::Municipality]);
        assert_eq!(back.profile, w.profile);
    }
}
