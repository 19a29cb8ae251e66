//! One function per subcommand.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use gazette_core::{Core, Moderation};
use gazette_ingest::parse_text_page;

use crate::{
    app,
    config::{Config, Database, Overrides},
    demo,
};

/// A store error as one line for the terminal.
fn store_err(e: gazette_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!(e.detail())
}

pub async fn serve(over: &Overrides) -> anyhow::Result<ExitCode> {
    let config = Config::load(over)?;
    app::init_logging(&config);
    let store = app::open_store(&config, false).await?;
    let listener = app::bind(&config).await?;
    app::serve(&config, store, listener).await?;
    Ok(ExitCode::SUCCESS)
}

pub async fn migrate(over: &Overrides) -> anyhow::Result<ExitCode> {
    let config = Config::load(over)?;
    let store = app::open_store(&config, true).await?;
    store.close().await;
    println!("database {} is up to date", config.database()?.describe());
    Ok(ExitCode::SUCCESS)
}

pub fn show_config(config: &Config) -> anyhow::Result<String> {
    toml::to_string_pretty(&config.masked()).context("cannot print the configuration")
}

pub async fn demo(
    over: &Overrides,
    articles: u32,
    weeks: u32,
    seed: u64,
    serve: bool,
) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(over)?;
    app::init_logging(&config);
    // Bind before generating, so a taken port is reported at once.
    let listener = if serve {
        Some(app::bind(&config).await?)
    } else {
        None
    };
    let store = app::open_store(&config, true).await?;
    let empty = store
        .count_published(jiff::Timestamp::now())
        .await
        .map_err(store_err)?
        == 0;
    if empty {
        // A new demo newsroom gets the demo's settings (its name, its
        // time zone), unless the user has a configuration already.
        let file = Config::config_file_in(&config.data_dir);
        if !file.exists() && over.config_file.is_none() {
            app::prepare_data_dir(&config.data_dir)?;
            std::fs::write(&file, demo::CONFIG)
                .with_context(|| format!("cannot write {}", file.display()))?;
            config = Config::load(over)?;
        }
    }
    let core = app::core(&config, store.clone()).await?;
    if empty {
        eprintln!(
            "Generating a demo newsroom of {articles} articles in {} …",
            config.database()?.describe()
        );
        let started = std::time::Instant::now();
        let made = demo::generate(&core, articles, weeks, seed).await?;
        eprintln!(
            "Done in {:.1} s: {} articles, {} sections, {} contributors, {} sources, {} comments.",
            started.elapsed().as_secs_f64(),
            made.articles,
            made.sections,
            made.contributors,
            made.sources,
            made.comments
        );
    } else {
        eprintln!(
            "{} already holds a newsroom; serving it as it is.",
            config.database()?.describe()
        );
    }
    match listener {
        Some(l) => app::serve(&config, store, l).await?,
        None => store.close().await,
    }
    Ok(ExitCode::SUCCESS)
}

/// Imports each file on its own: a bad file is reported with its line and
/// stores nothing, and the others still go in.
pub async fn import_text(over: &Overrides, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let config = Config::load(over)?;
    app::init_logging(&config);
    let store = app::open_store(&config, true).await?;
    let core = app::core(&config, store.clone()).await?;
    let mut failed = 0;
    for file in files {
        match import_one(&core, file).await {
            Ok(line) => println!("{line}"),
            Err(e) => {
                failed += 1;
                eprintln!("gazette: error: {e:#}");
            }
        }
    }
    store.close().await;
    if failed > 0 {
        eprintln!(
            "gazette: {failed} of {} files were not imported; fix them and run the import again (files already imported are updated, never duplicated)",
            files.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn import_one(core: &Core, file: &std::path::Path) -> anyhow::Result<String> {
    let newsroom = &core.newsroom;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not UTF-8 text (invalid byte at offset {}); save the capture as UTF-8",
            file.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let known: Vec<String> = core
        .store
        .sections()
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|s| s.name)
        .collect();
    // file:line: message, the form editors and terminals link to.
    let located = |e: gazette_ingest::TextPageError| {
        anyhow::anyhow!(
            "{}:{}: expected {}, found {}",
            file.display(),
            e.line,
            e.expected,
            e.found
        )
    };
    let page = parse_text_page(&text, &known).map_err(located)?;
    // The file's full path is its identity: importing it again updates
    // its story, and a file of the same name in another folder is another
    // story.
    let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned());
    let key = format!("text:{}", path.display());
    let input = page
        .into_article(key, &newsroom.time_zone, &newsroom.language)
        .map_err(located)?;
    let saved = core
        .save_article(&input)
        .await
        .map_err(store_err)
        .with_context(|| format!("{}: cannot store the article", file.display()))?;
    Ok(format!(
        "{} {} -> /articles/{}",
        if saved.created {
            "imported"
        } else {
            "updated "
        },
        file.display(),
        saved.slug
    ))
}

pub async fn comments_pending(over: &Overrides, json: bool) -> anyhow::Result<ExitCode> {
    let config = Config::load(over)?;
    let store = app::open_store(&config, false).await?;
    let mut all = Vec::new();
    for n in 1.. {
        let page = store
            .comments_with_status(
                gazette_domain::CommentStatus::Pending,
                gazette_store::Page::new(n, 200),
            )
            .await
            .map_err(store_err)?;
        let done = page.len() < 200;
        all.extend(page);
        if done {
            break;
        }
    }
    store.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else if all.is_empty() {
        println!("No comments are waiting.");
    } else {
        for c in &all {
            println!(
                "#{} on article {} by {}{} at {}{}\n    {}",
                c.id,
                c.article,
                printable(&c.author_name),
                c.author_email
                    .as_deref()
                    .map(|e| format!(" <{}>", printable(e)))
                    .unwrap_or_default(),
                c.created_at,
                c.parent
                    .map(|p| format!(", replying to #{p}"))
                    .unwrap_or_default(),
                printable(&c.body_html)
            );
        }
        println!(
            "{} waiting. Publish with `gazette comments approve ID…`.",
            all.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn moderate(
    over: &Overrides,
    ids: &[i64],
    action: Moderation,
) -> anyhow::Result<ExitCode> {
    use gazette_domain::CommentId;
    let config = Config::load(over)?;
    let store = app::open_store(&config, false).await?;
    let core = app::core(&config, store.clone()).await?;
    let done = match action {
        Moderation::Approve => "approved",
        Moderation::Spam => "marked as spam",
        Moderation::Pending => "queued again",
        Moderation::Delete => "deleted",
    };
    let mut failed = 0;
    for &id in ids {
        match core.comments.moderate(&*store, CommentId(id), action).await {
            Ok(_) => println!("comment #{id} {done}"),
            Err(gazette_store::StoreError::NotFound) => {
                failed += 1;
                eprintln!(
                    "gazette: error: there is no comment #{id}; see `gazette comments pending`"
                );
            }
            Err(e) => return Err(store_err(e)).context(format!("cannot change comment #{id}")),
        }
    }
    store.close().await;
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

pub async fn top(over: &Overrides, week: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    use gazette_domain::IsoWeek;
    let config = Config::load(over)?;
    let store = app::open_store(&config, false).await?;
    let core = app::core(&config, store.clone()).await?;
    let week: IsoWeek = match week {
        Some(w) => w.parse().map_err(|e| anyhow::anyhow!("--week: {e}"))?,
        None => core.this_week().map_err(store_err)?,
    };
    let ranking = match core.ranking(week).await {
        Ok(r) => r,
        Err(gazette_core::RankingError::NoSuchWeek) => {
            store.close().await;
            anyhow::bail!(
                "{week} has no top stories: it is before the newsroom's first story or after this week"
            );
        }
        Err(gazette_core::RankingError::Store(e)) => return Err(store_err(e)),
    };
    store.close().await;
    if json {
        let stories: Vec<serde_json::Value> = ranking
            .stories
            .iter()
            .map(|t| {
                serde_json::json!({
                    "rank": t.rank,
                    "id": t.article.id,
                    "slug": t.article.slug,
                    "headline": t.article.headline,
                    "week_views": t.week_views,
                    "comments": t.article.counters.comments,
                })
            })
            .collect();
        let out = serde_json::json!({
            "week": ranking.week.to_string(),
            "frozen": ranking.frozen,
            "current": ranking.current,
            "formula": gazette_core::FORMULA,
            "stories": stories,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        let state_word = if ranking.frozen {
            "final"
        } else if ranking.current {
            "so far"
        } else {
            "not final yet"
        };
        println!("Top stories, {} ({state_word})", ranking.week);
        if ranking.stories.is_empty() {
            println!("  no stories were published in or shortly before this week");
        }
        for t in &ranking.stories {
            println!(
                "{:>3}. {:>7} views  {}",
                t.rank, t.week_views, t.article.headline
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `gazette store copy --from URL --to URL`.
pub async fn store_copy(over: &Overrides, from: &str, to: &str) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;

    use indicatif::{ProgressBar, ProgressStyle};

    let config = Config::load(over)?;
    let (from_db, to_db) = (
        Database::parse(from).context("--from")?,
        Database::parse(to).context("--to")?,
    );
    if from_db == to_db {
        anyhow::bail!("--from and --to name the same database");
    }
    let source = app::open_database(&from_db, &config.data_dir, false)
        .await
        .context("--from")?;
    let target = app::open_database(&to_db, &config.data_dir, true)
        .await
        .context("--to")?;
    eprintln!(
        "Copying {} ({}) into {} ({}) …",
        from_db.describe(),
        source.engine(),
        to_db.describe(),
        target.engine()
    );
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>22} [{bar:30}] {pos}/{len} rows  {per_sec}  eta {eta}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let mut current = None;
    let started = std::time::Instant::now();
    let copied = gazette_core::copy::copy_newsroom(&*source, &*target, |table, done, total| {
        if current != Some(table) {
            if let Some(prev) = current
                && !terminal
            {
                eprintln!("  {} copied", gazette_store::CopyTable::name(prev));
            }
            current = Some(table);
            bar.set_message(table.name());
            bar.set_length(total);
        }
        bar.set_position(done);
    })
    .await;
    bar.finish_and_clear();
    source.close().await;
    target.close().await;
    let reports = copied?;
    println!("{:<26} {:>10}  checksum", "table", "rows");
    for r in &reports {
        println!("{:<26} {:>10}  {}", r.table.name(), r.rows, r.checksum);
    }
    println!(
        "Copied and checked {} tables, {} rows, in {:.1} s: every table's rows and checksum match.",
        reports.len(),
        reports.iter().map(|r| r.rows).sum::<u64>(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Text from readers as a terminal can show it safely: control characters
/// (escape sequences that could rewrite the screen, bells, carriage
/// returns) are written as `\u{…}`.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// `gazette secret rotate`.
pub async fn rotate_secret(over: &Overrides) -> anyhow::Result<ExitCode> {
    let config = Config::load(over)?;
    let store = app::open_store(&config, false).await?;
    gazette_core::Core::rotate_site_secret(&*store)
        .await
        .map_err(store_err)?;
    store.close().await;
    println!(
        "A new site secret is in place. Restart every node: until then they sign with the old one. Open comment forms must be reloaded and staff sign in again."
    );
    Ok(ExitCode::SUCCESS)
}

/// The SQLite database of the configuration, or why there is none.
fn sqlite_path(config: &Config, what: &str) -> anyhow::Result<std::path::PathBuf> {
    match config.database()? {
        Database::Sqlite(path) => Ok(path),
        Database::Postgres(_) => anyhow::bail!(
            "{what} works on SQLite; for PostgreSQL use pg_dump and pg_restore (docs/DEPLOY.md)"
        ),
    }
}

/// `gazette backup FILE`: `VACUUM INTO`, a consistent copy while the site
/// serves, checked once written.
pub async fn backup(over: &Overrides, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    use gazette_store::ArticleStore;
    let config = Config::load(over)?;
    let path = sqlite_path(&config, "backup")?;
    if file.exists() {
        anyhow::bail!(
            "{} exists; a backup never overwrites a file",
            file.display()
        );
    }
    if !path.is_file() {
        anyhow::bail!("no newsroom database at {}", path.display());
    }
    let store = gazette_store_sqlite::SqliteStore::open(&path, false)
        .await
        .map_err(store_err)?;
    store
        .backup_to(file)
        .await
        .map_err(store_err)
        .with_context(|| format!("cannot write {}", file.display()))?;
    store.close().await;
    let copy = gazette_store_sqlite::SqliteStore::open(file, false)
        .await
        .map_err(store_err)?;
    let check = copy.integrity_check().await.map_err(store_err)?;
    let stories = copy
        .count_published(jiff::Timestamp::now())
        .await
        .map_err(store_err)?;
    copy.close().await;
    if check != "ok" {
        anyhow::bail!("the backup {} is damaged: {check}", file.display());
    }
    println!(
        "Backed up {} to {} ({stories} published stories, integrity ok).",
        path.display(),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `gazette restore FILE`: checks the backup, keeps the current database
/// beside it, and puts the backup in its place.
pub async fn restore(over: &Overrides, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    use gazette_store::ArticleStore;
    let config = Config::load(over)?;
    let path = sqlite_path(&config, "restore")?;
    if !file.is_file() {
        anyhow::bail!("{} is not a file", file.display());
    }
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::path::Path::new(&wal).exists() {
        anyhow::bail!(
            "{} is open (its -wal file is there): stop the server, then restore",
            path.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        app::prepare_data_dir(dir)?;
    }
    // Work on a copy, so that the backup itself stays as it was.
    let staged = path.with_extension("db.restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(file, &staged)
        .with_context(|| format!("cannot copy {} to {}", file.display(), staged.display()))?;
    let candidate = gazette_store_sqlite::SqliteStore::open(&staged, false)
        .await
        .map_err(store_err)
        .with_context(|| format!("{} is not a Gazette database", file.display()))?;
    let check = candidate.integrity_check().await.map_err(store_err)?;
    let stories = candidate
        .count_published(jiff::Timestamp::now())
        .await
        .map_err(store_err)?;
    candidate.close().await;
    if check != "ok" {
        let _ = std::fs::remove_file(&staged);
        anyhow::bail!(
            "{} is damaged: {check}; nothing was changed",
            file.display()
        );
    }
    if path.exists() {
        let kept = path.with_extension(format!(
            "db.before-restore-{}",
            jiff::Timestamp::now().as_second()
        ));
        std::fs::rename(&path, &kept)
            .with_context(|| format!("cannot move {} aside", path.display()))?;
        println!("The database it replaces is kept as {}.", kept.display());
    }
    std::fs::rename(&staged, &path)
        .with_context(|| format!("cannot put the backup at {}", path.display()))?;
    println!(
        "Restored {} to {} ({stories} published stories, integrity ok).",
        file.display(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Progress of a WXR import: a bar with items, rate and ETA on a terminal,
/// a log line every few seconds otherwise.
struct WxrBar {
    bar: indicatif::ProgressBar,
    terminal: bool,
    total_bytes: u64,
    items: u64,
    last_line: std::time::Instant,
    started: std::time::Instant,
}

impl gazette_core::wxr::WxrProgress for WxrBar {
    fn learned(&mut self, items: u64) {
        if self.terminal {
            self.bar.set_length(items);
        } else {
            eprintln!("gazette: the export holds {items} items; importing");
        }
    }

    fn stored(&mut self, bytes: u64, items: u64) {
        self.items += items;
        self.bar.inc(items);
        if !self.terminal && self.last_line.elapsed().as_secs() >= 5 {
            self.last_line = std::time::Instant::now();
            let rate = self.items as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            eprintln!(
                "gazette: {} items stored ({:.0}/s), {:.0}% of the file read",
                self.items,
                rate,
                100.0 * bytes as f64 / self.total_bytes.max(1) as f64
            );
        }
    }
}

/// `gazette import wxr FILE`.
pub async fn import_wxr(
    over: &Overrides,
    file: &std::path::Path,
    strict: bool,
    batch: usize,
    uploads: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;

    if let Some(dir) = uploads
        && !dir.is_dir()
    {
        anyhow::bail!(
            "--uploads {}: not a folder; give a copy of the old site's wp-content/uploads",
            dir.display()
        );
    }

    let config = Config::load(over)?;
    app::init_logging(&config);
    let total_bytes = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let store = app::open_store(&config, true).await?;
    let core = app::core(&config, store.clone()).await?;
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "importing [{bar:30}] {pos}/{len} items  {per_sec}  eta {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let mut progress = WxrBar {
        bar,
        terminal,
        total_bytes,
        items: 0,
        last_line: std::time::Instant::now(),
        started: std::time::Instant::now(),
    };
    let path = file.to_owned();
    let options = gazette_core::wxr::WxrOptions {
        strict,
        batch: batch.clamp(1, 10_000),
        uploads: uploads.map(|from| gazette_core::wxr::Uploads {
            from: from.to_owned(),
            media_dir: config.media_dir(),
        }),
    };
    let started = std::time::Instant::now();
    let result = gazette_core::wxr::import_wxr(
        &core,
        move || std::fs::File::open(&path),
        &options,
        &mut progress,
    )
    .await;
    progress.bar.finish_and_clear();
    store.close().await;
    let name = file.display();
    let s = match result {
        Ok(s) => s,
        Err(gazette_core::wxr::WxrImportError::File(e)) => {
            eprintln!(
                "gazette: error: {name}:{}:{}: {}",
                e.line, e.column, e.message
            );
            eprintln!(
                "gazette: nothing of the batch with the problem was stored; fix the file (or leave out --strict to skip such items) and run the import again: what is stored already is updated, never duplicated"
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(gazette_core::wxr::WxrImportError::Store(e)) => {
            anyhow::bail!("{name}: {}; run the import again to finish it", e.detail())
        }
        Err(e) => anyhow::bail!("{name}: {e}"),
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Imported {name} ({}, WXR {}) in {secs:.1} s:",
        s.site, s.wxr_version
    );
    for (label, n) in [
        ("articles", s.articles),
        ("  published", s.published),
        ("  scheduled", s.scheduled),
        ("  drafts (draft, pending, private)", s.drafts),
        ("  of them pages", s.pages),
        ("posting accounts", s.posting_accounts),
        ("contributors", s.contributors),
        ("sections", s.sections),
        ("tags", s.tags),
        ("comments", s.comments),
        ("attachments", s.attachments),
        (
            "  not brought in (kept at their old address)",
            s.attachments_not_brought_in,
        ),
        ("redirects", s.redirects),
        ("skipped", s.skipped.len() as u64),
    ] {
        println!("  {label:<46} {n:>8}");
    }
    for why in &s.skipped {
        println!("  skipped: {why}");
    }
    if let Some(e) = &s.stopped {
        eprintln!(
            "gazette: {name}:{}:{}: {} — the items before it were imported; repair or export the file again and re-run",
            e.line, e.column, e.message
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `gazette redirects`: every old address and where it leads.
pub async fn redirects(over: &Overrides, json: bool) -> anyhow::Result<ExitCode> {
    use gazette_store::Resolved;

    let config = Config::load(over)?;
    let store = app::open_store(&config, false).await?;
    let mut n = 0u64;
    for page in 1.. {
        let rows = store
            .redirects(gazette_store::Page::new(page, 200))
            .await
            .map_err(store_err)?;
        for (from, to) in &rows {
            let to = match to {
                Resolved::Article(_, slug) => gazette_web::urls::article(slug),
                Resolved::Place(p) => p.to_string(),
            };
            if json {
                println!("{}", serde_json::json!({ "from": from, "to": to }));
            } else {
                println!("{}  ->  {to}", printable(from));
            }
            n += 1;
        }
        if rows.len() < 200 {
            break;
        }
    }
    store.close().await;
    if !json {
        eprintln!("{n} redirects");
    }
    Ok(ExitCode::SUCCESS)
}

/// `gazette export wxr FILE`.
pub async fn export_wxr(over: &Overrides, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(over)?;
    let store = app::open_store(&config, false).await?;
    let newsroom = config.newsroom()?;
    // Written beside, then renamed: a failed export leaves no half file.
    let part = file.with_extension("xml.part");
    let f =
        std::fs::File::create(&part).with_context(|| format!("cannot write {}", part.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let started = std::time::Instant::now();
    let result = gazette_core::wxr_export::export_wxr(&*store, &newsroom, &mut w).await;
    store.close().await;
    let s = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            anyhow::bail!("{}: {e}", file.display());
        }
    };
    drop(w);
    std::fs::rename(&part, file).with_context(|| format!("cannot write {}", file.display()))?;
    println!(
        "Wrote {} in {:.1} s: {} stories, {} comments, {} sections, {} tags, {} posting accounts (WXR 1.2).",
        file.display(),
        started.elapsed().as_secs_f64(),
        s.articles,
        s.comments,
        s.sections,
        s.tags,
        s.authors
    );
    Ok(ExitCode::SUCCESS)
}

/// `gazette reindex`: empties this node's search index and fills it from
/// the database, with a progress bar on a terminal.
pub async fn reindex(over: &Overrides) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;

    let config = Config::load(over)?;
    let store = app::open_store(&config, false).await?;
    let total = store
        .copy_count(gazette_store::CopyTable::Articles)
        .await
        .map_err(store_err)?;
    let core = app::core(&config, store.clone()).await?;
    let index = app::open_search(&config)?;
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(total)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing [{bar:40}] {pos}/{len} articles, {per_sec}, {eta} left",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let progress = {
        let bar = bar.clone();
        move |n: u64| bar.set_position(n)
    };
    let read = gazette_core::search::rebuild(&core, &index, &progress)
        .await
        .context("could not rebuild the search index")?;
    bar.finish_and_clear();
    store.close().await;
    println!(
        "Indexed {} of {read} articles in {:.1} s ({}): the rest are drafts, pages or unpublished.",
        index.len(),
        started.elapsed().as_secs_f64(),
        index.path().display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A password from standard input: its first line, without the line end.
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal, Read};
    if std::io::stdin().is_terminal() {
        eprint!("Password (at least 10 characters; it shows as you type): ");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .take(4096)
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        anyhow::bail!(
            "no password given: write it on standard input, e.g. `printf '%s\\n' \"$PASSWORD\" | gazette user add ...`"
        );
    }
    Ok(password)
}

pub async fn user_add(
    over: &Overrides,
    email: &str,
    role: &str,
    name: &str,
) -> anyhow::Result<ExitCode> {
    let role: gazette_domain::Role = role.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let config = Config::load(over)?;
    let password = read_password()?;
    let store = app::open_store(&config, true).await?;
    let core = app::core(&config, store.clone()).await?;
    let added = core.add_user(None, email, name, role, &password).await;
    store.close().await;
    let user = added.map_err(|e| anyhow::anyhow!("cannot add the account: {e}"))?;
    println!(
        "account {} ({}) added as {}; sign in at /admin/sign-in",
        user.email, user.name, user.role
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn user_reset(over: &Overrides, email: &str) -> anyhow::Result<ExitCode> {
    let config = Config::load(over)?;
    let password = read_password()?;
    let store = app::open_store(&config, false).await?;
    let core = app::core(&config, store.clone()).await?;
    let reset = core.reset_password(email, &password).await;
    store.close().await;
    let user = match reset {
        Err(gazette_core::accounts::AccountError::Store(gazette_store::StoreError::NotFound)) => {
            anyhow::bail!("there is no account {email}; see `gazette user list`")
        }
        r => r.map_err(|e| anyhow::anyhow!("cannot reset the password: {e}"))?,
    };
    println!(
        "new password set for {}; their sessions have ended",
        user.email
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn user_list(over: &Overrides) -> anyhow::Result<ExitCode> {
    let config = Config::load(over)?;
    let store = app::open_store(&config, false).await?;
    let users = store.users().await.map_err(store_err);
    store.close().await;
    let users = users?;
    if users.is_empty() {
        println!("No accounts yet: `gazette user add EMAIL --role admin` makes the first.");
    }
    for u in users {
        println!("{}\t{}\t{}", u.email, u.role, printable(&u.name));
    }
    Ok(ExitCode::SUCCESS)
}
