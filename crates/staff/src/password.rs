//! Staff passwords: argon2id hashing of a [`NewPassword`] (the policy it meets is the
//! domain's, in `madoguchi_core::staff`), and verification that takes the same time whether
//! or not the login exists.
//!
//! Parameters are argon2's defaults, which are OWASP's recommendation for argon2id (19 MiB,
//! 2 passes, 1 lane); they travel inside each PHC string, so raising them later leaves old
//! hashes verifiable. Hashing costs tens of milliseconds of CPU and 19 MiB of memory by
//! design: the async helpers run it on the blocking pool so that it never stalls other
//! requests, and no more of them at once than the machine has cores (see [`Bounded`]), so
//! that a flood of sign-in attempts queues instead of taking the process's memory.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// A limit on argon2 runs at once, shared by every hash and verification of the process.
///
/// Each run holds 19 MiB while it works; unbounded, a few hundred concurrent sign-in
/// attempts would hold gigabytes. Waiting callers hold only a small future.
#[derive(Debug)]
pub struct Bounded {
    permits: tokio::sync::Semaphore,
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl Bounded {
    /// At most `limit` runs at once (at least one).
    pub fn new(limit: usize) -> Self {
        Self {
            permits: tokio::sync::Semaphore::new(limit.max(1)),
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Runs `work` on the blocking pool once a permit is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, tokio::task::JoinError> {
        // The semaphore is never closed, so acquiring only waits.
        let _permit = self.permits.acquire().await;
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let done = tokio::task::spawn_blocking(work).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        done
    }

    /// The most runs that were ever under way at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// The process's one limit: as many runs as cores, so hashing never queues behind itself
/// on an idle machine and never holds more than cores × 19 MiB.
static HASHING: LazyLock<Bounded> = LazyLock::new(|| {
    Bounded::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
});

/// [`hash`] on the blocking pool, within the process's limit.
pub async fn hash_off_thread(password: NewPassword) -> Result<String, HashError> {
    HASHING
        .run(move || hash(&password))
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

/// Verifies on the blocking pool, within the process's limit; `stored: None` does the
/// dummy work and answers false.
pub async fn verify_off_thread(password: String, stored: Option<String>) -> bool {
    HASHING
        .run(move || match stored {
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_runs_at_once_than_the_limit_however_many_ask() {
        let limit = std::sync::Arc::new(Bounded::new(2));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let limit = limit.clone();
                tokio::spawn(async move {
                    limit
                        .run(|| std::thread::sleep(std::time::Duration::from_millis(20)))
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(limit.peak(), 2, "16 callers, 2 at a time");
    }

    #[tokio::test]
    async fn verifying_through_the_limit_still_answers() {
        let password = NewPassword::parse("correct horse battery", &login()).unwrap();
        let stored = hash_off_thread(password).await.unwrap();
        assert!(verify_off_thread("correct horse battery".into(), Some(stored.clone())).await);
        assert!(!verify_off_thread("wrong horse battery".into(), Some(stored)).await);
        assert!(!verify_off_thread("correct horse battery".into(), None).await);
        assert!(HASHING.peak() >= 1);
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
