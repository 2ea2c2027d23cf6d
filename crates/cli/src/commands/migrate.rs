//! `madoguchi migrate`: bring the schema up to date (every other command does this too).

use crate::config::Config;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let store = config.open_migrated_store().await?;
    println!(
        "データベースを最新の状態にしました（{}）。",
        store.backend_name()
    );
    Ok(())
}
