//! Reference data bundled into the binary: local governments and industries.
//!
//! Programs name their issuer and target areas by 全国地方公共団体コード and their target
//! industries by JSIC (日本標準産業分類 第14回改定). These tables are generated from public
//! sources (see `data/reference/README.md`) and compiled in, so look-ups never touch a disk.

mod bundled;
mod code;
pub mod jsic;
mod local_gov;

pub use code::LocalGovCode;
pub use jsic::{JsicCode, JsicMajor, JsicMiddle};
pub use local_gov::{LocalGov, LocalGovKind, NameLookup};
pub use local_gov::{
    find_local_gov, find_local_gov_in_prefecture, local_gov, municipalities, prefecture_by_name,
    prefectures,
};
