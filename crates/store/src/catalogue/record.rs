//! A program as rows: the JSON body of a version, its content hash and the columns the
//! `programs` table keeps beside it for listing and filtering without reading JSON.
//!
//! Both backends write and read exactly these values, so the encoding lives here once.

use madoguchi_core::program::{Program, ProgramId};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::{ProgramDates, StoreError};

/// Everything one new version writes, to `programs` and to `program_versions`.
#[derive(Debug)]
pub(crate) struct VersionRow {
    pub id: String,
    pub version: i64,
    pub title: String,
    pub status: &'static str,
    pub kind: &'static str,
    pub issuer_level: &'static str,
    pub issuer_code: Option<String>,
    pub source_kind: &'static str,
    pub external_id: Option<String>,
    pub fiscal_year: Option<i64>,
    pub final_deadline: Option<OffsetDateTime>,
    pub content_hash: String,
    /// The program as `serde_json` writes it, with `version` set to this version.
    pub body: String,
}

impl VersionRow {
    pub(crate) fn new(
        program: &Program,
        version: u32,
        content_hash: &str,
    ) -> Result<Self, StoreError> {
        let mut versioned = program.clone();
        versioned.version = version;
        Ok(Self {
            id: program.id.as_str().to_owned(),
            version: i64::from(version),
            title: program.title.as_str().to_owned(),
            status: program.status.code(),
            kind: program.kind.code(),
            issuer_level: program.issuer.level().code(),
            issuer_code: program.issuer.code().map(|code| code.to_string()),
            source_kind: program.source.kind.code(),
            external_id: program.source.external_id.clone(),
            fiscal_year: program.fiscal_year.map(i64::from),
            final_deadline: program
                .final_deadline()
                .map(|at| at.as_offset().to_offset(time::UtcOffset::UTC)),
            content_hash: content_hash.to_owned(),
            body: to_json(&versioned)?,
        })
    }
}

/// A digest of what a person would call the program's content: two programs have the same
/// hash exactly when [`Program::same_content_as`] holds (version and fetch time are left out).
pub(crate) fn content_hash(program: &Program) -> Result<String, StoreError> {
    let mut content = program.clone();
    content.version = 0;
    content.source.fetched_at = None;
    Ok(sha256_hex(&to_json(&content)?))
}

/// SHA-256 of the text as lowercase hex.
pub(crate) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn to_json(program: &Program) -> Result<String, StoreError> {
    serde_json::to_string(program).map_err(|err| StoreError::Encode {
        id: program.id.clone(),
        reason: err.to_string(),
    })
}

/// Reads a stored version back; the row's version number wins over the one in the JSON.
pub(crate) fn decode_program(id: &str, version: i64, body: &str) -> Result<Program, StoreError> {
    let mut program: Program =
        serde_json::from_str(body).map_err(|err| StoreError::CorruptRecord {
            table: "program_versions",
            key: format!("{id} 版{version}"),
            reason: err.to_string(),
        })?;
    program.version = version_number(id, version)?;
    // Read programs are held (the catalogue in memory), so they keep no room to grow.
    program.shrink_to_fit();
    Ok(program)
}

/// The version number a row holds, as the public API counts it.
pub(crate) fn version_number(id: &str, version: i64) -> Result<u32, StoreError> {
    u32::try_from(version).map_err(|_| StoreError::CorruptRecord {
        table: "program_versions",
        key: format!("{id} 版{version}"),
        reason: "版番号が範囲外です".to_owned(),
    })
}

/// `(program id, version, JSON body)`, as both backends select a stored version.
pub(crate) type BodyRow = (String, i64, String);

/// `(program id, first version's created_at, current version's saved time)`.
pub(crate) type DatesRow = (String, OffsetDateTime, OffsetDateTime);

pub(crate) fn decode_dates(row: DatesRow) -> Result<ProgramDates, StoreError> {
    let (id, first_saved_at, updated_at) = row;
    let id = ProgramId::parse(&id).map_err(|err| StoreError::CorruptRecord {
        table: "programs",
        key: id.clone(),
        reason: err.to_string(),
    })?;
    Ok(ProgramDates {
        id,
        first_saved_at,
        updated_at,
    })
}

pub(crate) fn decode_body(row: BodyRow) -> Result<Program, StoreError> {
    let (id, version, body) = row;
    decode_program(&id, version, &body)
}
