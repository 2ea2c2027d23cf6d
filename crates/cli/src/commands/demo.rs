//! `madoguchi demo`: load the bundled demo data through the ordinary importers, and the
//! consultation desk's demo (its registry, an expert's account and invented cases).

use madoguchi_core::{demo, import};
use madoguchi_store::Store;

use super::demo_desk;
use super::import::save_batch;
use crate::config::Config;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let store = config.open_migrated_store().await?;
    load(&store).await
}

/// Imports every bundled record (junk items in the sample are reported and left out), then
/// the desk's demo.
pub async fn load(store: &Store) -> anyhow::Result<()> {
    for (label, bytes) in demo::CATALOGUE {
        let batch = import::own::parse(bytes)?;
        // The catalogue is ours and must be whole: an invalid record is a bug, not junk.
        save_batch(
            store,
            batch,
            &format!("デモ制度カタログ（{label}）"),
            "demo:catalogue",
            false,
        )
        .await?;
    }
    let jgrants = import::jgrants::parse(demo::JGRANTS_RECORDS)?;
    save_batch(
        store,
        jgrants,
        "デモデータ（Jグランツ）",
        "demo:jgrants",
        true,
    )
    .await?;
    let jnet21 = import::jnet21::parse(demo::JNET21_ITEMS)?;
    save_batch(store, jnet21, "デモデータ（J-Net21）", "demo:jnet21", true).await?;
    demo_desk::load(store).await
}
