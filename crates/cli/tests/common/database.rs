//! A database for one test on either backend, and the binary run against it as an operator
//! would: `madoguchi --database-url URL …`. SQLite is a file in a fresh folder; PostgreSQL a
//! fresh database on the server `MADOGUCHI_TEST_DATABASE_URL` names, skipped with the reason
//! when it is unset, unless `MADOGUCHI_REQUIRE_POSTGRES` is set (as CI does): then that is a
//! failure. Both are removed when the test ends.

use std::future::Future;
use std::io::Write;
use std::process::{Command, Stdio};

use madoguchi_core::import::own;
use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::testing::{
    REQUIRE_POSTGRES_VAR, TEST_DATABASE_URL_VAR, TestDatabase, retitled,
};
use madoguchi_store::{Login, Store};

use super::server::Server;

/// The password of every account a test adds.
pub const PASSWORD: &str = "試験用の長い合言葉-2026-robust";

/// Settings the binary would otherwise take from the test's environment: a test passes
/// what it means explicitly.
const NOT_INHERITED: [&str; 8] = [
    "MADOGUCHI_DATABASE_URL",
    "MADOGUCHI_DATA_DIR",
    "MADOGUCHI_ADDR",
    "MADOGUCHI_DIAGNOSE_LIMIT",
    "MADOGUCHI_TRUSTED_PROXIES",
    "MADOGUCHI_METRICS_TOKEN",
    "MADOGUCHI_PASSWORD",
    "MADOGUCHI_LOG",
];

/// A migrated database, a store on it for the test's own reading and arranging, and the
/// runtime that store runs on (the tests themselves are plain threads).
#[derive(Debug)]
pub struct Database {
    store: Store,
    test: TestDatabase,
    runtime: tokio::runtime::Runtime,
    /// The `--data-dir` of every command (where `serve` keeps its search index).
    data_dir: tempfile::TempDir,
}

impl Drop for Database {
    fn drop(&mut self) {
        self.runtime.block_on(self.store.close());
    }
}

impl Database {
    pub fn sqlite() -> Self {
        Self::migrated(|| async { TestDatabase::sqlite() })
    }

    /// A fresh PostgreSQL database, or `None` (with the reason on stderr) when no server is
    /// named and none is required.
    pub fn postgres() -> Option<Self> {
        let url = std::env::var(TEST_DATABASE_URL_VAR).unwrap_or_default();
        let url = url.trim().to_owned();
        if url.is_empty() {
            assert!(
                std::env::var_os(REQUIRE_POSTGRES_VAR).is_none(),
                "{REQUIRE_POSTGRES_VAR} is set but {TEST_DATABASE_URL_VAR} is not: CI must test PostgreSQL"
            );
            // Straight to stderr: the harness captures `eprintln!` of a passing test.
            let _ = writeln!(
                std::io::stderr(),
                "skipping the PostgreSQL half: {TEST_DATABASE_URL_VAR} is not set \
                 (e.g. postgres://postgres@127.0.0.1:5432/test)"
            );
            return None;
        }
        Some(Self::migrated(|| async move {
            TestDatabase::postgres(&url).await
        }))
    }

    fn migrated<F, Fut>(make: F) -> Self
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<TestDatabase, madoguchi_store::StoreError>>,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let test = runtime.block_on(make()).unwrap();
        let store = runtime.block_on(test.migrated_store()).unwrap();
        Self {
            store,
            test,
            runtime,
            data_dir: tempfile::tempdir().unwrap(),
        }
    }

    /// `"sqlite"` or `"postgresql"`.
    pub fn backend(&self) -> &'static str {
        self.test.backend_name()
    }

    pub fn url(&self) -> &str {
        self.test.url()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The `--data-dir` every command is given.
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// Runs SQL on a connection of its own, outside the store.
    pub fn execute_sql(&self, sql: &str) {
        self.block_on(self.test.execute_sql(sql)).unwrap();
    }

    /// Runs a store call (or any future) to its end.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// `madoguchi --database-url URL --data-dir DIR ARGS…`, with nothing inherited from the test's own
    /// `MADOGUCHI_*` settings but where to find the reading dictionary.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_madoguchi"));
        command
            .arg("--database-url")
            .arg(self.url())
            .arg("--data-dir")
            .arg(self.data_dir.path())
            .args(args);
        for name in NOT_INHERITED {
            command.env_remove(name);
        }
        command
    }

    /// Runs a command that must succeed; returns what it printed.
    pub fn run(&self, args: &[&str]) -> String {
        let output = self.command(args).stdin(Stdio::null()).output().unwrap();
        assert!(
            output.status.success(),
            "madoguchi {args:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Imports `programs` with `madoguchi import programs`, as an operator would.
    pub fn import_programs(&self, programs: &[Program]) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("programs.json");
        std::fs::write(&file, own::to_json(programs)).unwrap();
        self.run(&["import", "programs", file.to_str().unwrap()]);
    }

    /// Adds a console account with [`PASSWORD`] through `madoguchi user add`, as an
    /// operator would; `role` is `admin`, `staff` or `viewer`.
    pub fn add_account(&self, login: &str, role: &str) {
        let mut add = self.command(&[
            "user",
            "add",
            "--login",
            login,
            "--name",
            "試験職員",
            "--role",
            role,
        ]);
        let output = add
            .env("MADOGUCHI_PASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "madoguchi user add failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The id of the account `login`.
    pub fn account_id(&self, login: &str) -> String {
        let login = Login::parse(login).unwrap();
        let account = self.block_on(self.store.account_by_login(&login)).unwrap();
        account.unwrap_or_else(|| panic!("no account {login}")).id
    }

    /// Saves a draft of program `id` with another title, as `author` (an account id) would
    /// in the editor, over the draft it has if any; returns the draft's revision.
    pub fn save_retitled_draft(&self, id: &ProgramId, title: &str, author: &str) -> u32 {
        let current = self.block_on(self.store.program(id)).unwrap().unwrap();
        let draft = self.block_on(self.store.draft(id)).unwrap();
        let revision = draft.map_or(0, |d| d.revision);
        let edited = retitled(&current, title);
        let saved = self
            .store
            .save_draft(&edited, current.version, revision, author);
        self.block_on(saved).unwrap().revision
    }

    /// Starts `madoguchi serve` on this database on a free loopback port, with `options`.
    /// Its log (warnings and worse) goes to the test's stderr.
    pub fn serve(&self, options: &[&str]) -> Server {
        let mut serve = self.command(&["serve", "--addr", "127.0.0.1:0"]);
        serve.args(options).env("MADOGUCHI_LOG", "warn");
        Server::spawn(serve)
    }
}
