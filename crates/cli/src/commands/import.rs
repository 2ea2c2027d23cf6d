//! `madoguchi import`: published records in, a summary out, all or nothing.
//!
//! The file is read and saved record by record in chunks, so that memory stays flat
//! whatever the file's length; the programs become public together at the end, and an
//! invalid record (unless skipped) or any failure undoes the whole import.

use std::ops::ControlFlow;
use std::path::Path;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use madoguchi_core::import::{self, ImportBatch, ImportReport, RecordIssue};
use madoguchi_core::program::{Program, SourceKind};
use madoguchi_store::{CatalogueSave, ImportCounts, NewImportRun, SaveSummary, Store};
use tokio::sync::mpsc;

use crate::cli::{ImportArgs, ImportFormat};
use crate::config::Config;
use crate::input;

/// Programs handed from the reading thread to the save at a time; two such chunks wait at
/// most, so memory stays the same whatever the file's length.
const CHUNK: usize = 500;

pub async fn run(config: &Config, args: &ImportArgs) -> anyhow::Result<()> {
    let file = input::open_import_file(&args.file)?;
    let store = config.open_migrated_store().await?;
    let label = format!("{}（{}）", format_label(args.format), file_name(&args.file));
    let in_file = |err: import::ImportError| anyhow::anyhow!("{}：{err}", args.file.display());

    // The file is read on a blocking thread while this task saves what it has read, as one
    // save: a save failure drops the receiver, which stops the reading.
    let (chunks, received) = mpsc::channel::<Vec<Program>>(2);
    let format = args.format;
    let reading = tokio::task::spawn_blocking(move || read(format, file, &chunks));
    let mut save = store.begin_catalogue_save(origin(args.format)).await?;
    let fed = feed(&mut save, received, reading)
        .await
        .and_then(|report| report.map_err(in_file))
        .and_then(|report| {
            refuse_invalid(&label, &report.invalid, args.skip_invalid)?;
            Ok(report)
        });
    let report = match fed {
        Ok(report) => report,
        Err(err) => {
            // Undone here rather than when the process exits: on SQLite the programs saved
            // so far are staged, and go now.
            if let Err(undo) = save.abandon().await {
                tracing::warn!(%undo, "the import's staged programs are left for the next start");
            }
            return Err(err);
        }
    };
    let summary = save.commit().await?;
    print_outcome(
        &label,
        &summary,
        &report.skipped,
        &report.invalid,
        &report.warnings,
    );
    store
        .record_import_run(&NewImportRun {
            source_kind: source_kind(args.format),
            file_name: file_name(&args.file),
            counts: summary.import_counts(report.skipped.len(), report.invalid.len()),
        })
        .await?;
    Ok(())
}

/// Saves the chunks the reading thread sends, showing progress; then what the reading found.
async fn feed(
    save: &mut CatalogueSave,
    mut received: mpsc::Receiver<Vec<Program>>,
    reading: tokio::task::JoinHandle<Result<ImportReport, import::ImportError>>,
) -> anyhow::Result<Result<ImportReport, import::ImportError>> {
    let progress = progress_bar();
    while let Some(chunk) = received.recv().await {
        save.save(&chunk).await?;
        progress.set_position(save.saved() as u64);
    }
    let report = reading.await?;
    progress.finish_and_clear();
    Ok(report)
}

/// Reads the file record by record, sending its programs on in chunks.
/// A raw jGrants API answer carries no date of its own: the file's time stands for when it was read.
fn read(
    format: ImportFormat,
    file: input::ImportFile,
    chunks: &mpsc::Sender<Vec<Program>>,
) -> Result<ImportReport, import::ImportError> {
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut send = |program| {
        chunk.push(program);
        if chunk.len() < CHUNK {
            return ControlFlow::Continue(());
        }
        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
        match chunks.blocking_send(full) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    };
    let reader = file.reader;
    let report = match format {
        ImportFormat::Jgrants => import::jgrants::read(reader, Some(file.modified), &mut send),
        ImportFormat::Jnet21 => import::jnet21::read(reader, &mut send),
        ImportFormat::Programs => import::own::read(reader, &mut send),
    }?;
    if !chunk.is_empty() && chunks.blocking_send(chunk).is_err() {
        return Err(import::ImportError::Interrupted);
    }
    Ok(report)
}

fn format_label(format: ImportFormat) -> &'static str {
    match format {
        ImportFormat::Jgrants => "Jグランツ",
        ImportFormat::Jnet21 => "J-Net21",
        ImportFormat::Programs => "madoguchi形式",
    }
}

fn origin(format: ImportFormat) -> &'static str {
    match format {
        ImportFormat::Jgrants => "import:jgrants",
        ImportFormat::Jnet21 => "import:jnet21",
        ImportFormat::Programs => "import:programs",
    }
}

fn source_kind(format: ImportFormat) -> SourceKind {
    match format {
        ImportFormat::Jgrants => SourceKind::Jgrants,
        ImportFormat::Jnet21 => SourceKind::Jnet21,
        ImportFormat::Programs => SourceKind::Csv,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Saves a parsed batch in one transaction and prints what happened to every record.
///
/// Invalid records stop the whole import unless `skip_invalid` is set, so that a file
/// with one broken row never lands half-way.
pub async fn save_batch(
    store: &Store,
    batch: ImportBatch,
    label: &str,
    origin: &str,
    skip_invalid: bool,
) -> anyhow::Result<ImportCounts> {
    refuse_invalid(label, &batch.invalid, skip_invalid)?;
    let summary = store
        .save_programs(&batch.programs, origin, &mut |_| {})
        .await?;
    print_outcome(
        label,
        &summary,
        &batch.skipped,
        &batch.invalid,
        &batch.warnings,
    );
    Ok(summary.import_counts(batch.skipped.len(), batch.invalid.len()))
}

/// Refuses the whole file when a record is invalid and the caller did not ask to skip them.
fn refuse_invalid(label: &str, invalid: &[RecordIssue], skip_invalid: bool) -> anyhow::Result<()> {
    if invalid.is_empty() || skip_invalid {
        return Ok(());
    }
    print_issues("不正なレコード", invalid);
    bail!(
        "{label}：不正なレコードが{}件あるため、何も取り込んでいません。該当箇所を修正するか、--skip-invalid を付けて正しいレコードだけを取り込んでください。",
        invalid.len()
    );
}

/// What happened to every record, for the person who ran the import.
fn print_outcome(
    label: &str,
    summary: &SaveSummary,
    skipped: &[RecordIssue],
    invalid: &[RecordIssue],
    warnings: &[RecordIssue],
) {
    println!("取り込み結果：{label}");
    println!("  新規: {}件", summary.created);
    println!("  更新: {}件", summary.updated);
    println!("  変更なし: {}件", summary.unchanged);
    println!("  取り込み対象外: {}件", skipped.len());
    print_issue_lines(skipped);
    println!("  不正: {}件", invalid.len());
    print_issue_lines(invalid);
    if !warnings.is_empty() {
        println!("  取り込み済み・要確認: {}件", warnings.len());
        print_issue_lines(warnings);
    }
}

fn progress_bar() -> ProgressBar {
    // indicatif draws to stderr only when it is a terminal, so logs and pipes stay clean.
    // The total is unknown until the file has been read through.
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {pos}件 {elapsed_precise}") {
        bar.set_style(style);
    }
    bar
}

fn print_issues(heading: &str, issues: &[RecordIssue]) {
    eprintln!("{heading}: {}件", issues.len());
    for issue in issues {
        eprintln!("    - {}: {}", issue.record, issue.reason);
    }
}

fn print_issue_lines(issues: &[RecordIssue]) {
    for issue in issues {
        println!("    - {}: {}", issue.record, issue.reason);
    }
}
