//! `madoguchi backup` and `madoguchi restore` for the embedded SQLite database.

use std::path::Path;

use anyhow::bail;

use crate::config::Config;

pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    let store = config.open_migrated_store().await?;
    store.backup_to(file).await?;
    println!("バックアップを {} に書き出しました。", file.display());
    Ok(())
}

pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    if !config.uses_embedded_sqlite() {
        bail!(
            "restore は内蔵のSQLiteデータベース専用です。PostgreSQLでは pg_dump / pg_restore をお使いください。"
        );
    }
    madoguchi_store::restore_sqlite(file, &config.sqlite_file()).await?;
    println!("{} からデータベースを復元しました。", file.display());
    Ok(())
}
