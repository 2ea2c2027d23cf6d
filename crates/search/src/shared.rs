//! The tantivy index behind every snapshot of one catalogue, and the one writer that changes it.
//!
//! Rebuilding 100,000 programs takes seconds, so a publication changes the documents it
//! concerns instead: each program owns a stable *slot* (the `ord` field, fast for the collector
//! and indexed so that its document can be deleted by term), and a change deletes the slot's old
//! document, adds the new one, commits and reloads the reader. Each [`SearchIndex`] pins the
//! `Searcher` it was given, and tantivy keeps a pinned searcher's segments and deletes as they
//! were (RAM files are reference-counted), so a snapshot never sees a later change.
//!
//! Only the newest snapshot may be changed: the id → slot map and the writer follow one line of
//! history, and a generation number refuses changes from an older snapshot (they would mix two
//! histories) with [`SearchError::Superseded`]; the caller then rebuilds in full.
//!
//! [`SearchIndex`]: crate::SearchIndex

use std::borrow::Borrow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use madoguchi_core::program::{Program, ProgramId};
use tantivy::indexer::IndexWriterOptions;
use tantivy::schema::{FAST, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analysis::JapaneseTokenizer;
use crate::index::SearchError;
use crate::matcher::TextFields;
use crate::readings::Readings;
use crate::text::plain_text;

/// The name of the slot field, read by the collector.
pub(crate) const ORD: &str = "ord";

/// tantivy's smallest budget per writer thread: a publication adds a handful of documents.
const UPDATE_MEMORY_BUDGET: usize = 15_000_000;

/// The index, its reader and its writer, shared by the snapshots of one catalogue.
pub(crate) struct SharedIndex {
    pub fields: TextFields,
    ord: tantivy::schema::Field,
    pub readings: Option<&'static Readings>,
    reader: IndexReader,
    /// Held for the whole of a change, so that changes happen one after the other.
    writer: Mutex<Updates>,
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
}

impl SharedIndex {
    /// Indexes `programs`, each in the slot of its position.
    pub fn build<P: Borrow<Program>>(
        programs: &[P],
        readings: Option<&'static Readings>,
    ) -> Result<Built, SearchError> {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JapaneseTokenizer::NAME)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let mut builder = Schema::builder();
        let ord = builder.add_u64_field(ORD, FAST | INDEXED);
        let fields = TextFields {
            title: builder.add_text_field("title", text.clone()),
            reading: builder.add_text_field("reading", text.clone()),
            summary: builder.add_text_field("summary", text.clone()),
            body: builder.add_text_field("body", text),
        };
        let index = Index::create_in_ram(builder.build());
        index.tokenizers().register(
            JapaneseTokenizer::NAME,
            TextAnalyzer::from(JapaneseTokenizer),
        );
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let mut slots = HashMap::with_capacity(programs.len());
        {
            // The bulk writer (several threads, a large budget) only lives for the build.
            let mut writer =
                index.writer_with_num_threads::<TantivyDocument>(threads, 64_000_000 * threads)?;
            for (slot, program) in programs.iter().enumerate() {
                let program = program.borrow();
                writer.add_document(document(fields, ord, readings, slot, program))?;
                slots.insert(program.id.clone(), slot);
            }
            writer.commit()?;
        }
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
        let searcher = reader.searcher();
        let shared = Self {
            fields,
            ord,
            readings,
            reader,
            writer: Mutex::new(Updates {
                writer,
                generation: 0,
                slots,
                next_slot: programs.len(),
            }),
        };
        Ok(Built {
            shared: Arc::new(shared),
            searcher,
            generation: 0,
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
            updates.writer.add_document(document(
                self.fields,
                self.ord,
                self.readings,
                slot,
                program,
            ))?;
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
        updates.writer.commit()?;
        self.reader.reload()?;
        Ok(Change {
            searcher: self.reader.searcher(),
            generation: updates.generation,
            published: published_slots,
            withdrawn: withdrawn_slots,
            dated,
        })
    }

    fn slot_term(&self, slot: usize) -> Term {
        Term::from_field_u64(self.ord, slot as u64)
    }
}

/// One program's document in `slot`.
fn document(
    fields: TextFields,
    ord: tantivy::schema::Field,
    readings: Option<&Readings>,
    slot: usize,
    program: &Program,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(ord, slot as u64);
    doc.add_text(fields.title, program.title.as_str());
    if let Some(readings) = readings {
        doc.add_text(fields.reading, readings.reading(program.title.as_str()));
    }
    doc.add_text(fields.summary, &program.summary);
    doc.add_text(fields.body, body(program));
    doc
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
