//! Running the real `gazette` binary against a temporary data directory.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    sync::Arc,
    time::Duration,
};

use gazette_store::Store;
use gazette_store_postgres::PgStore;
use gazette_store_sqlite::SqliteStore;
use gazette_testkit::Engine;

pub const BIN: &str = env!("CARGO_BIN_EXE_gazette");

/// The seed capture, read from ../shared at test time (never copied here),
/// if it is there (see `gazette_testkit::shared`).
pub fn seed_file() -> Option<PathBuf> {
    gazette_testkit::shared("seed/000_11f0587ccdb99305.txt")
}

/// This project's own capture in the seed's format, with every element:
/// the tests that must run on any clone use it.
pub fn own_capture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../gazette-ingest/tests/data/courier-capture.txt")
}

/// A newsroom in a temporary data directory, on SQLite or on a fresh
/// PostgreSQL database.
pub struct Newsroom {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
    pub engine: Engine,
    pub db: Option<gazette_store_postgres::testing::TestDb>,
}

impl Newsroom {
    /// A newsroom on `engine` (checked available by `engines!`).
    pub async fn on(engine: Engine) -> Self {
        let mut n = Self::new();
        n.engine = engine;
        if engine == Engine::Postgres {
            let db = gazette_testkit::fresh_postgres_database()
                .await
                .expect("a PostgreSQL test server");
            n.env.push(("GAZETTE_DATABASE_URL".into(), db.url()));
            n.db = Some(db);
        }
        n
    }

    /// The newsroom's store, opened as the binary opens it.
    pub async fn store(&self) -> Arc<dyn Store> {
        match &self.db {
            Some(db) => Arc::new(PgStore::connect(&db.url()).await.unwrap()),
            None => Arc::new(
                SqliteStore::open(&self.data_dir().join("gazette.db"), false)
                    .await
                    .unwrap(),
            ),
        }
    }

    pub fn new() -> Self {
        Newsroom {
            engine: Engine::Sqlite,
            db: None,
            dir: tempfile::tempdir().unwrap(),
            env: vec![
                (
                    "GAZETTE_NEWSROOM__TIME_ZONE".into(),
                    "America/New_York".into(),
                ),
                // Pages show each change at once.
                ("GAZETTE_PAGE_CACHE_MS".into(), "0".into()),
            ],
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--data-dir").arg(self.data_dir()).args(args);
        // Only this test's settings: nothing from the developer's shell.
        for (k, _) in std::env::vars() {
            if k.starts_with("GAZETTE_") {
                c.env_remove(k);
            }
        }
        c.env("GAZETTE_LOG", "warn");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("gazette runs")
    }

    /// Starts `gazette serve` on a free loopback port.
    pub fn serve(&self) -> Server {
        self.spawn(&["serve", "--listen", "127.0.0.1:0"])
    }

    /// Starts a serving command and waits for the address it prints.
    pub fn spawn(&self, args: &[&str]) -> Server {
        let mut child = self
            .command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gazette starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        let base = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                panic!(
                    "gazette exited before serving; it said:\n{}",
                    seen.join("\n")
                );
            };
            if let Some(i) = line.find("http://") {
                break line[i..].trim_end_matches('/').to_owned();
            }
            seen.push(line);
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, base }
    }
}

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub async fn get(&self, path: &str) -> (u16, String) {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .unwrap();
        let resp = client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
