//! `gazette store copy`: a newsroom moves between engines whole, checked
//! table by table, and serves the same pages afterwards.

use gazette_testkit::Engine;

use crate::util::{Newsroom, stderr, stdout};

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

/// The parts of a page that do not change between renders (no form or hit
/// tokens, no "today").
fn stable(html: &str) -> String {
    let start = html.find("<main").expect("a main element");
    let end = html.find("</main>").expect("a main element");
    html[start..end]
        .lines()
        .filter(|l| {
            !l.contains("t=") && !l.contains("name=\"ts\"") && !l.contains("name=\"token\"")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_copy_is_checked_and_never_overwrites() {
    let n = Newsroom::new();
    assert!(
        n.run(&["demo", "--no-serve", "--articles", "120"])
            .status
            .success()
    );
    let source = sqlite_url(&n.data_dir().join("gazette.db"));
    let target = sqlite_url(&n.data_dir().join("copy/gazette.db"));
    let out = n.run(&["store", "copy", "--from", &source, "--to", &target]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains("every table's rows and checksum match"),
        "{report}"
    );
    let articles = report
        .lines()
        .find(|l| l.starts_with("articles "))
        .expect("a line for articles");
    assert!(articles.contains(" 120 "), "{articles}");

    let again = n.run(&["store", "copy", "--from", &source, "--to", &target]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already holds a newsroom"),
        "{}",
        stderr(&again)
    );
    let bad = n.run(&["store", "copy", "--from", "mysql://x/y", "--to", &target]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("sqlite://"), "{}", stderr(&bad));
    let missing = n.run(&[
        "store",
        "copy",
        "--from",
        &sqlite_url(&n.data_dir().join("nope.db")),
        "--to",
        &sqlite_url(&n.data_dir().join("other.db")),
    ]);
    assert!(!missing.status.success());
    assert!(
        !n.data_dir().join("nope.db").exists(),
        "never created by accident"
    );
}

#[tokio::test]
async fn sqlite_to_postgres_and_back_serves_the_same_newsroom() {
    if !gazette_testkit::available(Engine::Postgres) {
        return;
    }
    let n = Newsroom::new();
    assert!(
        n.run(&["demo", "--no-serve", "--articles", "150"])
            .status
            .success()
    );
    let pg = gazette_testkit::fresh_postgres_database().await.unwrap();
    let source = sqlite_url(&n.data_dir().join("gazette.db"));
    let out = n.run(&["store", "copy", "--from", &source, "--to", &pg.url()]);
    assert!(out.status.success(), "{}", stderr(&out));

    // The same pages from both engines.
    let on_sqlite = n.serve();
    let mut on_pg_env = Newsroom::new();
    std::fs::copy(
        n.data_dir().join("gazette.toml"),
        on_pg_env.data_dir().join("gazette.toml"),
    )
    .unwrap();
    on_pg_env
        .env
        .push(("GAZETTE_DATABASE_URL".into(), pg.url()));
    let on_pg = on_pg_env.serve();
    let (_, home) = on_sqlite.get("/").await;
    let (_, home_pg) = on_pg.get("/").await;
    assert_eq!(stable(&home), stable(&home_pg));
    let first = home
        .split("href=\"/articles/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let path = format!("/articles/{first}");
    let (a, b) = (on_sqlite.get(&path).await, on_pg.get(&path).await);
    assert_eq!((a.0, b.0), (200, 200));
    assert_eq!(stable(&a.1), stable(&b.1));
    drop(on_pg);

    // And back into a new SQLite file.
    let back = sqlite_url(&n.data_dir().join("back/gazette.db"));
    let out = n.run(&["store", "copy", "--from", &pg.url(), "--to", &back]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("every table's rows and checksum match"));
}
