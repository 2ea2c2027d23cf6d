//! Who issues a program: the level of government, its code and its name.

use serde::{Deserialize, Serialize};

use super::{GovLevel, ModelError};
use crate::reference::LocalGovCode;

/// The body that runs a program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawIssuer", into = "RawIssuer")]
pub struct Issuer {
    level: GovLevel,
    code: Option<LocalGovCode>,
    /// Boxed rather than `String`s: a catalogue holds one issuer per program, and a box
    /// keeps no spare capacity.
    name: Box<str>,
    institution: Option<Box<str>>,
}

impl Issuer {
    /// A prefectural or municipal issuer must carry its 全国地方公共団体コード.
    pub fn new(
        level: GovLevel,
        code: Option<LocalGovCode>,
        name: impl Into<String>,
        institution: Option<String>,
    ) -> Result<Self, ModelError> {
        let name: Box<str> = name.into().trim().into();
        if level != GovLevel::National && code.is_none() {
            return Err(ModelError::MissingIssuerCode(name.into()));
        }
        let institution = institution
            .map(|i| Box::<str>::from(i.trim()))
            .filter(|i| !i.is_empty());
        Ok(Self {
            level,
            code,
            name,
            institution,
        })
    }

    pub fn national(name: impl Into<String>, institution: Option<String>) -> Self {
        Self {
            level: GovLevel::National,
            code: None,
            name: name.into().into_boxed_str(),
            institution: institution.map(String::into_boxed_str),
        }
    }

    pub fn level(&self) -> GovLevel {
        self.level
    }

    pub fn code(&self) -> Option<LocalGovCode> {
        self.code
    }

    /// 「国」, 「三重県」, 「鳥取県八頭町」.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The ministry, department or agency (「中小企業庁」, 「商工観光課」).
    pub fn institution(&self) -> Option<&str> {
        self.institution.as_deref()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssuer {
    level: GovLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<LocalGovCode>,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    institution: Option<String>,
}

impl TryFrom<RawIssuer> for Issuer {
    type Error = ModelError;
    fn try_from(raw: RawIssuer) -> Result<Self, Self::Error> {
        Self::new(raw.level, raw.code, raw.name, raw.institution)
    }
}

impl From<Issuer> for RawIssuer {
    fn from(i: Issuer) -> Self {
        Self {
            level: i.level,
            code: i.code,
            name: i.name.into(),
            institution: i.institution.map(String::from),
        }
    }
}
