//! The signed links of notices: a subscriber manages a subscription without an account,
//! through a link that only this site could have made, and every tracked link carries a
//! per-recipient token that is an HMAC, not an id.
//!
//! The key is one random secret kept as the setting `notices.secret`, made by whichever
//! process needs it first, so that every process of one database signs alike and a
//! restart keeps old links working.

use hmac::{Hmac, Mac};
use madoguchi_store::{Store, StoreError};
use sha2::Sha256;

/// The setting that holds the secret (64 hex digits).
pub const SECRET_SETTING: &str = "notices.secret";

/// Signature length in hex digits: 128 bits, plenty against guessing and short in a URL.
const SIGNATURE_HEX: usize = 32;

/// What a signature is for, so that a link for one purpose never works for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirming an e-mail address (double opt-in).
    Confirm,
    /// Seeing, changing and deleting a subscription, and one-click unsubscribe.
    Manage,
    /// A recipient's token on a tracked link.
    Click,
}

impl Purpose {
    fn tag(self) -> &'static [u8] {
        match self {
            Self::Confirm => b"confirm",
            Self::Manage => b"manage",
            Self::Click => b"click",
        }
    }
}

/// The notices' signing key.
#[derive(Clone)]
pub struct NoticeKeys {
    secret: Vec<u8>,
}

impl std::fmt::Debug for NoticeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NoticeKeys([redacted])")
    }
}

impl NoticeKeys {
    /// The key kept in the store, made now if there is none yet.
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        let mut fresh = [0u8; 32];
        getrandom::getrandom(&mut fresh).map_err(|err| StoreError::Random(err.to_string()))?;
        let setting = store
            .setting_or_init(SECRET_SETTING, &hex::encode(fresh))
            .await?;
        Ok(Self::from_secret(setting.value.as_bytes()))
    }

    /// A key from given bytes (tests, and the stored text above).
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            secret: secret.to_vec(),
        }
    }

    /// The signature of `parts` for `purpose`, in hex.
    pub fn sign(&self, purpose: Purpose, parts: &[&str]) -> String {
        let digest = self.mac(purpose, parts).finalize().into_bytes();
        hex::encode(&digest[..SIGNATURE_HEX / 2])
    }

    /// Whether `signature` is the one [`Self::sign`] gives, compared in constant time.
    pub fn verify(&self, purpose: Purpose, parts: &[&str], signature: &str) -> bool {
        let Ok(given) = hex::decode(signature) else {
            return false;
        };
        given.len() == SIGNATURE_HEX / 2
            && self
                .mac(purpose, parts)
                .verify_truncated_left(&given)
                .is_ok()
    }

    fn mac(&self, purpose: Purpose, parts: &[&str]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key");
        mac.update(purpose.tag());
        for part in parts {
            // A separator that cannot occur in ids, so that ("ab", "c") ≠ ("a", "bc").
            mac.update(b"\0");
            mac.update(part.as_bytes());
        }
        mac
    }

    /// A token for `id`: the id and its signature, `{id}.{signature}`.
    pub fn token(&self, purpose: Purpose, id: &str) -> String {
        format!("{id}.{}", self.sign(purpose, &[id]))
    }

    /// The id a token was made for, if this key made it for `purpose`.
    pub fn open<'t>(&self, purpose: Purpose, token: &'t str) -> Option<&'t str> {
        let (id, signature) = token.rsplit_once('.')?;
        self.verify(purpose, &[id], signature).then_some(id)
    }
}

/// The absolute URLs a message about a subscription carries.
#[derive(Debug, Clone)]
pub struct NoticeLinks {
    keys: NoticeKeys,
    /// `https://madoguchi.example.jp`, no trailing slash.
    base: String,
}

impl NoticeLinks {
    pub fn new(keys: NoticeKeys, base: &str) -> Self {
        Self {
            keys,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    pub fn keys(&self) -> &NoticeKeys {
        &self.keys
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The page that confirms the address of subscription `id`.
    pub fn confirm(&self, id: &str) -> String {
        format!(
            "{}/notices/confirm/{}",
            self.base,
            self.keys.token(Purpose::Confirm, id)
        )
    }

    /// The page where the subscriber sees, changes and deletes subscription `id`.
    pub fn manage(&self, id: &str) -> String {
        format!(
            "{}/notices/manage/{}",
            self.base,
            self.keys.token(Purpose::Manage, id)
        )
    }

    /// The one-click unsubscribe URL (RFC 8058: a POST to it unsubscribes at once; opened
    /// in a browser it asks first).
    pub fn unsubscribe(&self, id: &str) -> String {
        format!(
            "{}/notices/unsubscribe/{}",
            self.base,
            self.keys.token(Purpose::Manage, id)
        )
    }

    /// A tracked link, `/r/{link}/{token}`, sent on `channel` (`email`, `line`,
    /// `webhook`; anything else counts as `unknown`), the token an HMAC of the link and the
    /// recipient (a subscription id). With
    /// `name_recipient` — only while the setting
    /// [`madoguchi_store::RECORD_SUBSCRIBER_CLICKS`] is on — the token also names the
    /// subscription, so that the redirect can record who clicked (`notices::redirect`).
    pub fn tracked_on(
        &self,
        channel: &str,
        link_id: &str,
        recipient: &str,
        name_recipient: bool,
    ) -> String {
        let token =
            super::redirect::make_token(&self.keys, channel, link_id, recipient, name_recipient);
        format!("{}/r/{link_id}/{token}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_only_for_its_purpose_and_key() {
        let keys = NoticeKeys::from_secret(b"one");
        let token = keys.token(Purpose::Manage, "abc123");
        assert_eq!(keys.open(Purpose::Manage, &token), Some("abc123"));
        assert_eq!(keys.open(Purpose::Confirm, &token), None);
        assert_eq!(
            NoticeKeys::from_secret(b"two").open(Purpose::Manage, &token),
            None
        );
        let mut forged = token.clone();
        forged.replace_range(0..1, "b");
        assert_eq!(keys.open(Purpose::Manage, &forged), None);
        for bad in ["", ".", "abc123", "abc123.zz", "abc123.00"] {
            assert_eq!(keys.open(Purpose::Manage, bad), None, "{bad}");
        }
    }

    #[test]
    fn parts_are_kept_apart() {
        let keys = NoticeKeys::from_secret(b"k");
        assert_ne!(
            keys.sign(Purpose::Click, &["ab", "c"]),
            keys.sign(Purpose::Click, &["a", "bc"])
        );
        let links = NoticeLinks::new(keys, "https://example.jp/");
        assert_ne!(
            links.tracked_on("email", "l1", "s1", false),
            links.tracked_on("email", "l1", "s2", false)
        );
        assert!(
            links
                .manage("s1")
                .starts_with("https://example.jp/notices/manage/s1.")
        );
    }
}
