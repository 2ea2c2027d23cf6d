//! Staff passwords: argon2id hashing of a [`NewPassword`] (the policy it meets is the
//! domain's, in `madoguchi_core::staff`), and verification that takes the same time whether
//! or not the login exists.
//!
//! Parameters are argon2's defaults, which are OWASP's recommendation for argon2id (19 MiB,
//! 2 passes, 1 lane); they travel inside each PHC string, so raising them later leaves old
//! hashes verifiable. Hashing costs tens of milliseconds of CPU by design: the async
//! helpers run it on the blocking pool so that it never stalls other requests.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use madoguchi_core::staff::NewPassword;

/// A PHC string of the same parameters as real hashes, of a password nobody knows: verifying
/// against it costs what verifying a real account costs.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bWFkb2d1Y2hpZHVtbXk$DJ7wVh1Q+o0lBGbu2hhQ0ck/U6JYq4h7u9OZ4P1b0rM";

/// A password could not be hashed (no randomness for the salt, or argon2 refused).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("パスワードを保存できませんでした（{0}）。")]
pub struct HashError(String);

/// The PHC string to store for `password`, with a fresh random salt.
pub fn hash(password: &NewPassword) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| HashError(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.reveal().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// [`hash`] on the blocking pool.
pub async fn hash_off_thread(password: NewPassword) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

/// Whether `password` matches the stored PHC string; the comparison is constant-time. A
/// stored string that does not parse matches nothing, after the same work as a real check.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => {
            verify_dummy(password);
            false
        }
    }
}

/// The work of one verification against a hash nobody has, for a login that does not
/// exist, so that the answer's timing does not tell which logins do.
pub fn verify_dummy(password: &str) {
    if let Ok(hash) = PasswordHash::new(DUMMY_HASH) {
        let _ = Argon2::default().verify_password(password.as_bytes(), &hash);
    }
}

/// Verifies on the blocking pool; `stored: None` does the dummy work and answers false.
pub async fn verify_off_thread(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify(&password, &stored),
        None => {
            verify_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use madoguchi_core::staff::Login;

    use super::*;

    fn login() -> Login {
        Login::parse("tanaka").unwrap()
    }

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_own_password() {
        let password = NewPassword::parse("correct horse battery", &login()).unwrap();
        let (a, b) = (hash(&password).unwrap(), hash(&password).unwrap());
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("correct horse battery", "not a hash"));
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn the_dummy_hash_has_the_real_parameters_and_matches_nothing_typed() {
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        let real = hash(&NewPassword::parse("correct horse battery", &login()).unwrap()).unwrap();
        let real = PasswordHash::new(&real).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.params, real.params);
        assert!(!verify("", DUMMY_HASH));
        assert!(!verify("password1234", DUMMY_HASH));
    }
}
