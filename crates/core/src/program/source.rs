//! Where a program's record came from, so staff can trace and refresh it.

use serde::{Deserialize, Serialize};

use crate::calendar::JstDateTime;
use crate::labeled_enum;

labeled_enum! {
    /// The channel a record arrived through.
    pub enum SourceKind: "出典の種類", "manual・jgrants・jnet21・csvのいずれかを指定してください。" {
        Manual = ("manual", "職員による登録"),
        Jgrants = ("jgrants", "Jグランツ"),
        Jnet21 = ("jnet21", "J-Net21"),
        Csv = ("csv", "CSV取込"),
    }
}

/// The origin of a program record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub kind: SourceKind,
    /// The record's id at its source (jGrants subsidy id, J-Net21 item id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// When the source was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<JstDateTime>,
}

impl Source {
    pub fn manual() -> Self {
        Self {
            kind: SourceKind::Manual,
            external_id: None,
            fetched_at: None,
        }
    }

    /// The attribution a page must show for data from this source, if any.
    pub fn attribution(&self) -> Option<&'static str> {
        match self.kind {
            SourceKind::Jgrants => Some("Jグランツ（jGrants）からの出典"),
            SourceKind::Jnet21 => {
                Some("J-Net21 支援情報ヘッドライン（中小企業基盤整備機構）からの出典")
            }
            SourceKind::Manual | SourceKind::Csv => None,
        }
    }
}
