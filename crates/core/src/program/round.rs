//! When a program can be applied for: its rounds (公募回) and its status.

use serde::{Deserialize, Serialize};

use super::ModelError;
use crate::calendar::JstDateTime;
use crate::labeled_enum;

/// One application window (受付期間). Either end may be unknown (随時, 未定).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRound", into = "RawRound")]
pub struct ApplicationRound {
    label: Option<String>,
    opens: Option<JstDateTime>,
    closes: Option<JstDateTime>,
}

impl ApplicationRound {
    /// Refuses a window that closes before it opens.
    pub fn new(
        label: Option<String>,
        opens: Option<JstDateTime>,
        closes: Option<JstDateTime>,
    ) -> Result<Self, ModelError> {
        if let (Some(o), Some(c)) = (opens, closes)
            && c < o
        {
            return Err(ModelError::ClosesBeforeOpens {
                opens: o.to_rfc3339(),
                closes: c.to_rfc3339(),
            });
        }
        let label = label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
        Ok(Self {
            label,
            opens,
            closes,
        })
    }

    /// 「第1回公募」, 「二次公募」.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    pub fn opens(&self) -> Option<JstDateTime> {
        self.opens
    }

    pub fn closes(&self) -> Option<JstDateTime> {
        self.closes
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRound {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    opens: Option<JstDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closes: Option<JstDateTime>,
}

impl TryFrom<RawRound> for ApplicationRound {
    type Error = ModelError;
    fn try_from(raw: RawRound) -> Result<Self, Self::Error> {
        Self::new(raw.label, raw.opens, raw.closes)
    }
}

impl From<ApplicationRound> for RawRound {
    fn from(round: ApplicationRound) -> Self {
        Self {
            label: round.label,
            opens: round.opens,
            closes: round.closes,
        }
    }
}

labeled_enum! {
    /// The status staff set on a program; the window state as of a date is computed apart.
    pub enum ProgramStatus: "受付状況", "受付前・受付中・受付終了・予算上限により受付終了・中止のいずれかを指定してください。" {
        Upcoming = ("upcoming", "受付前"),
        Open = ("open", "受付中"),
        Closed = ("closed", "受付終了"),
        ClosedBudget = ("closed_budget", "予算上限により受付終了"),
        Cancelled = ("cancelled", "中止"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DayEdge;

    fn at(raw: &str) -> JstDateTime {
        JstDateTime::parse(raw, DayEdge::End).unwrap()
    }

    #[test]
    fn a_round_that_closes_before_it_opens_is_refused() {
        let err = ApplicationRound::new(None, Some(at("2026-04-01")), Some(at("2026-03-31")))
            .unwrap_err()
            .to_string();
        assert!(err.contains("受付終了日時"), "{err}");
    }

    #[test]
    fn a_round_is_checked_when_read_from_json_too() {
        let json = r#"{"opens":"2026-05-01T00:00:00+09:00","closes":"2026-04-01T00:00:00+09:00"}"#;
        assert!(serde_json::from_str::<ApplicationRound>(json).is_err());
    }
}
