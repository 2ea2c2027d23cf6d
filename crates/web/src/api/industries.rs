//! `GET /api/v1/industries?q=…`: the industry finder as JSON — the 中分類 (and 大分類) that fit
//! what a business says it does, each with the reason, or the one question that settles a
//! word the classification splits. The diagnosis step's combobox, the console's rule builder
//! and other municipal systems ask the same finder through this one shape.

use axum::Json;
use axum::http::Uri;
use madoguchi_core::reference::jsic::finder::{FollowUp, IndustryFinding, find_industry};
use madoguchi_core::reference::jsic::{IndustryProposal, middle};
use serde::Serialize;

/// What the finder made of one answer.
#[derive(Debug, Clone, Serialize)]
pub struct IndustryAnswer {
    /// The answer as read (trimmed; the finder reads its first 100 characters).
    pub query: String,
    /// Set when nothing was found: what to try instead, in Japanese.
    pub hint: Option<&'static str>,
    /// Set when the best match is a word the classification splits: ask this first.
    pub follow_up: Option<FollowUpView>,
    /// Best first (at most five).
    pub candidates: Vec<Candidate>,
}

/// A proposed 中分類.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Two digits: the value the profile's `industry` takes.
    pub code: String,
    pub name: &'static str,
    pub major: char,
    pub major_name: &'static str,
    /// The word or class name the answer matched.
    pub matched: &'static str,
    pub reason: String,
    /// 「ラーメン屋 → 飲食店（76）：店内で料理や飲み物を出す事業」.
    pub explanation: String,
}

/// The question for a split word and its answers.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpView {
    pub matched: &'static str,
    pub question: &'static str,
    pub options: Vec<FollowUpChoice>,
}

/// One answer to a follow-up question.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpChoice {
    pub code: String,
    pub name: &'static str,
    pub answer: &'static str,
    pub reason: &'static str,
}

impl IndustryAnswer {
    /// Runs the finder on `answer`.
    pub fn find(answer: &str) -> Self {
        let finding = find_industry(answer);
        let follow_up = match &finding {
            IndustryFinding::Found {
                follow_up: Some(f), ..
            } => Some(follow_up_view(f)),
            _ => None,
        };
        Self {
            query: answer.trim().to_owned(),
            hint: finding.hint(),
            follow_up,
            candidates: finding.proposals().iter().map(candidate).collect(),
        }
    }
}

fn candidate(p: &IndustryProposal) -> Candidate {
    Candidate {
        code: format!("{:02}", p.middle.code),
        name: p.middle.name,
        major: p.major.letter,
        major_name: p.major.name,
        matched: p.matched,
        reason: p.reason.clone(),
        explanation: p.explanation(),
    }
}

fn follow_up_view(f: &FollowUp) -> FollowUpView {
    FollowUpView {
        matched: f.matched,
        question: f.question.question,
        options: f
            .question
            .options
            .iter()
            .map(|o| FollowUpChoice {
                code: format!("{:02}", o.middle),
                name: middle(o.middle).map_or("", |m| m.name),
                answer: o.answer,
                reason: o.reason,
            })
            .collect(),
    }
}

/// `GET /api/v1/industries?q=…`. Any text is an answer (an empty or unreadable one gets a
/// hint), so this never fails.
pub async fn find_industries(uri: Uri) -> Json<IndustryAnswer> {
    Json(IndustryAnswer::find(&asked(&uri)))
}

/// The `q` of a request, read as best it can be: a `q` given twice, or in broken
/// percent-encoding, is still an answer to look up, never an error.
pub fn asked(uri: &Uri) -> String {
    uri.query()
        .and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "q")
                .map(|(_, value)| value.into_owned())
        })
        .unwrap_or_default()
}
