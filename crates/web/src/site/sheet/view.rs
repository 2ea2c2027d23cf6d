//! The application / consultation sheet (申請・相談シート) as data: the business's facts in
//! the words application forms use, the chosen programs with their amounts, windows and
//! documents, and — per program — what is still unknown and whom to ask.
//!
//! The same value feeds the printable page, the PDF and the console's copy for the counter,
//! so the three never disagree. It is never blank without saying why: missing answers are
//! listed as such, and an empty choice of programs says how to choose.

use madoguchi_core::catalog::Catalog;
use madoguchi_core::eligibility::{
    AnswerState, ConditionStatus, ConditionView, Field, Profile, ProgramResult, Verdict, diagnose,
};
use madoguchi_core::program::{Program, ProgramId};
use time::Date;

use crate::site::checklist::Checklist;
use crate::site::view::{amount_label, date_label, issuer_label, rate_label, round_label};

/// The most programs one sheet lists; more chosen are left out, said so.
pub const MAX_SHEET_PROGRAMS: usize = 20;

/// The business facts a 様式 asks first, in its order and words.
const FACTS: [(Field, &str); 7] = [
    (Field::Municipality, "所在地（市区町村）"),
    (Field::OrgForm, "組織形態（法人・個人の別）"),
    (Field::Industry, "業種（日本標準産業分類の中分類）"),
    (Field::Employees, "常時使用する従業員数"),
    (Field::Capital, "資本金又は出資の総額"),
    (Field::Founded, "創業・設立年月日"),
    (Field::Sales, "売上高（直近1年間）"),
];

/// One business fact.
#[derive(Debug, Clone)]
pub struct SheetFact {
    pub label: &'static str,
    /// As a person reads it; 「未回答」「わからない」 when not known.
    pub value: String,
    pub known: bool,
}

/// One chosen program on the sheet.
#[derive(Debug, Clone)]
pub struct SheetProgram {
    pub id: String,
    pub title: String,
    pub issuer: String,
    /// 「対象」「条件付きで対象」「要確認」「対象外」.
    pub verdict: &'static str,
    pub amount: Option<String>,
    pub rate: Option<String>,
    /// 「受付中（2026年5月29日（令和8年）まで）」.
    pub window: String,
    /// Each round with 西暦 and 和暦.
    pub rounds: Vec<String>,
    pub documents: Checklist,
    /// What is not settled yet: answers missing, conditions to confirm.
    pub unknowns: Vec<String>,
    /// Whom to ask: the program's contact, or its issuer.
    pub ask: String,
    pub official_url: Option<String>,
}

/// Everything the sheet shows.
#[derive(Debug, Clone)]
pub struct SheetView {
    /// 「2026年4月1日（令和8年）」.
    pub as_of: String,
    pub facts: Vec<SheetFact>,
    /// Other answers given in the diagnosis (「税の滞納：いいえ」).
    pub other_answers: Vec<(&'static str, String)>,
    /// The labels of the facts not known, for the 「まだわからないこと」 list.
    pub unknown_facts: Vec<&'static str>,
    pub programs: Vec<SheetProgram>,
    /// How the programs were chosen (ticked, or every 対象 by default), in one sentence.
    pub choice_note: String,
    /// Why no program is listed, when none is.
    pub empty_reason: Option<String>,
    /// Chosen ids that are not (or no longer) in the catalogue.
    pub missing_ids: Vec<String>,
    /// The ids listed, for the links to the PDF and the comparison.
    pub query: String,
}

impl SheetView {
    /// The sheet for `profile` with the programs `chosen` (every 対象 when none are).
    pub fn build(catalog: &Catalog, profile: &Profile, chosen: &[String], as_of: Date) -> Self {
        let diagnosis = diagnose(catalog.programs(), catalog.rules(), profile, as_of, None);
        let result_of = |id: &ProgramId| diagnosis.results.iter().find(|r| &r.program_id == id);
        let mut missing_ids = Vec::new();
        let picked: Vec<(&Program, &ProgramResult)> = if chosen.is_empty() {
            diagnosis
                .results
                .iter()
                .filter(|r| r.verdict == Verdict::Eligible)
                .filter_map(|r| Some((catalog.get(&r.program_id)?, r)))
                .collect()
        } else {
            chosen
                .iter()
                .filter_map(|raw| {
                    let found = ProgramId::parse(raw)
                        .ok()
                        .and_then(|id| Some((catalog.get(&id)?, result_of(&id)?)));
                    if found.is_none() {
                        missing_ids.push(raw.clone());
                    }
                    found
                })
                .collect()
        };
        let total = picked.len();
        let programs: Vec<SheetProgram> = picked
            .into_iter()
            .take(MAX_SHEET_PROGRAMS)
            .map(|(p, r)| program(p, r, profile, as_of))
            .collect();
        let mut choice_note = if chosen.is_empty() {
            "結果のページで制度を選ばなかったため、「対象」と判定した制度をすべて載せています。"
                .to_owned()
        } else {
            "結果のページで選んだ制度を載せています。".to_owned()
        };
        if total > MAX_SHEET_PROGRAMS {
            choice_note.push_str(&format!(
                "選ばれた{total}件のうち、はじめの{MAX_SHEET_PROGRAMS}件を載せています。"
            ));
        }
        let empty_reason = programs.is_empty().then(|| {
            if chosen.is_empty() {
                "回答いただいた内容では「対象」と判定した制度がまだないため、制度の欄は空です。結果のページで相談したい制度にチェックを入れてからシートを作るか、窓口にご相談ください。".to_owned()
            } else {
                "選ばれた制度が見つかりませんでした。掲載が終わった可能性があります。結果のページから選び直してください。".to_owned()
            }
        });
        let facts: Vec<SheetFact> = FACTS
            .iter()
            .map(|&(field, label)| fact(profile, field, label))
            .collect();
        let unknown_facts = facts.iter().filter(|f| !f.known).map(|f| f.label).collect();
        let other_answers = Field::ALL
            .iter()
            .filter(|f| !FACTS.iter().any(|(shown, _)| shown == *f))
            .filter_map(|&f| Some((f.label(), profile.shown(f)?)))
            .collect();
        let query = programs
            .iter()
            .map(|p| format!("p={}", p.id))
            .collect::<Vec<_>>()
            .join("&");
        Self {
            as_of: date_label(as_of),
            facts,
            other_answers,
            unknown_facts,
            programs,
            choice_note,
            empty_reason,
            missing_ids,
            query,
        }
    }

    /// True when some program has something still to confirm.
    pub fn has_unknowns(&self) -> bool {
        self.programs.iter().any(|p| !p.unknowns.is_empty())
    }

    /// True when the business has said nothing about itself: the sheet says so first.
    pub fn no_facts(&self) -> bool {
        self.facts.iter().all(|f| !f.known) && self.other_answers.is_empty()
    }
}

fn fact(profile: &Profile, field: Field, label: &'static str) -> SheetFact {
    if !profile.applies(field) {
        return SheetFact {
            label,
            value: "該当なし".to_owned(),
            known: true,
        };
    }
    match profile.state(field) {
        AnswerState::Known => SheetFact {
            label,
            value: profile.shown(field).unwrap_or_default(),
            known: true,
        },
        AnswerState::DontKnow => SheetFact {
            label,
            value: "わからない（要確認）".to_owned(),
            known: false,
        },
        AnswerState::Unanswered => SheetFact {
            label,
            value: "未回答（要確認）".to_owned(),
            known: false,
        },
    }
}

fn program(p: &Program, r: &ProgramResult, profile: &Profile, as_of: Date) -> SheetProgram {
    let mut unknowns: Vec<String> = r
        .missing
        .iter()
        .map(|f| format!("「{}」への回答（判定に必要です）", f.label()))
        .collect();
    unknowns.extend(
        ConditionView::flatten(&r.conditions)
            .into_iter()
            .filter(|c| c.status == ConditionStatus::ToConfirm && c.children.is_empty())
            .map(|c| format!("{}（公募要領などで確認が必要です）", c.text)),
    );
    let documents = Checklist::of(p, profile, as_of);
    unknowns.extend(
        documents
            .lines
            .iter()
            .filter(|d| d.need_class == "if-applicable")
            .map(|d| format!("「{}」が必要かどうか（{}）", d.name, d.condition)),
    );
    let ask = match &p.contact {
        Some(contact) => contact.clone(),
        None => format!("{}（公式ページの問い合わせ先）", issuer_label(p)),
    };
    SheetProgram {
        id: p.id.to_string(),
        title: p.title.to_string(),
        issuer: issuer_label(p),
        verdict: r.verdict_label,
        amount: amount_label(p),
        rate: rate_label(p),
        window: r.window_detail.label(),
        rounds: p.rounds.iter().map(round_label).collect(),
        documents,
        unknowns,
        ask,
        official_url: p.official_url.as_ref().map(ToString::to_string),
    }
}
