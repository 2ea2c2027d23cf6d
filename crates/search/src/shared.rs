//! The tantivy index behind every snapshot of one catalogue, and the one writer that changes it.
//!
//! Rebuilding 100,000 programs takes seconds, so a publication changes the documents it
//! concerns instead: each program owns a stable *slot* (the `ord` field, fast for the collector
//! and indexed so that its document can be deleted by term), and a change deletes the slot's old
//! document, adds the new one, commits and reloads the reader. Each [`SearchIndex`] pins the
//! `Searcher` it was given, and tantivy keeps a pinned searcher's segments and deletes as they
//! were (RAM files are reference-counted), so a snapshot never sees a later change.
//!
//! The index lives in memory, or in a directory kept for the next start (`kept`), where it is
//! opened and mended instead of built.
//!
//! Only the newest snapshot may be changed: the id → slot map and the writer follow one line of
//! history, and a generation number refuses changes from an older snapshot (they would mix two
//! histories) with [`SearchError::Superseded`]; the caller then rebuilds in full.
//!
//! [`SearchIndex`]: crate::SearchIndex

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use madoguchi_core::program::{Program, ProgramId};
use tantivy::indexer::IndexWriterOptions;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analysis::JapaneseTokenizer;
use crate::index::SearchError;
use crate::kept::{self, Claim, Recovered};
use crate::matcher::TextFields;
use crate::readings::Readings;
use crate::text::plain_text;

/// The names of the fields read back: the slot (by the collector), the id and fingerprint
/// (when a kept index opens).
pub(crate) const ORD: &str = "ord";
pub(crate) const ID: &str = "id";
pub(crate) const FINGERPRINT: &str = "fingerprint";

/// tantivy's smallest budget per writer thread: a publication adds a handful of documents.
const UPDATE_MEMORY_BUDGET: usize = 15_000_000;

/// The index, its reader and its writer, shared by the snapshots of one catalogue.
pub(crate) struct SharedIndex {
    layout: Layout,
    pub readings: Option<&'static Readings>,
    reader: IndexReader,
    /// What every commit records (see `kept`).
    payload: String,
    /// Held for the whole of a change, so that changes happen one after the other.
    writer: Mutex<Updates>,
    /// The copy on disk this index lives in, held for as long as the index lives.
    _claim: Option<Claim>,
}

/// The fields of a document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub text: TextFields,
    /// The slot, fast for the collector and indexed to delete by term.
    pub ord: Field,
    /// The program's id and its document's fingerprint, read back when a kept index opens.
    pub id: Field,
    pub fingerprint: Field,
}

/// Where a full build puts its index.
#[derive(Debug)]
pub(crate) enum Place {
    Memory,
    Kept(Claim),
}

/// Where the newest full build's index came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexOrigin {
    /// Built in memory (no directory given, or none usable).
    Memory,
    /// Built afresh in a directory, to be opened at the next start.
    Built,
    /// Opened from a directory, with `mended` programs indexed again because the catalogue
    /// had changed since it was written.
    Opened { mended: usize },
}

/// What only the newest snapshot's change may touch.
struct Updates {
    writer: IndexWriter,
    /// The generation of the newest snapshot; a change makes the next one.
    generation: u64,
    /// The slot of every program in the newest snapshot.
    slots: HashMap<ProgramId, usize>,
    /// The slot the next new program gets.
    next_slot: usize,
}

/// What one change did, for the new snapshot's facts.
#[derive(Debug)]
pub(crate) struct Change {
    pub searcher: Searcher,
    pub generation: u64,
    /// The slot of each published program, in the order given.
    pub published: Vec<usize>,
    /// The slots of the withdrawn programs that were in the index.
    pub withdrawn: Vec<usize>,
    /// The slot of each dated program that is in the index, with its date.
    pub dated: Vec<(usize, i64)>,
}

/// A built index: the shared part and the first snapshot's searcher and generation.
pub(crate) struct Built {
    pub shared: Arc<SharedIndex>,
    pub searcher: Searcher,
    pub generation: u64,
    /// The slot of each program, in the order given.
    pub slots: Vec<usize>,
    pub origin: IndexOrigin,
}

impl SharedIndex {
    /// Indexes `programs` in `place`: opens what a kept copy holds and mends what differs, or
    /// builds it whole with each program in the slot of its position.
    pub fn build<P: Borrow<Program>>(
        programs: &[P],
        readings: Option<&'static Readings>,
        place: Place,
    ) -> Result<Built, SearchError> {
        let (schema, layout) = schema();
        let claim = match place {
            Place::Memory => {
                let index = Index::create_in_ram(schema);
                return Self::fill(index, layout, programs, readings, None);
            }
            Place::Kept(claim) => claim,
        };
        if let Some(index) = claim.open(&schema, readings.is_some())
            && let Some(found) = Recovered::read(&index, programs)
        {
            return Self::mend(index, layout, programs, readings, found, claim);
        }
        let index = claim.create(schema)?;
        Self::fill(index, layout, programs, readings, Some(claim))
    }

    /// Adds every program to an empty index.
    fn fill<P: Borrow<Program>>(
        index: Index,
        layout: Layout,
        programs: &[P],
        readings: Option<&'static Readings>,
        claim: Option<Claim>,
    ) -> Result<Built, SearchError> {
        register(&index);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let payload = kept::payload(readings.is_some());
        let mut slots = HashMap::with_capacity(programs.len());
        {
            // The bulk writer (several threads, a large budget) only lives for the build.
            let mut writer =
                index.writer_with_num_threads::<TantivyDocument>(threads, 64_000_000 * threads)?;
            for (slot, program) in programs.iter().enumerate() {
                let program = program.borrow();
                writer.add_document(document(layout, readings, slot, program))?;
                slots.insert(program.id.clone(), slot);
            }
            commit(&mut writer, &payload)?;
        }
        let origin = if claim.is_some() {
            IndexOrigin::Built
        } else {
            IndexOrigin::Memory
        };
        let shared = Self::serve(
            index,
            layout,
            readings,
            payload,
            slots,
            programs.len(),
            claim,
        )?;
        Ok(Built {
            searcher: shared.reader.searcher(),
            shared: Arc::new(shared),
            generation: 0,
            slots: (0..programs.len()).collect(),
            origin,
        })
    }

    /// Serves a kept index, with the programs that changed since it was written indexed again.
    fn mend<P: Borrow<Program>>(
        index: Index,
        layout: Layout,
        programs: &[P],
        readings: Option<&'static Readings>,
        found: Recovered,
        claim: Claim,
    ) -> Result<Built, SearchError> {
        register(&index);
        let payload = kept::payload(readings.is_some());
        let Recovered {
            slots: by_id,
            next_slot,
            slot_of: mut slots,
            changed,
            withdrawn,
        } = found;
        let shared = Arc::new(Self::serve(
            index,
            layout,
            readings,
            payload,
            by_id,
            next_slot,
            Some(claim),
        )?);
        let mended = changed.len() + withdrawn.len();
        let (searcher, generation) = if mended == 0 {
            (shared.reader.searcher(), 0)
        } else {
            let again: Vec<&Program> = changed.iter().map(|&at| programs[at].borrow()).collect();
            let change = shared.change(0, &again, &withdrawn, [])?;
            for (&at, slot) in changed.iter().zip(change.published) {
                slots[at] = Some(slot);
            }
            (change.searcher, change.generation)
        };
        Ok(Built {
            shared,
            searcher,
            generation,
            // Every program has its slot now: the unchanged kept theirs, the rest were added.
            slots: slots.into_iter().flatten().collect(),
            origin: IndexOrigin::Opened { mended },
        })
    }

    /// The shared part of an index that holds a document in each of `slots`.
    fn serve(
        index: Index,
        layout: Layout,
        readings: Option<&'static Readings>,
        payload: String,
        slots: HashMap<ProgramId, usize>,
        next_slot: usize,
        claim: Option<Claim>,
    ) -> Result<Self, SearchError> {
        let writer = index.writer_with_options(
            IndexWriterOptions::builder()
                .num_worker_threads(1)
                .memory_budget_per_thread(UPDATE_MEMORY_BUDGET)
                .num_merge_threads(1)
                .build(),
        )?;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            layout,
            readings,
            reader,
            payload,
            writer: Mutex::new(Updates {
                writer,
                generation: 0,
                slots,
                next_slot,
            }),
            _claim: claim,
        })
    }

    /// Replaces or adds `published`, deletes `withdrawn`, commits and gives the new searcher,
    /// when `generation` is the newest snapshot's. A failure leaves no snapshot changeable: the
    /// writer's state is then unknown, and a full rebuild is the way out.
    pub fn change<'a, P: Borrow<Program>>(
        &self,
        generation: u64,
        published: &[P],
        withdrawn: &[ProgramId],
        dates: impl IntoIterator<Item = (&'a ProgramId, i64)>,
    ) -> Result<Change, SearchError> {
        let mut updates = self.writer.lock().map_err(|_| SearchError::Superseded)?;
        if updates.generation != generation {
            return Err(SearchError::Superseded);
        }
        updates.generation += 1;
        match self.apply(&mut updates, published, withdrawn, dates) {
            Ok(change) => Ok(change),
            Err(e) => {
                // The generation has moved on, so nothing will commit what is pending; rolling
                // back only frees it early.
                updates.writer.rollback().ok();
                Err(e)
            }
        }
    }

    fn apply<'a, P: Borrow<Program>>(
        &self,
        updates: &mut Updates,
        published: &[P],
        withdrawn: &[ProgramId],
        dates: impl IntoIterator<Item = (&'a ProgramId, i64)>,
    ) -> Result<Change, SearchError> {
        let mut published_slots = Vec::with_capacity(published.len());
        for program in published {
            let program = program.borrow();
            let slot = match updates.slots.get(&program.id) {
                Some(&slot) => {
                    updates.writer.delete_term(self.slot_term(slot));
                    slot
                }
                None => {
                    let slot = updates.next_slot;
                    updates.next_slot += 1;
                    updates.slots.insert(program.id.clone(), slot);
                    slot
                }
            };
            updates
                .writer
                .add_document(document(self.layout, self.readings, slot, program))?;
            published_slots.push(slot);
        }
        let mut withdrawn_slots = Vec::with_capacity(withdrawn.len());
        for id in withdrawn {
            if let Some(slot) = updates.slots.remove(id) {
                updates.writer.delete_term(self.slot_term(slot));
                withdrawn_slots.push(slot);
            }
        }
        let dated = dates
            .into_iter()
            .filter_map(|(id, at)| updates.slots.get(id).map(|&slot| (slot, at)))
            .collect();
        commit(&mut updates.writer, &self.payload)?;
        self.reader.reload()?;
        Ok(Change {
            searcher: self.reader.searcher(),
            generation: updates.generation,
            published: published_slots,
            withdrawn: withdrawn_slots,
            dated,
        })
    }

    /// The text fields a query searches.
    pub fn fields(&self) -> TextFields {
        self.layout.text
    }

    fn slot_term(&self, slot: usize) -> Term {
        Term::from_field_u64(self.layout.ord, slot as u64)
    }
}

/// The schema of every index, in memory or kept.
fn schema() -> (Schema, Layout) {
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(JapaneseTokenizer::NAME)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let mut builder = Schema::builder();
    let ord = builder.add_u64_field(ORD, FAST | INDEXED);
    let text = TextFields {
        title: builder.add_text_field("title", text.clone()),
        reading: builder.add_text_field("reading", text.clone()),
        summary: builder.add_text_field("summary", text.clone()),
        body: builder.add_text_field("body", text),
    };
    let id = builder.add_text_field(ID, TextOptions::default().set_fast("raw"));
    let fingerprint = builder.add_u64_field(FINGERPRINT, FAST);
    let layout = Layout {
        text,
        ord,
        id,
        fingerprint,
    };
    (builder.build(), layout)
}

fn register(index: &Index) {
    index.tokenizers().register(
        JapaneseTokenizer::NAME,
        TextAnalyzer::from(JapaneseTokenizer),
    );
}

/// Commits with the payload a kept index is checked by (a commit without one clears it).
fn commit(writer: &mut IndexWriter, payload: &str) -> Result<(), SearchError> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(payload);
    prepared.commit()?;
    Ok(())
}

/// One program's document in `slot`.
fn document(
    layout: Layout,
    readings: Option<&Readings>,
    slot: usize,
    program: &Program,
) -> TantivyDocument {
    let fields = layout.text;
    let mut doc = TantivyDocument::default();
    doc.add_u64(layout.ord, slot as u64);
    doc.add_text(layout.id, program.id.as_str());
    doc.add_u64(layout.fingerprint, fingerprint(program));
    doc.add_text(fields.title, program.title.as_str());
    if let Some(readings) = readings {
        doc.add_text(fields.reading, readings.reading(program.title.as_str()));
    }
    doc.add_text(fields.summary, &program.summary);
    doc.add_text(fields.body, body(program));
    doc
}

/// A fingerprint of everything [`document`] is made from (the reading comes from the title),
/// so that an equal fingerprint in a kept index means an equal document. Keep the two in step.
pub(crate) fn fingerprint(program: &Program) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    (
        program.title.as_str(),
        &program.summary,
        &program.detail,
        program.issuer.name(),
        program.issuer.institution(),
        program.kind.label(),
    )
        .hash(&mut hasher);
    hasher.finish()
}

/// What the body field holds: the outline as text, the issuer and the kind in words. Not the
/// purposes: their long jGrants labels (「設備整備・IT導入をしたい」) would make every program of
/// a purpose match its words; the purpose facet is for that.
fn body(program: &Program) -> String {
    let mut body = plain_text(&program.detail);
    for part in [
        program.issuer.name(),
        program.issuer.institution().unwrap_or_default(),
        program.kind.label(),
    ] {
        body.push('\n');
        body.push_str(part);
    }
    body
}
