//! Fresh test databases: each is a copy of a migrated template (one per
//! set of migrations), made with `CREATE DATABASE … TEMPLATE`, and dropped
//! when the test is done. The server is `GAZETTE_TEST_POSTGRES_URL`, e.g.
//! `postgres://gazette@127.0.0.1:5433/postgres`; its user must be allowed
//! to create databases.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use rand::RngExt;
use sqlx::{
    AssertSqlSafe, Connection, Executor, PgConnection,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use gazette_store::{Store, testing::Fresh};

use crate::{MIGRATOR, PgStore};

/// The variable naming the test server.
pub const URL_VAR: &str = "GAZETTE_TEST_POSTGRES_URL";

/// A lock number for making the template, the same in every test process.
const TEMPLATE_LOCK: i64 = 0x6761_7a65_7474_6502;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The test server's URL, if one is configured.
pub fn server_url() -> Option<String> {
    std::env::var(URL_VAR).ok().filter(|u| !u.trim().is_empty())
}

/// Drops its database when dropped.
pub struct TestDb {
    admin: PgConnectOptions,
    name: String,
}

impl TestDb {
    /// Options to connect to this database.
    pub fn options(&self) -> PgConnectOptions {
        self.admin.clone().database(&self.name)
    }

    /// A URL of this database, for a `gazette` process under test: the
    /// server's URL with this database in place of its own.
    pub fn url(&self) -> String {
        let base = server_url().unwrap_or_default();
        let (head, query) = match base.split_once('?') {
            Some((h, q)) => (h, format!("?{q}")),
            None => (base.as_str(), String::new()),
        };
        let (scheme, rest) = head.split_once("://").unwrap_or(("postgres", head));
        let authority = rest.split('/').next().unwrap_or(rest);
        format!("{scheme}://{authority}/{}{query}", self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop runs outside async code; a short thread does the work.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut c) = PgConnection::connect_with(&admin).await {
                    let _ = c
                        .execute(AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await;
                    let _ = c.close().await;
                }
            });
        })
        .join();
    }
}

/// The template's name: a digest of the migrations, so that a change of
/// schema makes a new one.
fn template_name() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for m in MIGRATOR.iter() {
        for b in m.version.to_le_bytes().iter().chain(m.checksum.iter()) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    format!("gazette_test_tmpl_{h:016x}")
}

/// A new, migrated, empty database on the test server, or `None` when no
/// server is configured.
pub async fn fresh_database() -> Option<TestDb> {
    let url = server_url()?;
    let admin: PgConnectOptions = url
        .parse()
        .expect("GAZETTE_TEST_POSTGRES_URL is a valid URL");
    let template = template_name();
    let mut conn = PgConnection::connect_with(&admin)
        .await
        .expect("the PostgreSQL test server answers");
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut conn)
        .await
        .expect("the template lock");
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&template)
        .fetch_optional(&mut conn)
        .await
        .expect("pg_database");
    if exists.is_none() {
        conn.execute(AssertSqlSafe(format!("CREATE DATABASE {template}")))
            .await
            .expect("CREATE DATABASE for the template");
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(admin.clone().database(&template))
            .await
            .expect("the template database");
        MIGRATOR.run(&pool).await.expect("migrations");
        pool.close().await;
    }
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let r: u32 = rand::rng().random();
    let name = format!("gazette_test_{}_{n}_{r:08x}", std::process::id());
    let mut attempt = 0;
    loop {
        // Copying fails while another session is connected to the
        // template (another copy just starting); wait and try again.
        match conn
            .execute(AssertSqlSafe(format!(
                "CREATE DATABASE {name} TEMPLATE {template}"
            )))
            .await
        {
            Ok(_) => break,
            Err(e) if attempt < 50 => {
                attempt += 1;
                tracing::debug!(error = %e, "template busy");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("CREATE DATABASE {name}: {e}"),
        }
    }
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    Some(TestDb { admin, name })
}

/// A fresh store on the test server for the conformance suite, or `None`
/// (after saying why, or failing when PostgreSQL is required).
pub async fn fresh() -> Option<Fresh> {
    let Some(db) = fresh_database().await else {
        gazette_store::testing::skip_or_fail("postgres", &format!("{URL_VAR} is not set"));
        return None;
    };
    let store = PgStore::connect_with(db.options())
        .await
        .expect("a fresh PostgreSQL database");
    Some(Fresh {
        store: Arc::new(store) as Arc<dyn Store>,
        guard: Box::new(db),
    })
}
