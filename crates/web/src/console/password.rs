//! Staff passwords: the policy a new one must meet, argon2id hashing, and verification that
//! takes the same time whether or not the login exists.
//!
//! Parameters are argon2's defaults, which are OWASP's recommendation for argon2id (19 MiB,
//! 2 passes, 1 lane); they travel inside each PHC string, so raising them later leaves old
//! hashes verifiable. Hashing costs tens of milliseconds of CPU by design: the async
//! helpers run it on the blocking pool so that it never stalls other requests.

use std::fmt;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use madoguchi_store::Login;

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// The most: enough for any passphrase, few enough to bound the work per attempt.
pub const MAX_CHARS: usize = 256;

/// A PHC string of the same parameters as real hashes, of a password nobody knows: verifying
/// against it costs what verifying a real account costs.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bWFkb2d1Y2hpZHVtbXk$DJ7wVh1Q+o0lBGbu2hhQ0ck/U6JYq4h7u9OZ4P1b0rM";

/// Why a new password is refused, said to the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("パスワードは{MIN_CHARS}文字以上にしてください。")]
    TooShort,
    #[error("パスワードは{MAX_CHARS}文字以内にしてください。")]
    TooLong,
    #[error("ログインIDと同じパスワードは使えません。")]
    SameAsLogin,
    #[error("パスワードを保存できませんでした（{0}）。")]
    Hashing(String),
}

/// A password that meets the policy, about to be hashed. Never printed.
#[derive(Clone)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks the policy. Spaces count like any character: a passphrase is welcome.
    pub fn parse(raw: &str, login: &Login) -> Result<Self, PasswordError> {
        let chars = raw.chars().count();
        if chars < MIN_CHARS || raw.trim().is_empty() {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if raw.trim().eq_ignore_ascii_case(login.as_str()) {
            return Err(PasswordError::SameAsLogin);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The PHC string to store, with a fresh random salt.
    pub fn hash(&self) -> Result<String, PasswordError> {
        let mut salt = [0u8; 16];
        getrandom::getrandom(&mut salt).map_err(|e| PasswordError::Hashing(e.to_string()))?;
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hashing(e.to_string()))?;
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| PasswordError::Hashing(e.to_string()))
    }

    /// [`NewPassword::hash`] on the blocking pool.
    pub async fn hash_off_thread(self) -> Result<String, PasswordError> {
        tokio::task::spawn_blocking(move || self.hash())
            .await
            .map_err(|e| PasswordError::Hashing(e.to_string()))?
    }
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
    use super::*;

    fn login() -> Login {
        Login::parse("tanaka").unwrap()
    }

    #[test]
    fn a_new_password_needs_twelve_characters_and_not_the_login() {
        assert_eq!(
            NewPassword::parse("短いパスワード", &login()).unwrap_err(),
            PasswordError::TooShort
        );
        assert!(PasswordError::TooShort.to_string().contains("12文字以上"));
        assert!(NewPassword::parse(&" ".repeat(20), &login()).is_err());
        assert!(NewPassword::parse(&"x".repeat(MAX_CHARS + 1), &login()).is_err());
        assert!(NewPassword::parse("いろはにほへとちりぬるを", &login()).is_ok());
        let same = Login::parse("tanaka.ichiro").unwrap();
        assert_eq!(
            NewPassword::parse("Tanaka.Ichiro", &same).unwrap_err(),
            PasswordError::SameAsLogin
        );
    }

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_own_password() {
        let password = NewPassword::parse("correct horse battery", &login()).unwrap();
        let (a, b) = (password.hash().unwrap(), password.hash().unwrap());
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
        let real = NewPassword::parse("correct horse battery", &login())
            .unwrap()
            .hash()
            .unwrap();
        let real = PasswordHash::new(&real).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.params, real.params);
        assert!(!verify("", DUMMY_HASH));
        assert!(!verify("password1234", DUMMY_HASH));
    }
}
