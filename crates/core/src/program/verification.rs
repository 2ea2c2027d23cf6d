//! What a program's facts were checked against: the public documents (公募要領, the agency's
//! own page) staff read, so that a business and the next staff member can check them again.

use serde::{Deserialize, Serialize};

use super::link::OfficialUrl;

/// One public document a program's record was checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifiedSource {
    /// The document as its issuer titles it (「小規模事業者持続化補助金 第18回公募 公募要領」).
    pub title: String,
    /// Where it is published, when it has a stable address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<OfficialUrl>,
}
