//! `madoguchi export`: the whole catalogue in madoguchi's own JSON or CSV.

use anyhow::Context;
use madoguchi_core::import::own;

use crate::cli::{ExportArgs, ExportFormat};
use crate::config::Config;

pub async fn run(config: &Config, args: &ExportArgs) -> anyhow::Result<()> {
    let store = config.open_migrated_store().await?;
    let programs = store.programs().await?;
    let bytes = match args.format {
        ExportFormat::Json => own::to_json(&programs).into_bytes(),
        ExportFormat::Csv => own::to_csv(&programs),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes)
                .with_context(|| format!("{} に書き込めません。", path.display()))?;
            eprintln!(
                "{}件の制度を {} に書き出しました。",
                programs.len(),
                path.display()
            );
        }
        None => crate::output::emit(&bytes)?,
    }
    Ok(())
}
