//! What the editor needs to know about one program: its published version, its draft, and
//! which of the two the form starts from.

use madoguchi_core::program::{
    Amount, Issuer, Program, ProgramId, ProgramKind, ProgramStatus, Source, TargetAreas,
    TargetIndustries, Title,
};
use madoguchi_store::{Draft, Store};

use crate::AppError;

/// One program as the editor sees it.
#[derive(Debug, Clone)]
pub struct EditContext {
    /// The program's id; `None` while a new program has none.
    pub id: Option<ProgramId>,
    pub published: Option<Program>,
    pub draft: Option<Draft>,
}

impl EditContext {
    /// An existing program (published, or only drafted so far); 404 when neither.
    pub async fn load(store: &Store, id: &str) -> Result<Self, AppError> {
        let id = ProgramId::parse(id).map_err(|_| AppError::NotFound)?;
        let published = store.program(&id).await?;
        let draft = store.draft(&id).await?;
        if published.is_none() && draft.is_none() {
            return Err(AppError::NotFound);
        }
        Ok(Self {
            id: Some(id),
            published,
            draft,
        })
    }

    /// A program not in the catalogue yet.
    pub fn new_program() -> Self {
        Self {
            id: None,
            published: None,
            draft: None,
        }
    }

    pub fn is_new(&self) -> bool {
        self.id.is_none()
    }

    /// What the form edits: the draft if there is one, else the published program, else
    /// a blank one.
    pub fn base(&self) -> Program {
        match (&self.draft, &self.published) {
            (Some(d), _) => d.program.clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => blank(self.id.clone()),
        }
    }

    /// The published version a save builds on (0: none).
    pub fn base_version(&self) -> u32 {
        match (&self.draft, &self.published) {
            (Some(d), _) => d.base_version,
            (None, Some(p)) => p.version,
            (None, None) => 0,
        }
    }

    /// The draft revision a save replaces (0: none).
    pub fn revision(&self) -> u32 {
        self.draft.as_ref().map_or(0, |d| d.revision)
    }
}

/// A program with nothing filled in but what the model requires, for the new-program form.
fn blank(id: Option<ProgramId>) -> Program {
    Program {
        id: id
            .unwrap_or_else(|| ProgramId::parse("new-program").unwrap_or_else(|_| unreachable!())),
        title: Title::parse("（新しい制度）").unwrap_or_else(|_| unreachable!()),
        summary: String::new(),
        detail: String::new(),
        kind: ProgramKind::Subsidy,
        issuer: Issuer::national("", None),
        purposes: Default::default(),
        industries: TargetIndustries::All,
        areas: TargetAreas::Nationwide,
        employees: None,
        amount: Amount::default(),
        rounds: Vec::new(),
        fiscal_year: None,
        status: ProgramStatus::Open,
        official_url: None,
        contact: None,
        documents: Vec::new(),
        source: Source::manual(),
        last_verified: None,
        verified_against: Vec::new(),
        note: None,
        rule: None,
        test_cases: Vec::new(),
        version: 0,
    }
}
