//! The index kept on disk between starts, so that a process opens it instead of building it.
//!
//! Indexing 100,000 programs with readings takes seconds of a cold start; the catalogue rarely
//! changes while a process is down. So a process may keep its tantivy index in a directory
//! under a base it is given (`<data-dir>/search-index/`), and the next start opens it, checks
//! it against the catalogue it has just read, and mends the few documents that differ.
//!
//! Nothing on disk is trusted: every document carries its program's id and a fingerprint of
//! everything it was made from (see `shared::fingerprint`), and the commit carries a payload
//! naming the document format, whether readings were on, and the executable that wrote it. An
//! index from another build, another format or another reading mode, or one that cannot be
//! read, is built again; one that differs from the catalogue in more than a few programs too.
//!
//! Several processes may share a base (PostgreSQL deployments run more than one): each copy is
//! a numbered directory held by a lock file beside it for as long as a process uses it, and a
//! process takes the free copy written last, or builds in a free one. The lock is an OS lock,
//! so a process that dies releases it. Where no copy is free or the base cannot be written,
//! the index is built in memory, as without a base.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use madoguchi_core::program::{Program, ProgramId};
use tantivy::Index;
use tantivy::schema::Schema;

use crate::index::SearchError;
use crate::shared::{FINGERPRINT, ID, ORD, fingerprint};

/// A kept index that differs from the catalogue in more programs than this is built again:
/// mending goes one document at a time through the small writer.
const MOST_MENDED: usize = 2_000;

/// How many processes on one machine can keep their index in one base.
const COPIES: usize = 8;

/// The document format: raised whenever `shared::document`, the schema or the analysis
/// changes what an index holds for the same program (the executable's identity catches
/// most such changes too, but not a rebuild that keeps its size and time).
const FORMAT: u32 = 1;

/// One copy of the index held by this process: its directory and the lock that keeps other
/// processes out of it, released when dropped.
#[derive(Debug)]
pub(crate) struct Claim {
    dir: PathBuf,
    _lock: File,
}

impl Claim {
    /// Takes the free copy under `base` written last (or the first free one). `None` when
    /// every copy is held by another process or index.
    pub fn take(base: &Path) -> io::Result<Option<Self>> {
        fs::create_dir_all(base)?;
        let mut best: Option<(Option<SystemTime>, Self)> = None;
        for copy in 0..COPIES {
            let lock = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(base.join(format!("{copy}.lock")))?;
            match lock.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => continue,
                Err(TryLockError::Error(e)) => return Err(e),
            }
            let dir = base.join(copy.to_string());
            let written = fs::metadata(dir.join("meta.json"))
                .and_then(|m| m.modified())
                .ok();
            // The lock of a copy passed over is released as it drops here.
            if best.as_ref().is_none_or(|(at, _)| written > *at) {
                best = Some((written, Self { dir, _lock: lock }));
            }
        }
        Ok(best.map(|(_, claim)| claim))
    }

    /// The index in this copy, when it was written by this build, in this format, with
    /// readings as asked, and can be read; `None` otherwise (it is then built again).
    pub fn open(&self, schema: &Schema, readings: bool) -> Option<Index> {
        let index = Index::open_in_dir(&self.dir).ok()?;
        let metas = index.load_metas().ok()?;
        let fits = metas.payload.as_deref() == Some(payload(readings).as_str())
            && index.schema() == *schema;
        fits.then_some(index)
    }

    /// An empty index in this copy, replacing whatever was there.
    pub fn create(&self, schema: Schema) -> Result<Index, SearchError> {
        match fs::remove_dir_all(&self.dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(SearchError::Kept(e.to_string())),
        }
        fs::create_dir_all(&self.dir).map_err(|e| SearchError::Kept(e.to_string()))?;
        Ok(Index::create_in_dir(&self.dir, schema)?)
    }
}

/// What every commit records, for [`Claim::open`] to check.
pub(crate) fn payload(readings: bool) -> String {
    format!(
        "madoguchi-search {FORMAT} {} readings={readings} built-by={}",
        env!("CARGO_PKG_VERSION"),
        executable()
    )
}

/// The running executable's size and modification time: a new build writes a new index.
fn executable() -> String {
    std::env::current_exe()
        .and_then(fs::metadata)
        .and_then(|m| {
            let at = m.modified()?;
            let since = at
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default();
            Ok(format!("{}@{}", m.len(), since.as_nanos()))
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// What a kept index holds, set against the catalogue just read.
pub(crate) struct Recovered {
    /// The slot of every program in the index.
    pub slots: HashMap<ProgramId, usize>,
    /// One past the highest slot.
    pub next_slot: usize,
    /// The slot of each program of the catalogue whose document is as it should be.
    pub slot_of: Vec<Option<usize>>,
    /// The positions of the programs to index again (new or changed).
    pub changed: Vec<usize>,
    /// The programs in the index that are no longer in the catalogue.
    pub withdrawn: Vec<ProgramId>,
}

impl Recovered {
    /// Reads every live document's slot, id and fingerprint and compares them with
    /// `programs`. `None` when the index cannot be read as written, holds an id twice, or
    /// differs in more than [`MOST_MENDED`] programs.
    pub fn read<P: Borrow<Program>>(index: &Index, programs: &[P]) -> Option<Self> {
        let reader = index.reader().ok()?;
        let searcher = reader.searcher();
        // (id, slot, fingerprint) of every live document, sorted by id. Each segment's ids are
        // read by walking its dictionary once: looking a term up by its ordinal starts again
        // from its block, which at a million documents was most of opening the index.
        let mut held: Vec<(ProgramId, usize, u64)> = Vec::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (ords, fingerprints) = (fast.u64(ORD).ok()?, fast.u64(FINGERPRINT).ok()?);
            let ids = fast.str(ID).ok()??;
            let mut terms: Vec<Option<ProgramId>> = Vec::with_capacity(ids.num_terms());
            let mut stream = ids.dictionary().stream().ok()?;
            while stream.advance() {
                let id = std::str::from_utf8(stream.key()).ok()?;
                terms.push(Some(ProgramId::parse(id).ok()?));
            }
            for doc in segment.doc_ids_alive() {
                let slot = usize::try_from(ords.first(doc)?).ok()?;
                let term = usize::try_from(ids.term_ords(doc).next()?).ok()?;
                // Each document holds its own id: a term taken twice is an id held twice.
                let program = terms.get_mut(term)?.take()?;
                held.push((program, slot, fingerprints.first(doc)?));
            }
        }
        held.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if held.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            return None;
        }
        let next_slot = held.iter().map(|&(_, slot, _)| slot + 1).max().unwrap_or(0);
        let mut matched = vec![false; held.len()];
        let mut slot_of = Vec::with_capacity(programs.len());
        let mut changed = Vec::new();
        for (at, program) in programs.iter().enumerate() {
            let program = program.borrow();
            let found = held
                .binary_search_by(|(id, _, _)| id.cmp(&program.id))
                .ok()
                .filter(|&i| !matched[i]);
            match found {
                Some(i) if held[i].2 == fingerprint(program) => {
                    matched[i] = true;
                    slot_of.push(Some(held[i].1));
                }
                other => {
                    // A changed program's document is replaced, not withdrawn.
                    if let Some(i) = other {
                        matched[i] = true;
                    }
                    slot_of.push(None);
                    changed.push(at);
                }
            }
        }
        let withdrawn: Vec<ProgramId> = held
            .iter()
            .zip(&matched)
            .filter(|(_, matched)| !**matched)
            .map(|((id, _, _), _)| id.clone())
            .collect();
        let slots: HashMap<ProgramId, usize> =
            held.into_iter().map(|(id, slot, _)| (id, slot)).collect();
        (changed.len() + withdrawn.len() <= MOST_MENDED).then_some(Self {
            slots,
            next_slot,
            slot_of,
            changed,
            withdrawn,
        })
    }
}
