//! HMAC-SHA256 in base64, the one signature scheme that LINE's webhooks and Standard Webhooks
//! share, written once so that signing and constant-time checking cannot drift apart.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The MAC over `parts` concatenated, as if they were one byte string.
fn mac(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac
}

/// `base64(HMAC-SHA256(key, parts…))`.
pub(crate) fn sign(key: &[u8], parts: &[&[u8]]) -> String {
    STANDARD.encode(mac(key, parts).finalize().into_bytes())
}

/// Whether `signature` is `base64(HMAC-SHA256(key, parts…))`, compared in constant time.
/// Anything that is not base64 of the right length is simply not a match.
pub(crate) fn verify(key: &[u8], parts: &[&[u8]], signature: &str) -> bool {
    let Ok(signature) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    mac(key, parts).verify_slice(&signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_changed_byte_does_not() {
        let signature = sign(b"secret", &[b"id.", b"body"]);
        assert!(verify(b"secret", &[b"id.body"], &signature));
        assert!(!verify(b"secret", &[b"id.bodY"], &signature));
        assert!(!verify(b"other", &[b"id.body"], &signature));
        assert!(!verify(b"secret", &[b"id.body"], "not base64!"));
        assert!(!verify(b"secret", &[b"id.body"], ""));
    }
}
