//! `madoguchi import`: published records in, a summary out, all or nothing.

use std::path::Path;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use madoguchi_core::calendar::JstDateTime;
use madoguchi_core::import::{self, ImportBatch, RecordIssue};
use madoguchi_core::program::SourceKind;
use madoguchi_store::{ImportCounts, NewImportRun, Store};

use crate::cli::{ImportArgs, ImportFormat};
use crate::config::Config;
use crate::input;

pub async fn run(config: &Config, args: &ImportArgs) -> anyhow::Result<()> {
    let file = input::read_import_file(&args.file)?;
    let batch = parse(args.format, &file.bytes, file.modified)
        .map_err(|err| anyhow::anyhow!("{}：{err}", args.file.display()))?;
    let store = config.open_migrated_store().await?;
    let label = format!("{}（{}）", format_label(args.format), file_name(&args.file));
    let counts = save_batch(
        &store,
        batch,
        &label,
        origin(args.format),
        args.skip_invalid,
    )
    .await?;
    store
        .record_import_run(&NewImportRun {
            source_kind: source_kind(args.format),
            file_name: file_name(&args.file),
            counts,
        })
        .await?;
    Ok(())
}

/// A raw jGrants API answer carries no date of its own: the file's time stands for when it was read.
fn parse(
    format: ImportFormat,
    bytes: &[u8],
    modified: JstDateTime,
) -> Result<ImportBatch, import::ImportError> {
    match format {
        ImportFormat::Jgrants => import::jgrants::parse_read_at(bytes, modified),
        ImportFormat::Jnet21 => import::jnet21::parse(bytes),
        ImportFormat::Programs => import::own::parse(bytes),
    }
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
    if !batch.invalid.is_empty() && !skip_invalid {
        print_issues("不正なレコード", &batch.invalid);
        bail!(
            "{label}：不正なレコードが{}件あるため、何も取り込んでいません。該当箇所を修正するか、--skip-invalid を付けて正しいレコードだけを取り込んでください。",
            batch.invalid.len()
        );
    }
    let progress = progress_bar(batch.programs.len() as u64);
    let summary = store
        .save_programs(&batch.programs, origin, &mut |done| {
            progress.set_position(done as u64)
        })
        .await?;
    progress.finish_and_clear();
    println!("取り込み結果：{label}");
    println!("  新規: {}件", summary.created);
    println!("  更新: {}件", summary.updated);
    println!("  変更なし: {}件", summary.unchanged);
    println!("  取り込み対象外: {}件", batch.skipped.len());
    print_issue_lines(&batch.skipped);
    println!("  不正: {}件", batch.invalid.len());
    print_issue_lines(&batch.invalid);
    if !batch.warnings.is_empty() {
        println!("  取り込み済み・要確認: {}件", batch.warnings.len());
        print_issue_lines(&batch.warnings);
    }
    Ok(summary.import_counts(batch.skipped.len(), batch.invalid.len()))
}

fn progress_bar(len: u64) -> ProgressBar {
    // indicatif draws to stderr only when it is a terminal, so logs and pipes stay clean.
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len}件 {elapsed_precise}") {
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
