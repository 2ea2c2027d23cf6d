//! A subscription's terms, checked at the edge: the address it is delivered to, the
//! conditions it matches programs by, the events it wants and how often.

use serde::{Deserialize, Serialize};

use crate::desk::email_key;

/// Where notices go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", content = "to", rename_all = "snake_case")]
pub enum Address {
    /// An e-mail address, kept as typed (trimmed) once it reads as one.
    Email(String),
    /// A LINE user id, learnt from the follow event of the official account.
    Line(String),
}

impl Address {
    /// An e-mail address as a person typed it, or why it is not one.
    pub fn email(raw: &str) -> Result<Self, SubscriptionError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(SubscriptionError::MissingEmail);
        }
        email_key(trimmed)
            .map(|_| Self::Email(trimmed.to_owned()))
            .ok_or(SubscriptionError::BadEmail)
    }

    /// `email` or `line`, as kept in the database.
    pub fn channel(&self) -> &'static str {
        match self {
            Self::Email(_) => "email",
            Self::Line(_) => "line",
        }
    }

    /// The address itself.
    pub fn to(&self) -> &str {
        match self {
            Self::Email(to) | Self::Line(to) => to,
        }
    }

    /// The address as a page may show it to someone who holds a link but may not be its
    /// owner: `ta***@example.jp`, `LINE（…a1b2）`.
    pub fn masked(&self) -> String {
        match self {
            Self::Email(to) => mask_email(to),
            Self::Line(to) if to.is_empty() => "LINE（未連携）".to_owned(),
            Self::Line(to) => {
                let tail: String = to
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("LINE（…{tail}）")
            }
        }
    }
}

/// An e-mail address with all but the first two characters of its local part hidden.
pub fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let shown: String = local.chars().take(2).collect();
            format!("{shown}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// What programs a subscription is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criteria {
    /// A diagnosis's answers, as the profile JSON (`docs/profile.md`). Kept as JSON so that
    /// a later change of the vocabulary cannot make the stored subscription unreadable: a
    /// profile that no longer reads is reported and skipped, not lost.
    Profile(serde_json::Value),
    /// A search's words, as typed in the search box (subscriptions made before searches kept
    /// their filters; still read and matched by their words).
    Search(String),
    /// A search with its filters: `params` as the search page's URL parameters
    /// (`q=設備&area=052019&industry=E`), in the order the search page writes them, read back
    /// by the web layer; `words` is its `q`, kept beside so that staff segments and messages
    /// need not read a URL.
    SearchWithFilters { words: String, params: String },
}

impl Criteria {
    /// The search words of a search subscription; `None` for a diagnosis.
    pub fn search_words(&self) -> Option<&str> {
        match self {
            Self::Profile(_) => None,
            Self::Search(words) | Self::SearchWithFilters { words, .. } => Some(words),
        }
    }
}

/// Something that happens to a program that a subscriber may want to hear of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// A program was published.
    New,
    /// Its window, amount or rules changed.
    Changed,
    /// Its window closes in 14 days.
    Deadline14,
    /// Its window closes in 7 days.
    Deadline7,
}

impl Event {
    pub const ALL: [Self; 4] = [Self::New, Self::Changed, Self::Deadline14, Self::Deadline7];

    pub fn code(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Changed => "changed",
            Self::Deadline14 => "deadline14",
            Self::Deadline7 => "deadline7",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "新しい制度の公開",
            Self::Changed => "制度の変更（受付期間・金額・要件）",
            Self::Deadline14 => "締切の14日前",
            Self::Deadline7 => "締切の7日前",
        }
    }
}

/// The events a subscription wants, at least one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Event>", into = "Vec<Event>")]
pub struct EventSet(Vec<Event>);

impl EventSet {
    /// Every event.
    pub fn all() -> Self {
        Self(Event::ALL.to_vec())
    }

    /// The events named by `codes` (unknown codes are refused, not dropped).
    pub fn parse<'c>(codes: impl IntoIterator<Item = &'c str>) -> Result<Self, SubscriptionError> {
        let events = codes
            .into_iter()
            .map(|code| Event::parse(code).ok_or(SubscriptionError::NoEvent))
            .collect::<Result<Vec<_>, _>>()?;
        Self::try_from(events)
    }

    pub fn contains(&self, event: Event) -> bool {
        self.0.contains(&event)
    }

    pub fn iter(&self) -> impl Iterator<Item = Event> + '_ {
        self.0.iter().copied()
    }
}

impl TryFrom<Vec<Event>> for EventSet {
    type Error = SubscriptionError;
    fn try_from(mut events: Vec<Event>) -> Result<Self, SubscriptionError> {
        events.sort_unstable();
        events.dedup();
        if events.is_empty() {
            return Err(SubscriptionError::NoEvent);
        }
        Ok(Self(events))
    }
}

impl From<EventSet> for Vec<Event> {
    fn from(set: EventSet) -> Self {
        set.0
    }
}

/// How often notices go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// As soon as the event happens (within the daily cap).
    Instant,
    /// Gathered into one message a week.
    Weekly,
}

impl Cadence {
    pub fn code(self) -> &'static str {
        match self {
            Self::Instant => "instant",
            Self::Weekly => "weekly",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Instant, Self::Weekly]
            .into_iter()
            .find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Instant => "すぐに受け取る",
            Self::Weekly => "週に1回まとめて受け取る",
        }
    }
}

/// What a subscriber may change at any time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionChoices {
    pub events: EventSet,
    pub cadence: Cadence,
    /// Whether 要確認 results (the answers do not settle it) are sent too, beside 対象 and
    /// 条件付き.
    pub needs_info: bool,
}

impl Default for SubscriptionChoices {
    fn default() -> Self {
        Self {
            events: EventSet::all(),
            cadence: Cadence::Instant,
            needs_info: false,
        }
    }
}

/// Why a subscription form was refused, in the words the form shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscriptionError {
    #[error("メールアドレスを入力してください。")]
    MissingEmail,
    #[error("メールアドレスの形ではありません。「name@example.jp」のように入力してください。")]
    BadEmail,
    #[error("受け取るお知らせを1つ以上選んでください。")]
    NoEvent,
    #[error("受け取る頻度を選んでください。")]
    NoCadence,
    #[error("個人情報の取扱いへの同意が必要です。内容を確認して、同意する欄を選んでください。")]
    NoConsent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_must_read_as_one_and_says_what_to_fix() {
        assert_eq!(
            Address::email(" taro@example.jp ").unwrap(),
            Address::Email("taro@example.jp".to_owned())
        );
        assert_eq!(Address::email(""), Err(SubscriptionError::MissingEmail));
        for bad in [
            "taro",
            "taro@",
            "@example.jp",
            "taro@example",
            "a b@example.jp",
        ] {
            assert_eq!(
                Address::email(bad),
                Err(SubscriptionError::BadEmail),
                "{bad}"
            );
        }
    }

    #[test]
    fn masking_keeps_only_enough_to_recognise_ones_own() {
        assert_eq!(
            Address::email("taro.yamada@example.jp").unwrap().masked(),
            "ta***@example.jp"
        );
        assert_eq!(
            Address::Line("U4af4980629a1b2".to_owned()).masked(),
            "LINE（…a1b2）"
        );
        assert_eq!(Address::Line(String::new()).masked(), "LINE（未連携）");
        assert_eq!(mask_email("broken"), "***");
    }

    #[test]
    fn events_are_at_least_one_known_one_kept_in_order() {
        let set = EventSet::parse(["deadline7", "new", "new"]).unwrap();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Event::New, Event::Deadline7]
        );
        assert_eq!(EventSet::parse([]), Err(SubscriptionError::NoEvent));
        assert_eq!(EventSet::parse(["weekly"]), Err(SubscriptionError::NoEvent));
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["new","deadline7"]"#);
        assert!(serde_json::from_str::<EventSet>("[]").is_err());
    }
}
